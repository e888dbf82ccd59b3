package com.thortrading.accounts;

import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The order engine as the packages facing clients call it: one typed method per request, over the event bus (the
 * engine may run on another node). The request messages are written here and read in {@link OrderEngineVerticle}
 * and {@link AccountTokensVerticle}, all in this package; callers never see an address or a message shape.
 *
 * <p>A request that changes something carries the instant the caller stops waiting: the engine commits before it
 * or rolls back. A failed future is {@link NotRunning} (nobody took the request: nothing was written),
 * {@link NoAnswer} (no answer in time: a change may or may not have happened), or anything else (a fault).
 */
public final class OrderEngineClient {

  /** The engine's answer: what happened, and the body a client is shown. */
  public record Answer(EngineOutcome outcome, JsonObject body) {
  }

  /** No engine took the request: nothing can have been written. */
  public static final class NotRunning extends RuntimeException {
    NotRunning() {
      super("The order engine is not running", null, false, false);
    }
  }

  /** The engine did not answer in time. */
  public static final class NoAnswer extends RuntimeException {
    NoAnswer(Duration timeout) {
      super("The order engine did not answer within " + timeout.toMillis() + " ms", null, false, false);
    }
  }

  private final EventBus bus;
  private final Duration timeout;

  /** @param timeout how long a caller waits for an answer */
  public OrderEngineClient(EventBus bus, Duration timeout) {
    this.bus = bus;
    this.timeout = timeout;
  }

  public Duration timeout() {
    return timeout;
  }

  public Future<Answer> place(OrderRequest order, Instant deadline) {
    return ask(AccountAddresses.PLACE_ORDER, withDeadline(AccountsJson.request(order), deadline));
  }

  /** @param scope the only account whose orders the caller may reach (empty: any, the operator) */
  public Future<Answer> cancel(long orderId, Optional<String> scope, Instant deadline) {
    return ask(AccountAddresses.CANCEL_ORDER, withDeadline(byId(orderId, scope), deadline));
  }

  public Future<Answer> replace(long orderId, Optional<String> scope, Optional<Long> quantity,
      Optional<BigDecimal> limitPrice, Optional<BigDecimal> stopPrice, Instant deadline) {
    JsonObject request = byId(orderId, scope);
    quantity.ifPresent(q -> request.put("quantity", q));
    limitPrice.ifPresent(p -> request.put("limit_price", p.toPlainString()));
    stopPrice.ifPresent(p -> request.put("stop_price", p.toPlainString()));
    return ask(AccountAddresses.REPLACE_ORDER, withDeadline(request, deadline));
  }

  public Future<Answer> order(long orderId, Optional<String> scope) {
    return ask(AccountAddresses.GET_ORDER, byId(orderId, scope));
  }

  /** Orders, newest first; each filter only when given (no account: every account, the operator's view). */
  public Future<Answer> orders(Optional<String> account, Optional<OrderStatus> status, Optional<String> symbol,
      Optional<String> clientOrderId, int limit) {
    JsonObject query = new JsonObject().put("limit", limit);
    account.ifPresent(a -> query.put("account", a));
    status.ifPresent(s -> query.put("status", s.name()));
    symbol.ifPresent(s -> query.put("symbol", s));
    clientOrderId.ifPresent(c -> query.put("client_order_id", c));
    return ask(AccountAddresses.LIST_ORDERS, query);
  }

  /** The account's order events after {@code sinceSeq}, oldest first, at most {@code limit}. */
  public Future<Answer> events(String account, long sinceSeq, int limit) {
    return ask(AccountAddresses.LIST_EVENTS, new JsonObject().put("account", account).put("since_seq", sinceSeq)
        .put("limit", limit));
  }

  public Future<Answer> account(String id) {
    return ask(AccountAddresses.GET_ACCOUNT, new JsonObject().put("id", id));
  }

  public Future<Answer> createAccount(String id, BigDecimal cash, boolean marginEnabled, boolean allowShort,
      Instant deadline) {
    return ask(AccountAddresses.CREATE_ACCOUNT, withDeadline(new JsonObject().put("id", id)
        .put("cash", cash.toPlainString()).put("margin_enabled", marginEnabled).put("allow_short", allowShort),
        deadline));
  }

  public Future<Answer> createToken(String account, String label) {
    return ask(AccountAddresses.CREATE_TOKEN, new JsonObject().put("account", account).put("label", label));
  }

  public Future<Answer> tokens(String account) {
    return ask(AccountAddresses.LIST_TOKENS, new JsonObject().put("account", account));
  }

  public Future<Answer> revokeToken(String account, long tokenId) {
    return ask(AccountAddresses.REVOKE_TOKEN, new JsonObject().put("account", account).put("token_id", tokenId));
  }

  private static JsonObject byId(long orderId, Optional<String> scope) {
    JsonObject request = new JsonObject().put("id", orderId);
    scope.ifPresent(s -> request.put("scope", s));
    return request;
  }

  private static JsonObject withDeadline(JsonObject request, Instant deadline) {
    return request.put("deadline_ms", deadline.toEpochMilli());
  }

  private Future<Answer> ask(String address, JsonObject request) {
    return bus.<JsonObject>request(address, request, new DeliveryOptions().setSendTimeout(timeout.toMillis()))
        .<Answer>map(reply -> {
          JsonObject body = EngineReply.topLevelCopy(reply.body());
          return new Answer(EngineOutcome.valueOf((String) body.remove("outcome")), body);
        })
        .recover(failure -> {
          ReplyFailure why = failure instanceof ReplyException r ? r.failureType() : null;
          if (why == ReplyFailure.NO_HANDLERS) {
            return Future.failedFuture(new NotRunning());
          }
          if (why == ReplyFailure.TIMEOUT) {
            return Future.failedFuture(new NoAnswer(timeout));
          }
          return Future.failedFuture(failure);
        });
  }
}
