package com.thortrading.livedata;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;

/**
 * One bar of a symbol's trades: open, high, low and close of {@code last}, and the volume traded, over
 * {@code [start, start + interval)}.
 */
public record Bar(String symbol, Instant start, Duration interval, BigDecimal open, BigDecimal high, BigDecimal low,
    BigDecimal close, BigDecimal volume) {

  /** This bar with one more trade price and some more volume. */
  Bar with(BigDecimal price, BigDecimal moreVolume) {
    return new Bar(symbol, start, interval, open, high.max(price), low.min(price), price, volume.add(moreVolume));
  }
}
