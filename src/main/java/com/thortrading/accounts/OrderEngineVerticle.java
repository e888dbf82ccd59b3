package com.thortrading.accounts;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts the {@link OrderEngine} on the event bus ({@link AccountAddresses}) and publishes every committed order
 * change on {@code orders.events.<account>}.
 *
 * <p>Every request gets a reply: the engine's outcome, {@code UNAVAILABLE} when PostgreSQL or Redis cannot be
 * reached, or a failure with no internals in it when something unexpected broke (logged here in full).
 */
public final class OrderEngineVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(OrderEngineVerticle.class);

  /** SQLSTATE classes that mean "the server is not there right now", not "the request is wrong". */
  private static final Set<String> UNAVAILABLE_SQLSTATE_CLASSES = Set.of("08", "53", "57");

  private final OrderEngine engine;

  public OrderEngineVerticle(OrderEngine engine) {
    this.engine = engine;
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    return Future.all(java.util.List.of(
        bus.<JsonObject>consumer(AccountAddresses.PLACE_ORDER, m -> handle(m,
            body -> engine.place(AccountsJson.request(body)))).completion(),
        bus.<JsonObject>consumer(AccountAddresses.CANCEL_ORDER, m -> handle(m,
            body -> engine.cancel(body.getLong("id")))).completion(),
        bus.<JsonObject>consumer(AccountAddresses.REPLACE_ORDER, m -> handle(m,
            body -> engine.replace(body.getLong("id"), Optional.ofNullable(body.getLong("quantity")),
                Optional.ofNullable(body.getString("limit_price")).map(BigDecimal::new),
                Optional.ofNullable(body.getString("stop_price")).map(BigDecimal::new)))).completion(),
        bus.<JsonObject>consumer(AccountAddresses.GET_ORDER, m -> handle(m,
            body -> engine.order(body.getLong("id")))).completion(),
        bus.<JsonObject>consumer(AccountAddresses.LIST_ORDERS, m -> handle(m,
            body -> engine.orders(Optional.ofNullable(body.getString("account")),
                Optional.ofNullable(body.getString("status")).map(OrderStatus::valueOf),
                Optional.ofNullable(body.getString("symbol")), body.getInteger("limit", 100)))).completion(),
        bus.<JsonObject>consumer(AccountAddresses.GET_ACCOUNT, m -> handle(m,
            body -> engine.account(body.getString("id")))).completion(),
        bus.<JsonObject>consumer(AccountAddresses.CREATE_ACCOUNT, m -> handle(m,
            body -> engine.createAccount(body.getString("id"), new BigDecimal(body.getString("cash")),
                body.getBoolean("margin_enabled", false), body.getBoolean("allow_short", false)))).completion()));
  }

  private void handle(Message<JsonObject> message, Function<JsonObject, Future<EngineReply>> action) {
    Future<EngineReply> reply;
    try {
      reply = action.apply(message.body());
    } catch (RuntimeException badMessage) {
      reply = Future.failedFuture(badMessage);
    }
    reply.onSuccess(r -> {
      message.reply(r.toMessage());
      r.orderEvents().forEach(order -> OrderEvents.publish(vertx.eventBus(), order));
    }).onFailure(failure -> {
      Optional<String> down = unavailable(failure);
      if (down.isPresent()) {
        LOG.warn("{} on {}: {}", down.get(), message.address(), failure.getMessage());
        message.reply(EngineReply.error(EngineOutcome.UNAVAILABLE, "SERVICE_UNAVAILABLE",
            down.get() + "; nothing was written, try again shortly").toMessage());
      } else {
        LOG.error("Request on {} failed: {}", message.address(), message.body(), failure);
        message.fail(500, "internal error");
      }
    });
  }

  /** A sentence naming the server that is down, when that is why the request failed. */
  static Optional<String> unavailable(Throwable failure) {
    if (failure instanceof ServiceUnavailableException s) {
      return Optional.of(s.service() + " cannot be reached");
    }
    if (failure instanceof PgException pg) {
      String state = pg.getSqlState();
      return state != null && state.length() >= 2 && UNAVAILABLE_SQLSTATE_CLASSES.contains(state.substring(0, 2))
          ? Optional.of("PostgreSQL cannot be reached") : Optional.empty();
    }
    String where = failure.getClass().getPackageName();
    if (where.equals("java.lang") || where.equals("java.util")) {
      return Optional.empty(); // a bug of ours, not an outage
    }
    // Anything else from the pool is about getting or keeping a connection: refused, closed, timed out.
    return Optional.of("PostgreSQL cannot be reached");
  }
}
