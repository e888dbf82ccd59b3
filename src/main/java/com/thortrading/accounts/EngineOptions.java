package com.thortrading.accounts;

import com.thortrading.livedata.Quote;
import java.time.Clock;
import java.time.Duration;

/**
 * The engine's protections (original design §10 and order matching).
 *
 * @param maxQuoteAge a quote older than this is not a live price (market orders: STALE_PRICE; working orders
 *     wait); zero turns the check off
 * @param symbolWhitelist when on, market orders only for symbols the ingest has published (SYMBOL_NOT_TRADABLE)
 * @param limitWithoutQuote what a limit order does on a symbol that has no quote at all
 * @param instruments what each symbol is: indices are not traded, unknown futures not guessed, prices on the tick
 * @param marketFill where market orders and triggered stops fill: last (the original design) or at the touch
 */
public record EngineOptions(Duration maxQuoteAge, boolean symbolWhitelist, Clock clock,
    FillPriceRule.LimitWithoutQuote limitWithoutQuote, Instruments instruments, FillPriceRule.MarketFill marketFill) {

  public EngineOptions(Duration maxQuoteAge, boolean symbolWhitelist, Clock clock,
      FillPriceRule.LimitWithoutQuote limitWithoutQuote) {
    this(maxQuoteAge, symbolWhitelist, clock, limitWithoutQuote, Instruments.defaults(), FillPriceRule.MarketFill.LAST);
  }

  public EngineOptions(Duration maxQuoteAge, boolean symbolWhitelist, Clock clock) {
    this(maxQuoteAge, symbolWhitelist, clock, FillPriceRule.LimitWithoutQuote.REST);
  }

  public static EngineOptions defaults() {
    return new EngineOptions(Duration.ZERO, false, Clock.systemUTC());
  }

  public boolean isStale(Quote quote) {
    return !maxQuoteAge.isZero() && quote.timestamp().isBefore(clock.instant().minus(maxQuoteAge));
  }
}
