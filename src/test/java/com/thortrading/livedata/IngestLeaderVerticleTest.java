package com.thortrading.livedata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.thortrading.testsupport.RedisServerExtension;
import com.thortrading.testsupport.TcpProxy;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** Two ingest nodes against one real Redis: one polls, the other takes over when it is gone, and never both write. */
class IngestLeaderVerticleTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();

  private static final Duration TAKEOVER = Duration.ofMillis(1500);

  private Vertx nodeA;
  private Vertx nodeB;

  /** Stands in for the poller: says whether it is deployed, and how often it was. */
  private static final class Polling extends VerticleBase {
    final AtomicBoolean running;
    final AtomicInteger starts;

    Polling(AtomicBoolean running, AtomicInteger starts) {
      this.running = running;
      this.starts = starts;
    }

    @Override
    public Future<?> start() {
      running.set(true);
      starts.incrementAndGet();
      return Future.succeededFuture();
    }

    @Override
    public Future<?> stop() {
      running.set(false);
      return Future.succeededFuture();
    }
  }

  private record Node(IngestRole role, AtomicBoolean polling, AtomicInteger starts, LiveDataRedis redis) {
  }

  private static Node start(Vertx vertx, String name, int redisPort) {
    LiveDataRedis redis = new LiveDataRedis(Redis.createClient(vertx, "redis://127.0.0.1:" + redisPort));
    IngestRole role = new IngestRole(name);
    AtomicBoolean polling = new AtomicBoolean();
    AtomicInteger starts = new AtomicInteger();
    vertx.deployVerticle(new IngestLeaderVerticle(redis, role, TAKEOVER, () -> new Polling(polling, starts))).await();
    return new Node(role, polling, starts, redis);
  }

  @BeforeEach
  void nodes() {
    try (Jedis jedis = REDIS.jedis()) {
      jedis.flushAll();
    }
    nodeA = Vertx.vertx();
    nodeB = Vertx.vertx();
  }

  @AfterEach
  void close() {
    nodeA.close().await();
    nodeB.close().await();
  }

  @Test
  void exactlyOneNodePollsAndAnotherTakesOverWithinTheBoundWhenItsNetworkIsCut() {
    TcpProxy toRedis = TcpProxy.to(nodeA, REDIS.port());
    Node a = start(nodeA, "node-a", toRedis.port());
    Node b = start(nodeB, "node-b", REDIS.port());

    // A came first and polls; B stands by, and it stays so while A renews (several lease lifetimes).
    await().during(TAKEOVER.multipliedBy(2)).atMost(TAKEOVER.multipliedBy(3))
        .until(() -> a.polling().get() && !b.polling().get() && a.role().polling() && !b.role().polling());
    try (Jedis jedis = REDIS.jedis()) {
      assertThat(jedis.get(LiveDataRedis.INGEST_LOCK_KEY)).startsWith("node-a#");
    }

    // A's link to Redis goes away (it cannot renew or give the lease back): B polls within the takeover bound, and A
    // stops, since its lease may have run out.
    long cutAt = System.nanoTime();
    toRedis.cut();
    await().atMost(TAKEOVER.multipliedBy(2)).until(() -> b.polling().get());
    assertThat(Duration.ofNanos(System.nanoTime() - cutAt)).isLessThanOrEqualTo(TAKEOVER.plusMillis(300));
    await().atMost(TAKEOVER.multipliedBy(2)).until(() -> !a.polling().get() && !a.role().polling());
    // From then on only B.
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2))
        .until(() -> b.polling().get() && !a.polling().get());
    toRedis.close();
  }

  @Test
  void anExHolderThatWakesUpLateWritesNothingOverTheNewHolder() {
    Node a = start(nodeA, "node-a", REDIS.port());
    await().atMost(Duration.ofSeconds(3)).until(() -> a.role().polling());
    String staleLease = a.role().lease().orElseThrow();
    // A goes away (here it hands the lease back as it stops; a frozen A's lease would run out instead) and B
    // takes over; A's last batch, written under its old lease, arrives after that.
    nodeA.close().await();
    nodeA = Vertx.vertx();
    Node b = start(nodeB, "node-b", REDIS.port());
    await().atMost(Duration.ofSeconds(3)).until(() -> b.role().polling());
    String lease = b.role().lease().orElseThrow();
    assertThat(Long.parseLong(lease.substring(lease.indexOf('#') + 1)))
        .as("the new holder's fence is higher").isGreaterThan(Long.parseLong(staleLease.substring(staleLease.indexOf('#') + 1)));

    Quote late = new Quote("FENCE", Map.of("last", "1.00"), Instant.parse("2026-01-05T15:00:00Z"));
    Quote fresh = new Quote("FENCE", Map.of("last", "2.00"), Instant.parse("2026-01-05T15:00:01Z"));
    assertThat(b.redis().publishQuotes(List.of(fresh), lease).await()).isTrue();
    assertThat(b.redis().publishQuotes(List.of(late), staleLease).await()).as("the stale fence is refused").isFalse();
    try (Jedis jedis = REDIS.jedis()) {
      assertThat(jedis.hget(LiveDataRedis.LATEST_QUOTES_KEY, "FENCE")).contains("\"2.00\"");
      assertThat(jedis.xlen(LiveDataRedis.historyKey("FENCE"))).isEqualTo(1);
    }
  }
}
