package com.thortrading.stream;

import java.util.Optional;

/**
 * At most one value per window for one symbol: the first value of a quiet period goes out at once (leading edge),
 * values arriving inside the window replace each other, and the newest goes out when the window ends (trailing
 * edge). A burst of any size becomes a handful of messages that always end with the newest value.
 *
 * <p>Windows are laid over the times values arrived, not the times they are offered: a loop that falls behind and
 * offers two values back to back that arrived a window apart sends both, because they were never a burst. Only the
 * trailing edge's send waits on a timer, and the window after it starts where the last one ended.
 *
 * <p>Time is passed in (nanoseconds from any origin, arrivals never going back) so the rule is tested without a clock.
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

  /** @param arrivedAt when the value arrived (for a quote: when this node received it) */
  public Verdict offer(T value, long arrivedAt) {
    if (windowNanos == 0 || (held == null && arrivedAt >= windowEnd)) {
      windowEnd = arrivedAt + windowNanos;
      return Verdict.SEND;
    }
    if (held != null) {
      replaced++;
    }
    held = value;
    return Verdict.HOLD;
  }

  /**
   * At the end of a window (however late the timer): the held value to send now, which opens the next window from
   * the end of this one; empty if none.
   */
  public Optional<T> windowEnded() {
    if (held == null) {
      return Optional.empty();
    }
    T value = held;
    held = null;
    windowEnd += windowNanos;
    return Optional.of(value);
  }

  /** When the current window ends (nanoseconds, same origin as the arrivals). */
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
