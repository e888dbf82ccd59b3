package com.thortrading.livedata;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * One bar of a symbol's trades: open, high, low and close of {@code last}, and the volume traded, over
 * {@code [start, start + interval)}.
 *
 * @param dayVolume the day's cumulative volume as of the bar's last quote, when the feed gave one: where a new
 *     ingest node taking over picks up the volume count
 */
public record Bar(String symbol, Instant start, Duration interval, BigDecimal open, BigDecimal high, BigDecimal low,
    BigDecimal close, BigDecimal volume, Optional<BigDecimal> dayVolume) {

  public Bar(String symbol, Instant start, Duration interval, BigDecimal open, BigDecimal high, BigDecimal low,
      BigDecimal close, BigDecimal volume) {
    this(symbol, start, interval, open, high, low, close, volume, Optional.empty());
  }

  /** This bar with one more trade price, some more volume, and the day's volume after it. */
  Bar with(BigDecimal price, BigDecimal moreVolume, Optional<BigDecimal> dayVolumeNow) {
    return new Bar(symbol, start, interval, open, high.max(price), low.min(price), price, volume.add(moreVolume),
        dayVolumeNow.or(() -> dayVolume));
  }
}
