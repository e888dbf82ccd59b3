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

  private final Map<String, Quote> pending = new LinkedHashMap<>();

  public void offer(List<Quote> quotes) {
    for (Quote quote : quotes) {
      pending.remove(quote.symbol()); // re-insert so write order follows arrival
      pending.put(quote.symbol(), quote);
    }
  }

  /** Takes everything waiting, oldest first. */
  public List<Quote> drain() {
    List<Quote> all = new ArrayList<>(pending.values());
    pending.clear();
    return all;
  }

  /** Puts back quotes whose write failed, unless a newer quote of the same symbol arrived meanwhile. */
  public void restore(List<Quote> failed) {
    Map<String, Quote> newer = new LinkedHashMap<>(pending);
    pending.clear();
    for (Quote quote : failed) {
      pending.put(quote.symbol(), quote);
    }
    for (Quote quote : newer.values()) {
      pending.remove(quote.symbol());
      pending.put(quote.symbol(), quote);
    }
  }

  public boolean isEmpty() {
    return pending.isEmpty();
  }

  public int size() {
    return pending.size();
  }
}
