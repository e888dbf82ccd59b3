package com.thortrading.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.thortrading.testsupport.PostgresServerExtension;
import com.thortrading.testsupport.BridgeTestClient;
import com.thortrading.testsupport.RedisServerExtension;
import com.thortrading.testsupport.TestService;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two nodes of one Hazelcast cluster on loopback, sharing Redis and PostgreSQL: one runs ingest and the engine,
 * the other only the web role. Orders placed on the web node are filled by the engine node over the clustered
 * event bus; quotes reach the web node's browsers from its own Redis subscriber.
 */
class ClusterTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  static final PostgresServerExtension PG = new PostgresServerExtension();

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static ThorService engineNode;
  private static ThorService webNode;

  @BeforeAll
  static void start() throws Exception {
    String cluster = "thor-test-" + UUID.randomUUID();
    Map<String, String> common = Map.of("THOR_REDIS_URL", REDIS.url(), "THOR_PG_URL", PG.url(),
        "THOR_CLUSTER", "true", "THOR_CLUSTER_NAME", cluster, "THOR_POLL_INTERVAL_MS", "200");
    engineNode = TestService.start(with(common, "THOR_ROLES", "ingest,engine"));
    webNode = TestService.start(with(common, "THOR_ROLES", "web"));
  }

  private static Map<String, String> with(Map<String, String> base, String key, String value) {
    Map<String, String> env = new java.util.HashMap<>(base);
    env.put(key, value);
    return env;
  }

  @AfterAll
  static void stop() {
    if (webNode != null) {
      webNode.close();
    }
    if (engineNode != null) {
      engineNode.close();
    }
  }

  private static HttpResponse<String> http(HttpRequest.Builder request) throws Exception {
    return HTTP.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static URI web(String path) {
    return URI.create("http://127.0.0.1:" + webNode.httpPort() + path);
  }

  @Test
  void theWebNodeServesQuotesAndOrdersThatTheEngineNodeFills() throws Exception {
    assertThat(engineNode.httpPort()).as("no web role, no HTTP").isEqualTo(-1);
    await().atMost(Duration.ofSeconds(10))
        .until(() -> new JsonArray(http(TestService.request(web("/api/quotes"))).body()).size() == 13);

    var sockets = webNode.vertx().createWebSocketClient();
    // Handlers attach on the socket's own event loop as it opens, so no frame can come before them.
    BridgeTestClient browser = sockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
        .setPort(webNode.httpPort()).setURI("/eventbus/websocket")).map(BridgeTestClient::new).await();
    browser.register("quotes.AAPL");
    browser.register("orders.events.paper");
    await().atMost(Duration.ofSeconds(10)).until(() -> browser.recs("quotes.AAPL").size() >= 4);
    // Each quote once and in order: one delivery per node (local only), however many nodes subscribe to Redis.
    List<String> times = browser.recs("quotes.AAPL").stream().map(f -> f.getJsonObject("body").getString("timestamp"))
        .toList();
    assertThat(times).doesNotHaveDuplicates().isSorted();

    HttpResponse<String> placed = http(TestService.request(web("/api/trades/orders/active"))
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"quantity\":3,\"order_type\":\"MKT\"}")));
    assertThat(placed.statusCode()).isEqualTo(201);
    JsonObject order = new JsonObject(placed.body()).getJsonObject("order");
    JsonObject account = new JsonObject(placed.body()).getJsonObject("account");
    assertThat(order.getString("status")).isEqualTo("FILLED");

    // The engine node published the update cluster-wide; the web node's socket got it.
    await().atMost(Duration.ofSeconds(10)).until(() -> browser.recs("orders.events.paper").size() == 1);
    JsonObject event = browser.recs("orders.events.paper").get(0).getJsonObject("body");
    long seq = event.getLong("seq");
    assertThat(seq).isPositive();
    assertThat(event.remove("account_snapshot")).isEqualTo(account.copy().put("event_seq", seq));
    event.remove("seq");
    assertThat(event).isEqualTo(order);
  }

  /** Entries in the cluster manager's map of event-bus subscriptions: what every node must learn of. */
  private static int clusterSubscriptions() {
    var manager = (io.vertx.spi.cluster.hazelcast.HazelcastClusterManager)
        ((io.vertx.core.internal.VertxInternal) webNode.vertx()).clusterManager();
    return manager.getHazelcastInstance().getMultiMap("__vertx.subs").size();
  }

  @Test
  void aThousandBridgeRegistrationsOnAWebNodeAddNothingClusterWide() throws Exception {
    var sockets = webNode.vertx().createWebSocketClient();
    List<BridgeTestClient> browsers = new java.util.ArrayList<>();
    for (int i = 0; i < 2; i++) {
      browsers.add(sockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(webNode.httpPort())
          .setURI("/eventbus/websocket")).map(ws -> new BridgeTestClient(ws, TestService.ADMIN)).await());
    }
    int before = clusterSubscriptions();
    long registeredBefore = registered();
    // The first register signs a socket in, and only 64 frames may wait meanwhile: sign both in first.
    browsers.get(0).register("quotes.REG0");
    browsers.get(1).register("quotes.REG1");
    await().atMost(Duration.ofSeconds(10)).until(() -> registered() >= registeredBefore + 2);
    for (int i = 2; i < 1000; i++) {
      browsers.get(i % 2).register("quotes.REG" + i);
    }
    // Once the web node has all 1000 in its index (its own count says so), the cluster's map of subscriptions is
    // counted again, and watched a while.
    await().atMost(Duration.ofSeconds(30)).until(() -> registered() >= registeredBefore + 1000);
    assertThat(browsers).allSatisfy(b -> assertThat(b.errs()).isEmpty());
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3))
        .until(() -> clusterSubscriptions() == before);
    assertThat(before).as("the engine's own cluster-wide consumers are there").isPositive();
  }

  /** The web node's count of registrations, as its /metrics says. */
  private static long registered() throws Exception {
    String metrics = http(TestService.request(web("/metrics"))).body();
    return metrics.lines().filter(l -> l.startsWith("thortrading_fanout_registrations"))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  void partialRolesNeedAClusterAndAClusterNeedsSharedServers() {
    ConfigLoader loader = new ConfigLoader(Map.of("THOR_ROLES", "web"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> loader.load(new String[0],
            new java.io.PrintWriter(new java.io.StringWriter())))
        .hasMessageContaining("THOR_ROLES runs only part of the service").hasMessageContaining("THOR_CLUSTER=true");
    ConfigLoader noServers = new ConfigLoader(Map.of("THOR_CLUSTER", "true"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> noServers.load(new String[0],
            new java.io.PrintWriter(new java.io.StringWriter())))
        .hasMessageContaining("set THOR_REDIS_URL and THOR_PG_URL");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ConfigLoader(Map.of("THOR_ROLES", "web,trading"))
            .load(new String[0], new java.io.PrintWriter(new java.io.StringWriter())))
        .hasMessageContaining("'trading' is not a role");
  }
}
