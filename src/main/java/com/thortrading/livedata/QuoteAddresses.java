package com.thortrading.livedata;

/** The event-bus addresses the live-data flow uses, defined once. */
public final class QuoteAddresses {

  /** One {@link QuoteBatch} per poll cycle, from the poller to the Redis publisher (local only). */
  public static final String POLLED_BATCH = "livedata.batch";

  /** Prefix of the per-symbol quote stream: {@code quotes.AAPL} carries each AAPL quote as JSON (local only). */
  public static final String QUOTES_PREFIX = "quotes.";

  private QuoteAddresses() {
  }

  public static String quotes(String symbol) {
    return QUOTES_PREFIX + symbol;
  }
}
