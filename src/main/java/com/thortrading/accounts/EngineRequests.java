package com.thortrading.accounts;

import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one request of the accounts package on the event bus: the outcome, {@code UNAVAILABLE} when
 * PostgreSQL or Redis cannot be reached, or a failure with no internals in it when something unexpected broke
 * (logged here in full). Order changes are published only after the reply's transaction committed.
 */
final class EngineRequests {

  private static final Logger LOG = LoggerFactory.getLogger(EngineRequests.class);

  /** SQLSTATE classes that mean "the server is not there right now", not "the request is wrong". */
  private static final Set<String> UNAVAILABLE_SQLSTATE_CLASSES = Set.of("08", "53", "57");

  private EngineRequests() {
  }

  /** A read: whatever failed, nothing was written. */
  static void handle(EventBus bus, Message<JsonObject> message, Function<JsonObject, Future<EngineReply>> action) {
    handle(bus, message, false, action, events -> { });
  }

  /**
   * @param changes whether the request writes: then a failure after its transaction began may have committed, and
   *     the reply says the outcome is unknown rather than claim nothing was written
   */
  static void handle(EventBus bus, Message<JsonObject> message, boolean changes,
      Function<JsonObject, Future<EngineReply>> action, java.util.function.Consumer<java.util.List<JsonObject>> committed) {
    Future<EngineReply> reply;
    try {
      reply = action.apply(message.body());
    } catch (RuntimeException badMessage) {
      reply = Future.failedFuture(badMessage);
    }
    reply.onSuccess(r -> {
      message.reply(r.toMessage());
      committed.accept(r.orderEvents());
    }).onFailure(failure -> {
      Optional<String> down = unavailable(failure);
      if (failure instanceof DeadlinePassedException) {
        LOG.warn("Rolled back on {}: {}", message.address(), failure.getMessage());
        message.reply(EngineReply.error(EngineOutcome.UNAVAILABLE, "SERVICE_UNAVAILABLE",
            "The request took too long and was rolled back; nothing was written, try again").toMessage());
      } else if (down.isPresent() && changes && !nothingWritten(failure)) {
        LOG.warn("{} on {} mid-change, outcome unknown: {}", down.get(), message.address(), failure.getMessage());
        message.reply(EngineReply.error(EngineOutcome.UNKNOWN, "OUTCOME_UNKNOWN",
            down.get() + " while the change was being made; it may or may not have happened").toMessage());
      } else if (down.isPresent()) {
        LOG.warn("{} on {}: {}", down.get(), message.address(), failure.getMessage());
        message.reply(EngineReply.error(EngineOutcome.UNAVAILABLE, "SERVICE_UNAVAILABLE",
            down.get() + "; nothing was written, try again shortly").toMessage());
      } else {
        Throwable cause = failure instanceof NotCommittedException && failure.getCause() != null ? failure.getCause()
            : failure;
        LOG.error("Request on {} failed: {}", message.address(), message.body(), cause);
        message.fail(500, "internal error");
      }
    });
  }

  /**
   * Whether the failure is known to have come before anything could commit: Redis (read before the transaction
   * opens) or no connection to PostgreSQL at all. A connection lost mid-transaction, COMMIT included, is not.
   */
  static boolean nothingWritten(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ServiceUnavailableException || t instanceof java.net.ConnectException
          || t instanceof DeadlinePassedException || t instanceof NotCommittedException) {
        return true;
      }
      String message = String.valueOf(t.getMessage());
      if (message.contains("Connection refused") || message.contains("Timeout while waiting for a connection")
          || message.contains("connection wait queue")) {
        return true;
      }
    }
    return false;
  }

  /** A sentence naming the server that is down, when that is why the request failed. */
  static Optional<String> unavailable(Throwable failure) {
    if (failure instanceof NotCommittedException && failure.getCause() != null) {
      return unavailable(failure.getCause());
    }
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
