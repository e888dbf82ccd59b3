package com.thortrading.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.thortrading.livedata.LiveDataRedis;
import com.thortrading.testsupport.BridgeTestClient;
import com.thortrading.testsupport.PostgresServerExtension;
import com.thortrading.testsupport.RedisServerExtension;
import com.thortrading.testsupport.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The cluster as an operator runs it: separate processes of the packaged jar on loopback, joined over TCP, sharing
 * one Redis and one PostgreSQL. Two ingest+engine nodes, and web nodes A and B.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterProcessesIT {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  static final PostgresServerExtension PG = new PostgresServerExtension();

  private static final Path JAR = Path.of("target", "thortrading.jar");
  private static final Duration TAKEOVER = Duration.ofMillis(3000);
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final List<Process> PROCESSES = new ArrayList<>();
  private static final Vertx CLIENTS = Vertx.vertx();
  private static final String CLUSTER = "thor-it-" + UUID.randomUUID();
  private static final int[] HAZELCAST = {5901, 5911, 5921, 5931};

  private static Process engine;
  private static Process ingest;
  private static Process webAProcess;
  private static int webA;
  private static int webB;

  @BeforeAll
  static void startCluster() throws Exception {
    assertThat(JAR).as("the packaged jar (run by mvn verify, after package)").exists();
    engine = start("engine", "ingest,engine", HAZELCAST[0], -1);
    webA = freePort();
    webB = freePort();
    webAProcess = start("web-a", "web", HAZELCAST[1], webA);
    start("web-b", "web", HAZELCAST[2], webB);
    // A second ingest node, which is an engine node too: two matchers race for every crossing quote.
    ingest = start("ingest-engine-2", "ingest,engine", HAZELCAST[3], -1);
    for (int port : new int[] {webA, webB}) {
      await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> get(port, "/health").statusCode() == 200);
    }
  }

  @AfterAll
  static void stopCluster() {
    PROCESSES.forEach(Process::destroyForcibly);
    CLIENTS.close().await();
  }

  private static Process start(String name, String roles, int hazelcastPort, int httpPort) throws IOException {
    StringBuilder members = new StringBuilder();
    for (int port : HAZELCAST) {
      members.append(members.length() == 0 ? "" : ",").append("127.0.0.1:").append(port);
    }
    Path log = Files.createDirectories(Path.of("target", "it-logs")).resolve(name + ".log");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-jar", JAR.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("THOR_"));
    Map<String, String> env = new HashMap<>(Map.of("THOR_REDIS_URL", REDIS.url(), "THOR_PG_URL", PG.url(),
        "THOR_CLUSTER", "true", "THOR_CLUSTER_NAME", CLUSTER, "THOR_CLUSTER_HOST", "127.0.0.1",
        "THOR_CLUSTER_PORT", String.valueOf(hazelcastPort), "THOR_CLUSTER_MEMBERS", members.toString(),
        "THOR_ROLES", roles, "THOR_ADMIN_TOKEN", TestService.ADMIN_TOKEN, "THOR_POLL_INTERVAL_MS", "200"));
    env.put("THOR_INGEST_TAKEOVER_MS", String.valueOf(TAKEOVER.toMillis()));
    env.put("THOR_DATA_DIR", Files.createTempDirectory("thor-it-" + name).toString());
    env.put("THOR_HTTP_PORT", String.valueOf(Math.max(httpPort, 0)));
    builder.environment().putAll(env);
    Process process = builder.start();
    PROCESSES.add(process);
    return process;
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(TestService.request(URI.create("http://127.0.0.1:" + port + path)).GET()
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static BridgeTestClient browser(int port) {
    return CLIENTS.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/eventbus/websocket")).map(ws -> new BridgeTestClient(ws, TestService.ADMIN)).await();
  }

  private static List<String> timestamps(BridgeTestClient client, String address) {
    return client.recs(address).stream().map(f -> f.getJsonObject("body").getString("timestamp")).toList();
  }

  /**
   * The client got every quote of {@code symbol} published between its first update and its last, once each and in
   * order: the same sequence as the symbol's history stream in Redis (the snapshot on register is left out).
   */
  private static void everyQuoteOnceInOrder(BridgeTestClient client, String symbol) {
    List<String> all = timestamps(client, "quotes." + symbol);
    List<String> got = all.subList(1, all.size());
    List<String> published;
    try (Jedis jedis = REDIS.jedis()) {
      published = jedis.xrange(LiveDataRedis.historyKey(symbol), "-", "+").stream().map(StreamEntry::getFields)
          .map(f -> new JsonObject(f.get("quote")).getString("timestamp"))
          .filter(t -> t.compareTo(got.get(0)) >= 0 && t.compareTo(got.get(got.size() - 1)) <= 0).toList();
    }
    assertThat(got).as(symbol).doesNotHaveDuplicates().isSorted().containsExactlyElementsOf(published);
  }

  /** Which process holds the ingest lease (its value names the node as host/pid-xxxx). */
  private static long leaseHolderPid() {
    try (Jedis jedis = REDIS.jedis()) {
      String lease = jedis.get(LiveDataRedis.INGEST_LOCK_KEY);
      if (lease == null) {
        return -1;
      }
      String node = lease.substring(lease.indexOf('/') + 1, lease.lastIndexOf('#'));
      return Long.parseLong(node.substring(0, node.indexOf('-')));
    }
  }

  @Test
  @Order(1)
  void clientsOnTwoWebNodesEachGetEveryQuoteOnceInOrderAndAnOrderThroughAReachesB() throws Exception {
    BridgeTestClient onA = browser(webA);
    BridgeTestClient onB = browser(webB);
    onA.register("quotes.AAPL");
    onB.register("quotes.AAPL");
    onB.register("orders.events.paper");
    await().atMost(Duration.ofSeconds(30)).until(() -> onA.recs("quotes.AAPL").size() >= 15
        && onB.recs("quotes.AAPL").size() >= 15);

    // Every quote the ingest published between the two ends, exactly once and in order, on each node: the same
    // sequence as the history stream in Redis.
    everyQuoteOnceInOrder(onA, "AAPL");
    everyQuoteOnceInOrder(onB, "AAPL");

    // An order placed through A is filled by the engine node and reaches B's socket as an event.
    HttpResponse<String> placed = HTTP.send(TestService.request(URI.create("http://127.0.0.1:" + webA
            + "/api/trades/orders/active")).POST(HttpRequest.BodyPublishers.ofString(
            "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"MKT\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
    long id = new JsonObject(placed.body()).getJsonObject("order").getLong("id");
    await().atMost(Duration.ofSeconds(10)).until(() -> onB.recs("orders.events.paper").stream()
        .anyMatch(e -> e.getJsonObject("body").getLong("id") == id));
  }

  @Test
  @Order(2)
  void killingWebNodeALeavesBStreamingWithoutAGapAndHealthy() throws Exception {
    BridgeTestClient onB = browser(webB);
    onB.register("quotes.MSFT");
    await().atMost(Duration.ofSeconds(10)).until(() -> onB.recs("quotes.MSFT").size() >= 3);
    webAProcess.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    int atKill = onB.recs("quotes.MSFT").size();
    await().atMost(Duration.ofSeconds(30)).until(() -> onB.recs("quotes.MSFT").size() >= atKill + 10);
    assertThat(get(webB, "/health").statusCode()).isEqualTo(200);

    // Across A's death, B's client got every quote once and in order.
    everyQuoteOnceInOrder(onB, "MSFT");
  }

  @Test
  @Order(3)
  void withTwoEngineNodesAndAFloodOfCrossingQuotesEachWorkingOrderFillsExactlyOnce() throws Exception {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> placed = HTTP.send(TestService.request(URI.create("http://127.0.0.1:" + webB
              + "/api/trades/orders/active")).POST(HttpRequest.BodyPublishers.ofString("{\"symbol\":\"FLOOD\","
              + "\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"LMT\",\"limit_price\":\"1.00\",\"tif\":\"GTC\"}"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
      JsonObject order = new JsonObject(placed.body()).getJsonObject("order");
      assertThat(order.getString("status")).isEqualTo("WORKING");
      ids.add(order.getLong("id"));
    }
    // Both engine nodes' matchers have the orders (each learns of them from the cluster-wide order changes); then
    // 200 crossing quotes as fast as Redis takes them.
    try (Jedis jedis = REDIS.jedis()) {
      for (int i = 0; i < 200; i++) {
        String quote = new JsonObject().put("symbol", "FLOOD").put("last", "0.99").put("bid", "0.98")
            .put("ask", "0.99").put("timestamp", java.time.Instant.now().toString()).encode();
        jedis.hset(LiveDataRedis.LATEST_QUOTES_KEY, "FLOOD", quote);
        jedis.publish(LiveDataRedis.quoteChannel("FLOOD"), quote);
      }
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().allMatch(id -> {
      try {
        return new JsonObject(get(webB, "/api/trades/orders/" + id).body()).getJsonObject("order")
            .getString("status").equals("FILLED");
      } catch (Exception e) {
        return false;
      }
    }));
    // Exactly one fill each, and no more later.
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
      try (java.sql.Connection c = jdbc(); var statement = c.prepareStatement(
          "SELECT order_id, count(*) FROM fills WHERE order_id = ANY (?) GROUP BY order_id")) {
        statement.setArray(1, c.createArrayOf("bigint", ids.toArray()));
        Map<Long, Long> fills = new HashMap<>();
        try (var rows = statement.executeQuery()) {
          while (rows.next()) {
            fills.put(rows.getLong(1), rows.getLong(2));
          }
        }
        assertThat(fills).hasSize(ids.size()).allSatisfy((id, count) -> assertThat(count).as("fills of %d", id)
            .isEqualTo(1L));
      }
    });
  }

  private static java.sql.Connection jdbc() throws java.sql.SQLException {
    var o = io.vertx.pgclient.PgConnectOptions.fromUri(PG.url());
    return java.sql.DriverManager.getConnection("jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/"
        + o.getDatabase(), o.getUser(), o.getPassword());
  }

  @Test
  @Order(4)
  void exactlyOneIngestNodePollsAndWhenItIsKilledTheOtherTakesOverWithinTheBound() throws Exception {
    await().atMost(Duration.ofSeconds(10)).until(() -> leaseHolderPid() > 0);
    long holder = leaseHolderPid();
    assertThat(holder).isIn(engine.pid(), ingest.pid());
    // The one that does not hold the lease stands by for several lease lifetimes.
    await().during(TAKEOVER.multipliedBy(2)).atMost(TAKEOVER.multipliedBy(3)).until(() -> leaseHolderPid() == holder);

    Process killed = holder == engine.pid() ? engine : ingest;
    Process other = killed == engine ? ingest : engine;
    String before;
    try (Jedis jedis = REDIS.jedis()) {
      before = jedis.hget(LiveDataRedis.LATEST_QUOTES_KEY, "AAPL");
    }
    long killedAt = System.nanoTime();
    killed.destroyForcibly().waitFor(10, TimeUnit.SECONDS);

    await().atMost(TAKEOVER.multipliedBy(2)).until(() -> leaseHolderPid() == other.pid());
    assertThat(Duration.ofNanos(System.nanoTime() - killedAt)).isLessThanOrEqualTo(TAKEOVER.plusMillis(500));
    // And the quotes go on, from the new holder.
    try (Jedis jedis = REDIS.jedis()) {
      String last = jedis.hget(LiveDataRedis.LATEST_QUOTES_KEY, "AAPL");
      await().atMost(Duration.ofSeconds(5)).until(() -> !jedis.hget(LiveDataRedis.LATEST_QUOTES_KEY, "AAPL")
          .equals(last));
    }
    assertThat(before).isNotNull();
  }
}
