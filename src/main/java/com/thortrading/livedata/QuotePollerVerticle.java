package com.thortrading.livedata;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.DeliveryOptions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the quote source every interval and sends what changed as one {@link QuoteBatch} per cycle.
 *
 * <p>The source runs on one dedicated worker thread (COM needs the same thread every time, and a slow read must
 * never touch an event loop). The next read is scheduled only when the last one has ended, so cycles never
 * overlap however slow the source is; a read that takes longer than the interval is followed at once.
 */
public final class QuotePollerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(QuotePollerVerticle.class);

  private final QuoteSource source;
  private final Duration interval;
  private final Clock clock;
  private final QuoteChangeFilter changes = new QuoteChangeFilter();
  private WorkerExecutor sourceThread;
  private long timerId = -1;
  private boolean stopping;
  private String lastFailure;

  public QuotePollerVerticle(QuoteSource source, Duration interval, Clock clock) {
    this.source = source;
    this.interval = interval;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    // One thread for the source's whole life; a read is allowed a minute before Vert.x warns it is stuck.
    sourceThread = vertx.createSharedWorkerExecutor("quote-source", 1, 60, TimeUnit.SECONDS);
    return sourceThread.executeBlocking(() -> {
      source.open();
      return null;
    }).onSuccess(opened -> {
      vertx.eventBus().registerCodec(new QuoteBatch.LocalCodec());
      LOG.info("Polling {} every {} ms", source.describe(), interval.toMillis());
      cycle();
    }).onFailure(cannotOpen -> sourceThread.close());
  }

  private void cycle() {
    if (stopping) {
      return;
    }
    long startedAt = System.nanoTime();
    sourceThread.executeBlocking(() -> changes.changed(source.poll(clock.instant())), true)
        .onSuccess(this::send)
        .onFailure(this::logFailure)
        .onComplete(done -> {
          long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt);
          long delay = Math.max(1, interval.toMillis() - elapsedMs);
          if (!stopping) {
            timerId = vertx.setTimer(delay, t -> cycle());
          }
        });
  }

  private void send(List<Quote> changed) {
    if (stopping) {
      return; // a read that finished after stop began: its batch has nowhere to go
    }
    if (lastFailure != null) {
      LOG.info("Quote source {} is back", source.describe());
      lastFailure = null;
    }
    if (!changed.isEmpty()) {
      vertx.eventBus().send(QuoteAddresses.POLLED_BATCH, new QuoteBatch(changed),
          new DeliveryOptions().setCodecName(QuoteBatch.LocalCodec.NAME).setLocalOnly(true));
    }
  }

  private void logFailure(Throwable failure) {
    String message = failure.getMessage() == null ? failure.toString() : failure.getMessage();
    // The same failure every second for an hour is one warning, not 3600.
    if (!message.equals(lastFailure)) {
      if (failure instanceof QuoteSourceException) {
        LOG.warn("Reading {} failed: {}", source.describe(), message);
      } else {
        LOG.warn("Reading {} failed", source.describe(), failure);
      }
      lastFailure = message;
    } else {
      LOG.debug("Reading {} still failing: {}", source.describe(), message);
    }
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timerId);
    // The source thread runs one task at a time, so close() waits for a read in progress.
    return sourceThread.executeBlocking(() -> {
      source.close();
      return null;
    }).eventually(() -> {
      vertx.eventBus().unregisterCodec(QuoteBatch.LocalCodec.NAME);
      return sourceThread.close();
    });
  }
}
