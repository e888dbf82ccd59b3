package com.thortrading.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.thortrading.app.ThorService;
import com.thortrading.livedata.LiveQuote;
import com.thortrading.livedata.QuoteJson;
import com.thortrading.testsupport.PostgresServerExtension;
import com.thortrading.testsupport.BridgeTestClient;
import com.thortrading.testsupport.RedisServerExtension;
import com.thortrading.testsupport.TestService;
import com.thortrading.testsupport.StalledWebSocket;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Falling behind. A client that stops reading while big quotes flow fast: it is conflated, then disconnected; what
 * the server holds for clients stays bounded; a normal client beside it keeps receiving without delay. A fan-out
 * loop that falls behind skips the quotes already overtaken and catches up on the newest.
 */
class FanoutSlowClientTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  static final PostgresServerExtension PG = new PostgresServerExtension();

  private static final int SYMBOLS = 20;
  private static final int MAX_IN_FLIGHT = 16;
  private static ThorService service;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> env = Map.of(
        "THOR_REDIS_URL", REDIS.url(),
        "THOR_PG_URL", PG.url(),
        "THOR_SYMBOLS", "SIMONLY",
        "THOR_FANOUT_RATE_PER_SECOND", "0",
        "THOR_FANOUT_MAX_IN_FLIGHT", String.valueOf(MAX_IN_FLIGHT),
        "THOR_FANOUT_MAX_BEHIND_MS", "1000",
        "THOR_FANOUT_IDLE_TIMEOUT_MS", "3000");
    service = TestService.start(env);
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  private static double metric(String name) throws Exception {
    String text = HTTP.send(TestService.request(URI.create("http://127.0.0.1:" + service.httpPort() + "/metrics"))
        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
    return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @Test
  void slowClientIsConflatedThenDisconnectedWhileANormalClientKeepsItsLatency() throws Exception {
    var sockets = service.vertx().createWebSocketClient();
    WebSocketConnectOptions where = new WebSocketConnectOptions().setHost("127.0.0.1").setPort(service.httpPort())
        .setURI("/eventbus/websocket");
    BridgeTestClient normal = sockets.connect(where).map(BridgeTestClient::new).await();
    List<Long> alone = new CopyOnWriteArrayList<>();
    List<Long> besideSlow = new CopyOnWriteArrayList<>();
    AtomicReference<List<Long>> phase = new AtomicReference<>(alone);
    normal.socket.textMessageHandler(text -> {
      JsonObject body = new JsonObject(text).getJsonObject("body");
      if (body != null && body.containsKey("sent_at")) {
        phase.get().add(System.currentTimeMillis() - body.getLong("sent_at"));
      }
    });
    for (int i = 0; i < SYMBOLS; i++) {
      normal.register("quotes.SLOW" + i);
    }
    // Pings, as the JS client does every 5 s, keep it clear of the idle timeout.
    long pings = service.vertx().setPeriodic(500, t -> normal.socket.writeTextMessage("{\"type\":\"ping\"}"));

    String filler = "x".repeat(8 * 1024);
    AtomicInteger published = new AtomicInteger();
    AtomicLong maxQueued = new AtomicLong();
    long timer = service.vertx().setPeriodic(1, t -> {
      for (int k = 0; k < 2; k++) {
        int n = published.incrementAndGet();
        String symbol = "SLOW" + (n % SYMBOLS);
        JsonObject quote = new JsonObject().put("symbol", symbol).put("last", n + ".00")
            .put("timestamp", Instant.now().toString()).put("sent_at", System.currentTimeMillis()).put("pad", filler);
        String json = quote.encode();
        // As the node's subscriber hands quotes on: parsed, with their text.
        service.vertx().eventBus().publish("quotes." + symbol, new LiveQuote(QuoteJson.fromJson(json), json),
            new DeliveryOptions().setLocalOnly(true));
      }
    });
    StalledWebSocket slow;
    long pingsOfSlow = -1;
    long droppedAt = 0;
    java.util.concurrent.atomic.AtomicBoolean slowConnectionGone = new java.util.concurrent.atomic.AtomicBoolean();
    long heapBefore;
    long heapDuring;
    try {
      // Phase 1: the normal client alone, for a baseline.
      await().atMost(Duration.ofSeconds(10)).until(() -> alone.size() >= 2000);
      heapBefore = usedHeapAfterGc();

      // Phase 2: a client that registers everything and stops reading.
      slow = new StalledWebSocket("127.0.0.1", service.httpPort(), "/eventbus/websocket");
      for (int i = 0; i < SYMBOLS; i++) {
        slow.sendText("{\"type\":\"register\",\"address\":\"quotes.SLOW" + i + "\","
            + "\"headers\":{\"authorization\":\"" + TestService.ADMIN + "\"}}");
      }
      phase.set(besideSlow);
      StalledWebSocket stalled = slow;
      // It keeps pinging (so no idle timeout will save the server), but reads nothing.
      pingsOfSlow = service.vertx().setPeriodic(300, t -> {
        try {
          stalled.sendText("{\"type\":\"ping\"}");
        } catch (java.io.IOException e) {
          slowConnectionGone.set(true);
        }
      });
      await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100)).until(() -> {
        maxQueued.accumulateAndGet((long) metric("thortrading_fanout_queued"), Math::max);
        return metric("thortrading_fanout_slow_disconnects_total") >= 1;
      });
      droppedAt = System.nanoTime();
      heapDuring = usedHeapAfterGc();
    } finally {
      service.vertx().cancelTimer(timer);
    }

    long p99Alone = percentile(alone, 0.99);
    long p99Beside = percentile(besideSlow, 0.99);
    System.out.printf("slow-client run: %d quotes of 8 KiB published; heap %d MiB before the slow client, %d MiB "
            + "while it was held; at most %d messages queued for clients; normal client p99 latency %d ms alone "
            + "(%d quotes), %d ms beside the slow client (%d quotes)%n", published.get(), heapBefore >> 20,
        heapDuring >> 20, maxQueued.get(), p99Alone, alone.size(), p99Beside, besideSlow.size());

    assertThat(metric("thortrading_fanout_messages_conflated_total")).isPositive();
    // What the server held for both clients never exceeded in-flight writes plus one message per symbol each.
    assertThat(maxQueued.get()).isLessThanOrEqualTo(2L * (MAX_IN_FLIGHT + SYMBOLS));
    assertThat(heapDuring - heapBefore).as("heap growth, bytes").isLessThan(64L << 20);
    assertThat(besideSlow).hasSizeGreaterThan(500);
    assertThat(p99Beside).as("normal client's p99 latency beside the slow client, ms")
        .isLessThanOrEqualTo(Math.max(2 * p99Alone, p99Alone + 200));

    // The server forgot it at once: no more writes, nothing held for it; and its TCP connection is reset within
    // seconds, though the client keeps pinging and never takes its close frame.
    assertThat(metric("thortrading_fanout_clients")).isEqualTo(1);
    assertThat(metric("thortrading_fanout_registrations")).isEqualTo(SYMBOLS);
    await().atMost(Duration.ofSeconds(5)).untilTrue(slowConnectionGone);
    assertThat(Duration.ofNanos(System.nanoTime() - droppedAt)).isLessThan(Duration.ofSeconds(5));
    service.vertx().cancelTimer(pingsOfSlow);
    slow.close();
    service.vertx().cancelTimer(pings);
    assertThat(normal.closed.get()).isFalse();
  }

  @Test
  void aLoopThatFellBehindSkipsQuotesAlreadyOvertakenButDeliversTheNewestAndEveryQuoteThatDidNotWait()
      throws Exception {
    BridgeTestClient client = service.vertx().createWebSocketClient().connect(new WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(service.httpPort()).setURI("/eventbus/websocket"))
        .map(BridgeTestClient::new).await();
    client.register("quotes.LAG");
    await().atMost(Duration.ofSeconds(5)).until(() -> metric("thortrading_fanout_registrations") >= 1);
    double skippedBefore = metric("thortrading_fanout_quotes_overtaken_total");
    // As the node's subscriber hands quotes on, but with the time each was received set back: 1 and 2 waited a
    // second for the loop (as behind an overloaded one), and 2 had already overtaken 1. Then 3 and 4, just received:
    // 4 overtook 3, but 3 did not wait, so it still goes out.
    long aSecondAgo = System.nanoTime() - Duration.ofSeconds(1).toNanos();
    LiveQuote[] quotes = {lag(1, aSecondAgo), lag(2, aSecondAgo), null, null};
    service.latestQuotes().received("LAG", quotes[1]);
    service.vertx().eventBus().publish("quotes.LAG", quotes[0], new DeliveryOptions().setLocalOnly(true));
    service.vertx().eventBus().publish("quotes.LAG", quotes[1], new DeliveryOptions().setLocalOnly(true));
    // Handed on in order, so once 2 is in, 1 has been dealt with.
    await().atMost(Duration.ofSeconds(10)).until(() -> lasts(client).contains("2.00"));
    quotes[2] = lag(3, System.nanoTime());
    quotes[3] = lag(4, System.nanoTime());
    service.latestQuotes().received("LAG", quotes[3]);
    service.vertx().eventBus().publish("quotes.LAG", quotes[2], new DeliveryOptions().setLocalOnly(true));
    service.vertx().eventBus().publish("quotes.LAG", quotes[3], new DeliveryOptions().setLocalOnly(true));

    // 4 is the last one handed on, so once it is in, whatever else was coming has come.
    await().atMost(Duration.ofSeconds(10)).until(() -> lasts(client).contains("4.00"));
    assertThat(lasts(client)).containsExactly("2.00", "3.00", "4.00");
    assertThat(metric("thortrading_fanout_quotes_overtaken_total") - skippedBefore).isEqualTo(1.0);
    client.socket.close();
  }

  private static List<String> lasts(BridgeTestClient client) {
    return client.recs("quotes.LAG").stream().map(f -> f.getJsonObject("body").getValue("last").toString()).toList();
  }

  private static LiveQuote lag(int last, long receivedNanos) {
    String json = new JsonObject().put("symbol", "LAG").put("last", last + ".00")
        .put("timestamp", Instant.now().toString()).encode();
    return new LiveQuote(QuoteJson.fromJson(json), json, receivedNanos);
  }

  @Test
  void aClientThatSendsNothingIsClosedAfterTheIdleTimeout() {
    var sockets = service.vertx().createWebSocketClient();
    BridgeTestClient silent = sockets.connect(new WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(service.httpPort()).setURI("/eventbus/websocket")).map(BridgeTestClient::new).await();
    long opened = System.nanoTime();

    await().atMost(Duration.ofSeconds(10)).untilTrue(silent.closed);
    assertThat(Duration.ofNanos(System.nanoTime() - opened)).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
  }

  private static long percentile(List<Long> values, double p) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, (int) (sorted.size() * p)));
  }
}
