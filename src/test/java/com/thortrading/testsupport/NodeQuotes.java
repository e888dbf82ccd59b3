package com.thortrading.testsupport;

import static org.awaitility.Awaitility.await;

import com.thortrading.app.ThorService;
import com.thortrading.livedata.LiveDataRedis;
import java.time.Duration;
import redis.clients.jedis.Jedis;

/**
 * Publishes a quote as the ingest does (the latest hash, then the symbol's channel) and waits until the node has it:
 * the engine decides orders at the node's copy of the quotes, which the node's subscriber keeps, so a test that
 * orders right after a new price must let the price reach the node first, as a trader's page would.
 */
public final class NodeQuotes {

  private NodeQuotes() {
  }

  public static void publish(ThorService service, Jedis jedis, String symbol, String json) {
    jedis.hset(LiveDataRedis.LATEST_QUOTES_KEY, symbol, json);
    jedis.publish(LiveDataRedis.quoteChannel(symbol), json);
    await().atMost(Duration.ofSeconds(5)).until(() -> service.latestQuotes().of(symbol)
        .map(q -> q.json().equals(json)).orElse(false));
  }
}
