package com.thortrading.livedata;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Quotes waiting to be written, at most one per symbol: a newer quote replaces an older one.
 *
 * <p>While Redis is down this is all that is kept, so memory is bounded by the number of symbols and what is
 * flushed when Redis is back is exactly the newest state of each.
 */
public final class LatestQuoteBuffer {

  /** Access-ordered: putting a symbol again moves it to the end, so write order follows arrival. */
  private final Map<String, Quote> pending = new LinkedHashMap<>(16, 0.75f, true);
  /**
   * A batch offered while nothing waited, kept as it came: when the writer keeps up (the usual case) a batch goes
   * straight through, without a map entry per quote. It joins {@link #pending} only if another batch comes first.
   */
  private List<Quote> alone = List.of();

  public void offer(List<Quote> quotes) {
    if (pending.isEmpty() && alone.isEmpty()) {
      alone = quotes;
      return;
    }
    merge(alone);
    alone = List.of();
    merge(quotes);
  }

  private void merge(List<Quote> quotes) {
    for (Quote quote : quotes) {
      pending.put(quote.symbol(), quote);
    }
  }

  /** Takes everything waiting, oldest first. */
  public List<Quote> drain() {
    if (pending.isEmpty()) {
      List<Quote> all = alone;
      alone = List.of();
      return all;
    }
    List<Quote> all = new ArrayList<>(pending.values());
    pending.clear();
    return all;
  }

  /** Puts back quotes whose write failed, unless a newer quote of the same symbol arrived meanwhile. */
  public void restore(List<Quote> failed) {
    List<Quote> newer = drain();
    merge(failed);
    merge(newer);
  }

  public boolean isEmpty() {
    return pending.isEmpty() && alone.isEmpty();
  }

  /** Quotes waiting (a batch that came alone counts each of its quotes, even of one symbol twice). */
  public int size() {
    return pending.size() + alone.size();
  }
}
