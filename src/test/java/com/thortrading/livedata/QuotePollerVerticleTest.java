package com.thortrading.livedata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class QuotePollerVerticleTest {

  /** A source slower than the poll interval that notices if two reads ever overlap. */
  private static final class SlowSource implements QuoteSource {
    final AtomicInteger inRead = new AtomicInteger();
    final AtomicInteger maxInRead = new AtomicInteger();
    final AtomicInteger polls = new AtomicInteger();
    final List<String> threads = new CopyOnWriteArrayList<>();
    volatile boolean closed;

    @Override
    public String describe() {
      return "slow";
    }

    @Override
    public List<Quote> poll(Instant now) throws InterruptedException {
      maxInRead.accumulateAndGet(inRead.incrementAndGet(), Math::max);
      threads.add(Thread.currentThread().getName());
      try {
        Thread.sleep(60); // the source itself is slow, as Excel can be
        int n = polls.incrementAndGet();
        // AAPL changes every other poll, MSFT never.
        return List.of(new Quote("AAPL", Map.of("last", "1." + (n / 2)), now),
            new Quote("MSFT", Map.of("last", "2.00"), now));
      } finally {
        inRead.decrementAndGet();
      }
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void slowSourceNeverOverlapsAndOnlyChangedQuotesAreSent(Vertx vertx) {
    List<List<String>> batches = new CopyOnWriteArrayList<>();
    vertx.eventBus().<QuoteBatch>localConsumer(QuoteAddresses.POLLED_BATCH,
        m -> batches.add(m.body().quotes().stream().map(q -> q.symbol() + "=" + q.fields().get("last")).toList()));
    SlowSource source = new SlowSource();
    String id = vertx.deployVerticle(new QuotePollerVerticle(source, Duration.ofMillis(10), Clock.systemUTC())).await();

    await().atMost(Duration.ofSeconds(10)).until(() -> source.polls.get() >= 10);
    vertx.undeploy(id).await();

    assertThat(source.maxInRead.get()).isEqualTo(1);
    assertThat(source.threads).as("one thread owns the source").containsOnly(source.threads.get(0));
    assertThat(source.threads.get(0)).doesNotContain("eventloop");
    assertThat(source.closed).isTrue();
    assertThat(batches.get(0)).containsExactly("AAPL=1.0", "MSFT=2.00");
    assertThat(batches.subList(1, batches.size())).allSatisfy(b -> assertThat(b).hasSize(1).allMatch(q -> q.startsWith("AAPL=")));
    // AAPL changes on every second poll only: unchanged polls send nothing.
    assertThat(batches.size()).isBetween(source.polls.get() / 2, source.polls.get() / 2 + 1);
  }

  @Test
  void aFailingReadIsRetriedAtTheNextCycleAndTheServiceKeepsPolling(Vertx vertx) {
    AtomicInteger polls = new AtomicInteger();
    List<QuoteBatch> batches = new CopyOnWriteArrayList<>();
    vertx.eventBus().<QuoteBatch>localConsumer(QuoteAddresses.POLLED_BATCH, m -> batches.add(m.body()));
    QuoteSource flaky = new QuoteSource() {
      @Override
      public String describe() {
        return "flaky";
      }

      @Override
      public List<Quote> poll(Instant now) {
        if (polls.incrementAndGet() <= 3) {
          throw new QuoteSourceException("Excel is busy");
        }
        return List.of(new Quote("AAPL", Map.of("last", "1.00"), now));
      }
    };
    vertx.deployVerticle(new QuotePollerVerticle(flaky, Duration.ofMillis(10), Clock.systemUTC())).await();

    await().atMost(Duration.ofSeconds(5)).until(() -> batches.size() == 1);
    assertThat(polls.get()).isGreaterThanOrEqualTo(4);
  }

  @Test
  void aSourceThatCannotOpenFailsTheDeploymentWithItsMessage(Vertx vertx) {
    QuoteSource broken = new QuoteSource() {
      @Override
      public String describe() {
        return "broken";
      }

      @Override
      public void open() {
        throw new QuoteSourceException("Replay file /nope.csv does not exist");
      }

      @Override
      public List<Quote> poll(Instant now) {
        return List.of();
      }
    };

    Throwable failure = catchThrowable(
        () -> vertx.deployVerticle(new QuotePollerVerticle(broken, Duration.ofMillis(10), Clock.systemUTC())).await());

    assertThat(failure).isInstanceOf(QuoteSourceException.class).hasMessage("Replay file /nope.csv does not exist");
  }

  /** A source whose reads can be made to hang, as a COM call behind an Excel dialog does. */
  private static final class HangingSource implements QuoteSource {
    final java.util.concurrent.CountDownLatch dialogClosed = new java.util.concurrent.CountDownLatch(1);
    /** Re-attaching waits for this, so that a test sees the STUCK state before the fresh thread clears it. */
    final java.util.concurrent.CountDownLatch mayReattach = new java.util.concurrent.CountDownLatch(1);
    volatile boolean hangNext;
    volatile String hungOn;
    final List<String> reattachedOn = new CopyOnWriteArrayList<>();
    final List<String> readOn = new CopyOnWriteArrayList<>();
    final AtomicInteger n = new AtomicInteger();

    @Override
    public String describe() {
      return "hanging";
    }

    @Override
    public List<Quote> poll(Instant now) throws InterruptedException {
      String thread = Thread.currentThread().getName();
      readOn.add(thread);
      if (hangNext) {
        hangNext = false;
        hungOn = thread;
        // Deaf to interrupts, as a native COM call is.
        boolean interrupted = false;
        while (dialogClosed.getCount() > 0) {
          try {
            dialogClosed.await();
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
        return List.of(new Quote("LATE", Map.of("last", "9.99"), now)); // must never be sent
      }
      return List.of(new Quote("AAPL", Map.of("last", "1." + n.incrementAndGet()), now));
    }

    @Override
    public void reattach() throws InterruptedException {
      mayReattach.await();
      reattachedOn.add(Thread.currentThread().getName());
    }
  }

  @Test
  void aReadPastItsDeadlineIsReportedStuckAndTheSourceIsReattachedOnAFreshThread(Vertx vertx) {
    List<String> sent = new CopyOnWriteArrayList<>();
    vertx.eventBus().<QuoteBatch>localConsumer(QuoteAddresses.POLLED_BATCH,
        m -> m.body().quotes().forEach(q -> sent.add(q.symbol())));
    HangingSource source = new HangingSource();
    QuoteSourceStatus status = new QuoteSourceStatus();
    vertx.deployVerticle(new QuotePollerVerticle(source, Duration.ofMillis(20), Duration.ofMillis(300),
        Clock.systemUTC(), status)).await();
    await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() >= 3);

    source.hangNext = true;
    await().atMost(Duration.ofSeconds(5)).until(() -> status.current().state() == QuoteSourceStatus.State.STUCK);
    source.mayReattach.countDown();
    // A fresh thread re-attaches, then reads on, and the source is UP again while the old read still hangs.
    await().atMost(Duration.ofSeconds(5)).until(() -> !source.reattachedOn.isEmpty());
    assertThat(source.reattachedOn).hasSize(1).doesNotContain(source.hungOn);
    int before = sent.size();
    await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() >= before + 3);
    assertThat(status.current().state()).isEqualTo(QuoteSourceStatus.State.UP);
    assertThat(source.readOn.get(source.readOn.size() - 1)).isEqualTo(source.reattachedOn.get(0));

    // The dialog closes: the old read returns, and what it read is dropped.
    source.dialogClosed.countDown();
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !sent.contains("LATE"));
    assertThat(source.reattachedOn).hasSize(1);
  }

  @Test
  void stoppingDoesNotWaitForAStuckReadBeyondItsDeadline(Vertx vertx) throws Exception {
    HangingSource source = new HangingSource();
    source.hangNext = true;
    QuoteSourceStatus status = new QuoteSourceStatus();
    String id = vertx.deployVerticle(new QuotePollerVerticle(source, Duration.ofMillis(20), Duration.ofMillis(300),
        Clock.systemUTC(), status)).await();
    await().atMost(Duration.ofSeconds(5)).until(() -> source.hungOn != null);

    long started = System.nanoTime();
    vertx.undeploy(id).await(5, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    source.dialogClosed.countDown();
  }
}
