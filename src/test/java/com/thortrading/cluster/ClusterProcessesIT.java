package com.thortrading.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.thortrading.livedata.LiveDataRedis;
import com.thortrading.testsupport.BridgeTestClient;
import com.thortrading.testsupport.PostgresServerExtension;
import com.thortrading.testsupport.QuoteStreams;
import com.thortrading.testsupport.RedisServerExtension;
import com.thortrading.testsupport.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
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
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import redis.clients.jedis.Jedis;

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
  private static Process webBProcess;
  private static int webA;
  private static int webB;
  /** The web node still up once the page's node was killed. */
  private static int survivor;

  @BeforeAll
  static void startCluster() throws Exception {
    assertThat(JAR).as("the packaged jar (run by mvn verify, after package)").exists();
    engine = start("engine", "ingest,engine", HAZELCAST[0], -1);
    webA = freePort();
    webB = freePort();
    webAProcess = start("web-a", "web", HAZELCAST[1], webA);
    webBProcess = start("web-b", "web", HAZELCAST[2], webB);
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
    // Every quote is counted here, so a loop that falls behind on a busy machine must not skip overtaken ones.
    env.put("THOR_FANOUT_SKIP_OVERTAKEN_MS", "600000");
    env.put("THOR_DATA_DIR", Files.createTempDirectory("thor-it-" + name).toString());
    env.put("THOR_HTTP_PORT", String.valueOf(Math.max(httpPort, 0)));
    builder.environment().putAll(env);
    Process process = builder.start();
    PROCESSES.add(process);
    return process;
  }

  private static int freePort() {
    return com.thortrading.testsupport.FreePorts.belowEphemeralRange();
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HTTP.send(TestService.request(URI.create("http://127.0.0.1:" + port + path)).GET()
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static BridgeTestClient browser(int port) {
    return CLIENTS.createWebSocketClient().connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port)
        .setURI("/eventbus/websocket")).map(ws -> new BridgeTestClient(ws, TestService.ADMIN)).await();
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
    try (Jedis jedis = REDIS.jedis()) {
      everyQuoteOnceInOrder(onA, "AAPL", jedis, webA);
      everyQuoteOnceInOrder(onB, "AAPL", jedis, webB);
    }

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
  void killingTheNodeOfAPageBehindHaproxyMovesThePageToTheOtherNodeWhoseClientsSeeNoGap() throws Exception {
    // HAProxy with the shipped configuration, in front of A and B: the page reaches whichever node it is given.
    int lb = startHaproxy(webA, webB);
    WebDriver page = chromium();
    try {
      // Earlier tests' clients are still open: the page's node is the one that gains a socket.
      long heldByA = clients(webA);
      long heldByB = clients(webB);
      page.get("http://127.0.0.1:" + lb + "/#token=" + TestService.ADMIN_TOKEN);
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> "live".equals(connection(page))
          && pageQuotes(page) > 0);
      await().atMost(Duration.ofSeconds(10)).until(() -> clients(webA) + clients(webB) == heldByA + heldByB + 1);
      boolean onA = clients(webA) == heldByA + 1;
      Process doomed = onA ? webAProcess : webBProcess;
      survivor = onA ? webB : webA;
      long survivorHeld = onA ? heldByB : heldByA;

      BridgeTestClient observer = browser(survivor);
      observer.register("quotes.MSFT");
      await().atMost(Duration.ofSeconds(10)).until(() -> observer.recs("quotes.MSFT").size() >= 3);
      // An order through the survivor: the page applies its events, so a reconnect must resume after them.
      HttpResponse<String> placed = HTTP.send(TestService.request(URI.create("http://127.0.0.1:" + survivor
          + "/api/trades/orders/active")).POST(HttpRequest.BodyPublishers.ofString(
          "{\"symbol\":\"MSFT\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"MKT\"}")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
      // Every event of the account applied: the page's last seq is the account's own.
      long seen = new JsonObject(get(survivor, "/api/accounts/paper").body()).getJsonObject("account")
          .getLong("event_seq");
      await().atMost(Duration.ofSeconds(10)).until(() -> script(page, "return thorStats.lastSeq") instanceof Number n
          && n.longValue() == seen);
      int registrations = ((Number) script(page, "return thorStats.registrations.length")).intValue();
      doomed.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      long quotesAtKill = pageQuotes(page);
      int observedAtKill = observer.recs("quotes.MSFT").size();

      // The page's client reconnects through HAProxy, lands on the survivor, follows its symbols and orders again
      // (the latest quotes at once, and the order events since the last one it applied), and streams on.
      await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> clients(survivor) == survivorHeld + 2
          && "live".equals(connection(page)) && pageQuotes(page) >= quotesAtKill + 20);
      assertThat(((Number) script(page, "return thorStats.registrations.length")).intValue())
          .isGreaterThan(registrations);
      assertThat(((Number) script(page, "return thorStats.registrations[thorStats.registrations.length - 1]"))
          .longValue()).as("the order stream resumes from the last seq the page applied").isEqualTo(seen);
      Files.write(Path.of("target", "it-logs", "page-after-failover.png"),
          ((TakesScreenshot) page).getScreenshotAs(OutputType.BYTES));

      // The survivor's own client saw no gap across the other node's death, and the survivor stays healthy.
      await().atMost(Duration.ofSeconds(30)).until(() -> observer.recs("quotes.MSFT").size() >= observedAtKill + 10);
      assertThat(get(survivor, "/health").statusCode()).isEqualTo(200);
      try (Jedis jedis = REDIS.jedis()) {
        everyQuoteOnceInOrder(observer, "MSFT", jedis, survivor);
      }
    } finally {
      page.quit();
    }
  }

  /**
   * HAProxy (Debian's, which .ci/run installs) running docker/haproxy.cfg with only its addresses changed: it
   * listens on a free loopback port and sends to the two web nodes here instead of the compose network's.
   */
  private static int startHaproxy(int first, int second) throws Exception {
    int port = freePort();
    String config = Files.readString(Path.of("docker", "haproxy.cfg"))
        .replace("bind :8080", "bind 127.0.0.1:" + port)
        .replace("bind :8404", "bind 127.0.0.1:" + freePort())
        .replace("172.28.0.21:8080", "127.0.0.1:" + first)
        .replace("172.28.0.22:8080", "127.0.0.1:" + second);
    assertThat(config).contains("127.0.0.1:" + first, "127.0.0.1:" + second, "bind 127.0.0.1:" + port);
    Path file = Path.of("target", "it-logs", "haproxy.cfg");
    Files.writeString(file, config);
    Process haproxy;
    try {
      haproxy = new ProcessBuilder("haproxy", "-db", "-f", file.toString()).redirectErrorStream(true)
          .redirectOutput(Path.of("target", "it-logs", "haproxy.log").toFile()).start();
    } catch (IOException missing) {
      throw new AssertionError("HAProxy is needed for the load-balancer test: apt-get install haproxy (.ci/run does)",
          missing);
    }
    PROCESSES.add(haproxy);
    await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> get(port, "/health").statusCode() == 200);
    return port;
  }

  private static WebDriver chromium() {
    assertThat(Path.of("/usr/bin/chromium")).as("Chromium: apt-get install chromium chromium-driver").exists();
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-dev-shm-usage", "--window-size=1400,1000");
    WebDriver page = new ChromeDriver(new ChromeDriverService.Builder()
        .usingDriverExecutable(Path.of("/usr/bin/chromedriver").toFile()).usingAnyFreePort().build(), options);
    page.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
    return page;
  }

  private static Object script(WebDriver page, String script) {
    return ((JavascriptExecutor) page).executeScript(script);
  }

  private static String connection(WebDriver page) {
    return page.findElement(By.id("connection")).getText();
  }

  private static long pageQuotes(WebDriver page) {
    return ((Number) script(page, "return thorStats.quotes")).longValue();
  }

  /**
   * {@link QuoteStreams#everyQuoteOnceInOrder}, and when it fails, what the web node counted as held back or skipped
   * and what its log says of its Redis subscription: the difference between a quote lost and one held back by design.
   */
  private static void everyQuoteOnceInOrder(BridgeTestClient client, String symbol, Jedis jedis, int port)
      throws Exception {
    try {
      QuoteStreams.everyQuoteOnceInOrder(client, symbol, jedis);
    } catch (AssertionError missed) {
      String counters = get(port, "/metrics").body().lines()
          .filter(l -> l.startsWith("thortrading_fanout_") && !l.startsWith("thortrading_fanout_clients"))
          .collect(java.util.stream.Collectors.joining("\n"));
      String log = Files.readString(Path.of("target", "it-logs", port == webA ? "web-a.log" : "web-b.log")).lines()
          .filter(l -> l.contains("subscription") || l.contains("WARN") || l.contains("ERROR"))
          .collect(java.util.stream.Collectors.joining("\n"));
      throw new AssertionError(missed.getMessage() + "\nthe web node's fan-out counters:\n" + counters
          + "\nits log's warnings:\n" + log, missed);
    }
  }

  /** Browser sockets a web node holds, from its own /metrics. */
  private static long clients(int port) throws Exception {
    return get(port, "/metrics").body().lines().filter(l -> l.startsWith("thortrading_fanout_clients "))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  @Test
  @Order(3)
  void withTwoEngineNodesAndAFloodOfCrossingQuotesEachWorkingOrderFillsExactlyOnce() throws Exception {
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> placed = HTTP.send(TestService.request(URI.create("http://127.0.0.1:" + survivor
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
        return new JsonObject(get(survivor, "/api/trades/orders/" + id).body()).getJsonObject("order")
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
