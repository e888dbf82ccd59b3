package com.thortrading.trades;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.thortrading.app.ThorService;
import com.thortrading.testsupport.PostgresServerExtension;
import com.thortrading.testsupport.RedisServerExtension;
import com.thortrading.testsupport.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * Every reply is true: with PostgreSQL frozen past the engine's timeout, a change is answered 504
 * OUTCOME_UNKNOWN with a way to look it up (never "nothing was written"), the engine rolls back what its caller
 * gave up on, and every order can be found by its client_order_id.
 */
class HonestOutcomesTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  static final PostgresServerExtension PG = new PostgresServerExtension();

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static ThorService service;

  @BeforeAll
  static void start() throws Exception {
    service = TestService.start(Map.of("THOR_REDIS_URL", REDIS.url(), "THOR_PG_URL", PG.url(),
        "THOR_SYMBOLS", "SIMONLY", "THOR_ENGINE_TIMEOUT_MS", "2000"));
    try (Jedis jedis = REDIS.jedis()) {
      jedis.hset("live_data:latest:quotes", "HON", "{\"symbol\":\"HON\",\"last\":\"10.00\",\"bid\":\"9.99\","
          + "\"ask\":\"10.01\",\"timestamp\":\"" + Instant.now() + "\"}");
    }
  }

  @AfterAll
  static void stop() throws Exception {
    PG.resume(); // never leave a frozen server behind a failed test
    if (service != null) {
      service.close();
    }
  }

  static HttpRequest.Builder request(String path) {
    return TestService.request(URI.create("http://127.0.0.1:" + service.httpPort() + path))
        .timeout(Duration.ofSeconds(30));
  }

  static HttpRequest order(String clientOrderId, String type, String limit) {
    return request("/api/trades/orders/active").POST(HttpRequest.BodyPublishers.ofString("{\"symbol\":\"HON\","
        + "\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"" + type + "\",\"tif\":\"GTC\""
        + (limit == null ? "" : ",\"limit_price\":\"" + limit + "\"")
        + (clientOrderId == null ? "" : ",\"client_order_id\":\"" + clientOrderId + "\"") + "}")).build();
  }

  static JsonObject send(HttpRequest request) throws Exception {
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    return new JsonObject(response.body()).put("http_status", response.statusCode());
  }

  static JsonArray byClientOrderId(String id) throws Exception {
    return send(request("/api/trades/orders?client_order_id=" + id).GET().build()).getJsonArray("orders");
  }

  @Test
  void everyOrderHasAClientOrderIdAndCanBeFoundByIt() throws Exception {
    JsonObject placed = send(order(null, "MKT", null));
    assertThat(placed.getInteger("http_status")).isEqualTo(201);
    String generated = placed.getJsonObject("order").getString("client_order_id");
    assertThat(generated).startsWith("auto-");
    assertThat(placed.getString("client_order_id")).isEqualTo(generated);
    JsonArray found = byClientOrderId(generated);
    assertThat(found).hasSize(1);
    assertThat(found.getJsonObject(0).getLong("id")).isEqualTo(placed.getJsonObject("order").getLong("id"));
    assertThat(byClientOrderId("never-sent")).isEmpty();
  }

  @Test
  void aFrozenDatabaseGetsOutcomeUnknownWithALookupAndTheEngineRollsBack() throws Exception {
    long working = send(order("resting-1", "LMT", "1.00")).getJsonObject("order").getLong("id");

    PG.pause();
    List<CompletableFuture<HttpResponse<String>>> replies = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        ids.add("frozen-" + i);
        replies.add(HTTP.sendAsync(order("frozen-" + i, "MKT", null), HttpResponse.BodyHandlers.ofString()));
      }
      replies.add(HTTP.sendAsync(request("/api/trades/orders/" + working).DELETE().build(),
          HttpResponse.BodyHandlers.ofString()));
      CompletableFuture.allOf(replies.toArray(new CompletableFuture[0])).get();
    } finally {
      PG.resume();
    }

    for (int i = 0; i < 5; i++) {
      HttpResponse<String> reply = replies.get(i).get();
      JsonObject body = new JsonObject(reply.body());
      assertThat(reply.statusCode()).as(reply.body()).isEqualTo(504);
      assertThat(body.getJsonObject("error").getString("code")).isEqualTo("OUTCOME_UNKNOWN");
      assertThat(body.getJsonObject("error").getString("message")).contains("may or may not have happened")
          .contains("client_order_id=" + ids.get(i)).doesNotContain("nothing was written");
      assertThat(body.getString("client_order_id")).isEqualTo(ids.get(i));
    }
    HttpResponse<String> cancel = replies.get(5).get();
    assertThat(cancel.statusCode()).as(cancel.body()).isEqualTo(504);
    assertThat(new JsonObject(cancel.body()).getJsonObject("error").getString("message"))
        .contains("GET /api/trades/orders/" + working);

    // The database is back: the engine finished each request past its deadline, and rolled it back.
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
        .until(() -> send(request("/api/trades/orders/" + working).GET().build()).getInteger("http_status") == 200);
    await().atMost(Duration.ofSeconds(20)).until(() -> engineIdle());
    // Idle is the first moment no transaction is open: nothing may commit after it either.
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      for (String id : ids) {
        assertThat(byClientOrderId(id)).as(id).isEmpty();
      }
      assertThat(send(request("/api/trades/orders/" + working).GET().build()).getJsonObject("order")
          .getString("status")).isEqualTo("WORKING");
    });

    // A client that retries with the same client_order_id gets exactly one order.
    JsonObject retried = send(order("frozen-0", "MKT", null));
    assertThat(retried.getInteger("http_status")).isEqualTo(201);
    assertThat(send(order("frozen-0", "MKT", null)).getInteger("http_status")).isEqualTo(200);
    assertThat(byClientOrderId("frozen-0")).hasSize(1);
  }

  @Test
  void healthSaysPostgresIsDownWhenItHangsRatherThanFailing() throws Exception {
    PG.pause();
    try {
      HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
          + service.httpPort() + "/health")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(503);
      JsonObject body = new JsonObject(health.body());
      assertThat(body.getString("status")).isEqualTo("DOWN");
      assertThat(body.getJsonArray("checks").stream().map(JsonObject.class::cast)
          .filter(c -> c.getString("id").equals("postgres")).findFirst().orElseThrow().getString("status"))
          .isEqualTo("DOWN");
    } finally {
      PG.resume();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
        + service.httpPort() + "/health")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
  }

  /** Whether the engine's late work is done: no transaction of the service is still open in PostgreSQL. */
  private static boolean engineIdle() throws Exception {
    try (var db = java.sql.DriverManager.getConnection(PG.url().replace("postgresql://postgres@", "jdbc:postgresql://"),
        "postgres", "");
        var rows = db.createStatement().executeQuery("SELECT count(*) FROM pg_stat_activity WHERE pid <> "
            + "pg_backend_pid() AND state LIKE 'idle in transaction%' OR (state = 'active' AND pid <> pg_backend_pid() "
            + "AND backend_type = 'client backend')")) {
      rows.next();
      return rows.getInt(1) == 0;
    }
  }
}
