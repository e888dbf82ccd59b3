package com.thortrading.livedata;

import java.util.List;

/** The quotes that changed in one poll cycle, handed from the poller to the publisher on the event bus. */
public record QuoteBatch(List<Quote> quotes) {

  public QuoteBatch {
    quotes = List.copyOf(quotes);
  }

  /** The name of the codec that passes batches by reference; batches never cross the cluster. */
  public static final String CODEC = "thortrading.quote-batch";

  /** Makes batches travel on this event bus by reference, for a feed other than the poller (a benchmark's). */
  public static void registerCodec(io.vertx.core.eventbus.EventBus bus) {
    bus.registerCodec(codec());
  }

  static LocalOnlyCodec<QuoteBatch> codec() {
    return new LocalOnlyCodec<>(CODEC);
  }
}
