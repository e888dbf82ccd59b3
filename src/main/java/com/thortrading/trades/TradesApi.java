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
  private final DeliveryOptions requestOptions = new DeliveryOptions().setSendTimeout(10_000);

  public TradesApi(Vertx vertx, BigDecimal defaultStartingCash, ApiGuard guard) {
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
    OrderRequest order = RequestParser.order(ctx.body().asString(), guard.actingAccount(ctx));
    guard.require(ctx, Action.TRADE, Optional.of(order.account()));
    ask(ctx, AccountAddresses.PLACE_ORDER, AccountsJson.request(order));
  }

  private void replaceOrder(RoutingContext ctx) {
    JsonObject request = new JsonObject();
    RequestParser.Replacement r = RequestParser.replacement(ctx.body().asString());
    r.quantity().ifPresent(q -> request.put("quantity", q));
    r.limitPrice().ifPresent(p -> request.put("limit_price", p.toPlainString()));
    r.stopPrice().ifPresent(p -> request.put("stop_price", p.toPlainString()));
    byId(ctx, Action.TRADE, AccountAddresses.REPLACE_ORDER, request);
  }

  /** A request about one order: only within the caller's scope, so another account's order reads as absent. */
  private void byId(RoutingContext ctx, Action action, String address, JsonObject request) {
    long id = positiveId(ctx, "id");
    guard.require(ctx, action, Optional.empty());
    guard.orderScope(ctx).ifPresent(scope -> request.put("scope", scope));
    ask(ctx, address, request.put("id", id));
  }

  private void createAccount(RoutingContext ctx) {
    guard.require(ctx, Action.CREATE_ACCOUNT, Optional.empty());
    RequestParser.NewAccount account = RequestParser.account(ctx.body().asString());
    ask(ctx, AccountAddresses.CREATE_ACCOUNT, new JsonObject().put("id", account.id())
        .put("cash", account.cash().orElse(defaultStartingCash).toPlainString())
        .put("margin_enabled", account.marginEnabled()).put("allow_short", account.allowShort()));
  }

  private JsonObject account(RoutingContext ctx, Action action) {
    String id = RequestParser.accountId("id", ctx.pathParam("id"));
    guard.require(ctx, action, Optional.of(id));
    return new JsonObject().put("id", id);
  }

  private JsonObject tokensRequest(RoutingContext ctx) {
    return new JsonObject().put("account", account(ctx, Action.MANAGE_TOKENS).getString("id"));
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
            + RequestParser.shown(status) + ")");
      }
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
    vertx.eventBus().<JsonObject>request(address, request, requestOptions).onSuccess(reply -> {
      JsonObject body = reply.body().copy();
      EngineOutcome outcome = EngineOutcome.valueOf((String) body.remove("outcome"));
      JsonObject shaped = outcome == EngineOutcome.OK || outcome == EngineOutcome.ACCEPTED ? shape.apply(body) : body;
      if (shaped == null) {
        ctx.response().setStatusCode(204).end();
        return;
      }
      ctx.response().setStatusCode(status(outcome)).putHeader("content-type", "application/json")
          .end(shaped.encode());
    }).onFailure(failure -> {
      boolean engineAway = failure instanceof ReplyException r
          && (r.failureType() == ReplyFailure.TIMEOUT || r.failureType() == ReplyFailure.NO_HANDLERS);
      if (engineAway) {
        ctx.response().setStatusCode(503).putHeader("content-type", "application/json")
            .end(new JsonObject().put("error", new JsonObject().put("code", "SERVICE_UNAVAILABLE")
                .put("message", "The order engine is not answering; nothing was written, try again shortly")).encode());
      } else {
        ctx.fail(500, failure);
      }
    });
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
