package com.thortrading.livedata;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/** Whether this node's quote source is reading: written by the poller, read by /health from any thread. */
public final class QuoteSourceStatus {

  /** The source's state as /health shows it. */
  public enum State {
    /** Reads come back (they may still fail: Excel closed is a retried read, logged, not a stuck one). */
    UP,
    /** A read has not come back within its deadline. */
    STUCK
  }

  /** A state, and since when (for logs). */
  public record Snapshot(State state, Instant since, String detail) {
  }

  private final AtomicReference<Snapshot> current =
      new AtomicReference<>(new Snapshot(State.UP, Instant.EPOCH, "not read yet"));

  public Snapshot current() {
    return current.get();
  }

  void readReturned(Instant now) {
    if (current.get().state() != State.UP) {
      current.set(new Snapshot(State.UP, now, "reading"));
    }
  }

  void stuck(Instant now, Duration deadline) {
    if (current.get().state() != State.STUCK) {
      current.set(new Snapshot(State.STUCK, now, "a read did not return within " + deadline.toMillis() + " ms"));
    }
  }
}
