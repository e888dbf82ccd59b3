package com.thortrading.stream;

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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * Order events survive a reconnect: each account's events carry a gap-free seq, and a client that registers with
 * since_seq gets exactly what it missed, in order, then the live ones, with no gap and no duplicate.
 */
class OrderEventsReplayTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  static final PostgresServerExtension PG = new PostgresServerExtension();

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static ThorService service;
  private static Vertx vertx;
  private static WebSocketClient sockets;

  @BeforeAll
  static void start() throws Exception {
    service = TestService.start(Map.of("THOR_REDIS_URL", REDIS.url(), "THOR_PG_URL", PG.url(),
        "THOR_SYMBOLS", "SIMONLY", "THOR_ORDER_RATE_PER_SECOND", "1000"));
    vertx = Vertx.vertx();
    sockets = vertx.createWebSocketClient();
    try (Jedis jedis = REDIS.jedis()) {
      jedis.hset("live_data:latest:quotes", "RPL", "{\"symbol\":\"RPL\",\"last\":\"50.00\",\"bid\":\"49.99\","
          + "\"ask\":\"50.01\",\"timestamp\":\"" + Instant.now() + "\"}");
    }
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

  static HttpResponse<String> call(String method, String path, String body, String token) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  static String account(String id) throws Exception {
    HttpResponse<String> created = HTTP.send(TestService.request(URI.create("http://127.0.0.1:" + service.httpPort()
        + "/api/accounts")).POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"" + id + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    return new JsonObject(created.body()).getString("token");
  }

  /** A buy far below the market: it rests, one event. */
  static long rest(String token) throws Exception {
    HttpResponse<String> placed = call("POST", "/api/trades/orders/active", "{\"symbol\":\"RPL\",\"side\":\"BUY\","
        + "\"quantity\":1,\"order_type\":\"LMT\",\"limit_price\":\"1.00\",\"tif\":\"GTC\"}", token);
    assertThat(placed.statusCode()).as(placed.body()).isEqualTo(201);
    return new JsonObject(placed.body()).getJsonObject("order").getLong("id");
  }

  static BridgeTestClient socket(String token) {
    return sockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(service.httpPort())
        .setURI("/eventbus/websocket")).map(ws -> new BridgeTestClient(ws, "Bearer " + token)).await();
  }

  static List<Long> seqs(BridgeTestClient client, String address) {
    return client.recs(address).stream().map(f -> f.getJsonObject("body").getLong("seq")).toList();
  }

  @Test
  void aClientAwayWhileFiftyEventsHappenGetsExactlyThoseInOrderThenLiveOnes() throws Exception {
    String token = account("away");
    String address = "orders.events.away";
    BridgeTestClient first = socket(token);
    first.register(address);
    first.register(address); // answered only once the first is in place
    await().atMost(Duration.ofSeconds(5)).until(() -> !first.errs().isEmpty());
    rest(token);
    await().atMost(Duration.ofSeconds(5)).until(() -> first.recs(address).size() == 1);
    long seen = seqs(first, address).get(0);
    first.socket.close().await();

    // Away: 25 orders placed and cancelled, 50 events.
    for (int i = 0; i < 25; i++) {
      long id = rest(token);
      assertThat(call("DELETE", "/api/trades/orders/" + id, null, token).statusCode()).isEqualTo(200);
    }

    BridgeTestClient back = socket(token);
    back.register(address, new JsonObject().put("since_seq", String.valueOf(seen)));
    await().atMost(Duration.ofSeconds(10)).until(() -> back.recs(address).size() == 50);
    assertThat(seqs(back, address)).containsExactlyElementsOf(LongStream.rangeClosed(seen + 1, seen + 50).boxed().toList());
    assertThat(back.recs(address).get(1).getJsonObject("body").getString("status")).isEqualTo("CANCELED");

    rest(token);
    await().atMost(Duration.ofSeconds(5)).until(() -> back.recs(address).size() == 51);
    assertThat(seqs(back, address).get(50)).isEqualTo(seen + 51);
    // An event published twice (the outbox's sweep racing a slow mark) reaches the client once.
    service.vertx().eventBus().publish(address, back.recs(address).get(50).getJsonObject("body"));
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> back.recs(address).size() == 51);

    // The same over REST.
    JsonArray events = new JsonObject(call("GET", "/api/trades/events?since_seq=" + seen, null, token).body())
        .getJsonArray("events");
    assertThat(events.stream().map(e -> ((JsonObject) e).getLong("seq")).toList())
        .containsExactlyElementsOf(LongStream.rangeClosed(seen + 1, seen + 51).boxed().toList());
  }

  @Test
  void eventsHappeningWhileTheReplayIsReadAreNeitherLostNorDoubled() throws Exception {
    String token = account("busy");
    String address = "orders.events.busy";
    for (int i = 0; i < 20; i++) {
      rest(token);
    }
    BridgeTestClient client = socket(token);
    List<CompletableFuture<HttpResponse<String>>> racing = new ArrayList<>();
    client.register(address, new JsonObject().put("since_seq", "0"));
    for (int i = 0; i < 20; i++) {
      racing.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort()
              + "/api/trades/orders/active")).header("Authorization", "Bearer " + token)
          .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"symbol\":\"RPL\","
              + "\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"LMT\",\"limit_price\":\"1.00\",\"tif\":\"GTC\"}"))
          .build(), HttpResponse.BodyHandlers.ofString()));
    }
    CompletableFuture.allOf(racing.toArray(new CompletableFuture[0])).get();
    await().atMost(Duration.ofSeconds(10)).until(() -> client.recs(address).size() >= 40);
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> client.recs(address).size() == 40);
    assertThat(seqs(client, address)).containsExactlyElementsOf(LongStream.rangeClosed(1, 40).boxed().toList());
  }

  @Test
  void anEventCommittedButNeverPublishedIsPublishedByTheSweep() throws Exception {
    String token = account("orphan");
    String address = "orders.events.orphan";
    long id = rest(token);
    // As if the node died between its commit and its publish: the row is there, unpublished, seconds old.
    try (var db = java.sql.DriverManager.getConnection(PG.url().replace("postgresql://postgres@", "jdbc:postgresql://"),
        "postgres", "")) {
      await().atMost(Duration.ofSeconds(5)).until(() -> published(db, "orphan") == 1);
      assertThat(db.createStatement().executeUpdate("INSERT INTO order_events_unpublished (account_id, seq, "
          + "created_at) SELECT account_id, seq, now() - interval '10 seconds' FROM order_events "
          + "WHERE account_id = 'orphan'")).isEqualTo(1);
      BridgeTestClient client = socket(token);
      client.register(address);
      await().atMost(Duration.ofSeconds(6)).until(() -> client.recs(address).size() == 1);
      assertThat(client.recs(address).get(0).getJsonObject("body").getLong("id")).isEqualTo(id);
      await().atMost(Duration.ofSeconds(5)).until(() -> published(db, "orphan") == 1);
    }
  }

  private static int published(java.sql.Connection db, String account) throws Exception {
    try (var rows = db.createStatement().executeQuery("SELECT count(*) FROM order_events e WHERE account_id = '"
        + account + "' AND NOT EXISTS (SELECT 1 FROM order_events_unpublished u WHERE u.account_id = e.account_id "
        + "AND u.seq = e.seq)")) {
      rows.next();
      return rows.getInt(1);
    }
  }

  @Test
  void anEventLostOnTheWayIsFetchedWhenTheNextOneShowsTheGap() throws Exception {
    String token = account("gappy");
    String address = "orders.events.gappy";
    BridgeTestClient client = socket(token);
    client.register(address);
    client.register(address);
    await().atMost(Duration.ofSeconds(5)).until(() -> !client.errs().isEmpty());
    rest(token);
    await().atMost(Duration.ofSeconds(5)).until(() -> client.recs(address).size() == 1);

    // The bus loses the next event of this account (as a node that dies between commit and publish would).
    java.util.concurrent.atomic.AtomicBoolean dropped = new java.util.concurrent.atomic.AtomicBoolean();
    io.vertx.core.Handler<io.vertx.core.eventbus.DeliveryContext<Object>> loseOne = delivery -> {
      if (address.equals(delivery.message().address()) && dropped.compareAndSet(false, true)) {
        return; // not passed on: lost
      }
      delivery.next();
    };
    service.vertx().eventBus().addOutboundInterceptor(loseOne);
    try {
      rest(token);
      await().atMost(Duration.ofSeconds(5)).untilTrue(dropped);
      rest(token);
      await().atMost(Duration.ofSeconds(5)).until(() -> client.recs(address).size() == 3);
      assertThat(seqs(client, address)).containsExactly(1L, 2L, 3L);
    } finally {
      service.vertx().eventBus().removeOutboundInterceptor(loseOne);
    }
  }

  @Test
  void aMalformedSinceSeqIsRefused() {
    BridgeTestClient client = socket(TestService.ADMIN_TOKEN);
    client.register("orders.events.paper", new JsonObject().put("since_seq", "-1"));
    await().atMost(Duration.ofSeconds(5)).until(() -> !client.errs().isEmpty());
    assertThat(client.errs().get(0).getString("body")).isEqualTo("invalid_header");
  }
}
