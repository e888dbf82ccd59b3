package com.thortrading.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.thortrading.livedata.LiveDataRedis;
import com.thortrading.livedata.Quote;
import com.thortrading.livedata.QuoteAddresses;
import com.thortrading.livedata.QuoteBatch;
import com.thortrading.livedata.RedisPublisherVerticle;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.redis.client.Redis;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The ingest benchmark's subject, run as its own process: the service's {@link RedisPublisherVerticle} (its Lua
 * script of HSET, SADD of new symbols, PUBLISH and XADD, quote JSON written directly) fed with polled batches of
 * {@code batch} symbols, each batch sent as soon as the publisher has nothing waiting, so it never idles. After a
 * warm-up it counts the quotes written. Prints one JSON line starting {@code RESULT }.
 *
 * <p>Arguments: redis-url batch history-length warmup-seconds measure-seconds.
 */
public final class IngestLoad {

  private IngestLoad() {
  }

  /** The quotes of one poll: every symbol changed, shaped as the simulated source's (prices, sizes, volume). */
  static List<Quote> poll(int batch, long n) {
    List<Quote> quotes = new ArrayList<>(batch);
    Instant now = Instant.now();
    for (int s = 0; s < batch; s++) {
      long cents = 10_000 + (n * 7 + s * 13) % 5_000;
      Map<String, String> fields = new LinkedHashMap<>();
      fields.put("last", price(cents));
      fields.put("bid", price(cents - 1));
      fields.put("ask", price(cents + 1));
      fields.put("bid_size", String.valueOf(100 + s % 9 * 100));
      fields.put("ask_size", String.valueOf(200 + s % 7 * 100));
      fields.put("volume", String.valueOf(1_000_000 + n));
      quotes.add(new Quote(symbol(s), fields, now));
    }
    return quotes;
  }

  static String symbol(int s) {
    return String.format("S%04d", s);
  }

  private static String price(long cents) {
    return cents / 100 + "." + String.format("%02d", cents % 100);
  }

  public static void main(String[] args) throws Exception {
    String url = args[0];
    int batch = Integer.parseInt(args[1]);
    long history = Long.parseLong(args[2]);
    long warmup = Long.parseLong(args[3]) * 1_000_000_000L;
    long measure = Long.parseLong(args[4]) * 1_000_000_000L;
    Vertx vertx = Vertx.vertx(BenchSupport.vertxOptions());
    QuoteBatch.registerCodec(vertx.eventBus());
    RedisPublisherVerticle publisher = new RedisPublisherVerticle(new LiveDataRedis(Redis.createClient(vertx, url),
        history));
    vertx.deployVerticle(publisher).await();
    DeliveryOptions codec = new DeliveryOptions().setCodecName(QuoteBatch.CODEC);
    long started = System.nanoTime();
    long measuredFrom = started + warmup;
    long until = measuredFrom + measure;
    long publishedAtStart = -1;
    // Polls built ahead, so the feed costs next to nothing of this process's CPU: the publisher's work is measured.
    List<QuoteBatch> polls = new ArrayList<>();
    for (int n = 0; n < 16; n++) {
      polls.add(new QuoteBatch(poll(batch, n)));
    }
    // One batch written before the feed starts: batches sent while the publisher still connects merge into one, and
    // the count below would then stay that many behind for the whole run, with a single batch ever in flight.
    vertx.eventBus().send(QuoteAddresses.POLLED_BATCH, polls.get(0), codec);
    while (publisher.published() < batch) {
      LockSupport.parkNanos(1_000_000);
    }
    long n = 1;
    int inFlight = RedisPublisherVerticle.batchesInFlight(batch);
    while (System.nanoTime() < until) {
      if (publishedAtStart < 0 && System.nanoTime() >= measuredFrom) {
        publishedAtStart = publisher.published();
      }
      // No more batches unwritten than the publisher keeps in flight, and one waiting: it never idles, and no
      // batch is merged into another (each is written whole).
      if (publisher.published() >= (n - inFlight) * batch) {
        vertx.eventBus().send(QuoteAddresses.POLLED_BATCH, polls.get((int) (n++ % polls.size())), codec);
      } else {
        // Long enough not to take a core from the publisher and Redis (polling every 20 µs took a quarter of one),
        // short against what the batches in flight hold.
        LockSupport.parkNanos(250_000);
      }
    }
    long written = publisher.published() - publishedAtStart;
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("batch", batch);
    result.put("history", history);
    result.put("seconds", measure / 1e9);
    result.put("quotes", written);
    result.put("quotes_per_second", Math.round(written / (measure / 1e9)));
    result.put("most_in_flight", publisher.mostInFlight());
    System.out.println("RESULT " + new ObjectMapper().writeValueAsString(result));
    vertx.close().await();
  }
}
