package com.thortrading.livedata;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each polled batch to Redis in one script (one per 1,000 quotes of a larger batch), on a connection of its
 * own, with up to {@link #MAX_IN_FLIGHT} batches (and about {@link #MAX_QUOTES_IN_FLIGHT} quotes) in flight: Redis
 * runs them in the order sent, so each symbol's quotes land in order.
 *
 * <p>Batches that arrive while that many writes are in flight, or while Redis is down, merge into a
 * {@link LatestQuoteBuffer}: only the newest quote per symbol waits, and it is flushed as soon as Redis answers
 * again (retried with capped backoff). Nothing is lost that a reader could still want.
 *
 * <p>With an {@link IngestRole}, a batch is written only while this node holds the ingest lease; one refused for
 * that is dropped (the node that holds the lease now writes fresher quotes).
 */
public final class RedisPublisherVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RedisPublisherVerticle.class);

  private final LiveDataRedis redis;
  private final LatestQuoteBuffer pending = new LatestQuoteBuffer();
  private final Backoff backoff;
  /**
   * Batches written at once on the publisher's connection: the next are encoded while Redis runs the last. In
   * {@code bench/ingest}, 16 rather than 4 took batches of 12 quotes from about 207,000 to 250,000 quotes/s, and 32
   * to about 380,000.
   */
  public static final int MAX_IN_FLIGHT = 32;
  /** Quotes in flight past which no more batches are sent (one always may be): bounds memory for large batches. */
  public static final int MAX_QUOTES_IN_FLIGHT = 16_384;
  private final java.util.ArrayDeque<Sent> inFlight = new java.util.ArrayDeque<>();
  /** Batches whose write failed, waiting for the ones behind them before all go back in the buffer. */
  private final List<Sent> failed = new java.util.ArrayList<>();
  private LiveDataRedis writer;
  private boolean connecting;
  private boolean broken;
  private Throwable lastFailure;
  private boolean waitingToRetry;
  private volatile int mostInFlight;
  // Read from other threads (health, tests): written only on this verticle's event loop.
  private volatile long published;
  private volatile int pendingSymbols;
  /** The lease value batches are written under; "" writes whoever holds the lease (tests, tools). */
  private final java.util.function.Supplier<String> fence;
  private boolean refusedLogged;
  /** Builds 1-minute bars from every polled quote, before the buffer keeps only the newest of each symbol. */
  private final java.util.Optional<BarBuilder> bars;
  /** Bars changed since the last write, by symbol and start: only each bar's newest state waits. */
  private final java.util.Map<String, Bar> pendingBars = new java.util.LinkedHashMap<>();
  /** Polled batches whose quotes wait to go into bars while the stored bars of new symbols are read. */
  private final java.util.ArrayDeque<List<Quote>> unbuilt = new java.util.ArrayDeque<>();
  /** The lease the bars are being built under: a new one means another node may have built since. */
  private String tenure;
  /** Symbols whose stored bar was looked up in this tenure (whether or not there was one). */
  private final java.util.Set<String> resumed = new java.util.HashSet<>();
  private boolean readingStoredBars;

  public RedisPublisherVerticle(LiveDataRedis redis, Backoff backoff, java.util.function.Supplier<String> fence,
      java.util.Optional<BarBuilder> bars) {
    this.redis = redis;
    this.backoff = backoff;
    this.fence = fence;
    this.bars = bars;
  }

  /** The ingest's publisher: writes quotes and their bars only while {@code role} holds the ingest lease. */
  public RedisPublisherVerticle(LiveDataRedis redis, IngestRole role, BarBuilder bars) {
    this(redis, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5)), role::fence, java.util.Optional.of(bars));
  }

  public RedisPublisherVerticle(LiveDataRedis redis, Backoff backoff) {
    this(redis, backoff, () -> "", java.util.Optional.empty());
  }

  public RedisPublisherVerticle(LiveDataRedis redis) {
    this(redis, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5)));
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<QuoteBatch>localConsumer(QuoteAddresses.POLLED_BATCH, message -> {
      pending.offer(message.body().quotes());
      if (bars.isPresent()) {
        unbuilt.add(message.body().quotes());
        buildBars(bars.get());
      }
      flush();
      pendingSymbols = pending.size();
    }).completion();
  }

  /**
   * Puts the waiting quotes into bars. A symbol first seen in this lease term is first resumed from its stored
   * bar, so a node taking over the ingest carries on the minute (and the day's volume count) where the last holder
   * left it instead of starting the bar over.
   */
  private void buildBars(BarBuilder builder) {
    if (readingStoredBars) {
      return;
    }
    String lease = fence.get();
    if (!lease.equals(tenure)) {
      tenure = lease;
      builder.reset();
      resumed.clear();
      pendingBars.clear(); // built from what may no longer be the newest bars: never written under the new lease
    }
    java.util.Set<String> unseen = new java.util.LinkedHashSet<>();
    unbuilt.forEach(batch -> batch.forEach(q -> {
      if (!resumed.contains(q.symbol()) && !builder.knows(q.symbol())) {
        unseen.add(q.symbol());
      }
    }));
    if (!unseen.isEmpty()) {
      readingStoredBars = true;
      redis.lastBars(unseen).onComplete(stored -> {
        readingStoredBars = false;
        if (lease.equals(fence.get())) {
          if (stored.succeeded()) {
            stored.result().values().forEach(builder::resume);
          } else {
            LOG.warn("Could not read the stored bars of {} symbols ({}); their bars start over from their next quote",
                unseen.size(), stored.cause().getMessage());
          }
          resumed.addAll(unseen);
        }
        buildBars(builder);
        flush();
      });
      return;
    }
    while (!unbuilt.isEmpty()) {
      unbuilt.poll().forEach(quote -> builder.onQuote(quote).forEach(bar -> pendingBars.put(barKey(bar), bar)));
    }
  }

  @Override
  public Future<?> stop() {
    if (writer != null) {
      writer.close();
    }
    return Future.succeededFuture();
  }

  /** Quotes of the batches in flight: at most {@link #MAX_IN_FLIGHT} to add up. */
  private int quotesInFlight() {
    return inFlight.stream().mapToInt(sent -> sent.quotes().size()).sum();
  }

  /** A batch sent and not yet answered. */
  private record Sent(List<Quote> quotes, List<Bar> bars) {
  }

  private void flush() {
    while (!waitingToRetry && !broken && inFlight.size() < MAX_IN_FLIGHT && quotesInFlight() < MAX_QUOTES_IN_FLIGHT
        && !(pending.isEmpty() && pendingBars.isEmpty())) {
      if (writer == null) {
        connect();
        return;
      }
      send(writer);
    }
  }

  /** Takes a connection of its own for the batches: Redis runs them in the order sent. */
  private void connect() {
    if (connecting) {
      return;
    }
    connecting = true;
    redis.pipelined().onComplete(connected -> {
      connecting = false;
      if (connected.succeeded()) {
        writer = connected.result();
        flush();
      } else {
        retryLater(connected.cause());
      }
    });
  }

  private void send(LiveDataRedis on) {
    Sent sent = new Sent(pending.drain(), List.copyOf(pendingBars.values()));
    pendingBars.clear();
    pendingSymbols = pending.size();
    inFlight.add(sent);
    mostInFlight = Math.max(mostInFlight, inFlight.size());
    String holder = fence.get();
    // Sent together, and run in this order: bars after their quotes, each script under the same fence, so a node
    // that lost the lease writes neither.
    Future<LiveDataRedis.QuotesWritten> quotes = on.writeQuotes(sent.quotes(), holder); // never fails
    Future<Boolean> bars = on.writeBars(sent.bars(), holder);
    Future.join(quotes, bars).onComplete(done -> written(sent, on, quotes.result(), bars));
  }

  /** A batch's answer; they come in the order the batches were sent. */
  private void written(Sent sent, LiveDataRedis on, LiveDataRedis.QuotesWritten quotes, Future<Boolean> bars) {
    inFlight.remove(sent);
    published += quotes.written();
    int unwritten = sent.quotes().size() - quotes.written();
    if (quotes.failure() != null || bars.failed()) {
      // Only what follows the quotes written goes back: the first scripts of a large batch are not published twice.
      failed.add(new Sent(sent.quotes().subList(quotes.written(), sent.quotes().size()),
          bars.failed() ? sent.bars() : List.of()));
      if (!broken) {
        broken = true;
        lastFailure = quotes.failure() != null ? quotes.failure() : bars.cause();
        // The connection is in doubt: it is closed, so the batches behind this one fail too (unless their answers
        // were already read), and a new connection is taken.
        on.close();
        writer = null;
      }
    } else if (broken && !quotes.refused()) {
      // Written after an earlier batch failed: Redis runs what was sent whatever an earlier script answered (an
      // error reply, unlike a lost connection, stops nothing behind it). It goes back with the failed ones, newest
      // last, so rewriting an older batch's unwritten tail cannot leave an older quote over this one's newer quote.
      failed.add(new Sent(sent.quotes(), List.of()));
    } else if (quotes.refused()) {
      if (!refusedLogged) {
        LOG.warn("Dropped {} quotes: this node no longer holds the ingest lease", unwritten);
        refusedLogged = true;
      }
    } else {
      refusedLogged = false;
      if (backoff.failures() > 0 && !broken) {
        LOG.info("Redis is back: flushed the newest quotes of {} symbols", sent.quotes().size());
        backoff.reset();
      }
    }
    if (broken && inFlight.isEmpty()) {
      // Put the failed batches back newest first, so an older quote never hides a newer one of its symbol; a
      // bar that changed again meanwhile is newer than the one that failed.
      for (int i = failed.size() - 1; i >= 0; i--) {
        pending.restore(failed.get(i).quotes());
        failed.get(i).bars().forEach(bar -> pendingBars.putIfAbsent(barKey(bar), bar));
      }
      failed.clear();
      broken = false;
      retryLater(lastFailure);
      return;
    }
    pendingSymbols = pending.size();
    flush();
  }

  private void retryLater(Throwable cause) {
    pendingSymbols = pending.size();
    Duration delay = backoff.nextDelay();
    if (backoff.failures() == 1) {
      LOG.warn("Cannot write quotes to Redis ({}); keeping the newest quote per symbol and retrying",
          cause == null ? "?" : cause.getMessage());
    }
    waitingToRetry = true;
    vertx.setTimer(delay.toMillis(), t -> {
      waitingToRetry = false;
      flush();
    });
  }

  /** One key per bar (symbol and minute), so only each bar's newest state waits to be written. */
  private static String barKey(Bar bar) {
    return bar.symbol() + "@" + bar.start();
  }

  /** The most batches of {@code batchSize} quotes each that are written at once. */
  public static int batchesInFlight(int batchSize) {
    return Math.min(MAX_IN_FLIGHT, Math.max(1, (MAX_QUOTES_IN_FLIGHT + batchSize - 1) / batchSize));
  }

  /** The most batches that were in flight at once. */
  public int mostInFlight() {
    return mostInFlight;
  }

  /** Quotes written so far. */
  public long published() {
    return published;
  }

  /** Symbols whose newest quote is waiting to be written. */
  public int pendingSymbols() {
    return pendingSymbols;
  }
}
