package com.thortrading.stream;

import java.util.List;
import java.util.Optional;

/**
 * At most one value per window for one symbol: the first value of a quiet period goes out at once (leading edge),
 * values arriving inside the window replace each other, and the newest goes out when the window ends (trailing
 * edge). A burst of any size becomes a handful of messages that always end with the newest value.
 *
 * <p>Windows are laid over the times values arrived, not the times they are offered: a loop that falls behind and
 * offers values back to back that arrived a window apart sends them all, because they were never a burst. The
 * trailing edge waits on the caller's timer, which may be late: a value that arrived after the held value's window
 * ended sends the held one first instead of replacing it, and the window after a trailing edge starts where the
 * last one ended.
 *
 * <p>Time is passed in (nanoseconds from any origin, arrivals never going back) so the rule is tested without a clock.
 */
public final class RateCap<T> {

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

  /**
   * @param arrivedAt when the value arrived (for a quote: when this node received it)
   * @return what to send now, oldest first: nothing (the value is held: see {@link #holding()} and
   *     {@link #windowEnd()}), the value, or a held value whose window had ended and then possibly this one
   */
  public List<T> offer(T value, long arrivedAt) {
    if (windowNanos == 0) {
      return List.of(value);
    }
    T overdue = null;
    if (held != null && arrivedAt >= windowEnd) {
      overdue = due(arrivedAt).orElseThrow();
    }
    if (held == null && arrivedAt >= windowEnd) {
      windowEnd = arrivedAt + windowNanos;
      return overdue == null ? List.of(value) : List.of(overdue, value);
    }
    if (held != null) {
      replaced++;
    }
    held = value;
    return overdue == null ? List.of() : List.of(overdue);
  }

  /**
   * The held value, once {@code now} is past the end of its window; it opens the next window from the end of that
   * one. Empty if nothing is held or its window has not ended (then, if {@link #holding()}, ask again at
   * {@link #windowEnd()}).
   */
  public Optional<T> due(long now) {
    if (held == null || now < windowEnd) {
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
