package com.thortrading.accounts;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Puts the {@link OrderEngine} on the event bus ({@link AccountAddresses}) and publishes every committed order
 * change on {@code orders.events.<account>}.
 *
 * <p>Requests that reach orders by id carry {@code scope}, the one account the caller may reach (absent: the
 * operator, any account).
 */
public final class OrderEngineVerticle extends VerticleBase {

  private final OrderEngine engine;
  private final OrderEventsOutbox outbox;

  public OrderEngineVerticle(OrderEngine engine, OrderEventsOutbox outbox) {
    this.engine = engine;
    this.outbox = outbox;
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    return Future.all(List.of(
        bus.<JsonObject>consumer(AccountAddresses.PLACE_ORDER, m -> change(m,
            body -> engine.place(AccountsJson.request(body), deadline(body)))).completion(),
        bus.<JsonObject>consumer(AccountAddresses.CANCEL_ORDER, m -> change(m,
            body -> engine.cancel(body.getLong("id"), scope(body), deadline(body)))).completion(),
        bus.<JsonObject>consumer(AccountAddresses.REPLACE_ORDER, m -> change(m,
            body -> engine.replace(body.getLong("id"), scope(body), Optional.ofNullable(body.getLong("quantity")),
                Optional.ofNullable(body.getString("limit_price")).map(BigDecimal::new),
                Optional.ofNullable(body.getString("stop_price")).map(BigDecimal::new), deadline(body)))).completion(),
        bus.<JsonObject>consumer(AccountAddresses.GET_ORDER, m -> handle(m,
            body -> engine.order(body.getLong("id"), scope(body)))).completion(),
        bus.<JsonObject>consumer(AccountAddresses.LIST_ORDERS, m -> handle(m,
            body -> engine.orders(Optional.ofNullable(body.getString("account")),
                Optional.ofNullable(body.getString("status")).map(OrderStatus::valueOf),
                Optional.ofNullable(body.getString("symbol")), Optional.ofNullable(body.getString("client_order_id")),
                body.getInteger("limit", 100)))).completion(),
        bus.<JsonObject>consumer(AccountAddresses.LIST_EVENTS, m -> handle(m,
            body -> engine.events(body.getString("account"), body.getLong("since_seq", 0L),
                body.getInteger("limit", 1000)))).completion(),
        bus.<JsonObject>consumer(AccountAddresses.GET_ACCOUNT, m -> handle(m,
            body -> engine.account(body.getString("id")))).completion(),
        bus.<JsonObject>consumer(AccountAddresses.CREATE_ACCOUNT, m -> change(m,
            body -> engine.createAccount(body.getString("id"), new BigDecimal(body.getString("cash")),
                body.getBoolean("margin_enabled", false), body.getBoolean("allow_short", false)))).completion()));
  }

  /** When the caller stops waiting ({@code deadline_ms}, epoch milliseconds): the change must commit before it. */
  private static Optional<java.time.Instant> deadline(JsonObject body) {
    return Optional.ofNullable(body.getLong("deadline_ms")).map(java.time.Instant::ofEpochMilli);
  }

  private void change(Message<JsonObject> message, Function<JsonObject, Future<EngineReply>> action) {
    EngineRequests.handle(vertx.eventBus(), message, true, action, events -> outbox.publish(vertx.eventBus(), events));
  }

  private static Optional<String> scope(JsonObject body) {
    return Optional.ofNullable(body.getString("scope"));
  }

  private void handle(Message<JsonObject> message, Function<JsonObject, Future<EngineReply>> action) {
    EngineRequests.handle(vertx.eventBus(), message, action);
  }
}
