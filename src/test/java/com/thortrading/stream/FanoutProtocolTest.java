package com.thortrading.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.thortrading.app.ThorService;
import com.thortrading.livedata.LiveQuote;
import com.thortrading.livedata.QuoteJson;
import com.thortrading.testsupport.PostgresServerExtension;
import com.thortrading.testsupport.BridgeTestClient;
import com.thortrading.testsupport.RedisServerExtension;
import com.thortrading.testsupport.TestService;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.Pipeline;

/** The bridge protocol against raw websocket clients on /eventbus/websocket, with the whole service behind it. */
class FanoutProtocolTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  static final PostgresServerExtension PG = new PostgresServerExtension();

  private static ThorService service;
  private static WebSocketClient sockets;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> env = Map.of(
        "THOR_REDIS_URL", REDIS.url(),
        "THOR_PG_URL", PG.url(),
        "THOR_SYMBOLS", "SIMONLY",
        "THOR_FANOUT_MAX_REGISTRATIONS", "3",
        "THOR_FANOUT_MAX_FRAME_BYTES", "1024");
    service = TestService.start(env);
    sockets = service.vertx().createWebSocketClient();
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  static BridgeTestClient connect(String origin) {
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(service.httpPort())
        .setURI("/eventbus/websocket");
    if (origin != null) {
      options.addHeader("Origin", origin);
    }
    // Handlers attach on the socket's own event loop as it opens, so no frame (or close) can come before them.
    return sockets.connect(options).map(BridgeTestClient::new).await();
  }

  static String quoteJson(String symbol, String last, Instant at) {
    return "{\"symbol\":\"" + symbol + "\",\"last\":\"" + last + "\",\"timestamp\":\"" + at + "\"}";
  }

  @Test
  void registerGetsTheLatestQuoteAtOnceThenEveryChangeWithoutDuplicates() {
    Instant t0 = Instant.parse("2026-01-05T15:00:00Z");
    try (Jedis jedis = REDIS.jedis()) {
      jedis.hset("live_data:latest:quotes", "SNAP", quoteJson("SNAP", "10.00", t0));
      BridgeTestClient client = connect(null);
      client.register("quotes.SNAP");

      await().atMost(Duration.ofSeconds(5)).until(() -> client.recs("quotes.SNAP").size() == 1);
      assertThat(client.recs("quotes.SNAP").get(0).getJsonObject("body").getString("last")).isEqualTo("10.00");

      // The same quote arriving on the channel (a publish racing the snapshot) is not sent twice.
      jedis.publish("live_data:quotes:SNAP", quoteJson("SNAP", "10.00", t0));
      jedis.publish("live_data:quotes:SNAP", quoteJson("SNAP", "10.05", t0.plusSeconds(1)));
      await().atMost(Duration.ofSeconds(5)).until(() -> client.recs("quotes.SNAP").size() >= 2);
      jedis.publish("live_data:quotes:SNAP", quoteJson("SNAP", "10.10", t0.plusSeconds(2)));
      await().atMost(Duration.ofSeconds(5)).until(() -> client.recs("quotes.SNAP").size() >= 3);

      assertThat(client.recs("quotes.SNAP")).extracting(f -> f.getJsonObject("body").getString("last"))
          .containsExactly("10.00", "10.05", "10.10");
      assertThat(client.errs()).isEmpty();

      client.send(new JsonObject().put("type", "unregister").put("address", "quotes.SNAP"));
      client.send(new JsonObject().put("type", "ping"));
      // Frames are handled in order: once OTHER's snapshot is here, the unregister before it was too.
      jedis.hset("live_data:latest:quotes", "OTHER", quoteJson("OTHER", "1.00", t0.plusSeconds(3)));
      client.register("quotes.OTHER");
      await().atMost(Duration.ofSeconds(5)).until(() -> client.recs("quotes.OTHER").size() == 1);
      jedis.publish("live_data:quotes:SNAP", quoteJson("SNAP", "10.20", t0.plusSeconds(3)));
      // Messages from one publisher arrive in order: once OTHER's update is here, SNAP's had its chance.
      jedis.publish("live_data:quotes:OTHER", quoteJson("OTHER", "1.01", t0.plusSeconds(4)));
      await().atMost(Duration.ofSeconds(5)).until(() -> client.recs("quotes.OTHER").size() == 2);
      // Nothing after unregister, also past SNAP's own rate-cap window (it could hold an update a while).
      await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
          .until(() -> client.recs("quotes.SNAP").size() == 3);
    }
  }

  @Test
  void sendsAndForeignAddressesAreDeniedAndNothingRuns() throws Exception {
    BridgeTestClient client = connect(null);
    client.send(new JsonObject().put("type", "send").put("address", "orders.place")
        .put("body", new JsonObject().put("symbol", "X").put("side", "BUY").put("quantity", 1).put("order_type", "MKT")));
    client.send(new JsonObject().put("type", "publish").put("address", "quotes.AAPL").put("body", new JsonObject()));
    client.register("orders.place");
    client.register("accounts.get");
    client.register("quotes.aapl");

    await().atMost(Duration.ofSeconds(5)).until(() -> client.errs().size() == 5);
    assertThat(client.errs()).extracting(f -> f.getString("body")).containsOnly("access_denied");
    assertThat(client.errs().get(2).getString("address")).isEqualTo("orders.place");
    // The order sent over the socket never reached the engine, and refusing it did not cost the socket.
    await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
      HttpResponse<String> orders = HttpClient.newHttpClient().send(TestService.request(
          URI.create("http://127.0.0.1:" + service.httpPort() + "/api/trades/orders?symbol=X")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(new JsonObject(orders.body()).getJsonArray("orders")).isEmpty();
      assertThat(client.closed.get()).isFalse();
    });
  }

  @Test
  void limitsAreEnforcedWithErrFramesAndRepeatedAbuseClosesTheSocket() {
    BridgeTestClient client = connect(null);
    client.register("quotes.L1");
    client.register("quotes.L2");
    client.register("quotes.L3");
    client.register("quotes.L4");
    client.register("quotes.L1");
    client.register("quotes." + "X".repeat(300));
    await().atMost(Duration.ofSeconds(5)).until(() -> client.errs().size() == 3);
    assertThat(client.errs()).extracting(f -> f.getString("body"))
        .containsExactly("max_registrations", "address_already_registered", "address_too_long");
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !client.closed.get());

    // Three refusals so far; the limit is ten, so the eighth of these closes the socket.
    for (int i = 0; i < 10 && !client.closed.get(); i++) {
      client.socket.writeTextMessage(new JsonObject().put("type", "send").put("address", "orders.place").encode());
    }
    await().atMost(Duration.ofSeconds(5)).untilTrue(client.closed);
    assertThat(client.closeReason).isEqualTo("too many refused frames");
    assertThat(client.errs()).hasSizeBetween(10, 11);
  }

  @Test
  void aMegabyteMessageInFragmentsClosesItsSocketInsteadOfWedgingIt() throws Exception {
    try (var raw = new com.thortrading.testsupport.StalledWebSocket("127.0.0.1", service.httpPort(),
        "/eventbus/websocket")) {
      byte[] message = ("{\"type\":\"ping\",\"pad\":\"" + "p".repeat(1 << 20) + "\"}")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      try {
        raw.sendFragmented(message, 16 * 1024);
      } catch (java.io.IOException closedWhileSending) {
        // the server may close it before the whole megabyte is sent: that is the point
      }
      assertThat(raw.closedByServer(5_000)).as("connection closed by the server").isTrue();
    }
    BridgeTestClient after = connect(null);
    after.register("quotes.AFTER");
    after.register("quotes.AFTER");
    await().atMost(Duration.ofSeconds(5)).until(() -> !after.errs().isEmpty());
    assertThat(after.errs().get(0).getString("body")).isEqualTo("address_already_registered");
  }

  @Test
  void aFrameOverTheLimitGetsAnErrFrameAndTheSocketIsClosed() {
    BridgeTestClient client = connect(null);
    client.send(new JsonObject().put("type", "register").put("address", "quotes.BIG").put("body", "x".repeat(2000)));
    await().atMost(Duration.ofSeconds(5)).untilTrue(client.closed);
    assertThat(client.errs()).extracting(f -> f.getString("body")).containsExactly("frame_too_large");
    assertThat(client.closeReason).isEqualTo("frame too large");
  }

  @Test
  void followsItsAccountsOrderUpdates() throws Exception {
    BridgeTestClient client = connect(null);
    client.register("orders.events.paper");
    // Frames are handled in order: the refusal of a second register proves the first one is in place.
    client.register("orders.events.paper");
    await().atMost(Duration.ofSeconds(5)).until(() -> client.errs().size() == 1);
    assertThat(client.errs().get(0).getString("body")).isEqualTo("address_already_registered");

    HttpResponse<String> placed = HttpClient.newHttpClient().send(TestService.request(
            URI.create("http://127.0.0.1:" + service.httpPort() + "/api/trades/orders/active"))
        .POST(HttpRequest.BodyPublishers.ofString(
            "{\"symbol\":\"EVT\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"LMT\",\"limit_price\":\"2.00\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    JsonObject order = new JsonObject(placed.body()).getJsonObject("order");
    JsonObject account = new JsonObject(placed.body()).getJsonObject("account");

    await().atMost(Duration.ofSeconds(5)).until(() -> client.recs("orders.events.paper").size() == 1);
    JsonObject event = client.recs("orders.events.paper").get(0).getJsonObject("body");
    long seq = event.getLong("seq");
    assertThat(seq).isPositive();
    assertThat(event.remove("account_snapshot")).isEqualTo(account.copy().put("event_seq", seq));
    event.remove("seq");
    assertThat(event).isEqualTo(order);
  }

  @Test
  void browsersFromOtherOriginsAreRefusedBeforeASocketOpens() {
    for (String origin : List.of("https://evil.example", "http://localhost:" + (service.httpPort() + 1),
        "http://localhost:" + service.httpPort(), "null")) {
      WebSocketConnectOptions options = new WebSocketConnectOptions().setHost("127.0.0.1")
          .setPort(service.httpPort()).setURI("/eventbus/websocket").addHeader("Origin", origin);
      assertThatThrownBy(() -> sockets.connect(options).await()).as(origin).hasMessageContaining("403");
    }

    BridgeTestClient own = connect("http://127.0.0.1:" + service.httpPort());
    own.register("quotes.OWNORIGIN");
    own.register("quotes.OWNORIGIN");
    await().atMost(Duration.ofSeconds(5)).until(() -> own.errs().size() == 1);
    assertThat(own.errs().get(0).getString("body")).isEqualTo("address_already_registered");
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !own.closed.get());
  }

  @Test
  void aBurstOfAThousandUpdatesIn100MsReachesAClientAsAHandfulEndingWithTheNewest() {
    BridgeTestClient client = connect(null);
    client.register("quotes.BURST");
    Instant t0 = Instant.parse("2026-01-05T16:00:00Z");
    long burstStart;
    try (Jedis jedis = REDIS.jedis()) {
      // Wait until the registration is live: the first publish gets through.
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        jedis.publish("live_data:quotes:BURST", quoteJson("BURST", "0.01", t0));
        assertThat(client.recs("quotes.BURST")).isNotEmpty();
      });

      burstStart = System.nanoTime();
      Pipeline burst = jedis.pipelined();
      for (int i = 1; i <= 1000; i++) {
        burst.publish("live_data:quotes:BURST", quoteJson("BURST", i + ".00", t0.plusMillis(i)));
      }
      burst.sync();
    }

    await().atMost(Duration.ofSeconds(5)).until(() -> {
      List<JsonObject> recs = client.recs("quotes.BURST");
      return recs.get(recs.size() - 1).getJsonObject("body").getString("last").equals("1000.00");
    });
    // 1000.00 is the newest value there is, so nothing can follow it: count what the burst became.
    List<String> fromBurst = client.recs("quotes.BURST").stream().map(f -> f.getJsonObject("body").getString("last"))
        .filter(last -> !last.equals("0.01")).toList();
    // At most one update per 50 ms window (20 a second) over however long the burst took to reach the node, plus
    // the window it began in: a handful on an idle machine, a few more on a loaded one, never the thousand. (The
    // windows lie over when quotes reached the node, which was between the burst's start and its last delivery.)
    List<Long> times = new java.util.ArrayList<>();
    for (int i = 0; i < client.frames.size(); i++) {
      JsonObject f = client.frames.get(i);
      if ("rec".equals(f.getString("type")) && !"0.01".equals(f.getJsonObject("body").getString("last"))) {
        times.add(client.arrivals.get(i));
      }
    }
    long spanMs = (times.get(times.size() - 1) - burstStart) / 1_000_000;
    assertThat(fromBurst).hasSizeBetween(1, (int) (2 + spanMs / 50)).endsWith("1000.00");
    assertThat(fromBurst.size()).as("a thousand updates became a handful").isLessThan(50);
  }

  @Test
  void quotesThatReachedTheNodeAWindowApartAllGoOutWhenABusyLoopTakesThemBackToBack() {
    BridgeTestClient client = connect(null);
    client.register("quotes.LATE");
    long now = System.nanoTime();
    DeliveryOptions local = new DeliveryOptions().setLocalOnly(true);
    // As the node's subscriber hands quotes on. The first, to see the registration live, reached the node long ago.
    LiveQuote first = late("0.01", now - Duration.ofSeconds(30).toNanos());
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
      service.vertx().eventBus().publish("quotes.LATE", first, local);
      assertThat(client.recs("quotes.LATE")).isNotEmpty();
    });
    // The first again, which the cap holds for the end of its window (its timer set, not yet fired), then three that
    // reached the node 200 ms apart (four windows of the 20-a-second cap) but reach the fan-out's loop together, as
    // after a stall: none of them was a burst, so none is conflated away, nor replaces the held one. (They are handed
    // on as the subscriber would but not recorded in the node's copy, so none counts as overtaken: the skip of
    // quotes that waited past THOR_FANOUT_SKIP_OVERTAKEN_MS is FanoutSlowClientTest's.)
    service.vertx().eventBus().publish("quotes.LATE", first, local);
    for (int i = 1; i <= 3; i++) {
      service.vertx().eventBus().publish("quotes.LATE", late(i + ".00", now - (3 - i) * 200_000_000L), local);
    }

    await().atMost(Duration.ofSeconds(5)).until(() -> lasts(client).contains("3.00"));
    assertThat(lasts(client).stream().filter(last -> !last.equals("0.01")).toList())
        .containsExactly("1.00", "2.00", "3.00");
  }

  private static List<String> lasts(BridgeTestClient client) {
    return client.recs("quotes.LATE").stream().map(f -> f.getJsonObject("body").getString("last")).toList();
  }

  private static LiveQuote late(String last, long receivedNanos) {
    String json = quoteJson("LATE", last, Instant.now());
    return new LiveQuote(QuoteJson.fromJson(json), json, receivedNanos);
  }
}
