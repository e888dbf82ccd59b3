package com.thortrading.stream;

import java.util.Optional;

/**
 * At most one value per window for one symbol: the first value of a quiet period goes out at once (leading edge),
 * values arriving inside the window replace each other, and the newest goes out when the window ends (trailing
 * edge). A burst of any size becomes a handful of messages that always end with the newest value.
 *
 * <p>Time is passed in (nanoseconds from any origin) so the rule can be tested without a clock.
 */
public final class RateCap<T> {

  /** What to do with an offered value. */
  public enum Verdict {
    /** Send it now. */
    SEND,
    /** Hold it; {@link #windowEnd()} is when the held value is due. Schedule a timer if none is pending. */
    HOLD
  }

  private final long windowNanos;
  private long windowEnd = Long.MIN_VALUE;
  private T held;
  private long replaced;

  /** @param windowNanos the window; 0 turns the cap off (every value is sent) */
  public RateCap(long windowNanos) {
    if (windowNanos < 0) {
      throw new IllegalArgumentException("window must not be negative");
    }
    this.windowNanos = windowNanos;
  }

  /** A cap of {@code perSecond} values a second; 0 means no cap. */
  public static <T> RateCap<T> perSecond(int perSecond) {
    return new RateCap<>(perSecond <= 0 ? 0 : 1_000_000_000L / perSecond);
  }

  public Verdict offer(T value, long now) {
    if (windowNanos == 0 || (held == null && now >= windowEnd)) {
      windowEnd = now + windowNanos;
      return Verdict.SEND;
    }
    if (held != null) {
      replaced++;
    }
    held = value;
    return Verdict.HOLD;
  }

  /** At the end of a window: the held value to send now, which opens the next window; empty if none. */
  public Optional<T> windowEnded(long now) {
    if (held == null) {
      return Optional.empty();
    }
    T value = held;
    held = null;
    windowEnd = now + windowNanos;
    return Optional.of(value);
  }

  /** When the current window ends (nanoseconds, same origin as the offers). */
  public long windowEnd() {
    return windowEnd;
  }

  public boolean holding() {
    return held != null;
  }

  /** Values that were held and then replaced by a newer one: never sent to anyone. */
  public long replaced() {
    return replaced;
  }
}
