package com.thortrading.livedata;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How symbols are written everywhere (trimmed and upper-cased, as Redis fields and event-bus suffixes), and the one
 * grammar a symbol from a user must follow: the shapes Thinkorswim quotes.
 */
public final class QuoteSymbols {

  /** The grammar in words, for error messages and the README. */
  public static final String GRAMMAR_IN_WORDS = "an equity or ETF (AAPL, BRK.B, BF-B, BRK/B), a future (/ES, /ESZ25, "
      + "/ES:XCME), an index ($SPX, $VIX.X), an option (.AAPL260116C190, .SPXW250117P5800.5) or a currency pair "
      + "(EUR/USD)";

  private static final Pattern GRAMMAR = Pattern.compile(
      "[A-Z][A-Z0-9]{0,9}(?:[./-][A-Z0-9]{1,4})?"          // equity or ETF
          + "|/[A-Z0-9]{1,8}(?::[A-Z]{2,8})?"               // future, with its exchange or not
          + "|\\$[A-Z0-9]{1,10}(?:\\.[A-Z]{1,2})?"          // index
          + "|\\.[A-Z]{1,6}[0-9]{6}[CP][0-9]{1,6}(?:\\.[0-9]{1,3})?" // option: root, yymmdd, call/put, strike
          + "|[A-Z]{3}/[A-Z]{3}");                           // currency pair

  private QuoteSymbols() {
  }

  public static String normalize(String symbol) {
    return symbol.strip().toUpperCase(Locale.ROOT);
  }

  /** Whether a normalized symbol follows the grammar; anything else from a user is refused. */
  public static boolean isValid(String normalizedSymbol) {
    return normalizedSymbol.length() <= 32 && GRAMMAR.matcher(normalizedSymbol).matches();
  }
}
