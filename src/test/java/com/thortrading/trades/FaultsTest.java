package com.thortrading.trades;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.thortrading.accounts.Instruments;
import com.thortrading.accounts.LedgerVerifier;
import com.thortrading.accounts.TradingStore;
import com.thortrading.app.Main;
import com.thortrading.app.ThorService;
import com.thortrading.testsupport.PostgresServerExtension;
import com.thortrading.testsupport.RedisServerExtension;
import com.thortrading.testsupport.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * Faults in the middle of a burst of orders, against real servers: Redis and PostgreSQL restarted, and the
 * service itself killed (SIGKILL) and started again. Afterwards every reply was true (each 201 order is there,
 * each 503 order is not) and {@code verify} finds the books in agreement.
 */
class FaultsTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  static final PostgresServerExtension PG = new PostgresServerExtension();

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  record Sent(String clientOrderId, CompletableFuture<HttpResponse<String>> reply) {
  }

  static void quote() {
    try (Jedis jedis = REDIS.jedis()) {
      jedis.hset("live_data:latest:quotes", "FLT", "{\"symbol\":\"FLT\",\"last\":\"2.00\",\"bid\":\"1.99\","
          + "\"ask\":\"2.01\",\"timestamp\":\"" + Instant.now() + "\"}");
    }
  }

  static List<Sent> burst(int port, String prefix, int count) {
    List<Sent> sent = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String id = prefix + "-" + i;
      String side = i % 3 == 2 ? "SELL" : "BUY";
      sent.add(new Sent(id, HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
              + "/api/trades/orders/active")).timeout(Duration.ofSeconds(30))
          .header("Authorization", TestService.ADMIN).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString("{\"symbol\":\"FLT\",\"side\":\"" + side + "\",\"quantity\":1,"
              + "\"order_type\":\"MKT\",\"client_order_id\":\"" + id + "\"}")).build(),
          HttpResponse.BodyHandlers.ofString())));
    }
    return sent;
  }

  /** Every reply told the truth: a 201 order is in PostgreSQL, a 503 one is not, anything else is explained. */
  static Map<Integer, Integer> everyReplyWasTrue(int port, List<Sent> sent) throws Exception {
    for (Sent s : sent) {
      try {
        s.reply().get(60, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException connectionLost) {
        // judged below
      }
    }
    // Every reply is in; nothing may be written after it either: the orders must stay as they are for a while.
    java.util.concurrent.atomic.AtomicInteger last = new java.util.concurrent.atomic.AtomicInteger(-1);
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> {
      int now = new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
              + "/api/trades/orders?limit=1000")).header("Authorization", TestService.ADMIN).build(),
          HttpResponse.BodyHandlers.ofString()).body()).getJsonArray("orders").size();
      return last.getAndSet(now) == now;
    });
    Map<Integer, Integer> byStatus = new java.util.TreeMap<>();
    int accepted = 0;
    for (Sent s : sent) {
      HttpResponse<String> reply;
      try {
        reply = s.reply().get(60, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException connectionLost) {
        byStatus.merge(0, 1, Integer::sum);
        continue; // the service died with the request: no reply, so no claim to check
      }
      byStatus.merge(reply.statusCode(), 1, Integer::sum);
      JsonArray found = new JsonObject(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
              + "/api/trades/orders?client_order_id=" + s.clientOrderId())).header("Authorization", TestService.ADMIN)
          .build(), HttpResponse.BodyHandlers.ofString()).body()).getJsonArray("orders");
      switch (reply.statusCode()) {
        case 201, 422 -> {
          assertThat(found).as(s.clientOrderId() + " was acknowledged").hasSize(1);
          accepted++;
        }
        case 503 -> assertThat(found).as(s.clientOrderId() + ": 503 says nothing was written").isEmpty();
        case 504 -> assertThat(new JsonObject(reply.body()).getString("client_order_id")).isEqualTo(s.clientOrderId());
        default -> throw new AssertionError(s.clientOrderId() + " got " + reply.statusCode() + ": " + reply.body());
      }
      assertThat(found.size()).as("never two orders for one client_order_id").isLessThanOrEqualTo(1);
    }
    assertThat(accepted).as("some orders went through the faults").isPositive();
    System.out.println("fault run replies by status (0: connection lost): " + byStatus);
    return byStatus;
  }

  static void booksAgree() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PgBuilder.pool().connectingTo(PG.url()).using(vertx).build();
      LedgerVerifier.Report report = LedgerVerifier.all(pool, new TradingStore(), Instruments.defaults())
          .await(30, TimeUnit.SECONDS);
      assertThat(report.violations()).as(report.text()).isEmpty();
      assertThat(report.fills()).isPositive();
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void redisAndPostgresRestartedMidBurstLeaveTrueRepliesAndAgreeingBooks() throws Exception {
    ThorService service = TestService.start(Map.of("THOR_REDIS_URL", REDIS.url(), "THOR_PG_URL", PG.url(),
        "THOR_SYMBOLS", "SIMONLY", "THOR_ORDER_RATE_PER_SECOND", "10000"));
    try {
      quote();
      int port = service.httpPort();
      List<Sent> sent = new ArrayList<>(burst(port, "before", 60));
      REDIS.restart();
      quote();
      sent.addAll(burst(port, "redis", 60));
      PG.stop();
      sent.addAll(burst(port, "pgdown", 30));
      PG.start();
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> HTTP.send(HttpRequest.newBuilder(
          URI.create("http://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString())
          .statusCode() == 200);
      sent.addAll(burst(port, "after", 60));
      Map<Integer, Integer> byStatus = everyReplyWasTrue(port, sent);
      assertThat(byStatus.keySet()).as("the faults were felt").containsAnyOf(503, 504);
    } finally {
      service.close();
    }
    booksAgree();
  }

  @Test
  void theServiceKilledMidBurstAndStartedAgainLosesNoAcknowledgedOrder() throws Exception {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    quote();
    Process service = start(port);
    List<Sent> sent;
    try {
      sent = new ArrayList<>(burst(port, "killed", 240));
      // Kill it while the burst is in flight: some orders are committed, some not, some mid-transaction. Looked at
      // every millisecond: the engine places one account's orders faster than the default poll (100 ms) would see.
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(1))
          .until(() -> sent.stream().filter(s -> s.reply().isDone()).count() >= 20);
      service.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    } finally {
      service.destroyForcibly();
    }
    Process again = start(port);
    try {
      Map<Integer, Integer> byStatus = everyReplyWasTrue(port, sent);
      assertThat(byStatus).as("the kill came mid-burst").containsKey(0);
    } finally {
      again.destroy();
      again.waitFor(30, TimeUnit.SECONDS);
    }
    booksAgree();
  }

  /** The real jar's main in its own JVM, so it can be killed as an operator's kill -9 would. */
  private static Process start(int port) throws Exception {
    Path log = Files.createTempFile("thor-faults", ".log");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), Main.class.getName())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("THOR_"));
    builder.environment().putAll(Map.of("THOR_REDIS_URL", REDIS.url(), "THOR_PG_URL", PG.url(),
        "THOR_HTTP_PORT", String.valueOf(port), "THOR_ADMIN_TOKEN", TestService.ADMIN_TOKEN,
        "THOR_SYMBOLS", "SIMONLY", "THOR_ORDER_RATE_PER_SECOND", "10000"));
    Process process = builder.start();
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> HTTP.send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/health")).build(), HttpResponse.BodyHandlers.ofString())
        .statusCode() == 200);
    return process;
  }
}
