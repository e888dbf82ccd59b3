package com.thortrading.trades;

import com.thortrading.accounts.AccessPolicy.Action;
import com.thortrading.accounts.AccountAddresses;
import com.thortrading.accounts.AccountsJson;
import com.thortrading.accounts.EngineOutcome;
import com.thortrading.accounts.OrderRequest;
import com.thortrading.accounts.OrderStatus;
import com.thortrading.accounts.Principal;
import com.thortrading.livedata.QuoteSymbols;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The REST face of trading (the design's Trades app): parses and validates requests, asks the order engine
 * over the event bus, and maps its answers to HTTP. It never touches Redis or PostgreSQL itself.
 */
public final class TradesApi {

  /** Order bodies are a few hundred bytes; anything far larger is a mistake or an attack. */
  public static final int MAX_BODY_BYTES = 16 * 1024;
  private static final int MAX_LIST = 1000;

  private final Vertx vertx;
  private final BigDecimal defaultStartingCash;
  private final ApiGuard guard;
  /** How much sooner than the client's answer the engine must commit: room for the reply to travel back. */
  private static final long DEADLINE_MARGIN_MS = 1_000;
  private final Duration engineTimeout;
  private final Clock clock;

  /** @param engineTimeout how long a client waits for the engine before it is told the outcome is unknown */
  public TradesApi(Vertx vertx, BigDecimal defaultStartingCash, ApiGuard guard, Duration engineTimeout, Clock clock) {
    this.engineTimeout = engineTimeout;
    this.clock = clock;
    this.vertx = vertx;
    this.defaultStartingCash = defaultStartingCash;
    this.guard = guard;
  }

  /**
   * The one body handler of the API: first on {@code /api/*}, because checking a token is asynchronous and the
   * body must be read as it arrives.
   */
  public static BodyHandler bodyHandler() {
    return BodyHandler.create(false).setBodyLimit(MAX_BODY_BYTES);
  }

  /** Mounts the routes; they must sit behind {@link #bodyHandler()} and {@link ApiGuard#authenticate()}. */
  public void mount(Router router) {
    router.get("/api/whoami").handler(this::whoami);
    router.post("/api/trades/orders/active").handler(guard.orderRate()).handler(this::placeOrder);
    router.get("/api/trades/orders").handler(this::listOrders);
    router.get("/api/trades/events").handler(this::events);
    router.get("/api/trades/orders/:id").handler(ctx -> byId(ctx, Action.LIST_ORDERS, AccountAddresses.GET_ORDER,
        new JsonObject()));
    router.patch("/api/trades/orders/:id").handler(guard.orderRate()).handler(this::replaceOrder);
    router.delete("/api/trades/orders/:id").handler(guard.orderRate())
        .handler(ctx -> byId(ctx, Action.TRADE, AccountAddresses.CANCEL_ORDER, new JsonObject()));
    router.post("/api/accounts").handler(this::createAccount);
    router.get("/api/accounts/:id").handler(ctx -> ask(ctx, AccountAddresses.GET_ACCOUNT,
        account(ctx, Action.READ_ACCOUNT)));
    router.get("/api/accounts/:id/positions").handler(ctx -> ask(ctx, AccountAddresses.GET_ACCOUNT,
        account(ctx, Action.READ_ACCOUNT), reply -> reply.containsKey("account")
            ? new JsonObject().put("positions", reply.getJsonObject("account").getJsonArray("positions"))
            : reply));
    router.post("/api/accounts/:id/tokens").handler(ctx -> {
      JsonObject request = tokensRequest(ctx);
      ask(ctx, AccountAddresses.CREATE_TOKEN, request.put("label", RequestParser.tokenLabel(ctx.body().asString())));
    });
    router.get("/api/accounts/:id/tokens").handler(ctx -> ask(ctx, AccountAddresses.LIST_TOKENS, tokensRequest(ctx)));
    router.delete("/api/accounts/:id/tokens/:token_id").handler(ctx -> {
      long tokenId = positiveId(ctx, "token_id");
      ask(ctx, AccountAddresses.REVOKE_TOKEN, tokensRequest(ctx).put("token_id", tokenId), reply -> {
        guard.forget(tokenId);
        return null;
      });
    });
  }

  /** Who the token is: the page asks it once to show the account it acts for. */
  private void whoami(RoutingContext ctx) {
    Principal p = ApiGuard.principal(ctx);
    JsonObject body = new JsonObject().put("role", p.role().name().toLowerCase(Locale.ROOT))
        .put("token_id", String.valueOf(p.tokenId()));
    if (p.role() != Principal.Role.METRICS) {
      body.put("account", guard.actingAccount(ctx));
    }
    ctx.response().putHeader("content-type", "application/json").end(body.encode());
  }

  private void placeOrder(RoutingContext ctx) {
    OrderRequest parsed = RequestParser.order(ctx.body().asString(), guard.actingAccount(ctx));
    guard.require(ctx, Action.TRADE, Optional.of(parsed.account()));
    // Every order has a client_order_id, so whatever happens the client can look it up.
    String clientOrderId = parsed.clientOrderId().orElseGet(() -> "auto-" + UUID.randomUUID().toString().replace("-", ""));
    OrderRequest order = new OrderRequest(parsed.account(), parsed.symbol(), parsed.side(), parsed.quantity(),
        parsed.type(), parsed.limitPrice(), parsed.stopPrice(), parsed.tif(), Optional.of(clientOrderId));
    ask(ctx, AccountAddresses.PLACE_ORDER, AccountsJson.request(order), UnaryOperator.identity(), Optional.of(
        new Change("look it up with GET /api/trades/orders?client_order_id=" + clientOrderId
            + " (placing it again with the same client_order_id is safe: it is never placed twice)",
            Optional.of(clientOrderId))));
  }

  private void replaceOrder(RoutingContext ctx) {
    JsonObject request = new JsonObject();
    RequestParser.Replacement r = RequestParser.replacement(ctx.body().asString());
    r.quantity().ifPresent(q -> request.put("quantity", q));
    r.limitPrice().ifPresent(p -> request.put("limit_price", p.toPlainString()));
    r.stopPrice().ifPresent(p -> request.put("stop_price", p.toPlainString()));
    byId(ctx, Action.TRADE, AccountAddresses.REPLACE_ORDER, request);
  }

  private static Optional<Change> orderChange(long id) {
    return Optional.of(new Change("GET /api/trades/orders/" + id + " shows the order as it is", Optional.empty()));
  }

  /** A request about one order: only within the caller's scope, so another account's order reads as absent. */
  private void byId(RoutingContext ctx, Action action, String address, JsonObject request) {
    long id = positiveId(ctx, "id");
    guard.require(ctx, action, Optional.empty());
    guard.orderScope(ctx).ifPresent(scope -> request.put("scope", scope));
    ask(ctx, address, request.put("id", id), UnaryOperator.identity(),
        action == Action.TRADE ? orderChange(id) : Optional.empty());
  }

  private void createAccount(RoutingContext ctx) {
    guard.require(ctx, Action.CREATE_ACCOUNT, Optional.empty());
    RequestParser.NewAccount account = RequestParser.account(ctx.body().asString());
    ask(ctx, AccountAddresses.CREATE_ACCOUNT, new JsonObject().put("id", account.id())
        .put("cash", account.cash().orElse(defaultStartingCash).toPlainString())
        .put("margin_enabled", account.marginEnabled()).put("allow_short", account.allowShort()),
        UnaryOperator.identity(), Optional.of(new Change("GET /api/accounts/" + account.id()
            + " shows whether it exists (its first token is then lost: make another with POST /api/accounts/"
            + account.id() + "/tokens)", Optional.empty())));
  }

  private JsonObject account(RoutingContext ctx, Action action) {
    String id = RequestParser.accountId("id", ctx.pathParam("id"));
    guard.require(ctx, action, Optional.of(id));
    return new JsonObject().put("id", id);
  }

  private JsonObject tokensRequest(RoutingContext ctx) {
    return new JsonObject().put("account", account(ctx, Action.MANAGE_TOKENS).getString("id"));
  }

  /** An account's order events after {@code since_seq}, oldest first: what a client missed while away. */
  private void events(RoutingContext ctx) {
    String named = ctx.queryParams().get("account");
    Optional<String> account = named == null || named.isBlank() ? Optional.empty()
        : Optional.of(RequestParser.accountId("account", named));
    guard.require(ctx, Action.LIST_ORDERS, account);
    String since = ctx.queryParams().get("since_seq");
    String limit = ctx.queryParams().get("limit");
    ask(ctx, AccountAddresses.LIST_EVENTS, new JsonObject()
        .put("account", account.orElseGet(() -> guard.actingAccount(ctx)))
        .put("since_seq", since == null || since.isBlank() ? 0L
            : RequestParser.boundedLong("since_seq", since, 0, Long.MAX_VALUE))
        .put("limit", limit == null || limit.isBlank() ? MAX_LIST : RequestParser.boundedInt("limit", limit, 1, MAX_LIST)));
  }

  private void listOrders(RoutingContext ctx) {
    JsonObject query = new JsonObject();
    String account = ctx.queryParams().get("account");
    Optional<String> named = account == null || account.isBlank() ? Optional.empty()
        : Optional.of(RequestParser.accountId("account", account));
    Principal caller = guard.require(ctx, Action.LIST_ORDERS, named);
    // The operator sees every account unless it names one; any other token sees its own.
    named.or(() -> caller.admin() ? Optional.empty() : Optional.of(guard.actingAccount(ctx)))
        .ifPresent(a -> query.put("account", a));
    String status = ctx.queryParams().get("status");
    if (status != null && !status.isBlank()) {
      try {
        query.put("status", OrderStatus.valueOf(status.strip().toUpperCase(Locale.ROOT)).name());
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException("status", "must be one of " + List.of(OrderStatus.values()) + " (got "
            + ClientText.quoted(status) + ")");
      }
    }
    String clientOrderId = ctx.queryParams().get("client_order_id");
    if (clientOrderId != null && !clientOrderId.isEmpty()) {
      query.put("client_order_id", RequestParser.clientOrderId(clientOrderId));
    }
    String symbol = ctx.queryParams().get("symbol");
    if (symbol != null && !symbol.isBlank()) {
      query.put("symbol", RequestParser.symbol(symbol));
    }
    query.put("limit", limit(ctx.queryParams().get("limit")));
    ask(ctx, AccountAddresses.LIST_ORDERS, query);
  }

  private static int limit(String text) {
    return text == null || text.isBlank() ? 100 : RequestParser.boundedInt("limit", text, 1, MAX_LIST);
  }


  private static long positiveId(RoutingContext ctx, String param) {
    return RequestParser.positiveId(param, ctx.pathParam(param));
  }


  private void ask(RoutingContext ctx, String address, JsonObject request) {
    ask(ctx, address, request, UnaryOperator.identity());
  }

  private void ask(RoutingContext ctx, String address, JsonObject request, UnaryOperator<JsonObject> shape) {
    ask(ctx, address, request, shape, Optional.empty());
  }

  /**
   * Asks the engine and answers the client truthfully.
   *
   * @param change for a request that writes: how the client can find out what happened when the service cannot
   *     know (the engine did not answer in time, or PostgreSQL went away mid-transaction): then the answer is 504
   *     {@code OUTCOME_UNKNOWN} with that hint, never "nothing was written". The engine is given a deadline a
   *     little before ours, and rolls back rather than commit for a caller that has gone.
   */
  private void ask(RoutingContext ctx, String address, JsonObject request, UnaryOperator<JsonObject> shape,
      Optional<Change> change) {
    change.ifPresent(c -> request.put("deadline_ms", clock.millis() + engineTimeout.toMillis() - DEADLINE_MARGIN_MS));
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(engineTimeout.toMillis());
    vertx.eventBus().<JsonObject>request(address, request, options).onSuccess(reply -> {
      JsonObject body = reply.body().copy();
      EngineOutcome outcome = EngineOutcome.valueOf((String) body.remove("outcome"));
      if (outcome == EngineOutcome.UNKNOWN) {
        unknown(ctx, change, body.getJsonObject("error").getString("message"));
        return;
      }
      JsonObject shaped = outcome == EngineOutcome.OK || outcome == EngineOutcome.ACCEPTED ? shape.apply(body) : body;
      if (shaped == null) {
        ctx.response().setStatusCode(204).end();
        return;
      }
      change.flatMap(Change::clientOrderId).ifPresent(id -> shaped.put("client_order_id", id));
      ctx.response().setStatusCode(status(outcome)).putHeader("content-type", "application/json")
          .end(shaped.encode());
    }).onFailure(failure -> {
      ReplyFailure why = failure instanceof ReplyException r ? r.failureType() : null;
      if (why == ReplyFailure.NO_HANDLERS) {
        // Nobody took the request, so nothing can have been written.
        ctx.fail(503, new IllegalStateException("The order engine is not running; nothing was written, try again "
            + "shortly"));
      } else if (why == ReplyFailure.TIMEOUT && change.isPresent()) {
        unknown(ctx, change, "The order engine did not answer within " + engineTimeout.toMillis() + " ms");
      } else if (why == ReplyFailure.TIMEOUT) {
        ctx.fail(503, new IllegalStateException("The order engine did not answer within " + engineTimeout.toMillis()
            + " ms; try again shortly"));
      } else {
        ctx.fail(500, failure);
      }
    });
  }

  /** How to find out what became of a change whose outcome is unknown. */
  private record Change(String lookup, Optional<String> clientOrderId) {
  }

  private static void unknown(RoutingContext ctx, Optional<Change> change, String what) {
    JsonObject body = new JsonObject().put("error", new JsonObject().put("code", "OUTCOME_UNKNOWN")
        .put("message", what + "; it may or may not have happened" + change.map(c -> ": " + c.lookup()).orElse("")));
    change.flatMap(Change::clientOrderId).ifPresent(id -> body.put("client_order_id", id));
    ctx.response().setStatusCode(504).putHeader("content-type", "application/json").end(body.encode());
  }

  static int status(EngineOutcome outcome) {
    return switch (outcome) {
      case ACCEPTED -> 201;
      case DUPLICATE, OK -> 200;
      case REJECTED -> 422;
      case CONFLICT -> 409;
      case NOT_FOUND -> 404;
      case INVALID -> 400;
      case UNAVAILABLE -> 503;
      case UNKNOWN -> 504;
    };
  }

  /** The body of a 400: the first problem as the error, and every problem with its field. */
  public static JsonObject invalid(InvalidRequestException e) {
    JsonArray fields = new JsonArray();
    e.errors().forEach(f -> fields.add(new JsonObject().put("field", f.field()).put("message", f.message())));
    FieldError first = e.errors().get(0);
    return new JsonObject().put("error", new JsonObject().put("code", "INVALID_REQUEST").put("message", first.message())
        .put("field", first.field()).put("errors", fields));
  }
}
