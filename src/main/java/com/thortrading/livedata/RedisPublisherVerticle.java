package com.thortrading.livedata;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each polled batch to Redis in one pipelined round trip, one round trip at a time.
 *
 * <p>Batches that arrive while a write is in flight, or while Redis is down, merge into a
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
  private boolean writing;
  private boolean waitingToRetry;
  // Read from other threads (health, tests): written only on this verticle's event loop.
  private volatile long published;
  private volatile int pendingSymbols;
  /** The lease value batches are written under; "" writes whoever holds the lease (tests, tools). */
  private final java.util.function.Supplier<String> fence;
  private boolean refusedLogged;

  public RedisPublisherVerticle(LiveDataRedis redis, Backoff backoff, java.util.function.Supplier<String> fence) {
    this.redis = redis;
    this.backoff = backoff;
    this.fence = fence;
  }

  /** The ingest's publisher: writes only while {@code role} holds the ingest lease. */
  public RedisPublisherVerticle(LiveDataRedis redis, IngestRole role) {
    this(redis, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5)), role::fence);
  }

  public RedisPublisherVerticle(LiveDataRedis redis, Backoff backoff) {
    this(redis, backoff, () -> "");
  }

  public RedisPublisherVerticle(LiveDataRedis redis) {
    this(redis, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5)));
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<QuoteBatch>localConsumer(QuoteAddresses.POLLED_BATCH, message -> {
      pending.offer(message.body().quotes());
      flush();
      pendingSymbols = pending.size();
    }).completion();
  }

  private void flush() {
    if (writing || waitingToRetry || pending.isEmpty()) {
      return;
    }
    List<Quote> batch = pending.drain();
    writing = true;
    redis.publishQuotes(batch, fence.get()).onComplete(result -> {
      writing = false;
      if (result.succeeded() && !result.result()) {
        if (!refusedLogged) {
          LOG.warn("Dropped {} quotes: this node no longer holds the ingest lease", batch.size());
          refusedLogged = true;
        }
        pendingSymbols = pending.size();
        flush();
      } else if (result.succeeded()) {
        refusedLogged = false;
        published += batch.size();
        pendingSymbols = pending.size();
        if (backoff.failures() > 0) {
          LOG.info("Redis is back: flushed the newest quotes of {} symbols", batch.size());
          backoff.reset();
        }
        flush();
      } else {
        pending.restore(batch);
        pendingSymbols = pending.size();
        Duration delay = backoff.nextDelay();
        if (backoff.failures() == 1) {
          LOG.warn("Cannot write quotes to Redis ({}); keeping the newest quote per symbol and retrying",
              result.cause().getMessage());
        }
        waitingToRetry = true;
        vertx.setTimer(delay.toMillis(), t -> {
          waitingToRetry = false;
          flush();
        });
      }
    });
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
