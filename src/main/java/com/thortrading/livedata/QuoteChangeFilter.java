package com.thortrading.livedata;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Remembers the last values seen per symbol and lets through only quotes whose values changed. */
public final class QuoteChangeFilter {

  private final Map<String, Quote> lastSeen = new HashMap<>();

  /** The quotes of {@code polled} that differ from what was last seen for their symbol (all of them at first). */
  public List<Quote> changed(List<Quote> polled) {
    List<Quote> changed = new ArrayList<>();
    for (Quote quote : polled) {
      Quote previous = lastSeen.put(quote.symbol(), quote);
      if (!quote.sameValuesAs(previous)) {
        changed.add(quote);
      }
    }
    return changed;
  }
}
