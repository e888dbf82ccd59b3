package com.thortrading.trades;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.thortrading.app.ThorService;
import com.thortrading.testsupport.BridgeTestClient;
import com.thortrading.testsupport.PostgresServerExtension;
import com.thortrading.testsupport.RedisServerExtension;
import com.thortrading.testsupport.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;

/**
 * Who may do what, against the running service: every route and bridge address × every kind of caller, cross-site
 * requests, revocation, and the limits per token and per address.
 */
class ApiAccessTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  static final PostgresServerExtension PG = new PostgresServerExtension();

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final String ALLOWED_ORIGIN = "https://desk.example.com";
  private static final AtomicInteger IDS = new AtomicInteger();
  private static final String METRICS_TOKEN = "metrics-scraper-token-0123456789abcdef";
  private static ThorService service;
  private static Vertx vertx;
  private static WebSocketClient sockets;
  private static final Map<Caller, String> AUTHORIZATION = new EnumMap<>(Caller.class);

  /** The kinds of caller each route is tried with; ALICE owns what the routes act on, BOB is another account. */
  enum Caller { NONE, MALFORMED, REVOKED, OTHER_ACCOUNT, OWN_ACCOUNT, ADMIN }

  @BeforeAll
  static void start() throws Exception {
    service = TestService.start(Map.of(
        "THOR_REDIS_URL", REDIS.url(),
        "THOR_PG_URL", PG.url(),
        "THOR_SYMBOLS", "SIMONLY",
        "THOR_ALLOWED_ORIGINS", ALLOWED_ORIGIN,
        "THOR_ORDER_RATE_PER_SECOND", "5",
        "THOR_AUTH_FAILURES_PER_MINUTE", "100000",
        "THOR_METRICS_TOKEN", METRICS_TOKEN,
        // Two event loops take the connections in turn: a token's order budget must be one across both.
        "THOR_HTTP_INSTANCES", "2"));
    vertx = Vertx.vertx();
    sockets = vertx.createWebSocketClient();
    quote("ACC", "10.00");
    String alice = createAccount("alice");
    String bob = createAccount("bob");
    String revoked = createToken("alice");
    JsonObject revokedToken = tokens("alice").stream().map(JsonObject.class::cast)
        .filter(t -> revoked.startsWith(t.getString("hint"))).reduce((a, b) -> b).orElseThrow();
    assertThat(send("DELETE", "/api/accounts/alice/tokens/" + revokedToken.getString("token_id"), null,
        TestService.ADMIN).statusCode()).isEqualTo(204);
    AUTHORIZATION.put(Caller.MALFORMED, "Bearer not a token!");
    AUTHORIZATION.put(Caller.REVOKED, "Bearer " + revoked);
    AUTHORIZATION.put(Caller.OTHER_ACCOUNT, "Bearer " + bob);
    AUTHORIZATION.put(Caller.OWN_ACCOUNT, "Bearer " + alice);
    AUTHORIZATION.put(Caller.ADMIN, TestService.ADMIN);
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

  // --- helpers ---------------------------------------------------------------------------------------------

  static void quote(String symbol, String last) {
    try (Jedis jedis = REDIS.jedis()) {
      jedis.hset("live_data:latest:quotes", symbol, "{\"symbol\":\"" + symbol + "\",\"last\":\"" + last
          + "\",\"bid\":\"" + last + "\",\"ask\":\"" + last + "\",\"timestamp\":\"" + Instant.now() + "\"}");
    }
  }

  static HttpResponse<String> send(String method, String path, String body, String authorization) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
        .timeout(Duration.ofSeconds(20))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  static String createAccount(String id) throws Exception {
    HttpResponse<String> created = send("POST", "/api/accounts", "{\"id\":\"" + id + "\",\"cash\":\"100000.00\"}",
        TestService.ADMIN);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return new JsonObject(created.body()).getString("token");
  }

  static String createToken(String account) throws Exception {
    HttpResponse<String> created = send("POST", "/api/accounts/" + account + "/tokens", "{\"label\":\"t\"}",
        TestService.ADMIN);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return new JsonObject(created.body()).getString("token");
  }

  static JsonArray tokens(String account) throws Exception {
    return new JsonObject(send("GET", "/api/accounts/" + account + "/tokens", null, TestService.ADMIN).body())
        .getJsonArray("tokens");
  }

  /**
   * A working order of alice's (a buy far below the market), placed with a token of its own so the rate budget of
   * the tokens under test is not spent on setting up.
   */
  static String workingOrderOfAlice() throws Exception {
    HttpResponse<String> placed = send("POST", "/api/trades/orders/active", "{\"account\":\"alice\",\"symbol\":\"ACC\","
        + "\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"LMT\",\"limit_price\":\"1.00\",\"tif\":\"GTC\"}",
        "Bearer " + createToken("alice"));
    assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
    return String.valueOf(new JsonObject(placed.body()).getJsonObject("order").getLong("id"));
  }

  static List<JsonObject> ordersOf(String account) throws Exception {
    JsonArray orders = new JsonObject(send("GET", "/api/trades/orders?account=" + account + "&limit=1000", null,
        TestService.ADMIN).body()).getJsonArray("orders");
    List<JsonObject> list = new ArrayList<>();
    orders.forEach(o -> list.add((JsonObject) o));
    return list;
  }

  // --- the table ------------------------------------------------------------------------------------------

  /**
   * One route: how to call it (fresh state each time) and what the account token of ALICE, BOB's token and the
   * operator get. Without a usable token every route is 401.
   */
  record Route(String name, String method, Supplier<String> path, String body, int own, int other, int admin) {
  }

  interface Path {
    String get() throws Exception;
  }

  static Supplier<String> path(Path p) {
    return () -> {
      try {
        return p.get();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    };
  }

  static List<Route> routes() {
    return List.of(
        new Route("quotes", "GET", () -> "/api/quotes", null, 200, 200, 200),
        new Route("one quote", "GET", () -> "/api/quotes/ACC", null, 200, 200, 200),
        new Route("quote history", "GET", () -> "/api/quotes/ACC/history", null, 200, 200, 200),
        new Route("quote bars", "GET", () -> "/api/quotes/ACC/bars?interval=5m", null, 200, 200, 200),
        new Route("whoami", "GET", () -> "/api/whoami", null, 200, 200, 200),
        new Route("account", "GET", () -> "/api/accounts/alice", null, 200, 403, 200),
        new Route("positions", "GET", () -> "/api/accounts/alice/positions", null, 200, 403, 200),
        new Route("list tokens", "GET", () -> "/api/accounts/alice/tokens", null, 200, 403, 200),
        new Route("create token", "POST", () -> "/api/accounts/alice/tokens", "{\"label\":\"x\"}", 201, 403, 201),
        new Route("revoke token", "DELETE", path(() -> {
          String secret = createToken("alice");
          return "/api/accounts/alice/tokens/" + tokens("alice").stream().map(JsonObject.class::cast)
              .filter(t -> secret.startsWith(t.getString("hint"))).reduce((a, b) -> b).orElseThrow()
              .getString("token_id");
        }), null, 204, 403, 204),
        new Route("create account", "POST", () -> "/api/accounts", null, 403, 403, 201),
        new Route("place order", "POST", () -> "/api/trades/orders/active", null, 201, 403, 201),
        new Route("list orders of an account", "GET", () -> "/api/trades/orders?account=alice", null, 200, 403, 200),
        new Route("order events of an account", "GET", () -> "/api/trades/events?account=alice&since_seq=0", null,
            200, 403, 200),
        new Route("create token, hostile label", "POST", () -> "/api/accounts/alice/tokens",
            "{\"label\":\"a\\u0000b\"}", 400, 403, 400),
        new Route("one order", "GET", path(ApiAccessTest::orderPath), null, 200, 404, 200),
        new Route("replace order", "PATCH", path(ApiAccessTest::orderPath), "{\"quantity\":2}", 200, 404, 200),
        new Route("cancel order", "DELETE", path(ApiAccessTest::orderPath), null, 200, 404, 200),
        new Route("metrics", "GET", () -> "/metrics", null, 403, 403, 200),
        new Route("unknown route", "GET", () -> "/api/nothing/here", null, 404, 404, 404));
  }

  static String orderPath() throws Exception {
    return "/api/trades/orders/" + workingOrderOfAlice();
  }

  static Stream<Arguments> table() {
    List<Arguments> rows = new ArrayList<>();
    for (Route route : routes()) {
      for (Caller caller : Caller.values()) {
        int expected = switch (caller) {
          case NONE, MALFORMED, REVOKED -> 401;
          case OWN_ACCOUNT -> route.own();
          case OTHER_ACCOUNT -> route.other();
          case ADMIN -> route.admin();
        };
        rows.add(Arguments.of(route.name(), caller, route, expected));
      }
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0} as {1} -> {3}")
  @MethodSource("table")
  void everyRouteAnswersEachCallerAsThePolicySays(String name, Caller caller, Route route, int expected)
      throws Exception {
    String body = route.body();
    String clientOrderId = null;
    if (route.name().equals("create account")) {
      body = "{\"id\":\"acct-" + IDS.incrementAndGet() + "\"}";
    } else if (route.name().equals("place order")) {
      clientOrderId = "table-" + IDS.incrementAndGet();
      body = "{\"account\":\"alice\",\"symbol\":\"ACC\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"MKT\","
          + "\"client_order_id\":\"" + clientOrderId + "\"}";
    }
    HttpResponse<String> response = send(route.method(), route.path().get(), body, AUTHORIZATION.get(caller));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(expected);
    if (expected == 401) {
      assertThat(new JsonObject(response.body()).getJsonObject("error").getString("code")).isEqualTo("UNAUTHENTICATED");
      assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
    }
    if (expected == 403) {
      assertThat(new JsonObject(response.body()).getJsonObject("error").getString("code")).isEqualTo("FORBIDDEN");
    }
    if (expected == 404 && route.name().contains("order")) {
      // Another account's order reads exactly like one that does not exist.
      assertThat(new JsonObject(response.body()).getJsonObject("error").getString("code")).isEqualTo("ORDER_NOT_FOUND");
    }
    if (clientOrderId != null) {
      String id = clientOrderId;
      // A refused order is watched for a while: one written late would be as wrong as one written at once.
      await().during(Duration.ofMillis(expected == 201 ? 0 : 400)).atMost(Duration.ofSeconds(2)).untilAsserted(() ->
          assertThat(ordersOf("alice")).as("an order is written exactly when it was accepted")
              .filteredOn(o -> id.equals(o.getString("client_order_id"))).hasSize(expected == 201 ? 1 : 0));
    }
  }

  @Test
  void anAccountTokenListsItsOwnOrdersOnlyAndOrdersDefaultToItsAccount() throws Exception {
    String carol = createAccount("carol");
    HttpResponse<String> placed = send("POST", "/api/trades/orders/active",
        "{\"symbol\":\"ACC\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"MKT\"}", "Bearer " + carol);
    assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
    assertThat(new JsonObject(placed.body()).getJsonObject("order").getString("account")).isEqualTo("carol");
    workingOrderOfAlice();

    JsonArray listed = new JsonObject(send("GET", "/api/trades/orders", null, "Bearer " + carol).body())
        .getJsonArray("orders");
    assertThat(listed).isNotEmpty();
    assertThat(listed.stream().map(o -> ((JsonObject) o).getString("account"))).containsOnly("carol");
    JsonArray all = new JsonObject(send("GET", "/api/trades/orders", null, TestService.ADMIN).body())
        .getJsonArray("orders");
    assertThat(all.stream().map(o -> ((JsonObject) o).getString("account"))).contains("carol", "alice");

    JsonObject whoami = new JsonObject(send("GET", "/api/whoami", null, "Bearer " + carol).body());
    assertThat(whoami.getString("account")).isEqualTo("carol");
    assertThat(whoami.getString("role")).isEqualTo("account");
  }

  @Test
  void theMetricsTokenReadsMetricsAndNothingElse() throws Exception {
    HttpResponse<String> metrics = send("GET", "/metrics", null, "Bearer " + METRICS_TOKEN);
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("thortrading_fanout_clients");
    assertThat(send("GET", "/api/quotes", null, "Bearer " + METRICS_TOKEN).statusCode()).isEqualTo(403);
    assertThat(send("GET", "/api/accounts/paper", null, "Bearer " + METRICS_TOKEN).statusCode()).isEqualTo(403);
    assertThat(send("GET", "/metrics", null, null).statusCode()).isEqualTo(401);
  }

  @Test
  void healthIsOpenAndTellsNothingButWhatIsUp() throws Exception {
    HttpResponse<String> health = send("GET", "/health", null, null);
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).doesNotContain("127.0.0.1").doesNotContain("postgresql://").doesNotContain("redis://");
  }

  @Test
  void tokensAreListedWithoutTheirSecrets() throws Exception {
    String secret = createToken("alice");
    String listed = send("GET", "/api/accounts/alice/tokens", null, AUTHORIZATION.get(Caller.OWN_ACCOUNT)).body();
    assertThat(listed).doesNotContain(secret).contains(secret.substring(0, 9));
    assertThat(new JsonObject(listed).getJsonArray("tokens").getJsonObject(0).fieldNames())
        .contains("token_id", "label", "hint", "created_at", "last_used_at", "revoked_at").doesNotContain("token");
  }

  // --- cross-site ---------------------------------------------------------------------------------------------

  @Test
  void bodiesThatAreNotJsonAreRefusedAndWriteNothing() throws Exception {
    int before = ordersOf("paper").size();
    for (String type : List.of("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x",
        "application/json; charset=latin1")) {
      HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + service.httpPort() + "/api/trades/orders/active"))
          .header("Authorization", TestService.ADMIN).header("Content-Type", type)
          .POST(HttpRequest.BodyPublishers.ofString("{\"symbol\":\"ACC\",\"side\":\"BUY\",\"quantity\":1,"
              + "\"order_type\":\"MKT\"}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).as(type).isEqualTo(415);
      assertThat(new JsonObject(response.body()).getJsonObject("error").getString("code"))
          .isEqualTo("UNSUPPORTED_MEDIA_TYPE");
    }
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
        .untilAsserted(() -> assertThat(ordersOf("paper")).hasSize(before));
  }

  @Test
  void pagesOfOtherSitesGetNoGrantAndCannotTrade() throws Exception {
    int before = ordersOf("paper").size();
    for (String origin : List.of("http://evil.example", "http://localhost:" + (service.httpPort() + 1), "null")) {
      // A "simple" cross-site POST a hostile page can send without a preflight.
      HttpResponse<String> simple = HTTP.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + service.httpPort() + "/api/trades/orders/active"))
          .header("Origin", origin).header("Content-Type", "text/plain")
          .POST(HttpRequest.BodyPublishers.ofString("{\"symbol\":\"ACC\",\"side\":\"BUY\",\"quantity\":1,"
              + "\"order_type\":\"MKT\"}")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(simple.statusCode()).as(origin).isEqualTo(403);
      assertThat(simple.headers().map().keySet()).noneMatch(h -> h.toLowerCase().startsWith("access-control-"));

      HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + service.httpPort() + "/api/trades/orders/active"))
          .header("Origin", origin).header("Access-Control-Request-Method", "POST")
          .header("Access-Control-Request-Headers", "authorization,content-type")
          .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(preflight.statusCode()).as(origin).isEqualTo(403);
      assertThat(preflight.headers().map().keySet()).noneMatch(h -> h.toLowerCase().startsWith("access-control-"));
    }
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
        .untilAsserted(() -> assertThat(ordersOf("paper")).hasSize(before));

    // SockJS's HTTP side does not echo another site's Origin either.
    HttpResponse<String> info = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + service.httpPort() + "/eventbus/info"))
        .header("Origin", "http://evil.example").build(), HttpResponse.BodyHandlers.ofString());
    assertThat(info.statusCode()).isEqualTo(403);
    assertThat(info.headers().map().keySet()).noneMatch(h -> h.toLowerCase().startsWith("access-control-"));
    HttpResponse<String> ownInfo = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + service.httpPort() + "/eventbus/info")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(ownInfo.statusCode()).isEqualTo(200);
  }

  @Test
  void anAllowedOriginGetsACorsGrantWithoutCredentials() throws Exception {
    HttpResponse<String> preflight = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + service.httpPort() + "/api/trades/orders/active"))
        .header("Origin", ALLOWED_ORIGIN).header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization,content-type")
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(preflight.statusCode()).isEqualTo(204);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).contains(ALLOWED_ORIGIN);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers").orElse("").toLowerCase())
        .contains("authorization").contains("content-type");
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();

    HttpResponse<String> get = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + service.httpPort() + "/api/whoami"))
        .header("Origin", ALLOWED_ORIGIN).header("Authorization", TestService.ADMIN).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.headers().firstValue("Access-Control-Allow-Origin")).contains(ALLOWED_ORIGIN);
  }

  @Test
  void theServicesOwnPageNeedsNoGrant() throws Exception {
    HttpResponse<String> own = HTTP.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + service.httpPort() + "/api/whoami"))
        .header("Origin", "http://127.0.0.1:" + service.httpPort()).header("Authorization", TestService.ADMIN).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(own.statusCode()).isEqualTo(200);
  }

  // --- the bridge ----------------------------------------------------------------------------------------------

  static BridgeTestClient socket(String authorization) {
    return sockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(service.httpPort())
        .setURI("/eventbus/websocket")).map(ws -> new BridgeTestClient(ws, authorization)).await();
  }

  static Stream<Arguments> bridgeTable() {
    List<Arguments> rows = new ArrayList<>();
    for (Caller caller : Caller.values()) {
      boolean valid = caller == Caller.OWN_ACCOUNT || caller == Caller.OTHER_ACCOUNT || caller == Caller.ADMIN;
      rows.add(Arguments.of("quotes.ACC", caller, valid));
      rows.add(Arguments.of("orders.events.alice", caller, caller == Caller.OWN_ACCOUNT || caller == Caller.ADMIN));
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "register {0} as {1} -> {2}")
  @MethodSource("bridgeTable")
  void everyBridgeAddressAnswersEachCallerAsThePolicySays(String address, Caller caller, boolean allowed) {
    BridgeTestClient client = socket(AUTHORIZATION.get(caller));
    client.register(address);
    // Frames are handled in order: a second register answers only after the first was decided.
    client.register(address);
    await().atMost(Duration.ofSeconds(5)).until(() -> !client.errs().isEmpty());
    String expected = allowed ? "address_already_registered" : "access_denied";
    assertThat(client.errs().get(0).getString("body")).isEqualTo(expected);
    if (allowed && address.startsWith("quotes.")) {
      await().atMost(Duration.ofSeconds(5)).until(() -> client.recs(address).size() == 1);
    }
    client.socket.close().await();
  }

  @Test
  void aSocketDeniedAccountEventsNeverGetsThem() throws Exception {
    BridgeTestClient bob = socket(AUTHORIZATION.get(Caller.OTHER_ACCOUNT));
    BridgeTestClient alice = socket(AUTHORIZATION.get(Caller.OWN_ACCOUNT));
    bob.register("orders.events.alice");
    alice.register("orders.events.alice");
    alice.register("orders.events.alice");
    await().atMost(Duration.ofSeconds(5)).until(() -> !bob.errs().isEmpty() && !alice.errs().isEmpty());

    workingOrderOfAlice();

    await().atMost(Duration.ofSeconds(5)).until(() -> alice.recs("orders.events.alice").size() == 1);
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
        .until(() -> bob.recs("orders.events.alice").isEmpty());
  }

  // --- revocation --------------------------------------------------------------------------------------------

  @Test
  void aRevokedTokenIsRefusedOnItsNextCallAndItsSocketCloses() throws Exception {
    String secret = createToken("alice");
    String tokenId = tokens("alice").stream().map(JsonObject.class::cast)
        .filter(t -> secret.startsWith(t.getString("hint"))).reduce((a, b) -> b).orElseThrow().getString("token_id");
    assertThat(send("GET", "/api/accounts/alice", null, "Bearer " + secret).statusCode()).isEqualTo(200);
    BridgeTestClient socket = socket("Bearer " + secret);
    socket.register("orders.events.alice");
    socket.register("orders.events.alice");
    await().atMost(Duration.ofSeconds(5)).until(() -> !socket.errs().isEmpty());
    assertThat(socket.errs().get(0).getString("body")).isEqualTo("address_already_registered");

    // The account revokes its own token.
    assertThat(send("DELETE", "/api/accounts/alice/tokens/" + tokenId, null, "Bearer " + secret).statusCode())
        .isEqualTo(204);

    assertThat(send("GET", "/api/accounts/alice", null, "Bearer " + secret).statusCode()).isEqualTo(401);
    await().atMost(Duration.ofSeconds(5)).untilTrue(socket.closed);
    assertThat(socket.closeReason).isEqualTo("token revoked");
    JsonObject listed = tokens("alice").stream().map(JsonObject.class::cast)
        .filter(t -> t.getString("token_id").equals(tokenId)).findFirst().orElseThrow();
    assertThat(listed.getString("revoked_at")).isNotNull();
  }

  @Test
  void aTokenRevokedBehindTheServicesBackStopsWorkingWithinASecondAndItsSocketWithinFive() throws Exception {
    String secret = createToken("alice");
    assertThat(send("GET", "/api/accounts/alice", null, "Bearer " + secret).statusCode()).isEqualTo(200);
    BridgeTestClient socket = socket("Bearer " + secret);
    socket.register("quotes.ACC");
    await().atMost(Duration.ofSeconds(5)).until(() -> socket.recs("quotes.ACC").size() == 1);

    // No revocation message: another node, or an operator with psql.
    try (Connection db = DriverManager.getConnection(PG.url().replace("postgresql://postgres@", "jdbc:postgresql://"),
        "postgres", "")) {
      var update = db.prepareStatement("UPDATE api_tokens SET revoked_at = now() WHERE hint = ? AND revoked_at IS NULL");
      update.setString(1, secret.substring(0, 9));
      assertThat(update.executeUpdate()).isEqualTo(1);
    }
    Instant revoked = Instant.now();

    await().atMost(Duration.ofMillis(1500)).until(() ->
        send("GET", "/api/accounts/alice", null, "Bearer " + secret).statusCode() == 401);
    await().atMost(Duration.ofSeconds(5)).untilTrue(socket.closed);
    assertThat(Duration.between(revoked, Instant.now())).isLessThan(Duration.ofSeconds(5));
  }

  // --- limits ------------------------------------------------------------------------------------------------

  @Test
  void ordersPastTheRateGet429WithRetryAfterAndTheOnesBeforeItFill() throws Exception {
    String dave = createAccount("dave");
    // Thirty at once: the limit is 5 a second with bursts of 10, so at least the burst passes and, unless the
    // thirty took five seconds to arrive, some are refused.
    long started = System.nanoTime();
    List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      inFlight.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort()
              + "/api/trades/orders/active")).header("Authorization", "Bearer " + dave)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"symbol\":\"ACC\","
              + "\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"MKT\",\"client_order_id\":\"rate-" + i + "\"}"))
          .build(), HttpResponse.BodyHandlers.ofString()));
    }
    List<HttpResponse<String>> replies = new ArrayList<>();
    for (var reply : inFlight) {
      replies.add(reply.get());
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    List<HttpResponse<String>> limited = replies.stream().filter(r -> r.statusCode() == 429).toList();
    assertThat(replies.stream().filter(r -> r.statusCode() == 201).count()).isBetween(10L, (long) (11 + 5 * seconds));
    assertThat(limited).as("30 orders in %.1f s", seconds).isNotEmpty();
    assertThat(limited).allSatisfy(r -> {
      assertThat(Integer.parseInt(r.headers().firstValue("Retry-After").orElseThrow())).isGreaterThanOrEqualTo(1);
      assertThat(new JsonObject(r.body()).getJsonObject("error").getString("code")).isEqualTo("RATE_LIMITED");
    });
    long accepted = replies.stream().filter(r -> r.statusCode() == 201).count();
    assertThat(accepted + limited.size()).isEqualTo(30);
    List<JsonObject> orders = ordersOf("dave");
    assertThat(orders).hasSize((int) accepted).allSatisfy(o -> assertThat(o.getString("status")).isEqualTo("FILLED"));
    // Another token has its own budget.
    assertThat(send("POST", "/api/trades/orders/active", "{\"account\":\"alice\",\"symbol\":\"ACC\",\"side\":\"BUY\","
        + "\"quantity\":1,\"order_type\":\"MKT\"}", AUTHORIZATION.get(Caller.OWN_ACCOUNT)).statusCode()).isEqualTo(201);
  }
}
