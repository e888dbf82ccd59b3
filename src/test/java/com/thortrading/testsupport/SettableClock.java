package com.thortrading.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/** A clock that runs at the wall clock's pace from a chosen instant, and can be moved forward by a test. */
public final class SettableClock extends Clock {

  private final AtomicReference<Duration> offset;

  public SettableClock(Instant now) {
    this.offset = new AtomicReference<>(Duration.between(Instant.now(), now));
  }

  /** From now on, this clock reads {@code instant} (and runs on from there). */
  public void set(Instant instant) {
    offset.set(Duration.between(Instant.now(), instant));
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(offset.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("UTC only");
  }
}
