package com.thortrading.livedata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.thortrading.testsupport.RedisServerExtension;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

@ExtendWith(VertxExtension.class)
class RedisSubscriberVerticleTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();

  private static String json(String symbol, String last) {
    return "{\"symbol\":\"" + symbol + "\",\"last\":\"" + last + "\",\"timestamp\":\"2025-12-08T18:30:00Z\"}";
  }

  @Test
  void publishFromOutsideReachesTheEventBusAtQuotesSymbolAndSurvivesARedisRestart(Vertx vertx) throws Exception {
    List<String> aapl = new CopyOnWriteArrayList<>();
    List<LiveQuote> es = new CopyOnWriteArrayList<>();
    vertx.eventBus().<LiveQuote>localConsumer("quotes.AAPL", m -> aapl.add(m.body().json())).completion().await();
    vertx.eventBus().<LiveQuote>localConsumer("quotes./ES", m -> es.add(m.body())).completion().await();
    RedisSubscriberVerticle subscriber = new RedisSubscriberVerticle(new RedisOptions().setConnectionString(REDIS.url()),
        new Backoff(Duration.ofMillis(50), Duration.ofMillis(500)), new LatestQuotes());
    vertx.deployVerticle(subscriber).await();

    try (Jedis jedis = REDIS.jedis()) {
      // Deployed means Redis confirmed the subscription: the first quote published after it is delivered.
      assertThat(jedis.publish("live_data:quotes:AAPL", json("AAPL", "189.50"))).isEqualTo(1);
      jedis.publish("live_data:quotes:/ES", json("/ES", "5250.25"));
      jedis.publish("some:other:channel", json("AAPL", "1.00"));
      jedis.publish("live_data:quotes:AAPL", "not json");
      // Its text would be written through to browsers: one JSON object, nothing after it.
      jedis.publish("live_data:quotes:AAPL", json("AAPL", "6.66") + " {}");
      jedis.publish("live_data:quotes:AAPL", json("AAPL", "189.51"));
    }
    // Each quote arrives parsed, with its text exactly as published.
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(aapl).last()
        .isEqualTo(json("AAPL", "189.51")));
    assertThat(aapl).containsExactly(json("AAPL", "189.50"), json("AAPL", "189.51"));
    assertThat(es).singleElement().satisfies(q -> {
      assertThat(q.json()).isEqualTo(json("/ES", "5250.25"));
      assertThat(q.quote().symbol()).isEqualTo("/ES");
      assertThat(q.quote().fields()).containsEntry("last", "5250.25");
      assertThat(q.quote().timestamp()).isEqualTo(java.time.Instant.parse("2025-12-08T18:30:00Z"));
    });

    REDIS.restart();

    try (Jedis jedis = REDIS.jedis()) {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        jedis.publish("live_data:quotes:AAPL", json("AAPL", "190.00"));
        assertThat(aapl).last().isEqualTo(json("AAPL", "190.00"));
      });
    }
    assertThat(subscriber.subscribed()).isTrue();
  }

  @Test
  void itsQuoteCopyIsSeededFromTheHashOnceSubscribedAndStandsInOnlyWhileSubscribed(Vertx vertx) throws Exception {
    try (Jedis jedis = REDIS.jedis()) {
      jedis.hset(LiveDataRedis.LATEST_QUOTES_KEY, "MSFT", json("MSFT", "420.00"));
    }
    LatestQuotes latest = new LatestQuotes();
    RedisSubscriberVerticle subscriber = new RedisSubscriberVerticle(new RedisOptions().setConnectionString(REDIS.url()),
        new Backoff(Duration.ofMillis(50), Duration.ofMillis(500)), latest,
        java.util.Optional.of(new LiveDataRedis(io.vertx.redis.client.Redis.createClient(vertx, REDIS.url()))));
    vertx.deployVerticle(subscriber).await();

    // Up means seeded: a symbol that has not moved since is there, and what moves next follows.
    assertThat(latest.complete()).isTrue();
    assertThat(latest.quotes().get("MSFT").field("last")).contains("420.00");
    try (Jedis jedis = REDIS.jedis()) {
      jedis.publish("live_data:quotes:AAPL", json("AAPL", "190.00"));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> latest.quotes().get("AAPL") != null);

    // Without the subscription it would miss quotes: it says so, and stands in again once subscribed and seeded.
    REDIS.stop();
    await().atMost(Duration.ofSeconds(10)).until(() -> !latest.complete());
    REDIS.restart();
    await().atMost(Duration.ofSeconds(10)).until(latest::complete);
    assertThat(subscriber.subscribed()).isTrue();
  }

  @Test
  void isNotUpUntilRedisConfirmsTheSubscription(Vertx vertx) throws Exception {
    try (HoldingProxy proxy = HoldingProxy.start(vertx, REDIS.port())) {
      RedisSubscriberVerticle subscriber = new RedisSubscriberVerticle(
          new RedisOptions().setConnectionString("redis://127.0.0.1:" + proxy.port()), new LatestQuotes());
      var deployed = vertx.deployVerticle(subscriber);

      // Redis has the PSUBSCRIBE, its reply is held back: the verticle must not say it is up.
      await().atMost(Duration.ofSeconds(5)).until(proxy::holding);
      await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(2))
          .until(() -> !deployed.isComplete() && !subscriber.subscribed());

      proxy.release();
      await().atMost(Duration.ofSeconds(5)).until(deployed::succeeded);
      assertThat(subscriber.subscribed()).isTrue();
    }
  }

  @Test
  void aConnectionThatGoesSilentIsDroppedAndTheSubscriptionTakenAgain(Vertx vertx) throws Exception {
    try (com.thortrading.testsupport.TcpProxy proxy = com.thortrading.testsupport.TcpProxy.to(vertx, REDIS.port())) {
      LatestQuotes latest = new LatestQuotes();
      RedisOptions options = new RedisOptions().setConnectionString("redis://127.0.0.1:" + proxy.port());
      RedisSubscriberVerticle subscriber = new RedisSubscriberVerticle(options,
          new Backoff(Duration.ofMillis(50), Duration.ofMillis(200)), latest,
          Optional.of(new LiveDataRedis(io.vertx.redis.client.Redis.createClient(vertx, REDIS.url()))),
          Duration.ofMillis(300));
      vertx.deployVerticle(subscriber).await();
      await().atMost(Duration.ofSeconds(5)).until(latest::complete);

      // The subscription's network goes away without a reset: no end, no error, just silence.
      proxy.freeze();
      await().atMost(Duration.ofSeconds(5)).until(() -> !latest.complete());
      // A new connection, subscribed and seeded again: quotes flow.
      await().atMost(Duration.ofSeconds(5)).until(() -> subscriber.subscribed() && latest.complete());
      List<LiveQuote> received = new CopyOnWriteArrayList<>();
      vertx.eventBus().<LiveQuote>localConsumer(QuoteAddresses.quotes("KAL"), m -> received.add(m.body()))
          .completion().await();
      try (redis.clients.jedis.Jedis jedis = REDIS.jedis()) {
        jedis.publish(LiveDataRedis.quoteChannel("KAL"),
            "{\"symbol\":\"KAL\",\"last\":\"1.00\",\"timestamp\":\"2026-01-05T15:00:00Z\"}");
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
    }
  }

  /** A TCP proxy to Redis that holds back Redis's replies from the moment the client sends PSUBSCRIBE. */
  private static final class HoldingProxy implements AutoCloseable {
    private final io.vertx.core.net.NetServer server;
    private final java.util.concurrent.atomic.AtomicBoolean holding = new java.util.concurrent.atomic.AtomicBoolean();
    private final List<Runnable> held = new CopyOnWriteArrayList<>();
    /** The proxied connection's context: releasing there keeps held and later replies in order. */
    private volatile io.vertx.core.Context context;

    private HoldingProxy(io.vertx.core.net.NetServer server) {
      this.server = server;
    }

    static HoldingProxy start(Vertx vertx, int redisPort) {
      io.vertx.core.net.NetClient client = vertx.createNetClient();
      HoldingProxy[] self = new HoldingProxy[1];
      io.vertx.core.net.NetServer server = vertx.createNetServer().connectHandler(downstream -> {
        downstream.pause();
        self[0].context = Vertx.currentContext();
        client.connect(redisPort, "127.0.0.1").onSuccess(upstream -> {
          downstream.handler(bytes -> {
            if (bytes.toString().toUpperCase(java.util.Locale.ROOT).contains("PSUBSCRIBE")) {
              self[0].holding.set(true);
            }
            upstream.write(bytes);
          });
          upstream.handler(bytes -> {
            if (self[0].holding.get()) {
              self[0].held.add(() -> downstream.write(bytes));
            } else {
              downstream.write(bytes);
            }
          });
          downstream.closeHandler(v -> upstream.close());
          upstream.closeHandler(v -> downstream.close());
          downstream.resume();
        });
      });
      server.listen(0, "127.0.0.1").await();
      self[0] = new HoldingProxy(server);
      return self[0];
    }

    int port() {
      return server.actualPort();
    }

    boolean holding() {
      return holding.get();
    }

    /** Lets the held replies, and everything after them, through (on the proxy's event loop, in order). */
    void release() {
      context.runOnContext(v -> {
        holding.set(false);
        held.forEach(Runnable::run);
        held.clear();
      });
    }

    @Override
    public void close() {
      server.close().await();
    }
  }
}
