package com.thortrading.livedata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.thortrading.testsupport.RedisServerExtension;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.RedisOptions;
import java.time.Duration;
import java.util.List;
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
    List<JsonObject> aapl = new CopyOnWriteArrayList<>();
    List<JsonObject> es = new CopyOnWriteArrayList<>();
    vertx.eventBus().<JsonObject>localConsumer("quotes.AAPL", m -> aapl.add(m.body())).completion().await();
    vertx.eventBus().<JsonObject>localConsumer("quotes./ES", m -> es.add(m.body())).completion().await();
    RedisSubscriberVerticle subscriber = new RedisSubscriberVerticle(new RedisOptions().setConnectionString(REDIS.url()),
        new Backoff(Duration.ofMillis(50), Duration.ofMillis(500)));
    vertx.deployVerticle(subscriber).await();

    try (Jedis jedis = REDIS.jedis()) {
      // PSUBSCRIBE completes on write, before Redis confirms it: publish until the first message is through.
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
        jedis.publish("live_data:quotes:AAPL", json("AAPL", "189.50"));
        assertThat(aapl).isNotEmpty();
      });
      jedis.publish("live_data:quotes:/ES", json("/ES", "5250.25"));
      jedis.publish("some:other:channel", json("AAPL", "1.00"));
      jedis.publish("live_data:quotes:AAPL", "not json");
      jedis.publish("live_data:quotes:AAPL", json("AAPL", "189.51"));
    }
    await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(aapl).last()
        .isEqualTo(new JsonObject(json("AAPL", "189.51"))));
    assertThat(es).containsExactly(new JsonObject(json("/ES", "5250.25")));
    assertThat(aapl).allSatisfy(q -> assertThat(q.getString("last")).isIn("189.50", "189.51"));

    REDIS.restart();

    try (Jedis jedis = REDIS.jedis()) {
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        jedis.publish("live_data:quotes:AAPL", json("AAPL", "190.00"));
        assertThat(aapl).last().isEqualTo(new JsonObject(json("AAPL", "190.00")));
      });
    }
    assertThat(subscriber.subscribed()).isTrue();
  }
}
