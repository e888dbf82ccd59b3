package com.thortrading.livedata;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageCodec;

/**
 * A quote as the node's Redis subscriber received it: parsed, and its JSON exactly as published, so the fan-out
 * writes the bytes through instead of encoding them again and the matcher reads the parsed quote without a parse.
 * Handed to this node's consumers of {@code quotes.<SYMBOL>} by reference (it never crosses the cluster).
 *
 * @param json one JSON object, the text {@link QuoteJson} wrote (or read without a trailing token)
 */
public record LiveQuote(Quote quote, String json) {

  /** A quote with its JSON written now, for quotes that did not come from Redis (tests, the snapshot). */
  public static LiveQuote of(Quote quote) {
    return new LiveQuote(quote, QuoteJson.toJson(quote));
  }

  /** Makes {@code LiveQuote} travel on this event bus by reference; undone by {@link #unregisterCodec}. */
  public static void registerCodec(EventBus bus) {
    bus.registerDefaultCodec(LiveQuote.class, new LocalCodec());
  }

  public static void unregisterCodec(EventBus bus) {
    bus.unregisterDefaultCodec(LiveQuote.class);
  }

  private static final class LocalCodec implements MessageCodec<LiveQuote, LiveQuote> {

    @Override
    public void encodeToWire(Buffer buffer, LiveQuote quote) {
      throw new UnsupportedOperationException("live quotes are local-only");
    }

    @Override
    public LiveQuote decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("live quotes are local-only");
    }

    @Override
    public LiveQuote transform(LiveQuote quote) {
      return quote; // immutable, safe to share between event loops
    }

    @Override
    public String name() {
      return "thortrading.live-quote";
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
