package com.thortrading.accounts;

import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/** When the trading session closes, which is when DAY orders expire (default 16:00 America/New_York). */
public record SessionClock(LocalTime close, ZoneId zone) {

  /** The first close strictly after {@code now}. */
  public Instant nextClose(Instant now) {
    ZonedDateTime local = now.atZone(zone);
    ZonedDateTime today = local.with(close);
    return (today.isAfter(local) ? today : today.plusDays(1).with(close)).toInstant();
  }

  /** The last close at or before {@code now}. */
  public Instant previousClose(Instant now) {
    ZonedDateTime local = now.atZone(zone);
    ZonedDateTime today = local.with(close);
    return (today.isAfter(local) ? today.minusDays(1).with(close) : today).toInstant();
  }
}
