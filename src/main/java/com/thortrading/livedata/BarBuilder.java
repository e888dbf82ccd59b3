package com.thortrading.livedata;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds 1-minute bars from the quote stream, by each quote's market time ({@link Quote#marketTime()}: the recorded
 * time of a replayed quote, else its timestamp), so a replayed day gives the bars it gave live, at any speed. Price: open, high, low and close of {@code last}. Volume: the rise of the day's cumulative
 * {@code volume} since the symbol's previous quote; the first quote seen of a symbol sets the baseline (the day's
 * volume before it is not this minute's), and a quote of a new day (in the session's zone) starts from zero. A
 * minute without a trade price has no bar. A quote older than the symbol's forming bar is ignored.
 */
public final class BarBuilder {

  public static final Duration ONE_MINUTE = Duration.ofMinutes(1);

  private final ZoneId sessionZone;
  private final Map<String, State> symbols = new HashMap<>();

  private static final class State {
    Bar forming;
    BigDecimal cumulativeVolume;
    LocalDate day;
    /** Resumed from a stored bar and no quote seen yet: a new day then is a gap, not a live reset. */
    boolean resumed;
  }

  /** @param sessionZone where a trading day begins, for the daily reset of cumulative volume */
  public BarBuilder(ZoneId sessionZone) {
    this.sessionZone = sessionZone;
  }

  /**
   * Takes one quote; returns the bars it changed: the forming bar, after the bar it closed when it opened a new
   * minute (closed first). Empty when the quote makes no bar.
   */
  public List<Bar> onQuote(Quote quote) {
    Optional<BigDecimal> last = quote.decimal(QuoteField.LAST).filter(p -> p.signum() > 0);
    if (last.isEmpty()) {
      return List.of(); // no trade price: nothing to draw, and its volume waits for the next quote that has one
    }
    State state = symbols.computeIfAbsent(quote.symbol(), s -> new State());
    Instant minute = quote.marketTime().truncatedTo(ChronoUnit.MINUTES);
    if (state.forming != null && minute.isBefore(state.forming.start())) {
      return List.of();
    }
    BigDecimal traded = volumeSince(state, quote);
    List<Bar> changed = new ArrayList<>(2);
    Optional<BigDecimal> dayVolume = Optional.ofNullable(state.cumulativeVolume);
    if (state.forming != null && minute.equals(state.forming.start())) {
      state.forming = state.forming.with(last.get(), traded, dayVolume);
    } else {
      if (state.forming != null) {
        changed.add(state.forming);
      }
      state.forming = new Bar(quote.symbol(), minute, ONE_MINUTE, last.get(), last.get(), last.get(), last.get(),
          traded, dayVolume);
    }
    changed.add(state.forming);
    return changed;
  }

  /** Whether the builder has seen {@code symbol} since it was made or last {@link #reset()}. */
  public boolean knows(String symbol) {
    return symbols.containsKey(symbol);
  }

  /**
   * Carries on from a bar stored by another ingest node (or this one in an earlier term): the next quote of its
   * minute extends it rather than starting it over, and volume counts from its day volume. Does nothing for a
   * symbol this builder already follows.
   */
  public void resume(Bar stored) {
    if (symbols.containsKey(stored.symbol())) {
      return;
    }
    State state = new State();
    state.forming = stored;
    state.cumulativeVolume = stored.dayVolume().orElse(null);
    state.day = stored.start().atZone(sessionZone).toLocalDate();
    state.resumed = true;
    symbols.put(stored.symbol(), state);
  }

  /** Forgets every symbol: what it built may since have been extended by another node. */
  public void reset() {
    symbols.clear();
  }

  private BigDecimal volumeSince(State state, Quote quote) {
    LocalDate day = quote.marketTime().atZone(sessionZone).toLocalDate();
    if (state.day == null || day.isAfter(state.day)) {
      if (state.day != null) {
        // A new day's cumulative volume starts from zero; but a stored bar of an earlier day says nothing of the
        // volume before this quote (nobody polled in between), so that quote is a first one: a baseline.
        state.cumulativeVolume = state.resumed ? null : BigDecimal.ZERO;
      }
      state.day = day;
    }
    state.resumed = false;
    Optional<BigDecimal> cumulative = quote.decimal(QuoteField.VOLUME).filter(v -> v.signum() >= 0);
    if (cumulative.isEmpty()) {
      return BigDecimal.ZERO;
    }
    BigDecimal before = state.cumulativeVolume;
    state.cumulativeVolume = cumulative.get();
    if (before == null) {
      return BigDecimal.ZERO; // the first quote seen: the day's volume so far belongs to earlier minutes
    }
    // A fall within a day is a feed correction we cannot place: count nothing, and go on from the new figure.
    return cumulative.get().compareTo(before) >= 0 ? cumulative.get().subtract(before) : BigDecimal.ZERO;
  }

  /** Longer bars from 1-minute ones (in time order): aligned to the interval from midnight UTC, e.g. :00, :05. */
  public static List<Bar> aggregate(List<Bar> oneMinute, Duration interval) {
    List<Bar> out = new ArrayList<>();
    Bar current = null;
    long seconds = interval.toSeconds();
    for (Bar bar : oneMinute) {
      Instant start = Instant.ofEpochSecond(Math.floorDiv(bar.start().getEpochSecond(), seconds) * seconds);
      if (current != null && current.start().equals(start)) {
        current = new Bar(current.symbol(), start, interval, current.open(), current.high().max(bar.high()),
            current.low().min(bar.low()), bar.close(), current.volume().add(bar.volume()), bar.dayVolume());
      } else {
        if (current != null) {
          out.add(current);
        }
        current = new Bar(bar.symbol(), start, interval, bar.open(), bar.high(), bar.low(), bar.close(), bar.volume(),
            bar.dayVolume());
      }
    }
    if (current != null) {
      out.add(current);
    }
    return out;
  }
}
