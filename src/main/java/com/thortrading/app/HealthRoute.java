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
 * Open to anyone, so it says UP or DOWN per server and nothing else; why is in the log. A check that hangs (a
 * frozen database) counts as DOWN when its time is up, never as a server error.
 */
final class HealthRoute implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(HealthRoute.class);

  private final Vertx vertx;
  private final long timeoutMs;
  private final Map<String, Supplier<Future<?>>> checks = new LinkedHashMap<>();

  HealthRoute(Vertx vertx, long timeoutMs) {
    this.vertx = vertx;
    this.timeoutMs = timeoutMs;
  }

  HealthRoute check(String id, Supplier<Future<?>> probe) {
    checks.put(id, probe);
    return this;
  }

  @Override
  public void handle(RoutingContext ctx) {
    List<Future<Boolean>> results = new ArrayList<>();
    checks.forEach((id, probe) -> results.add(run(id, probe)));
    Future.join(results).onComplete(done -> {
      JsonArray list = new JsonArray();
      boolean up = true;
      int i = 0;
      for (String id : checks.keySet()) {
        boolean ok = results.get(i++).result();
        up &= ok;
        list.add(new JsonObject().put("id", id).put("status", ok ? "UP" : "DOWN"));
      }
      ctx.response().setStatusCode(up ? 200 : 503).putHeader("content-type", "application/json")
          .end(new JsonObject().put("status", up ? "UP" : "DOWN").put("checks", list).encode());
    });
  }

  private Future<Boolean> run(String id, Supplier<Future<?>> probe) {
    Promise<Boolean> result = Promise.promise();
    long timer = vertx.setTimer(timeoutMs, t -> {
      if (result.tryComplete(false)) {
        LOG.warn("Health: {} did not answer within {} ms", id, timeoutMs);
      }
    });
    Future<?> answer;
    try {
      answer = probe.get();
    } catch (RuntimeException e) {
      answer = Future.failedFuture(e);
    }
    answer.onComplete(done -> {
      vertx.cancelTimer(timer);
      if (done.failed() && result.tryComplete(false)) {
        LOG.warn("Health: {} does not answer: {}", id, done.cause().getMessage());
      } else {
        result.tryComplete(true);
      }
    });
    return result.future();
  }
}
