package com.thortrading.livedata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.thortrading.testsupport.RedisServerExtension;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.redis.client.Redis;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;

@ExtendWith(VertxExtension.class)
class RedisPublisherVerticleTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();

  private static final Instant READ_AT = Instant.parse("2025-12-08T18:30:00Z");

  private Vertx vertx;
  private RedisPublisherVerticle publisher;
  private LiveDataRedis liveData;

  @BeforeEach
  void deploy(Vertx vertx) {
    REDIS.flush();
    this.vertx = vertx;
    vertx.eventBus().registerCodec(QuoteBatch.codec());
    liveData = new LiveDataRedis(Redis.createClient(vertx, REDIS.url()));
    publisher = new RedisPublisherVerticle(liveData, new Backoff(Duration.ofMillis(50), Duration.ofMillis(200)));
    vertx.deployVerticle(publisher).await();
  }

  @AfterEach
  void restoreRedis() throws Exception {
    try (Jedis jedis = REDIS.jedis()) {
      jedis.ping();
    } catch (Exception down) {
      REDIS.restart();
    }
  }

  private void send(Quote... quotes) {
    vertx.eventBus().send(QuoteAddresses.POLLED_BATCH, new QuoteBatch(List.of(quotes)),
        new DeliveryOptions().setCodecName(QuoteBatch.CODEC));
  }

  private static Quote quote(String symbol, String last, String bid) {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("last", last);
    fields.put("bid", bid);
    return new Quote(symbol, fields, READ_AT);
  }

  @Test
  void everyPolledQuoteShapesItsMinuteBarInRedisWhichKeepsEachBarsNewestState() throws Exception {
    Vertx own = Vertx.vertx();
    try {
      own.eventBus().registerCodec(QuoteBatch.codec());
      LiveDataRedis redis = new LiveDataRedis(Redis.createClient(own, REDIS.url()));
      own.deployVerticle(new RedisPublisherVerticle(redis, new Backoff(Duration.ofMillis(50), Duration.ofMillis(200)),
          () -> "", java.util.Optional.of(new BarBuilder(java.time.ZoneOffset.UTC)))).await();
      String[][] polls = {{"14:30:05", "10.00", "100"}, {"14:30:30", "10.50", "160"}, {"14:30:40", "9.90", "170"},
          {"14:31:10", "10.20", "200"}};
      for (String[] poll : polls) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("last", poll[1]);
        fields.put("volume", poll[2]);
        own.eventBus().send(QuoteAddresses.POLLED_BATCH, new QuoteBatch(List.of(new Quote("BARS", fields,
            Instant.parse("2026-03-02T" + poll[0] + "Z")))), new DeliveryOptions().setCodecName(QuoteBatch.CODEC));
      }
      try (Jedis jedis = REDIS.jedis()) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(jedis.zrangeWithScores(
            LiveDataRedis.barsKey("BARS"), 0, -1)).extracting(t -> (long) t.getScore() + " " + t.getElement())
            .containsExactly(
                Instant.parse("2026-03-02T14:30:00Z").toEpochMilli() + " {\"symbol\":\"BARS\",\"start\":"
                    + "\"2026-03-02T14:30:00Z\",\"interval\":\"1m\",\"open\":\"10.00\",\"high\":\"10.50\","
                    + "\"low\":\"9.90\",\"close\":\"9.90\",\"volume\":\"70\",\"day_volume\":\"170\"}",
                Instant.parse("2026-03-02T14:31:00Z").toEpochMilli() + " {\"symbol\":\"BARS\",\"start\":"
                    + "\"2026-03-02T14:31:00Z\",\"interval\":\"1m\",\"open\":\"10.20\",\"high\":\"10.20\","
                    + "\"low\":\"10.20\",\"close\":\"10.20\",\"volume\":\"30\",\"day_volume\":\"200\"}"));
      }
      assertThat(redis.bars("BARS", Instant.parse("2026-03-02T14:31:00Z").toEpochMilli(), 10).await())
          .extracting(bar -> bar.close().toPlainString()).containsExactly("10.20");
    } finally {
      own.close().await();
    }
  }

  /** A publisher of bars in a Vert.x of its own (its own local POLLED_BATCH consumer), writing under {@code lease}. */
  private static Vertx ingestNode(String lease) {
    Vertx node = Vertx.vertx();
    node.eventBus().registerCodec(QuoteBatch.codec());
    node.deployVerticle(new RedisPublisherVerticle(new LiveDataRedis(Redis.createClient(node, REDIS.url())),
        new Backoff(Duration.ofMillis(50), Duration.ofMillis(200)), () -> lease,
        java.util.Optional.of(new BarBuilder(java.time.ZoneOffset.UTC)))).await();
    return node;
  }

  private static void poll(Vertx node, String time, String last, String volume) {
    node.eventBus().send(QuoteAddresses.POLLED_BATCH, new QuoteBatch(List.of(new Quote("TAKE", Map.of("last", last,
        "volume", volume), Instant.parse("2026-03-02T" + time + "Z")))), new DeliveryOptions()
        .setCodecName(QuoteBatch.CODEC));
  }

  private static String storedBar(Jedis jedis) {
    List<String> bars = jedis.zrange(LiveDataRedis.barsKey("TAKE"), -1, -1);
    return bars.isEmpty() ? "" : bars.get(0);
  }

  @Test
  void aNodeTakingOverTheIngestCarriesOnTheMinuteItsPredecessorBegan() throws Exception {
    String bar1430 = "{\"symbol\":\"TAKE\",\"start\":\"2026-03-02T14:30:00Z\",\"interval\":\"1m\",";
    try (Jedis jedis = REDIS.jedis()) {
      jedis.set(LiveDataRedis.INGEST_LOCK_KEY, "a#1");
      Vertx a = ingestNode("a#1");
      try {
        poll(a, "14:30:05", "10.00", "100");
        poll(a, "14:30:30", "10.50", "160");
        await().atMost(Duration.ofSeconds(5)).until(() -> storedBar(jedis).equals(bar1430 + "\"open\":\"10.00\","
            + "\"high\":\"10.50\",\"low\":\"10.00\",\"close\":\"10.50\",\"volume\":\"60\",\"day_volume\":\"160\"}"));
      } finally {
        a.close().await(); // the holder dies mid-minute
      }
      jedis.set(LiveDataRedis.INGEST_LOCK_KEY, "b#2");
      Vertx b = ingestNode("b#2");
      try {
        // The new holder's first quote extends the bar: the minute's open, high and the volume traded before the
        // takeover stay, and 160 -> 170 is 10 more, not a new baseline.
        poll(b, "14:30:40", "9.90", "170");
        await().atMost(Duration.ofSeconds(5)).until(() -> storedBar(jedis).equals(bar1430 + "\"open\":\"10.00\","
            + "\"high\":\"10.50\",\"low\":\"9.90\",\"close\":\"9.90\",\"volume\":\"70\",\"day_volume\":\"170\"}"));
        poll(b, "14:31:10", "10.20", "200");
        await().atMost(Duration.ofSeconds(5)).until(() -> jedis.zcard(LiveDataRedis.barsKey("TAKE")) == 2
            && storedBar(jedis).contains("\"volume\":\"30\""));
      } finally {
        b.close().await();
      }
    }
  }

  /** Listens on every quote channel with a plain client until {@code expected} messages arrived. */
  private static final class ChannelListener extends JedisPubSub implements AutoCloseable {
    final List<String> messages = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch subscribed = new CountDownLatch(1);
    private final Jedis jedis = REDIS.jedis();
    private final Thread thread = new Thread(() -> jedis.psubscribe(this, LiveDataRedis.QUOTE_CHANNEL_PATTERN));

    ChannelListener start() throws InterruptedException {
      thread.start();
      assertThat(subscribed.await(5, TimeUnit.SECONDS)).isTrue();
      return this;
    }

    @Override
    public void onPSubscribe(String pattern, int count) {
      subscribed.countDown();
    }

    @Override
    public void onPMessage(String pattern, String channel, String message) {
      messages.add(channel + " " + message);
    }

    @Override
    public void close() throws InterruptedException {
      punsubscribe();
      thread.join(5_000);
      jedis.close();
    }
  }

  @Test
  void batchLandsInTheDesignsHashAndChannelsWithTheDesignsJson() throws Exception {
    try (ChannelListener listener = new ChannelListener().start()) {
      send(quote("VFF", "3.00", "2.95"), quote("/ES", "5250.25", "5250.00"));

      String vffJson = "{\"symbol\":\"VFF\",\"last\":\"3.00\",\"bid\":\"2.95\",\"timestamp\":\"2025-12-08T18:30:00Z\"}";
      String esJson = "{\"symbol\":\"/ES\",\"last\":\"5250.25\",\"bid\":\"5250.00\",\"timestamp\":\"2025-12-08T18:30:00Z\"}";
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(listener.messages).hasSize(2));
      assertThat(listener.messages).containsExactly("live_data:quotes:VFF " + vffJson, "live_data:quotes:/ES " + esJson);
      try (Jedis jedis = REDIS.jedis()) {
        assertThat(jedis.keys("*")).containsExactlyInAnyOrder("live_data:latest:quotes", "live_data:symbols",
            "live_data:history:VFF", "live_data:history:/ES");
        assertThat(jedis.smembers("live_data:symbols")).containsExactlyInAnyOrder("VFF", "/ES");
        assertThat(jedis.xrange("live_data:history:VFF", "-", "+")).singleElement()
            .satisfies(entry -> assertThat(entry.getFields()).isEqualTo(Map.of("quote", vffJson)));
        assertThat(jedis.hgetAll("live_data:latest:quotes")).isEqualTo(Map.of("VFF", vffJson, "/ES", esJson));
      }
    }
  }

  @Test
  void aBatchLargerThanOneScriptLandsWholeAndInOrderUnderItsFence() throws Exception {
    largeBatchLandsWholeAndInOrder(liveData, "BIG"); // pooled: each script after the last
    REDIS.flush();
    LiveDataRedis oneConnection = liveData.pipelined().await(); // the publisher's: sent together
    try {
      // Other symbols: the connection shares its client's record of the symbols it added, which the flush made stale.
      largeBatchLandsWholeAndInOrder(oneConnection, "HUGE");
    } finally {
      oneConnection.close();
    }
  }

  private static void largeBatchLandsWholeAndInOrder(LiveDataRedis on, String prefix) throws Exception {
    int symbols = 2 * LiveDataRedis.QUOTES_PER_SCRIPT + 500;
    List<Quote> batch = numbered(prefix, symbols);
    try (ChannelListener listener = new ChannelListener().start(); Jedis jedis = REDIS.jedis()) {
      jedis.configResetStat();
      assertThat(on.publishQuotes(batch, "").await()).isTrue();

      assertThat(jedis.hlen(LiveDataRedis.LATEST_QUOTES_KEY)).isEqualTo(symbols);
      assertThat(jedis.scard(LiveDataRedis.SYMBOLS_KEY)).isEqualTo(symbols);
      assertThat(jedis.info("commandstats")).as("one script per %d quotes", LiveDataRedis.QUOTES_PER_SCRIPT)
          .containsPattern("cmdstat_(evalsha|eval):calls=3,");
      await().atMost(Duration.ofSeconds(10)).until(() -> listener.messages.size() == symbols);
      assertThat(listener.messages).extracting(m -> m.substring("live_data:quotes:".length(), m.indexOf(' ')))
          .as("every quote published once, in the batch's order").containsExactlyElementsOf(
              batch.stream().map(Quote::symbol).toList());

      // A fence that does not hold the lease writes none of a large batch either.
      jedis.set(LiveDataRedis.INGEST_LOCK_KEY, "node-b#2");
      List<Quote> stale = batch.stream().map(q -> quote(q.symbol(), "9.00", "8.99")).toList();
      assertThat(on.publishQuotes(stale, "node-a#1").await()).isFalse();
      assertThat(jedis.hvals(LiveDataRedis.LATEST_QUOTES_KEY)).noneMatch(json -> json.contains("9.00"));
    }
  }

  private static List<Quote> numbered(String prefix, int count) {
    List<Quote> batch = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      batch.add(quote(String.format("%s%05d", prefix, i), "1.00", "0.99"));
    }
    return batch;
  }

  @Test
  void aLargeBatchWhoseSecondScriptFailsSaysHowManyQuotesItsFirstScriptWrote() throws Exception {
    int size = 2 * LiveDataRedis.QUOTES_PER_SCRIPT + 500;
    LiveDataRedis oneConnection = liveData.pipelined().await();
    try (Jedis jedis = REDIS.jedis()) {
      for (LiveDataRedis on : List.of(liveData, oneConnection)) {
        REDIS.flush();
        // A key of the wrong type makes the second script's XADD fail; the first script is whole by then.
        jedis.set(LiveDataRedis.historyKey("PART01500"), "not a stream");
        LiveDataRedis.QuotesWritten written = on.writeQuotes(numbered("PART", size), "").await();

        assertThat(written.written()).isEqualTo(LiveDataRedis.QUOTES_PER_SCRIPT);
        assertThat(written.refused()).isFalse();
        assertThat(written.failure()).hasMessageContaining("WRONGTYPE");
        assertThat(jedis.hexists(LiveDataRedis.LATEST_QUOTES_KEY, "PART00999")).isTrue();
        // The pooled client stops at the failed script; one connection had sent the third with it, and it ran.
        assertThat(jedis.hexists(LiveDataRedis.LATEST_QUOTES_KEY, "PART02499")).isEqualTo(on == oneConnection);
      }
      REDIS.flush();
      jedis.set(LiveDataRedis.INGEST_LOCK_KEY, "node-b#2");
      assertThat(oneConnection.writeQuotes(numbered("PART", size), "node-a#1").await())
          .isEqualTo(new LiveDataRedis.QuotesWritten(0, true, null));
    } finally {
      oneConnection.close();
    }
  }

  @Test
  void aLargeBatchCutShortIsRetriedFromItsFirstUnwrittenQuoteSoItsFirstScriptIsPublishedOnce() throws Exception {
    send(quote("WARM", "1.00", "0.99"));
    await().atMost(Duration.ofSeconds(5)).until(() -> publisher.published() == 1);
    int size = 2 * LiveDataRedis.QUOTES_PER_SCRIPT + 500;
    try (Jedis jedis = REDIS.jedis()) {
      jedis.set(LiveDataRedis.historyKey("CUT01500"), "not a stream");
      send(numbered("CUT", size).toArray(Quote[]::new));
      await().atMost(Duration.ofSeconds(10)).until(() -> publisher.published() == 1 + LiveDataRedis.QUOTES_PER_SCRIPT
          && publisher.pendingSymbols() == size - LiveDataRedis.QUOTES_PER_SCRIPT);

      jedis.del(LiveDataRedis.historyKey("CUT01500")); // the fault clears; the retry writes the rest
      await().atMost(Duration.ofSeconds(10)).until(() -> publisher.pendingSymbols() == 0
          && jedis.hexists(LiveDataRedis.LATEST_QUOTES_KEY, "CUT02499") && publisher.published() >= 1 + size);
      assertThat(publisher.published()).as("each quote counted once").isEqualTo(1 + size);
      assertThat(jedis.hlen(LiveDataRedis.LATEST_QUOTES_KEY)).isEqualTo(1 + size);
      for (String symbol : List.of("CUT00000", "CUT00500", "CUT00999")) {
        assertThat(jedis.xlen(LiveDataRedis.historyKey(symbol))).as("%s published once", symbol).isEqualTo(1);
      }
      assertThat(jedis.xlen(LiveDataRedis.historyKey("CUT01500"))).isEqualTo(1);
    }
  }

  @Test
  void aBatchWrittenBehindOneThatFailedGoesBackWithItSoTheRetryLeavesTheNewerQuote() throws Exception {
    send(quote("WARM", "1.00", "0.99"));
    await().atMost(Duration.ofSeconds(5)).until(() -> publisher.published() == 1);
    int size = 2 * LiveDataRedis.QUOTES_PER_SCRIPT + 500;
    List<Quote> older = numbered("BEHIND", size); // BEHIND02499 at 1.00, in the third script
    try (Jedis jedis = REDIS.jedis()) {
      jedis.set(LiveDataRedis.historyKey("BEHIND01500"), "not a stream"); // the second script fails
      // Redis holds both batches until both are sent: it then runs the third script and the newer batch after the
      // second script's error, and both answers come back together.
      jedis.clientPause(500);
      send(older.toArray(Quote[]::new));
      send(quote("BEHIND02499", "2.00", "1.99"));
      await().atMost(Duration.ofSeconds(10)).until(() -> publisher.pendingSymbols() > 0);
      jedis.del(LiveDataRedis.historyKey("BEHIND01500"));
      await().atMost(Duration.ofSeconds(10)).until(() -> publisher.pendingSymbols() == 0
          && jedis.hexists(LiveDataRedis.LATEST_QUOTES_KEY, "BEHIND01500"));
      assertThat(jedis.hget(LiveDataRedis.LATEST_QUOTES_KEY, "BEHIND02499")).as("the newer quote stays")
          .contains("\"last\":\"2.00\"");
    }
  }

  @Test
  void thePublishersConnectionRunsItsScriptsOnlyAsLoadedSoABatchResentWithItsTextCannotBeOvertaken() throws Exception {
    try (Jedis jedis = REDIS.jedis()) {
      LiveDataRedis oneConnection = liveData.pipelined().await();
      try {
        jedis.scriptFlush(); // as a Redis restarted under a live connection would have it
        jedis.configResetStat();
        LiveDataRedis.QuotesWritten written = oneConnection.writeQuotes(List.of(quote("LOST", "1.00", "0.99")), "")
            .await();
        assertThat(written.written()).isZero();
        assertThat(written.failure()).hasMessageContaining("NOSCRIPT");
        assertThat(calls(jedis, "eval")).as("no resend with the script's text").isZero();
        assertThat(jedis.hexists(LiveDataRedis.LATEST_QUOTES_KEY, "LOST")).isFalse();
      } finally {
        oneConnection.close();
      }

      // The publisher takes a new connection, which loads the scripts again, and its batches land.
      send(quote("WARM", "1.00", "0.99"));
      await().atMost(Duration.ofSeconds(5)).until(() -> publisher.published() == 1);
      jedis.scriptFlush();
      jedis.configResetStat();
      send(quote("AFTER", "2.00", "1.99"));
      await().atMost(Duration.ofSeconds(10)).until(() -> publisher.published() == 2);
      assertThat(jedis.hget(LiveDataRedis.LATEST_QUOTES_KEY, "AFTER")).contains("\"last\":\"2.00\"");
      assertThat(calls(jedis, "eval")).isZero();
      assertThat(calls(jedis, "script")).as("loaded again with the new connection").isGreaterThanOrEqualTo(2);
    }
  }

  @Test
  void severalBatchesInFlightStillLandEachSymbolsQuotesInOrder() throws Exception {
    send(quote("WARM", "1.00", "0.99")); // the publisher's connection is taken with its first batch
    await().atMost(Duration.ofSeconds(5)).until(() -> publisher.published() == 1);
    try (ChannelListener listener = new ChannelListener().start()) {
      int polls = 400;
      for (int i = 1; i <= polls; i++) {
        send(quote("ORD1", i + ".00", i + ".00"), quote("ORD2", (1000 + i) + ".00", (1000 + i) + ".00"));
      }
      // The newest of each symbol is the one stored, whatever merged on the way.
      await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
        try (Jedis jedis = REDIS.jedis()) {
          assertThat(jedis.hget("live_data:latest:quotes", "ORD1")).contains("\"last\":\"" + polls + ".00\"");
          assertThat(jedis.hget("live_data:latest:quotes", "ORD2")).contains("\"last\":\"" + (1000 + polls) + ".00\"");
        }
      });
      assertThat(publisher.mostInFlight()).as("batches written at once").isGreaterThan(1);
      await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(listener.messages.stream()
          .filter(m -> m.startsWith("live_data:quotes:ORD1 ")).toList()).last().asString()
          .contains("\"last\":\"" + polls + ".00\""));
      // Each symbol's quotes went out in the order they came: no batch overtook an older one.
      for (String symbol : List.of("ORD1", "ORD2")) {
        List<Double> prices = listener.messages.stream().filter(m -> m.startsWith("live_data:quotes:" + symbol + " "))
            .map(m -> Double.parseDouble(m.replaceAll(".*\"last\":\"([0-9.]+)\".*", "$1"))).toList();
        assertThat(prices).isSorted().doesNotHaveDuplicates();
      }
    }
  }

  @Test
  void onlySymbolsNewToThePublisherAreAddedToTheSymbolSetAndALostSetIsRebuilt() throws Exception {
    try (Jedis jedis = REDIS.jedis()) {
      send(quote("NA", "1.00", "0.99"), quote("NB", "2.00", "1.99"));
      await().atMost(Duration.ofSeconds(5)).until(() -> publisher.published() == 2);
      long saddsBefore = calls(jedis, "sadd");
      send(quote("NA", "1.01", "1.00"), quote("NB", "2.01", "2.00"));
      await().atMost(Duration.ofSeconds(5)).until(() -> publisher.published() == 4);
      assertThat(calls(jedis, "sadd") - saddsBefore).as("no new symbol, no SADD").isZero();

      send(quote("NA", "1.02", "1.01"), quote("NC", "3.00", "2.99"));
      await().atMost(Duration.ofSeconds(5)).until(() -> publisher.published() == 6);
      assertThat(calls(jedis, "sadd") - saddsBefore).isEqualTo(1);
      assertThat(jedis.smembers("live_data:symbols")).containsExactlyInAnyOrder("NA", "NB", "NC");

      // Redis lost the set (a restart without its data): the next batches put every symbol back.
      jedis.del("live_data:symbols");
      send(quote("NA", "1.03", "1.02"));
      await().atMost(Duration.ofSeconds(5)).until(() -> publisher.published() == 7);
      assertThat(jedis.smembers("live_data:symbols")).containsExactly("NA");
      send(quote("NB", "2.02", "2.01"), quote("NA", "1.04", "1.03"));
      await().atMost(Duration.ofSeconds(5)).until(() -> publisher.published() == 9);
      assertThat(jedis.smembers("live_data:symbols")).containsExactlyInAnyOrder("NA", "NB");
    }
  }

  @Test
  void oneBatchIsOneRoundTripWithOneHsetForEverySymbol() throws Exception {
    send(quote("WARM", "1.00", "0.99")); // the pool's first connection says HELLO: keep it out of the count
    await().atMost(Duration.ofSeconds(5)).until(() -> publisher.published() == 1);
    List<Quote> batch = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      batch.add(quote("S" + i, "1" + i + ".00", "1" + i + ".00"));
    }

    try (Jedis jedis = REDIS.jedis()) {
      long hsetsBefore = calls(jedis, "hset");
      long publishesBefore = calls(jedis, "publish");
      long xaddsBefore = calls(jedis, "xadd");
      long evalsBefore = calls(jedis, "eval");
      long evalshasBefore = calls(jedis, "evalsha");
      long readsBefore = readsProcessed(jedis);
      send(batch.toArray(Quote[]::new));
      await().atMost(Duration.ofSeconds(5)).until(() -> publisher.published() == 13);

      // One read event for the whole pipelined batch, plus the INFO that asks.
      assertThat(readsProcessed(jedis) - readsBefore).isEqualTo(2);

      assertThat(calls(jedis, "hset") - hsetsBefore).isEqualTo(1);
      assertThat(calls(jedis, "publish") - publishesBefore).isEqualTo(12);
      assertThat(calls(jedis, "xadd") - xaddsBefore).isEqualTo(12);
      // The script went by its SHA: its text crossed the wire once, with the first batch.
      assertThat(calls(jedis, "evalsha") - evalshasBefore).isEqualTo(1);
      assertThat(calls(jedis, "eval") - evalsBefore).isZero();
      assertThat(jedis.hlen("live_data:latest:quotes")).isEqualTo(13);
    }
  }

  private static long readsProcessed(Jedis jedis) {
    return Long.parseLong(infoField(jedis.info("stats"), "total_reads_processed"));
  }

  private static long calls(Jedis jedis, String command) {
    String line = infoField(jedis.info("commandstats"), "cmdstat_" + command);
    if (line == null) {
      return 0;
    }
    return Long.parseLong(line.replaceAll("^calls=(\\d+),.*$", "$1"));
  }

  private static String infoField(String info, String name) {
    return info.lines().filter(l -> l.startsWith(name + ":")).map(l -> l.substring(name.length() + 1).strip())
        .findFirst().orElse(null);
  }

  @Test
  void whileRedisIsDownOnlyTheNewestQuotePerSymbolIsKeptAndFlushedWhenItIsBack() throws Exception {
    send(quote("A", "1.00", "0.99"));
    await().atMost(Duration.ofSeconds(5)).until(() -> publisher.published() == 1);
    REDIS.stop();

    send(quote("A", "1.01", "1.00"));
    send(quote("A", "1.02", "1.01"), quote("B", "2.00", "1.99"));
    send(quote("A", "1.03", "1.02"));
    await().atMost(Duration.ofSeconds(5)).until(() -> publisher.pendingSymbols() == 2);
    assertThat(publisher.published()).isEqualTo(1);

    REDIS.restart();
    await().atMost(Duration.ofSeconds(10)).until(() -> publisher.published() == 3);
    assertThat(publisher.pendingSymbols()).isZero();
    try (Jedis jedis = REDIS.jedis()) {
      assertThat(jedis.hget("live_data:latest:quotes", "A")).contains("\"last\":\"1.03\"");
      assertThat(jedis.hget("live_data:latest:quotes", "B")).contains("\"last\":\"2.00\"");
    }
  }

  @Test
  void latestQuotesReadBackThroughLiveDataRedis() {
    liveData.publishQuote(quote("vff", "3.00", "2.95")).await();
    liveData.setLatestQuote(quote("AAPL", "189.50", "189.49")).await();

    assertThat(liveData.getLatestQuote("vff").await()).contains(quote("VFF", "3.00", "2.95"));
    assertThat(liveData.getLatestQuote("NOPE").await()).isEmpty();
    assertThat(liveData.getLatestQuotes().await()).extracting(Quote::symbol).containsExactly("AAPL", "VFF");
  }

  @Test
  void historyKeepsEveryQuoteOldestFirstCappedNearTheConfiguredLength(Vertx vertx) {
    LiveDataRedis capped = new LiveDataRedis(Redis.createClient(vertx, REDIS.url()), 100);
    for (int i = 0; i < 1000; i++) {
      capped.publishQuote(new Quote("HIST", Map.of("last", i + ".00"), Instant.ofEpochMilli(1_000 + i))).await();
    }

    try (Jedis jedis = REDIS.jedis()) {
      // MAXLEN ~ trims whole nodes only: at least the cap, never unbounded.
      assertThat(jedis.xlen("live_data:history:HIST")).isBetween(100L, 300L);
    }
    List<Quote> all = capped.history("hist", 0, 10_000).await();
    assertThat(all.get(all.size() - 1).fields()).containsEntry("last", "999.00");
    assertThat(all).extracting(q -> q.timestamp().toEpochMilli()).isSorted();
    assertThat(capped.history("HIST", 0, 5).await()).hasSize(5);
    assertThat(capped.history("HIST", System.currentTimeMillis() + 60_000, 5).await()).isEmpty();
    assertThat(capped.history("NONE", 0, 5).await()).isEmpty();
  }
}
