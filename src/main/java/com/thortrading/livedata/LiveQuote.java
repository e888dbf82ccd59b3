package com.thortrading.livedata;

import io.vertx.core.eventbus.EventBus;

/**
 * A quote as the node's Redis subscriber received it: parsed, and its JSON exactly as published, so the fan-out
 * writes the bytes through instead of encoding them again and the matcher reads the parsed quote without a parse.
 * Handed to this node's consumers of {@code quotes.<SYMBOL>} by reference (it never crosses the cluster).
 *
 * @param json one JSON object, the text {@link QuoteJson} wrote (or read without a trailing token)
 * @param receivedNanos when this node received it ({@link System#nanoTime()}), to tell how long it has waited
 */
public record LiveQuote(Quote quote, String json, long receivedNanos) {

  /** A quote received now. */
  public LiveQuote(Quote quote, String json) {
    this(quote, json, System.nanoTime());
  }

  /** Makes {@code LiveQuote} travel on this event bus by reference; undone by {@link #unregisterCodec}. */
  public static void registerCodec(EventBus bus) {
    bus.registerDefaultCodec(LiveQuote.class, new LocalOnlyCodec<>("thortrading.live-quote"));
  }

  public static void unregisterCodec(EventBus bus) {
    bus.unregisterDefaultCodec(LiveQuote.class);
  }
}
