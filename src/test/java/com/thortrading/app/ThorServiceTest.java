package com.thortrading.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.thortrading.livedata.LiveDataRedis;
import com.thortrading.testsupport.RedisServerExtension;
import com.thortrading.testsupport.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** The service as an operator runs it: external Redis (so the test can stop it), embedded PostgreSQL, sim quotes. */
class ThorServiceTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();

  @TempDir
  static Path dataDir;

  private static ThorService service;
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("THOR_REDIS_URL", REDIS.url());
    env.put("THOR_POLL_INTERVAL_MS", "100");
    env.put("THOR_DATA_DIR", dataDir.toString());
    service = TestService.start(env);
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
        .header("Authorization", TestService.ADMIN)
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void runsOnNativeEpollOnLinuxX86AndArmAndOnNioElsewhere() {
    boolean shipped = System.getProperty("os.name").startsWith("Linux")
        && java.util.Set.of("amd64", "x86_64", "aarch64").contains(System.getProperty("os.arch"));
    if (shipped) {
      assertThat(service.vertx().isNativeTransportEnabled()).as("the native epoll transport is on the classpath")
          .isTrue();
    } else {
      // Only Linux x86-64's and ARM64's native libraries are shipped: elsewhere the node runs on NIO.
      assertThat(service.vertx().isNativeTransportEnabled()).isFalse();
    }
  }

  @Test
  void everySimulatedSymbolReachesTheRedisHashAndKeepsUpdating() {
    try (Jedis jedis = REDIS.jedis()) {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(jedis.hkeys("live_data:latest:quotes"))
          .containsExactlyInAnyOrder("AAPL", "MSFT", "SPY", "QQQ", "NVDA", "AMZN", "TSLA", "META", "GOOGL", "IWM",
              "/ES", "$SPX", ".SPY271217C520"));
      String first = jedis.hget("live_data:latest:quotes", "AAPL");
      await().atMost(Duration.ofSeconds(10)).until(() -> !jedis.hget("live_data:latest:quotes", "AAPL").equals(first));
    }
  }

  @Test
  void quotesApiServesTheHashAndA404ForAnUnknownSymbol() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> new JsonArray(get("/api/quotes").body()).size() == 13);

    HttpResponse<String> es = get("/api/quotes/%2Fes");
    assertThat(es.statusCode()).isEqualTo(200);
    JsonObject quote = new JsonObject(es.body());
    assertThat(quote.getString("symbol")).isEqualTo("/ES");
    assertThat(quote.getString("last")).matches("\\d+\\.\\d{2}");
    assertThat(quote.getString("timestamp")).endsWith("Z");

    HttpResponse<String> unknown = get("/api/quotes/NOPE");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.headers().firstValue("content-type")).contains("application/json");
    assertThat(new JsonObject(unknown.body()).getJsonObject("error").getString("message")).contains("NOPE");

    HttpResponse<String> noRoute = get("/api/nothing/here");
    assertThat(noRoute.statusCode()).isEqualTo(404);
    assertThat(new JsonObject(noRoute.body()).getJsonObject("error").getString("code")).isEqualTo("NOT_FOUND");
  }

  @Test
  void healthIs200WhenRedisAndPostgresAnswerAnd503NamingRedisWhileItIsDown() throws Exception {
    HttpResponse<String> up = get("/health");
    assertThat(up.statusCode()).isEqualTo(200);
    assertThat(new JsonObject(up.body()).getString("status")).isEqualTo("UP");
    // An ingest node's /health covers its quote source too.
    assertThat(new JsonObject(up.body()).getJsonArray("checks").stream().map(JsonObject.class::cast)
        .filter(c -> c.getString("id").equals("source")).map(c -> c.getString("status"))).containsExactly("UP");
    // And says whether this node polls: alone, it holds the ingest lease.
    JsonObject ingest = new JsonObject(up.body()).getJsonObject("ingest");
    assertThat(ingest.getBoolean("polling")).isTrue();
    assertThat(ingest.getString("lease")).startsWith(ingest.getString("node") + "#");

    REDIS.stop();
    try {
      HttpResponse<String> down = get("/health");
      assertThat(down.statusCode()).isEqualTo(503);
      JsonObject body = new JsonObject(down.body());
      assertThat(body.getString("status")).isEqualTo("DOWN");
      assertThat(body.getJsonArray("checks")).anySatisfy(check -> {
        JsonObject c = (JsonObject) check;
        assertThat(c.getString("id")).isEqualTo("redis");
        assertThat(c.getString("status")).isEqualTo("DOWN");
      });
      assertThat(body.getJsonArray("checks")).anySatisfy(check -> {
        JsonObject c = (JsonObject) check;
        assertThat(c.getString("id")).isEqualTo("postgres");
        assertThat(c.getString("status")).isEqualTo("UP");
      });
    } finally {
      REDIS.restart();
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> get("/health").statusCode() == 200);
    // The publisher and subscriber found their way back too: quotes are flowing into the new server.
    try (Jedis jedis = REDIS.jedis()) {
      await().atMost(Duration.ofSeconds(10)).until(() -> jedis.hlen("live_data:latest:quotes") == 13);
    }
  }

  @Test
  void historyEndpointServesRecordedQuotesOldestFirst() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> new JsonArray(get("/api/quotes/AAPL/history").body()).size() >= 3);

    JsonArray three = new JsonArray(get("/api/quotes/aapl/history?limit=3").body());
    assertThat(three).hasSize(3);
    String first = three.getJsonObject(0).getString("timestamp");
    String last = three.getJsonObject(2).getString("timestamp");
    assertThat(first.compareTo(last)).isLessThanOrEqualTo(0);
    // "since" is when Redis recorded a quote, which is at or after the quote's own timestamp: the newest quote is
    // in it, and a quote polled just before it may be too if it was written after that instant (a busy machine).
    JsonArray since = new JsonArray(get("/api/quotes/AAPL/history?since=" + last).body());
    assertThat(since.stream().map(q -> ((JsonObject) q).getString("timestamp")).toList()).contains(last);
    assertThat(new JsonArray(get("/api/quotes/AAPL/history?since=2999-01-01T00:00:00Z").body())).isEmpty();

    HttpResponse<String> bad = get("/api/quotes/AAPL/history?since=yesterday");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(bad.body()).getJsonObject("error").getString("message")).startsWith("since:");
    assertThat(get("/api/quotes/AAPL/history?limit=0").statusCode()).isEqualTo(400);
  }

  @Test
  void barsEndpointServesTheMinuteBarsTheIngestBuildsAndLongerOnesMadeFromThem() throws Exception {
    // The sim source's own quotes become bars in Redis, built by the ingest as it polls.
    await().atMost(Duration.ofSeconds(10)).until(() -> !new JsonArray(get("/api/quotes/AAPL/bars").body()).isEmpty());
    JsonObject live = new JsonArray(get("/api/quotes/AAPL/bars").body()).getJsonObject(0);
    assertThat(live.getString("interval")).isEqualTo("1m");
    assertThat(live.fieldNames()).contains("open", "high", "low", "close", "volume", "start");

    // Recorded minutes, aggregated: 5m bars aligned to :00, :05.
    try (Jedis jedis = REDIS.jedis()) {
      String[][] minutes = {{"14:29", "10", "12", "9", "11", "5"}, {"14:30", "11", "11", "10", "10", "1"},
          {"14:34", "10", "15", "8", "14", "2"}, {"14:35", "14", "14", "13", "13", "4"}};
      for (String[] m : minutes) {
        Instant start = Instant.parse("2026-03-02T" + m[0] + ":00Z");
        jedis.zadd(LiveDataRedis.barsKey("BARSX"), start.toEpochMilli(), new JsonObject().put("symbol", "BARSX")
            .put("start", start.toString()).put("interval", "1m").put("open", m[1]).put("high", m[2]).put("low", m[3])
            .put("close", m[4]).put("volume", m[5]).encode());
      }
    }
    JsonArray five = new JsonArray(get("/api/quotes/BARSX/bars?interval=5m&since=2026-03-02T14:31:00Z").body());
    assertThat(five.stream().map(b -> ((JsonObject) b).getString("start") + " " + ((JsonObject) b).getString("open")
        + " " + ((JsonObject) b).getString("high") + " " + ((JsonObject) b).getString("low") + " "
        + ((JsonObject) b).getString("close") + " " + ((JsonObject) b).getString("volume")))
        .containsExactly("2026-03-02T14:30:00Z 11 15 8 14 3", "2026-03-02T14:35:00Z 14 14 13 13 4");
    assertThat(new JsonArray(get("/api/quotes/BARSX/bars?limit=1").body()).getJsonObject(0).getString("start"))
        .isEqualTo("2026-03-02T14:29:00Z");

    HttpResponse<String> bad = get("/api/quotes/BARSX/bars?interval=2m");
    assertThat(bad.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(bad.body()).getJsonObject("error").getString("message")).startsWith("interval:");
  }
}
