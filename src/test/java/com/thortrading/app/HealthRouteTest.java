package com.thortrading.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class HealthRouteTest {

  private record Health(int status, JsonObject body) {
    Map<String, String> checks() {
      return body.getJsonArray("checks").stream().map(JsonObject.class::cast)
          .collect(Collectors.toMap(c -> c.getString("id"), c -> c.getString("status")));
    }
  }

  private static Health get(Vertx vertx, HealthRoute route) throws Exception {
    Router router = Router.router(vertx);
    router.get("/health").handler(route);
    var server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await();
    try {
      // The body is asked for in the response's own callback: later, it may have been read past already.
      return vertx.createHttpClient().request(HttpMethod.GET, server.actualPort(), "127.0.0.1", "/health")
          .compose(request -> request.send())
          .compose(response -> response.body().map(body -> new Health(response.statusCode(), body.toJsonObject())))
          .await(10, java.util.concurrent.TimeUnit.SECONDS);
    } finally {
      server.close().await();
    }
  }

  @Test
  void aStuckQuoteSourceMakesTheNode503AndIsNamedAsStuck(Vertx vertx) throws Exception {
    AtomicReference<String> source = new AtomicReference<>("UP");
    HealthRoute route = new HealthRoute(vertx, 500).check("redis", Future::succeededFuture)
        .state("source", source::get);
    assertThat(get(vertx, route).status()).isEqualTo(200);

    source.set("STUCK");
    Health stuck = get(vertx, route);
    assertThat(stuck.status()).isEqualTo(503);
    assertThat(stuck.body().getString("status")).isEqualTo("DOWN");
    assertThat(stuck.checks()).containsExactlyInAnyOrderEntriesOf(Map.of("redis", "UP", "source", "STUCK"));
  }

  @Test
  void aProbeThatNeverAnswersIsDownWhenItsTimeIsUp(Vertx vertx) throws Exception {
    HealthRoute route = new HealthRoute(vertx, 300).check("postgres", () -> Promise.promise().future())
        .check("redis", () -> Future.failedFuture("connection refused"));
    Health health = get(vertx, route);
    assertThat(health.status()).isEqualTo(503);
    assertThat(health.checks()).containsExactlyInAnyOrderEntriesOf(Map.of("postgres", "DOWN", "redis", "DOWN"));
  }
}
