package com.thortrading.livedata;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * The newest quote of each symbol this node's Redis subscriber has received, shared by the node's verticles: the
 * node-local copy of {@code live_data:latest:quotes}.
 *
 * <p>It lets a consumer that fell behind tell a quote that still matters from one already overtaken: the
 * subscriber records each quote here before it publishes it, so a quote that is not the newest has a successor
 * already on its way to every consumer of the symbol on this node.
 *
 * <p>It is {@link #complete()} once the subscriber, subscribed, has also seeded it from the hash (so symbols that
 * have not moved since are in it too), and until the subscription is lost: only then may it stand in for the hash.
 */
public final class LatestQuotes {

  private final ConcurrentHashMap<String, LiveQuote> newest = new ConcurrentHashMap<>();
  private volatile boolean complete;
  private final Map<String, Quote> view = new AbstractMap<>() {
    @Override
    public Quote get(Object symbol) {
      LiveQuote quote = newest.get(symbol);
      return quote == null ? null : quote.quote();
    }

    @Override
    public boolean containsKey(Object symbol) {
      return newest.containsKey(symbol);
    }

    @Override
    public Set<Entry<String, Quote>> entrySet() {
      return newest.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue().quote()))
          .collect(Collectors.toUnmodifiableSet());
    }
  };

  /** Called by the node's subscriber for each quote, before it publishes it. */
  public void received(String symbol, LiveQuote quote) {
    newest.put(symbol, quote);
  }

  /**
   * What the hash held once the subscription was confirmed: each kept unless a newer quote of its symbol has been
   * received meanwhile. Makes the copy complete.
   *
   * @return the quotes taken from the hash (newer than what was held, or of a symbol not held): quotes this node's
   *     consumers have not been handed, which the subscriber hands on, so that none of them waits for a quote that
   *     only the copy has (a fan-out skipping an overtaken quote counts on its successor coming)
   */
  public List<LiveQuote> seed(Collection<Quote> stored) {
    List<LiveQuote> taken = new ArrayList<>();
    for (Quote quote : stored) {
      LiveQuote seeded = new LiveQuote(quote, QuoteJson.toJson(quote));
      LiveQuote kept = newest.merge(quote.symbol(), seeded,
          (held, fromHash) -> fromHash.quote().timestamp().isAfter(held.quote().timestamp()) ? fromHash : held);
      if (kept == seeded) {
        taken.add(seeded);
      }
    }
    complete = true;
    return taken;
  }

  /** The subscription is gone: quotes published from now on are missed, so the copy no longer stands in. */
  public void incomplete() {
    complete = false;
  }

  /** True while the copy holds every symbol's newest quote as far as this node can know. */
  public boolean complete() {
    return complete;
  }

  public Optional<LiveQuote> of(String symbol) {
    return Optional.ofNullable(newest.get(symbol));
  }

  /** Every symbol's newest quote, as a live read-only view (no copy). */
  public Map<String, Quote> quotes() {
    return view;
  }

  /**
   * True when a newer quote of {@code symbol} was received after this one. A quote handed on by anything but the
   * subscriber is never in the map; it counts as overtaken once the subscriber has received any quote of the symbol.
   */
  public boolean overtaken(String symbol, LiveQuote quote) {
    LiveQuote latest = newest.get(symbol);
    return latest != null && latest != quote;
  }
}
