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
 *
 * <p>A read has a deadline. A COM call can block for good (Excel showing a dialog), and a thread cannot be taken
 * back from it: past the deadline the source is reported {@link QuoteSourceStatus.State#STUCK STUCK}, its thread
 * is given up, and a fresh thread re-attaches the source ({@link QuoteSource#reattach}) and reads on. The given-up
 * read's result, should it ever return, is dropped. At most {@value #MAX_GIVEN_UP} threads are given up at once;
 * past that the poller waits for one of them to return rather than leak a thread every deadline.
 */
public final class QuotePollerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(QuotePollerVerticle.class);
  private static final int MAX_GIVEN_UP = 3;

  private final QuoteSource source;
  private final Duration interval;
  private final Duration readTimeout;
  private final Clock clock;
  private final QuoteSourceStatus status;
  private final QuoteChangeFilter changes = new QuoteChangeFilter();
  private WorkerExecutor sourceThread;
  private int threads;
  /** Bumped when a thread is given up; a read of an older generation is dropped. Guarded by {@code changes}. */
  private long generation;
  private boolean reattach;
  private int givenUp;
  private boolean waitingForThread;
  private long timerId = -1;
  private boolean stopping;
  private String lastFailure;

  public QuotePollerVerticle(QuoteSource source, Duration interval, Duration readTimeout, Clock clock,
      QuoteSourceStatus status) {
    this.source = source;
    this.interval = interval;
    this.readTimeout = readTimeout;
    this.clock = clock;
    this.status = status;
  }

  public QuotePollerVerticle(QuoteSource source, Duration interval, Clock clock) {
    this(source, interval, Duration.ofSeconds(10), clock, new QuoteSourceStatus());
  }

  @Override
  public Future<?> start() {
    sourceThread = newThread();
    return sourceThread.executeBlocking(() -> {
      source.open();
      return null;
    }, false).onSuccess(opened -> {
      vertx.eventBus().registerCodec(QuoteBatch.codec());
      LOG.info("Polling {} every {} ms", source.describe(), interval.toMillis());
      cycle();
    }).onFailure(cannotOpen -> sourceThread.close());
  }

  /**
   * A thread of its own for the source; Vert.x warns past the read deadline that it is blocked. Tasks go to it
   * unordered: an ordered task would queue behind a stuck one in the context's shared order, whatever the executor,
   * and its one thread already runs them one at a time.
   */
  private WorkerExecutor newThread() {
    return vertx.createSharedWorkerExecutor("quote-source-" + (++threads), 1, readTimeout.toMillis(),
        TimeUnit.MILLISECONDS);
  }

  private void cycle() {
    if (stopping) {
      return;
    }
    long startedAt = System.nanoTime();
    long readGeneration;
    boolean reattachFirst;
    synchronized (changes) {
      readGeneration = generation;
      reattachFirst = reattach;
      reattach = false;
    }
    long watchdog = vertx.setTimer(readTimeout.toMillis(), t -> giveUp(readGeneration));
    sourceThread.<List<Quote>>executeBlocking(() -> {
      if (reattachFirst) {
        source.reattach();
      }
      List<Quote> quotes = source.poll(clock.instant());
      synchronized (changes) {
        // A read given up meanwhile must not touch what the fresh thread's reads compare against.
        return readGeneration == generation ? changes.changed(quotes) : null;
      }
    }, false).onComplete(done -> {
      vertx.cancelTimer(watchdog);
      if (readGeneration != currentGeneration()) {
        returnedAfterGivingUp(startedAt, done.failed() ? done.cause() : null);
        return;
      }
      status.readReturned(clock.instant());
      if (done.succeeded()) {
        send(done.result());
      } else {
        logFailure(done.cause());
      }
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt);
      if (!stopping) {
        timerId = vertx.setTimer(Math.max(1, interval.toMillis() - elapsedMs), t -> cycle());
      }
    });
  }

  private long currentGeneration() {
    synchronized (changes) {
      return generation;
    }
  }

  /** The read of {@code readGeneration} is past its deadline: report it, give its thread up, read on a fresh one. */
  private void giveUp(long readGeneration) {
    synchronized (changes) {
      if (readGeneration != generation) {
        return;
      }
      generation++;
      reattach = true;
    }
    status.stuck(clock.instant(), readTimeout);
    givenUp++;
    WorkerExecutor stuck = sourceThread;
    sourceThread = newThread();
    stuck.close(); // its one thread ends when the stuck call returns
    if (givenUp > MAX_GIVEN_UP) {
      waitingForThread = true;
      LOG.error("Reading {} is stuck again ({} reads not back after {} ms, THOR_SOURCE_READ_TIMEOUT_MS); waiting for "
          + "one to return before trying again. Is Excel showing a dialog?", source.describe(), givenUp - 1,
          readTimeout.toMillis());
      return;
    }
    LOG.warn("Reading {} did not return within {} ms (THOR_SOURCE_READ_TIMEOUT_MS): /health says STUCK; giving up "
        + "its thread and re-attaching on a fresh one. Is Excel showing a dialog?", source.describe(),
        readTimeout.toMillis());
    cycle();
  }

  private void returnedAfterGivingUp(long startedAt, Throwable failure) {
    givenUp--;
    LOG.info("A read of {} given up as stuck returned after {} ms{}; its result was dropped", source.describe(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedAt),
        failure == null ? "" : " (" + failure.getMessage() + ")");
    if (waitingForThread && !stopping) {
      waitingForThread = false;
      cycle();
    }
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
          new DeliveryOptions().setCodecName(QuoteBatch.CODEC).setLocalOnly(true));
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
    // The source thread runs one task at a time, so close() waits for a read in progress; a stuck read would hold
    // it for good, so stopping waits no longer than a read may take.
    WorkerExecutor thread = sourceThread;
    return thread.executeBlocking(() -> {
      source.close();
      return null;
    }, false).timeout(readTimeout.toMillis(), TimeUnit.MILLISECONDS).recover(e -> {
      LOG.warn("Closing {} did not finish within {} ms; stopping without it", source.describe(),
          readTimeout.toMillis());
      return Future.succeededFuture();
    }).eventually(() -> {
      vertx.eventBus().unregisterCodec(QuoteBatch.CODEC);
      return thread.close();
    });
  }
}
