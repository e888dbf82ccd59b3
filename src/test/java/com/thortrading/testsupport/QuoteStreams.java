package com.thortrading.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.thortrading.livedata.LiveDataRedis;
import io.vertx.core.json.JsonObject;
import java.util.List;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.resps.StreamEntry;

/** What a bridge client got of a symbol, compared with what the ingest published (the history stream in Redis). */
public final class QuoteStreams {

  private QuoteStreams() {
  }

  public static List<String> timestamps(BridgeTestClient client, String address) {
    return client.recs(address).stream().map(f -> f.getJsonObject("body").getString("timestamp")).toList();
  }

  /**
   * The client got every quote of {@code symbol} published between its first update and its last, once each and in
   * order: the same sequence as the symbol's history stream in Redis (the snapshot on register is left out).
   */
  public static void everyQuoteOnceInOrder(BridgeTestClient client, String symbol, Jedis jedis) {
    List<String> all = timestamps(client, "quotes." + symbol);
    List<String> got = all.subList(1, all.size());
    List<String> published = jedis.xrange(LiveDataRedis.historyKey(symbol), "-", "+").stream()
        .map(StreamEntry::getFields)
        .map(f -> new JsonObject(f.get("quote")).getString("timestamp"))
        .filter(t -> !java.time.Instant.parse(t).isBefore(java.time.Instant.parse(got.get(0)))
            && !java.time.Instant.parse(t).isAfter(java.time.Instant.parse(got.get(got.size() - 1)))).toList();
    // As instants: Instant.toString drops ".000" on a whole second, so "…50Z" sorts after "…50.020Z" as text.
    assertThat(got).as(symbol).doesNotHaveDuplicates()
        .isSortedAccordingTo(java.util.Comparator.comparing(java.time.Instant::parse)).containsExactlyElementsOf(published);
  }
}
