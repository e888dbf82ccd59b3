package com.thortrading.livedata;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The newest quote of each symbol this node's Redis subscriber has received, shared by the node's verticles.
 *
 * <p>It lets a consumer that fell behind tell a quote that still matters from one already overtaken: the
 * subscriber records each quote here before it publishes it, so a quote that is not the newest has a successor
 * already on its way to every consumer of the symbol on this node.
 */
public final class LatestQuotes {

  private final ConcurrentHashMap<String, LiveQuote> newest = new ConcurrentHashMap<>();

  /** Called by the node's subscriber for each quote, before it publishes it. */
  public void received(String symbol, LiveQuote quote) {
    newest.put(symbol, quote);
  }

  public Optional<LiveQuote> of(String symbol) {
    return Optional.ofNullable(newest.get(symbol));
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
