package com.thortrading.livedata;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The quote field names the pipeline writes, and how workbook header labels map onto them.
 *
 * <p>Headers are matched case-insensitively after normalizing to lower snake case, so "Net Change",
 * "NET_CHANGE" and "net change" are one column. Labels that Thinkorswim or traders commonly use for the same
 * field are aliases; any other header is kept under its own lower-snake-case name.
 */
public final class QuoteField {

  public static final String SYMBOL = "symbol";
  public static final String LAST = "last";
  public static final String BID = "bid";
  public static final String ASK = "ask";
  public static final String MARK = "mark";
  public static final String OPEN = "open";
  public static final String HIGH = "high";
  public static final String LOW = "low";
  public static final String CLOSE = "close";
  public static final String VOLUME = "volume";
  public static final String NET_CHANGE = "net_change";
  public static final String PERCENT_CHANGE = "percent_change";
  public static final String BID_SIZE = "bid_size";
  public static final String ASK_SIZE = "ask_size";
  public static final String LAST_SIZE = "last_size";
  public static final String HIGH_52 = "high_52";
  public static final String LOW_52 = "low_52";
  public static final String DESCRIPTION = "description";
  /** Recorded time of a replayed row; it paces the replay and is not a quote value. */
  public static final String TIMESTAMP = "timestamp";
  /**
   * On a replayed quote, the market time it stands for (ISO-8601): the row's recorded time, moved on by whole
   * days on each pass of a looping replay. Bars are built by it, so a replay at any speed gives the recorded
   * day's bars; {@code timestamp} stays the time it was read, which staleness and ordering go by.
   */
  public static final String RECORDED_AT = "recorded_at";

  /** Prices: shown with at least two decimals, as the design's "3.00". */
  static final Set<String> PRICES = Set.of(LAST, BID, ASK, MARK, OPEN, HIGH, LOW, CLOSE, NET_CHANGE, HIGH_52, LOW_52);

  /** Fields that must be numbers: a cell that does not parse is missing, never kept as text. */
  static final Set<String> NUMERIC = Set.of(LAST, BID, ASK, MARK, OPEN, HIGH, LOW, CLOSE, NET_CHANGE, HIGH_52,
      LOW_52, VOLUME, PERCENT_CHANGE, BID_SIZE, ASK_SIZE, LAST_SIZE);

  /** Fields that are words: never read as numbers ("3M" stays "3M"). */
  static final Set<String> TEXT = Set.of(SYMBOL, DESCRIPTION);

  /** A zero here means "no market on this side" (pre-market, illiquid options), so it is missing. */
  static final Set<String> ZERO_IS_MISSING = Set.of(BID, ASK);

  private static final Map<String, String> ALIASES = Map.ofEntries(
      Map.entry("ticker", SYMBOL), Map.entry("sym", SYMBOL), Map.entry("instrument", SYMBOL),
      Map.entry("last_price", LAST), Map.entry("last_trade", LAST), Map.entry("lastx", LAST),
      Map.entry("bidx", BID), Map.entry("askx", ASK), Map.entry("mark_price", MARK),
      Map.entry("vol", VOLUME), Map.entry("prev_close", CLOSE), Map.entry("previous_close", CLOSE),
      Map.entry("net_chng", NET_CHANGE), Map.entry("net_chg", NET_CHANGE), Map.entry("chg", NET_CHANGE),
      Map.entry("change", NET_CHANGE),
      Map.entry("percent_chg", PERCENT_CHANGE), Map.entry("percent_chng", PERCENT_CHANGE),
      Map.entry("pct_change", PERCENT_CHANGE), Map.entry("pct_chg", PERCENT_CHANGE),
      Map.entry("change_percent", PERCENT_CHANGE),
      Map.entry("bid_sz", BID_SIZE), Map.entry("ask_sz", ASK_SIZE), Map.entry("last_sz", LAST_SIZE),
      Map.entry("52high", HIGH_52), Map.entry("52_high", HIGH_52), Map.entry("52_week_high", HIGH_52),
      Map.entry("52_wk_high", HIGH_52), Map.entry("high52", HIGH_52),
      Map.entry("52low", LOW_52), Map.entry("52_low", LOW_52), Map.entry("52_week_low", LOW_52),
      Map.entry("52_wk_low", LOW_52), Map.entry("low52", LOW_52),
      Map.entry("desc", DESCRIPTION), Map.entry("name", DESCRIPTION),
      Map.entry("time", TIMESTAMP), Map.entry("recorded_at", TIMESTAMP));

  private QuoteField() {
  }

  /** The field a header label names: "% Change" → percent_change, "Bid Size" → bid_size, "Foo Bar" → foo_bar. */
  public static String fromHeader(String label) {
    String snake = snakeCase(label);
    return ALIASES.getOrDefault(snake, snake);
  }

  static String snakeCase(String label) {
    String text = label.strip().toLowerCase(Locale.ROOT).replace("%", " percent ").replace("#", " number ");
    return text.replaceAll("[^a-z0-9]+", "_").replaceAll("^_+|_+$", "");
  }
}
