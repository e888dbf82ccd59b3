package com.thortrading.livedata;

import java.util.List;

/** The quotes that changed in one poll cycle, handed from the poller to the publisher on the event bus. */
public record QuoteBatch(List<Quote> quotes) {

  public QuoteBatch {
    quotes = List.copyOf(quotes);
  }

  /** The name of the codec that passes batches by reference; batches never cross the cluster. */
  static final String CODEC = "thortrading.quote-batch";

  static LocalOnlyCodec<QuoteBatch> codec() {
    return new LocalOnlyCodec<>(CODEC);
  }
}
