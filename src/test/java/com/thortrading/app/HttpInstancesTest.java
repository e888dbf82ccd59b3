package com.thortrading.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.thortrading.testsupport.BridgeTestClient;
import com.thortrading.testsupport.PostgresServerExtension;
import com.thortrading.testsupport.QuoteStreams;
import com.thortrading.testsupport.RedisServerExtension;
import com.thortrading.testsupport.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URI;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * A node serving HTTP on two event loops: sockets spread over both fan-out instances and each is served whole, while
 * the node's limits stay the node's (the socket caps are in {@code EdgeLimitsTest}).
 */
class HttpInstancesTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  static final PostgresServerExtension PG = new PostgresServerExtension();

  private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();
  private static ThorService service;
  private static Vertx vertx;
  private static WebSocketClient sockets;

  @BeforeAll
  static void start() throws Exception {
    // Every poll changes the quote and no rate cap thins the stream, so each client must get every quote.
    // Every quote is counted here, so a loop that falls behind on a busy machine must not skip overtaken ones
    // (that is FanoutSlowClientTest's subject).
    service = TestService.start(Map.of("THOR_REDIS_URL", REDIS.url(), "THOR_PG_URL", PG.url(),
        "THOR_HTTP_INSTANCES", "2", "THOR_SYMBOLS", "SPREAD", "THOR_POLL_INTERVAL_MS", "20",
        "THOR_SIM_CHANGE_PROBABILITY", "1", "THOR_FANOUT_RATE_PER_SECOND", "0", "THOR_ORDER_RATE_PER_SECOND", "1",
        "THOR_FANOUT_SKIP_OVERTAKEN_MS", "600000"));
    vertx = Vertx.vertx();
    sockets = vertx.createWebSocketClient();
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
    if (service != null) {
      service.close();
    }
  }

  @Test
  void socketsSpreadOverBothInstancesAndEachGetsEveryQuoteOnceInOrder() throws Exception {
    List<BridgeTestClient> clients = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      BridgeTestClient client = sockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
          .setPort(service.httpPort()).setURI("/eventbus/websocket"))
          .map(ws -> new BridgeTestClient(ws, TestService.ADMIN)).await();
      client.register("quotes.SPREAD");
      clients.add(client);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> clients.stream()
        .allMatch(c -> c.recs("quotes.SPREAD").size() >= 40));

    // Connections go to the instances in turn: each event loop holds some of the six.
    String metrics = HTTP.send(TestService.request(URI.create("http://127.0.0.1:" + service.httpPort() + "/metrics"))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
    List<Double> perInstance = metrics.lines().filter(l -> l.startsWith("thortrading_fanout_instance_clients{"))
        .map(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).toList();
    assertThat(perInstance).hasSize(2).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(1));
    assertThat(perInstance.stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(6);

    // The first three go while quotes flow; on each loop one of them comes before a staying socket in the feed, and
    // a socket closing under a broadcast must not cost the sockets after it a quote.
    List<BridgeTestClient> staying = new ArrayList<>();
    for (int i = 0; i < clients.size(); i++) {
      if (i < 3) {
        clients.get(i).socket.close();
      } else {
        staying.add(clients.get(i));
      }
    }
    int before = staying.stream().mapToInt(c -> c.recs("quotes.SPREAD").size()).max().orElseThrow();
    await().atMost(Duration.ofSeconds(30)).until(() -> staying.stream()
        .allMatch(c -> c.recs("quotes.SPREAD").size() >= before + 40));
    try (Jedis jedis = REDIS.jedis()) {
      for (BridgeTestClient client : staying) {
        assertThat(client.errs()).isEmpty();
        QuoteStreams.everyQuoteOnceInOrder(client, "SPREAD", jedis);
      }
    }
    staying.forEach(c -> c.socket.close().await());
  }

  @Test
  void aClientAskingToUpgradeToCleartextHttp2IsAnsweredInHttp11() throws Exception {
    // Java's client asks for h2c on every new connection; with h2c on, an upgraded connection sometimes went
    // unanswered (a /metrics read here hung until the idle timeout). Nothing of ours speaks h2c: it is off.
    for (int i = 0; i < 4; i++) { // a new client each time, so a new connection: both instances answer one
      java.net.http.HttpClient asksForH2c = java.net.http.HttpClient.newBuilder()
          .version(java.net.http.HttpClient.Version.HTTP_2).build();
      HttpResponse<String> health = asksForH2c.send(java.net.http.HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + service.httpPort() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(health.statusCode()).isEqualTo(200);
      assertThat(health.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_1_1);
    }
  }

  @Test
  void aTokensOrderBudgetIsOneAcrossTheEventLoops() {
    // Each request on a new connection, so they alternate between the two instances. One a second, bursts of two:
    // with a budget per instance, four would pass at once.
    io.vertx.core.http.HttpClient oneShot = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(false));
    long started = System.nanoTime();
    List<Integer> statuses = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      statuses.add(oneShot.request(HttpMethod.DELETE, service.httpPort(), "127.0.0.1", "/api/trades/orders/424242")
          .compose(r -> r.putHeader("Authorization", TestService.ADMIN).send())
          .compose(r -> r.body().map(b -> r.statusCode())).await());
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    long passed = statuses.stream().filter(s -> s != 429).count();
    assertThat(statuses).as("%s in %.2f s", statuses, seconds).contains(429);
    assertThat(passed).as("%s in %.2f s", statuses, seconds).isBetween(2L, 2L + (long) Math.ceil(seconds));
  }
}
