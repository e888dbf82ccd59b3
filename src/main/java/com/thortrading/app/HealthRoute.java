package com.thortrading.app;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /health}: 200 when every server the node needs answers within its time, else 503 naming which do not.
 * Open to anyone, so it says one word per check (UP, DOWN, or a state such as the quote source's STUCK) and nothing
 * else; why is in the log. A check that hangs (a frozen database) counts as DOWN when its time is up, never as a
 * server error.
 */
final class HealthRoute implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(HealthRoute.class);

  private final Vertx vertx;
  private final long timeoutMs;
  private static final String UP = "UP";
  private final Map<String, Supplier<Future<String>>> checks = new LinkedHashMap<>();
  private final Map<String, Supplier<JsonObject>> details = new LinkedHashMap<>();

  HealthRoute(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  /** A server probe: UP when it answers in time, DOWN when it fails or does not. */
  HealthRoute check(String id, Supplier<Future<?>> probe) {
    checks.put(id, () -> probe.get().map(answered -> UP));
    return this;
  }

  /** Facts shown beside the checks (which node polls), never a reason for 503. */
  HealthRoute detail(String key, Supplier<JsonObject> facts) {
    details.put(key, facts);
    return this;
  }

  /** A state this node keeps itself (read at once): healthy only when it is {@code UP} (or {@code STANDBY}). */
  HealthRoute state(String id, Supplier<String> state) {
    checks.put(id, () -> Future.succeededFuture(state.get()));
    return this;
  }

  @Override
  public void handle(RoutingContext ctx) {
    List<Future<String>> results = new ArrayList<>();
    checks.forEach((id, probe) -> results.add(run(id, probe)));
    Future.join(results).onComplete(done -> {
      JsonArray list = new JsonArray();
      boolean up = true;
      int i = 0;
      for (String id : checks.keySet()) {
        String status = results.get(i++).result();
        up &= UP.equals(status) || "STANDBY".equals(status);
        list.add(new JsonObject().put("id", id).put("status", status));
      }
      JsonObject body = new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", list);
      details.forEach((key, facts) -> body.put(key, facts.get()));
      ctx.response().setStatusCode(up ? 200 : 503).putHeader("content-type", "application/json").end(body.encode());
    });
  }

  private Future<String> run(String id, Supplier<Future<String>> probe) {
    Promise<String> result = Promise.promise();
    long timer = vertx.setTimer(timeoutMs, t -> {
      if (result.tryComplete("DOWN")) {
        LOG.warn("Health: {} did not answer within {} ms", id, timeoutMs);
      }
    });
    Future<String> answer;
    try {
      answer = probe.get();
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    answer.onComplete(done -> {
      vertx.cancelTimer(timer);
      if (done.failed()) {
        if (result.tryComplete("DOWN")) {
          LOG.warn("Health: {} does not answer: {}", id, done.cause().getMessage());
        }
      } else {
        result.tryComplete(done.result());
      }
    });
    return result.future();
  }
}
