package com.thortrading.trades;

import com.thortrading.accounts.AccessPolicy.Action;
import com.thortrading.accounts.EngineOutcome;
import com.thortrading.accounts.OrderEngineClient;
import com.thortrading.accounts.OrderRequest;
import com.thortrading.accounts.OrderStatus;
import com.thortrading.accounts.Principal;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.math.BigDecimal;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;

/**
 * The REST face of trading (the design's Trades app): parses and validates requests, asks the order engine
 * through its {@link OrderEngineClient}, and maps its answers to HTTP. It never touches Redis or PostgreSQL itself.
 */
public final class TradesApi {

  /** Order bodies are a few hundred bytes; anything far larger is a mistake or an attack. */
  public static final int MAX_BODY_BYTES = 16 * 1024;
  private static final int MAX_LIST = 1000;

  private final OrderEngineClient engine;
  private final BigDecimal defaultStartingCash;
  private final ApiGuard guard;
  /** How much sooner than the client's answer the engine must commit: room for the reply to travel back. */
  private static final long DEADLINE_MARGIN_MS = 1_000;
  private final Clock clock;

  /** The client's wait for the engine is {@code engine}'s timeout; past it the client is told the outcome is unknown. */
  public TradesApi(OrderEngineClient engine, BigDecimal defaultStartingCash, ApiGuard guard, Clock clock) {
    this.engine = engine;
    this.clock = clock;
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
    router.get("/api/trades/orders/:id").handler(ctx -> {
      long id = positiveId(ctx, "id");
      guard.require(ctx, Action.LIST_ORDERS, Optional.empty());
      answer(ctx, engine.order(id, guard.orderScope(ctx)));
    });
    router.patch("/api/trades/orders/:id").handler(guard.orderRate()).handler(this::replaceOrder);
    router.delete("/api/trades/orders/:id").handler(guard.orderRate()).handler(ctx -> {
      long id = positiveId(ctx, "id");
      guard.require(ctx, Action.TRADE, Optional.empty());
      answer(ctx, engine.cancel(id, guard.orderScope(ctx), deadline()), UnaryOperator.identity(), orderChange(id));
    });
    router.post("/api/accounts").handler(this::createAccount);
    router.get("/api/accounts/:id").handler(ctx -> answer(ctx, engine.account(account(ctx, Action.READ_ACCOUNT))));
    router.get("/api/accounts/:id/positions").handler(ctx -> answer(ctx,
        engine.account(account(ctx, Action.READ_ACCOUNT)), reply -> reply.containsKey("account")
            ? new JsonObject().put("positions", reply.getJsonObject("account").getJsonArray("positions"))
            : reply, Optional.empty()));
    router.post("/api/accounts/:id/tokens").handler(ctx -> {
      String account = account(ctx, Action.MANAGE_TOKENS);
      answer(ctx, engine.createToken(account, RequestParser.tokenLabel(ctx.body().asString())));
    });
    router.get("/api/accounts/:id/tokens").handler(ctx -> answer(ctx,
        engine.tokens(account(ctx, Action.MANAGE_TOKENS))));
    router.delete("/api/accounts/:id/tokens/:token_id").handler(ctx -> {
      long tokenId = positiveId(ctx, "token_id");
      answer(ctx, engine.revokeToken(account(ctx, Action.MANAGE_TOKENS), tokenId), reply -> {
        guard.forget(tokenId);
        return null;
      }, Optional.empty());
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
    answer(ctx, engine.place(order, deadline()), UnaryOperator.identity(), Optional.of(
        new Change("look it up with GET /api/trades/orders?client_order_id=" + clientOrderId
            + " (placing it again with the same client_order_id is safe: it is never placed twice)",
            Optional.of(clientOrderId))));
  }

  private void replaceOrder(RoutingContext ctx) {
    RequestParser.Replacement r = RequestParser.replacement(ctx.body().asString());
    long id = positiveId(ctx, "id");
    guard.require(ctx, Action.TRADE, Optional.empty());
    answer(ctx, engine.replace(id, guard.orderScope(ctx), r.quantity(), r.limitPrice(), r.stopPrice(), deadline()),
        UnaryOperator.identity(), orderChange(id));
  }

  /** When the engine must have committed a change by: a little before the client is told the outcome is unknown. */
  private java.time.Instant deadline() {
    return clock.instant().plus(engine.timeout()).minusMillis(DEADLINE_MARGIN_MS);
  }

  private static Optional<Change> orderChange(long id) {
    return Optional.of(new Change("GET /api/trades/orders/" + id + " shows the order as it is", Optional.empty()));
  }

  private void createAccount(RoutingContext ctx) {
    guard.require(ctx, Action.CREATE_ACCOUNT, Optional.empty());
    RequestParser.NewAccount account = RequestParser.account(ctx.body().asString());
    answer(ctx, engine.createAccount(account.id(), account.cash().orElse(defaultStartingCash), account.marginEnabled(),
            account.allowShort(), deadline()),
        UnaryOperator.identity(), Optional.of(new Change("GET /api/accounts/" + account.id()
            + " shows whether it exists (its first token is then lost: make another with POST /api/accounts/"
            + account.id() + "/tokens)", Optional.empty())));
  }

  /** The account the path names, once the caller is allowed {@code action} on it. */
  private String account(RoutingContext ctx, Action action) {
    String id = RequestParser.accountId("id", ctx.pathParam("id"));
    guard.require(ctx, action, Optional.of(id));
    return id;
  }

  /** An account's order events after {@code since_seq}, oldest first: what a client missed while away. */
  private void events(RoutingContext ctx) {
    String named = ctx.queryParams().get("account");
    Optional<String> account = named == null || named.isBlank() ? Optional.empty()
        : Optional.of(RequestParser.accountId("account", named));
    guard.require(ctx, Action.LIST_ORDERS, account);
    String since = ctx.queryParams().get("since_seq");
    String limit = ctx.queryParams().get("limit");
    answer(ctx, engine.events(account.orElseGet(() -> guard.actingAccount(ctx)),
        since == null || since.isBlank() ? 0L : RequestParser.boundedLong("since_seq", since, 0, Long.MAX_VALUE),
        limit == null || limit.isBlank() ? MAX_LIST : RequestParser.boundedInt("limit", limit, 1, MAX_LIST)));
  }

  private void listOrders(RoutingContext ctx) {
    String account = ctx.queryParams().get("account");
    Optional<String> named = account == null || account.isBlank() ? Optional.empty()
        : Optional.of(RequestParser.accountId("account", account));
    Principal caller = guard.require(ctx, Action.LIST_ORDERS, named);
    // The operator sees every account unless it names one; any other token sees its own.
    Optional<String> scope = named.or(() -> caller.admin() ? Optional.empty() : Optional.of(guard.actingAccount(ctx)));
    String status = ctx.queryParams().get("status");
    Optional<OrderStatus> wanted = Optional.empty();
    if (status != null && !status.isBlank()) {
      try {
        wanted = Optional.of(OrderStatus.valueOf(status.strip().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException("status", "must be one of " + List.of(OrderStatus.values()) + " (got "
            + ClientText.quoted(status) + ")");
      }
    }
    String clientOrderId = ctx.queryParams().get("client_order_id");
    String symbol = ctx.queryParams().get("symbol");
    answer(ctx, engine.orders(scope, wanted,
        symbol == null || symbol.isBlank() ? Optional.empty() : Optional.of(RequestParser.symbol(symbol)),
        clientOrderId == null || clientOrderId.isEmpty() ? Optional.empty()
            : Optional.of(RequestParser.clientOrderId(clientOrderId)),
        limit(ctx.queryParams().get("limit"))));
  }

  private static int limit(String text) {
    return text == null || text.isBlank() ? 100 : RequestParser.boundedInt("limit", text, 1, MAX_LIST);
  }

  private static long positiveId(RoutingContext ctx, String param) {
    return RequestParser.positiveId(param, ctx.pathParam(param));
  }

  private void answer(RoutingContext ctx, Future<OrderEngineClient.Answer> call) {
    answer(ctx, call, UnaryOperator.identity(), Optional.empty());
  }

  /**
   * Answers the client truthfully with what the engine said.
   *
   * @param change for a request that writes: how the client can find out what happened when the service cannot
   *     know (the engine did not answer in time, or PostgreSQL went away mid-transaction): then the answer is 504
   *     {@code OUTCOME_UNKNOWN} with that hint, never "nothing was written". The engine was given a deadline a
   *     little before ours, and rolls back rather than commit for a caller that has gone.
   */
  private void answer(RoutingContext ctx, Future<OrderEngineClient.Answer> call, UnaryOperator<JsonObject> shape,
      Optional<Change> change) {
    call.onSuccess(answer -> {
      EngineOutcome outcome = answer.outcome();
      JsonObject body = answer.body();
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
      if (failure instanceof OrderEngineClient.NotRunning) {
        // Nobody took the request, so nothing can have been written.
        ctx.fail(503, new IllegalStateException("The order engine is not running; nothing was written, try again "
            + "shortly"));
      } else if (failure instanceof OrderEngineClient.NoAnswer && change.isPresent()) {
        unknown(ctx, change, failure.getMessage());
      } else if (failure instanceof OrderEngineClient.NoAnswer) {
        ctx.fail(503, new IllegalStateException(failure.getMessage() + "; try again shortly"));
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
