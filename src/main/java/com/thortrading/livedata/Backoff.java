package com.thortrading.livedata;

import java.time.Duration;

/** Capped exponential delay between retries of something that failed: 1×, 2×, 4× ... up to the cap. */
public final class Backoff {

  private final Duration initial;
  private final Duration max;
  private int failures;

  public Backoff(Duration initial, Duration max) {
    if (initial.isNegative() || initial.isZero() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("need 0 < initial <= max, got " + initial + " and " + max);
    }
    this.initial = initial;
    this.max = max;
  }

  /** The delay before the next try, after one more failure. */
  public Duration nextDelay() {
    Duration delay = initial;
    for (int i = 0; i < failures && delay.compareTo(max) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    failures++;
    return delay.compareTo(max) > 0 ? max : delay;
  }

  /** Failures since the last success. */
  public int failures() {
    return failures;
  }

  public void reset() {
    failures = 0;
  }
}
