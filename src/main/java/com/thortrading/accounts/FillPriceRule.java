package com.thortrading.accounts;

import com.thortrading.livedata.Quote;
import com.thortrading.livedata.QuoteField;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * When and at what price an order fills, at placement and against each later quote.
 *
 * <ul>
 *   <li>MKT: at the live quote, preferring last, then bid, ask, close (the original design, §6); or, with
 *   {@link MarketFill#TOUCH}, at the touch: a buy at the ask, a sell at the bid, and the design's order when that
 *   side is missing. No usable price: rejected, never filled at a guessed price.</li>
 *   <li>LMT: with no quote for the symbol at all it works until a quote comes (the original design filled it at
 *   once at the limit, which let a client mint cash: buy at 0.01, sell at a billion; {@link LimitWithoutQuote#FILL}
 *   keeps that rule for who wants it). With a quote, a buy is marketable when ask ≤ limit (a sell when bid ≥ limit; last stands in for a missing side) and then
 *   fills at the limit; otherwise it works until a quote makes it marketable.</li>
 *   <li>STP: triggers when last (ask for a buy, bid for a sell, when last is missing) reaches the stop, then fills
 *   as a market order at that quote. STP_LMT: triggers the same way, then behaves as LMT.</li>
 * </ul>
 *
 * <p>How many: everything still open, except with {@link MarketFill#TOUCH}, where a fill taken against the ask (a
 * buy) or the bid (a sell) takes at most that side's displayed size ({@code ask_size}, {@code bid_size}, in shares
 * or contracts) when the quote shows one; the rest works and fills on later quotes, never twice on one quote.
 */
public final class FillPriceRule {

  /** The design's order of preference for a live price. */
  static final List<String> LIVE_PRICE_FIELDS =
      List.of(QuoteField.LAST, QuoteField.BID, QuoteField.ASK, QuoteField.CLOSE);

  private FillPriceRule() {
  }

  /** What the engine does with an order. */
  public sealed interface Decision permits Fill, Reject, Work {
  }

  /**
   * Fill {@code quantity} at {@code price}; {@code quote} is the live quote it came from, when it came from one.
   * {@code quantity} is what is still open, or less when the quote's displayed size allows less.
   */
  public record Fill(long quantity, BigDecimal price, Optional<Quote> quote, String reason) implements Decision {
  }

  public record Reject(Rejection rejection) implements Decision {
  }

  /** Not fillable now: the order works. {@code triggered}: a stop-limit whose stop has been reached. */
  public record Work(boolean triggered, String reason) implements Decision {
  }

  /** The first of last, bid, ask, close that is a positive decimal; "N/A" and "0" never count. */
  public static Optional<BigDecimal> livePrice(Quote quote) {
    return livePriceField(quote).flatMap(quote::decimal);
  }

  /** Which live field {@link #livePrice} uses. */
  static Optional<String> livePriceField(Quote quote) {
    return LIVE_PRICE_FIELDS.stream().filter(f -> positive(quote, f).isPresent()).findFirst();
  }

  /** Where a market order (and a triggered stop) fills. */
  public enum MarketFill {
    /** The original design: last, then bid, ask, close, whichever side the order is on. */
    LAST,
    /** As a broker fills: a buy at the ask, a sell at the bid; the design's order when that side is missing. */
    TOUCH
  }

  /** What a limit order does on a symbol that has no quote at all. */
  public enum LimitWithoutQuote {
    /** It works until a quote comes, then the usual crossing rule applies (the default). */
    REST,
    /** The original design's rule: it fills at once at its limit. */
    FILL
  }

  /** A new order, against the symbol's latest quote (empty when the symbol has none); limits without one rest. */
  public static Decision decide(OrderRequest order, Optional<Quote> quote) {
    return decide(order, quote, LimitWithoutQuote.REST);
  }

  /** A new order, against the symbol's latest quote (empty when the symbol has none). */
  public static Decision decide(OrderRequest order, Optional<Quote> quote, LimitWithoutQuote noQuote) {
    return decide(order, quote, noQuote, MarketFill.LAST);
  }

  public static Decision decide(OrderRequest order, Optional<Quote> quote, LimitWithoutQuote noQuote,
      MarketFill marketFill) {
    return evaluate(order.symbol(), order.side(), order.type(), order.limitPrice(), order.stopPrice(), false, quote,
        noQuote == LimitWithoutQuote.FILL, marketFill, order.quantity());
  }

  /** A working order, against a new quote: {@link Fill}, or {@link Work} (possibly newly triggered). */
  public static Decision match(Order working, Quote quote) {
    return match(working, quote, MarketFill.LAST);
  }

  public static Decision match(Order working, Quote quote, MarketFill marketFill) {
    if (working.filledQuantity() > 0 && working.fillQuote().isPresent()
        && !millis(quote.timestamp()).isAfter(millis(working.fillQuote().get().timestamp()))) {
      // The size that quote showed has been taken by this order already: the rest waits for a newer quote. Quote
      // times are compared to the millisecond, as quotes are stored: the same quote read back never looks newer.
      return new Work(working.triggered(), working.filledQuantity() + " of " + working.quantity()
          + " filled; the rest waits for a quote after " + working.fillQuote().get().timestamp());
    }
    return evaluate(working.symbol(), working.side(), working.type(), working.limitPrice(), working.stopPrice(),
        working.triggered(), Optional.of(quote), false, marketFill, working.quantity() - working.filledQuantity());
  }

  private static java.time.Instant millis(java.time.Instant at) {
    return at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  }

  /**
   * How much of {@code open} a fill at {@code field} of {@code quote} takes: all of it, except at the touch (the
   * ask for a buy, the bid for a sell, with {@link MarketFill#TOUCH}) when the quote shows a smaller size there.
   */
  private static Fill sized(Side side, long open, BigDecimal price, Optional<Quote> quote, String field,
      String reason, MarketFill marketFill) {
    String touch = side == Side.BUY ? QuoteField.ASK : QuoteField.BID;
    if (marketFill != MarketFill.TOUCH || quote.isEmpty() || !touch.equals(field)) {
      return new Fill(open, price, quote, reason);
    }
    String sizeField = side == Side.BUY ? QuoteField.ASK_SIZE : QuoteField.BID_SIZE;
    Optional<Long> size = displayedSize(quote.get(), sizeField);
    if (size.isEmpty()) {
      return new Fill(open, price, quote, reason); // no size shown: nothing says less is there
    }
    if (size.get() >= open) {
      return new Fill(open, price, quote, reason + "; all " + open + " (" + sizeField + " " + size.get() + ")");
    }
    return new Fill(size.get(), price, quote, reason + "; " + size.get() + " of " + open + " (" + sizeField + " "
        + size.get() + "), " + (open - size.get()) + " left");
  }

  /** A side's displayed size as whole shares or contracts; empty when missing, not a number, or under one. */
  static Optional<Long> displayedSize(Quote quote, String sizeField) {
    return quote.decimal(sizeField)
        .map(d -> d.setScale(0, java.math.RoundingMode.DOWN))
        .filter(d -> d.signum() > 0)
        .map(d -> d.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0 ? Long.MAX_VALUE : d.longValueExact());
  }

  /** The field a market order on {@code side} fills at, by the rule in force; empty when the quote has none. */
  static Optional<String> marketField(Side side, Quote quote, MarketFill marketFill) {
    if (marketFill == MarketFill.TOUCH) {
      String touch = side == Side.BUY ? QuoteField.ASK : QuoteField.BID;
      if (positive(quote, touch).isPresent()) {
        return Optional.of(touch);
      }
    }
    return livePriceField(quote);
  }

  private static Decision evaluate(String symbol, Side side, OrderType type, Optional<BigDecimal> limit,
      Optional<BigDecimal> stop, boolean triggered, Optional<Quote> quote, boolean fillLimitWithoutQuote,
      MarketFill marketFill, long open) {
    switch (type) {
      case MKT -> {
        Optional<String> field = quote.flatMap(q -> marketField(side, q, marketFill));
        if (field.isEmpty()) {
          return new Reject(new Rejection(RejectCode.NO_LIVE_PRICE,
              "Cannot fill market order: no live market price available for " + symbol));
        }
        BigDecimal price = quote.get().decimal(field.get()).orElseThrow();
        return sized(side, open, price, quote, field.get(), "market order at " + field.get() + " "
            + price.toPlainString(), marketFill);
      }
      case LMT -> {
        if (quote.isEmpty() && fillLimitWithoutQuote) {
          return new Fill(open, limit.orElseThrow(), quote, "limit price " + limit.get().toPlainString()
              + " (no live quote)");
        }
        if (quote.isEmpty()) {
          return new Work(false, "waiting for a quote of " + symbol);
        }
        return limitAgainst(side, limit.orElseThrow(), quote, false, "", open, marketFill);
      }
      default -> {
        if (quote.isEmpty()) {
          return new Work(triggered, "waiting for a quote of " + symbol);
        }
        BigDecimal stopPrice = stop.orElseThrow();
        String why = "";
        if (!triggered) {
          Optional<Trigger> trigger = trigger(side, stopPrice, quote.get());
          if (trigger.isEmpty()) {
            return new Work(false, "stop " + stopPrice.toPlainString() + " not reached");
          }
          why = trigger.get().field() + " " + trigger.get().price().toPlainString() + (side == Side.BUY ? " ≥" : " ≤")
              + " stop " + stopPrice.toPlainString() + "; ";
        }
        if (type == OrderType.STP) {
          String field = marketField(side, quote.get(), marketFill).orElseThrow();
          BigDecimal price = quote.get().decimal(field).orElseThrow();
          return sized(side, open, price, quote, field, why + "market at " + field + " " + price.toPlainString(),
              marketFill);
        }
        return limitAgainst(side, limit.orElseThrow(), quote, true, why, open, marketFill);
      }
    }
  }

  private static Decision limitAgainst(Side side, BigDecimal limit, Optional<Quote> quote, boolean triggered,
      String prefix, long open, MarketFill marketFill) {
    String sideField = side == Side.BUY ? QuoteField.ASK : QuoteField.BID;
    Optional<String> field = quote.flatMap(q -> positive(q, sideField).map(p -> sideField)
        .or(() -> positive(q, QuoteField.LAST).map(p -> QuoteField.LAST)));
    if (field.isEmpty()) {
      return new Work(triggered, prefix + "no " + sideField + " to trade against");
    }
    BigDecimal price = quote.get().decimal(field.get()).orElseThrow();
    boolean marketable = side == Side.BUY ? price.compareTo(limit) <= 0 : price.compareTo(limit) >= 0;
    String comparison = field.get() + " " + price.toPlainString() + (side == Side.BUY ? " ≤" : " ≥") + " limit "
        + limit.toPlainString();
    if (!marketable) {
      return new Work(triggered, prefix + field.get() + " " + price.toPlainString() + (side == Side.BUY ? " >" : " <")
          + " limit " + limit.toPlainString());
    }
    return sized(side, open, limit, quote, field.get(), prefix + comparison, marketFill);
  }

  private record Trigger(String field, BigDecimal price) {
  }

  /** The stop is reached when last (or the side's quote when last is missing) is at or beyond it. */
  private static Optional<Trigger> trigger(Side side, BigDecimal stop, Quote quote) {
    String sideField = side == Side.BUY ? QuoteField.ASK : QuoteField.BID;
    Optional<Trigger> reference = positive(quote, QuoteField.LAST).map(p -> new Trigger(QuoteField.LAST, p))
        .or(() -> positive(quote, sideField).map(p -> new Trigger(sideField, p)));
    return reference.filter(t -> side == Side.BUY ? t.price().compareTo(stop) >= 0 : t.price().compareTo(stop) <= 0);
  }

  private static Optional<BigDecimal> positive(Quote quote, String field) {
    return quote.decimal(field).filter(p -> p.signum() > 0);
  }
}
