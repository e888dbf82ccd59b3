package com.thortrading.livedata;

import java.util.Locale;
import java.util.regex.Pattern;

/** How symbols are written everywhere: trimmed and upper-cased, as Redis fields and event-bus suffixes. */
public final class QuoteSymbols {

  /**
   * What a Thinkorswim symbol can hold: letters, digits and . / $ : _ - &amp; (for /ES:XCME, .AAPL260116C200,
   * $SPX, EUR/USD, BRK.B), at most 64 characters. Anything else is refused where symbols come from users.
   */
  private static final Pattern VALID = Pattern.compile("[A-Z0-9./$:_\\-&^]{1,64}");

  private QuoteSymbols() {
  }

  public static String normalize(String symbol) {
    return symbol.strip().toUpperCase(Locale.ROOT);
  }

  public static boolean isValid(String normalizedSymbol) {
    return VALID.matcher(normalizedSymbol).matches();
  }
}
