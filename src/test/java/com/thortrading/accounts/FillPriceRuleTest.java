package com.thortrading.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.thortrading.livedata.Quote;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FillPriceRuleTest {

  private static Quote quote(String last, String bid, String ask, String close) {
    Map<String, String> fields = new HashMap<>();
    if (last != null) fields.put("last", last);
    if (bid != null) fields.put("bid", bid);
    if (ask != null) fields.put("ask", ask);
    if (close != null) fields.put("close", close);
    return new Quote("VFF", fields, Instant.EPOCH);
  }

  private static OrderRequest market() {
    return new OrderRequest("paper", "VFF", Side.BUY, 10, OrderType.MKT, Optional.empty(), Optional.empty(),
        TimeInForce.DAY, Optional.empty());
  }

  static Stream<Arguments> liveQuotes() {
    return Stream.of(
        Arguments.of(quote("3.00", "2.95", "3.05", "2.90"), "3.00", "last"),
        Arguments.of(quote(null, "2.95", "3.05", "2.90"), "2.95", "bid"),
        Arguments.of(quote(null, null, "3.05", "2.90"), "3.05", "ask"),
        Arguments.of(quote(null, null, null, "2.90"), "2.90", "close"),
        Arguments.of(quote("N/A", "0", "3.05", null), "3.05", "ask"),
        Arguments.of(quote("0", "0.00", null, "2.90"), "2.90", "close"),
        Arguments.of(quote("-1", "abc", "", "2.90"), "2.90", "close"));
  }

  @ParameterizedTest(name = "{0} fills at {1} ({2})")
  @MethodSource("liveQuotes")
  void marketOrderFillsAtTheFirstPositiveOfLastBidAskClose(Quote quote, String price, String field) {
    FillPriceRule.Decision decision = FillPriceRule.decide(market(), Optional.of(quote));

    assertThat(decision).isInstanceOf(FillPriceRule.Fill.class);
    FillPriceRule.Fill fill = (FillPriceRule.Fill) decision;
    assertThat(fill.price()).isEqualByComparingTo(price);
    assertThat(fill.reason()).isEqualTo("market order at " + field + " " + price);
    assertThat(fill.quote()).contains(quote);
  }

  static Stream<Arguments> touchFills() {
    return Stream.of(
        Arguments.of(Side.BUY, OrderType.MKT, null, quote("3.00", "2.95", "3.05", "2.90"), "fill 3.05 market order at ask 3.05"),
        Arguments.of(Side.SELL, OrderType.MKT, null, quote("3.00", "2.95", "3.05", "2.90"), "fill 2.95 market order at bid 2.95"),
        // The side missing: the design's order, from last on.
        Arguments.of(Side.BUY, OrderType.MKT, null, quote("3.00", "2.95", null, "2.90"), "fill 3.00 market order at last 3.00"),
        Arguments.of(Side.SELL, OrderType.MKT, null, quote(null, "N/A", "3.05", "2.90"), "fill 3.05 market order at ask 3.05"),
        Arguments.of(Side.BUY, OrderType.MKT, null, quote("N/A", "0", "0", null), "reject NO_LIVE_PRICE"),
        // A stop that triggers fills as a market order, at the touch too.
        Arguments.of(Side.BUY, OrderType.STP, "3.00", quote("3.00", "2.95", "3.05", null),
            "fill 3.05 last 3.00 ≥ stop 3.00; market at ask 3.05"),
        Arguments.of(Side.SELL, OrderType.STP, "3.00", quote("2.99", "2.97", "3.01", null),
            "fill 2.97 last 2.99 ≤ stop 3.00; market at bid 2.97"),
        // Limits keep their price under the rule: they fill at their limit.
        Arguments.of(Side.BUY, OrderType.LMT, "3.10", quote("3.00", "2.95", "3.05", null), "fill 3.10 ask 3.05 ≤ limit 3.10"));
  }

  @ParameterizedTest(name = "touch: {0} {1} {2} against {3}: {4}")
  @MethodSource("touchFills")
  void withTheTouchRuleBuysFillAtTheAskAndSellsAtTheBid(Side side, OrderType type, String price, Quote quote,
      String expected) {
    Optional<BigDecimal> limit = type == OrderType.LMT ? Optional.of(new BigDecimal(price)) : Optional.empty();
    Optional<BigDecimal> stop = type == OrderType.STP ? Optional.of(new BigDecimal(price)) : Optional.empty();
    OrderRequest order = new OrderRequest("paper", "VFF", side, 10, type, limit, stop, TimeInForce.DAY, Optional.empty());
    assertThat(outcome(FillPriceRule.decide(order, Optional.of(quote), FillPriceRule.LimitWithoutQuote.REST,
        FillPriceRule.MarketFill.TOUCH))).isEqualTo(expected);
    // The original rule on the same quote, for contrast: a market buy at last when there is one.
    if (type == OrderType.MKT && side == Side.BUY && quote.fields().containsKey("last")
        && !quote.fields().get("last").equals("N/A")) {
      assertThat(outcome(FillPriceRule.decide(order, Optional.of(quote)))).startsWith("fill " + quote.fields().get("last"));
    }
  }

  @Test
  void marketOrderWithoutQuoteIsRejected() {
    FillPriceRule.Decision decision = FillPriceRule.decide(market(), Optional.empty());

    assertThat(decision).isEqualTo(new FillPriceRule.Reject(new Rejection(RejectCode.NO_LIVE_PRICE,
        "Cannot fill market order: no live market price available for VFF")));
  }

  @Test
  void limitOrderWithoutAnyQuoteRestsUnlessTheOriginalRuleIsChosen() {
    OrderRequest buy = order(Side.BUY, OrderType.LMT, "0.01", null);

    assertThat(FillPriceRule.decide(buy, Optional.empty())).isInstanceOf(FillPriceRule.Work.class);
    assertThat(FillPriceRule.decide(buy, Optional.empty(), FillPriceRule.LimitWithoutQuote.REST))
        .isEqualTo(new FillPriceRule.Work(false, "waiting for a quote of VFF"));
    assertThat(FillPriceRule.decide(buy, Optional.empty(), FillPriceRule.LimitWithoutQuote.FILL))
        .isEqualTo(new FillPriceRule.Fill(10, new BigDecimal("0.01"), Optional.empty(), "limit price 0.01 (no live quote)"));
    // Once a quote exists, the setting changes nothing: the crossing rule decides.
    assertThat(FillPriceRule.decide(buy, Optional.of(quote("9.48", "9.45", "9.50", null)),
        FillPriceRule.LimitWithoutQuote.FILL)).isInstanceOf(FillPriceRule.Work.class);
  }

  @Test
  void marketOrderWhoseQuoteHasNoUsablePriceIsRejected() {
    FillPriceRule.Decision decision = FillPriceRule.decide(market(), Optional.of(quote("N/A", "0", null, null)));

    assertThat(decision).isInstanceOf(FillPriceRule.Reject.class);
    assertThat(((FillPriceRule.Reject) decision).rejection().code()).isEqualTo(RejectCode.NO_LIVE_PRICE);
  }

  private static OrderRequest order(Side side, OrderType type, String limit, String stop) {
    return new OrderRequest("paper", "VFF", side, 10, type, Optional.ofNullable(limit).map(BigDecimal::new),
        Optional.ofNullable(stop).map(BigDecimal::new), TimeInForce.DAY, Optional.empty());
  }

  static Stream<Arguments> crossingCases() {
    Quote book = quote("9.48", "9.45", "9.50", null);
    Quote lastOnly = quote("9.48", null, null, null);
    return Stream.of(
        // side, type, limit, stop, quote (null: none at all), outcome: "fill <price> <reason>" or "work" / "work triggered"
        Arguments.of(Side.BUY, OrderType.LMT, "9.50", null, book, "fill 9.50 ask 9.50 ≤ limit 9.50"),
        Arguments.of(Side.BUY, OrderType.LMT, "9.49", null, book, "work"),
        Arguments.of(Side.SELL, OrderType.LMT, "9.45", null, book, "fill 9.45 bid 9.45 ≥ limit 9.45"),
        Arguments.of(Side.SELL, OrderType.LMT, "9.46", null, book, "work"),
        Arguments.of(Side.BUY, OrderType.LMT, "9.48", null, lastOnly, "fill 9.48 last 9.48 ≤ limit 9.48"),
        Arguments.of(Side.BUY, OrderType.LMT, "2.50", null, null, "work"),
        Arguments.of(Side.SELL, OrderType.LMT, "99.00", null, null, "work"),
        Arguments.of(Side.BUY, OrderType.STP, null, "9.48", book, "fill 9.48 last 9.48 ≥ stop 9.48; market at last 9.48"),
        Arguments.of(Side.BUY, OrderType.STP, null, "9.49", book, "work"),
        Arguments.of(Side.SELL, OrderType.STP, null, "9.48", book, "fill 9.48 last 9.48 ≤ stop 9.48; market at last 9.48"),
        Arguments.of(Side.SELL, OrderType.STP, null, "9.47", book, "work"),
        Arguments.of(Side.SELL, OrderType.STP, null, "9.50", quote(null, "9.45", "9.50", null),
            "fill 9.45 bid 9.45 ≤ stop 9.50; market at bid 9.45"),
        Arguments.of(Side.BUY, OrderType.STP, null, "9.00", null, "work"),
        Arguments.of(Side.BUY, OrderType.STP_LMT, "9.50", "9.48", book, "fill 9.50 last 9.48 ≥ stop 9.48; ask 9.50 ≤ limit 9.50"),
        Arguments.of(Side.BUY, OrderType.STP_LMT, "9.49", "9.48", book, "work triggered"),
        Arguments.of(Side.BUY, OrderType.STP_LMT, "9.60", "9.49", book, "work"),
        Arguments.of(Side.SELL, OrderType.STP_LMT, "9.45", "9.48", book, "fill 9.45 last 9.48 ≤ stop 9.48; bid 9.45 ≥ limit 9.45"),
        Arguments.of(Side.SELL, OrderType.STP_LMT, "9.46", "9.48", book, "work triggered"),
        Arguments.of(Side.SELL, OrderType.STP_LMT, "9.40", "9.40", null, "work"));
  }

  private static String outcome(FillPriceRule.Decision decision) {
    if (decision instanceof FillPriceRule.Fill fill) {
      return "fill " + fill.price().toPlainString() + " " + fill.reason();
    }
    if (decision instanceof FillPriceRule.Work work) {
      return work.triggered() ? "work triggered" : "work";
    }
    return "reject " + ((FillPriceRule.Reject) decision).rejection().code();
  }

  @ParameterizedTest(name = "{0} {1} limit {2} stop {3} against {4}: {5}")
  @MethodSource("crossingCases")
  void crossingTableAtPlacement(Side side, OrderType type, String limit, String stop, Quote quote, String expected) {
    assertThat(outcome(FillPriceRule.decide(order(side, type, limit, stop), Optional.ofNullable(quote))))
        .isEqualTo(expected);
  }

  private static Order working(Side side, OrderType type, String limit, String stop, boolean triggered) {
    OrderRequest r = order(side, type, limit, stop);
    return new Order(1, "paper", Optional.empty(), "VFF", side, 10, type, r.limitPrice(), r.stopPrice(),
        TimeInForce.GTC, OrderStatus.WORKING, triggered, 0, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Instant.EPOCH, Instant.EPOCH);
  }

  @Test
  void aWorkingLimitFillsAtItsLimitOnTheFirstQuoteThatCrossesIt() {
    Order buy = working(Side.BUY, OrderType.LMT, "9.50", null, false);

    assertThat(outcome(FillPriceRule.match(buy, quote("9.60", "9.55", "9.51", null)))).isEqualTo("work");
    assertThat(outcome(FillPriceRule.match(buy, quote("9.46", "9.44", "9.45", null))))
        .isEqualTo("fill 9.50 ask 9.45 ≤ limit 9.50");
  }

  private static Quote sized(String last, String bid, String bidSize, String ask, String askSize, Instant at) {
    Map<String, String> fields = new HashMap<>(quote(last, bid, ask, null).fields());
    if (bidSize != null) fields.put("bid_size", bidSize);
    if (askSize != null) fields.put("ask_size", askSize);
    return new Quote("VFF", fields, at);
  }

  private static String sizedOutcome(FillPriceRule.Decision decision) {
    return decision instanceof FillPriceRule.Fill fill ? fill.quantity() + " at " + fill.price().toPlainString() + ": "
        + fill.reason() : outcome(decision);
  }

  static Stream<Arguments> displayedSizes() {
    return Stream.of(
        // Larger than the touch shows: the displayed size now, the rest later.
        Arguments.of(Side.BUY, OrderType.MKT, null, 1000, "10.00", "9.98", "500", "10.03", "300",
            "300 at 10.03: market order at ask 10.03; 300 of 1000 (ask_size 300), 700 left"),
        Arguments.of(Side.SELL, OrderType.MKT, null, 1000, "10.00", "9.98", "500", "10.03", "300",
            "500 at 9.98: market order at bid 9.98; 500 of 1000 (bid_size 500), 500 left"),
        // Within it: all, saying which size allowed it.
        Arguments.of(Side.BUY, OrderType.MKT, null, 300, "10.00", "9.98", "500", "10.03", "300",
            "300 at 10.03: market order at ask 10.03; all 300 (ask_size 300)"),
        // A marketable limit takes what the touch shows, at its limit.
        Arguments.of(Side.BUY, OrderType.LMT, "10.05", 1000, "10.00", "9.98", "500", "10.03", "300",
            "300 at 10.05: ask 10.03 ≤ limit 10.05; 300 of 1000 (ask_size 300), 700 left"),
        // A stop that triggers takes the touch's size as a market order does.
        Arguments.of(Side.BUY, OrderType.STP, "10.00", 1000, "10.00", "9.98", "500", "10.03", "300",
            "300 at 10.03: last 10.00 ≥ stop 10.00; market at ask 10.03; 300 of 1000 (ask_size 300), 700 left"),
        // No size shown (missing, N/A, zero, under one): nothing says less is there, so all of it.
        Arguments.of(Side.BUY, OrderType.MKT, null, 1000, "10.00", "9.98", null, "10.03", null,
            "1000 at 10.03: market order at ask 10.03"),
        Arguments.of(Side.BUY, OrderType.MKT, null, 1000, "10.00", "9.98", null, "10.03", "N/A",
            "1000 at 10.03: market order at ask 10.03"),
        Arguments.of(Side.BUY, OrderType.MKT, null, 1000, "10.00", "9.98", null, "10.03", "0",
            "1000 at 10.03: market order at ask 10.03"),
        Arguments.of(Side.BUY, OrderType.MKT, null, 1000, "10.00", "9.98", null, "10.03", "0.5",
            "1000 at 10.03: market order at ask 10.03"),
        // A fractional size is whole shares or contracts, rounded down.
        Arguments.of(Side.BUY, OrderType.MKT, null, 1000, "10.00", "9.98", null, "10.03", "2.9",
            "2 at 10.03: market order at ask 10.03; 2 of 1000 (ask_size 2), 998 left"),
        // The side missing: the fill is not at the touch, so its size does not apply.
        Arguments.of(Side.BUY, OrderType.MKT, null, 1000, "10.00", "9.98", "500", null, "300",
            "1000 at 10.00: market order at last 10.00"));
  }

  @ParameterizedTest(name = "touch: {0} {3} {1} {2} against bid {5}×{6} ask {7}×{8}: {9}")
  @MethodSource("displayedSizes")
  void atTheTouchAFillTakesAtMostTheDisplayedSize(Side side, OrderType type, String price, long quantity,
      String last, String bid, String bidSize, String ask, String askSize, String expected) {
    Optional<BigDecimal> limit = type == OrderType.LMT ? Optional.of(new BigDecimal(price)) : Optional.empty();
    Optional<BigDecimal> stop = type == OrderType.STP ? Optional.of(new BigDecimal(price)) : Optional.empty();
    OrderRequest order = new OrderRequest("paper", "VFF", side, quantity, type, limit, stop, TimeInForce.DAY,
        Optional.empty());
    Quote quote = sized(last, bid, bidSize, ask, askSize, Instant.EPOCH);
    assertThat(sizedOutcome(FillPriceRule.decide(order, Optional.of(quote), FillPriceRule.LimitWithoutQuote.REST,
        FillPriceRule.MarketFill.TOUCH))).isEqualTo(expected);
    // The original rule never looks at sizes: all of it, every time.
    FillPriceRule.Decision original = FillPriceRule.decide(order, Optional.of(quote));
    if (original instanceof FillPriceRule.Fill fill) {
      assertThat(fill.quantity()).isEqualTo(quantity);
    }
  }

  @Test
  void aPartlyFilledOrderTakesTheRestFromLaterQuotesNeverTwiceFromOne() {
    Instant first = Instant.parse("2026-01-05T15:00:00Z");
    Quote filledFrom = sized("10.00", "9.98", "500", "10.03", "300", first);
    Order partly = new Order(1, "paper", Optional.empty(), "VFF", Side.BUY, 1000, OrderType.MKT, Optional.empty(),
        Optional.empty(), TimeInForce.DAY, OrderStatus.WORKING, false, 300, Optional.of(new BigDecimal("10.03")),
        Optional.of(filledFrom), Optional.empty(), Optional.empty(), Optional.empty(), first, first);

    // The quote it filled from, or one no newer (the latest-quotes hash read again): the size there is taken.
    assertThat(sizedOutcome(FillPriceRule.match(partly, filledFrom, FillPriceRule.MarketFill.TOUCH)))
        .isEqualTo("work");
    assertThat(sizedOutcome(FillPriceRule.match(partly, sized("10.00", "9.98", "500", "10.05", "900",
        first.minusSeconds(1)), FillPriceRule.MarketFill.TOUCH))).isEqualTo("work");
    // A later quote: what it shows, up to the 700 still open.
    assertThat(sizedOutcome(FillPriceRule.match(partly, sized("10.00", "9.98", "500", "10.05", "200",
        first.plusMillis(1)), FillPriceRule.MarketFill.TOUCH)))
        .isEqualTo("200 at 10.05: market order at ask 10.05; 200 of 700 (ask_size 200), 500 left");
    assertThat(sizedOutcome(FillPriceRule.match(partly, sized("10.00", "9.98", "500", "10.04", "5000",
        first.plusSeconds(1)), FillPriceRule.MarketFill.TOUCH)))
        .isEqualTo("700 at 10.04: market order at ask 10.04; all 700 (ask_size 5000)");
  }

  @Test
  void aTriggeredStopLimitStaysTriggeredAndFillsAsALimitEvenWhenLastFallsBack() {
    Order triggered = working(Side.BUY, OrderType.STP_LMT, "9.50", "9.48", true);

    // last went back under the stop, but the stop was reached before: now it is a plain limit.
    assertThat(outcome(FillPriceRule.match(triggered, quote("9.40", "9.39", "9.41", null))))
        .isEqualTo("fill 9.50 ask 9.41 ≤ limit 9.50");
    assertThat(outcome(FillPriceRule.match(triggered, quote("9.60", "9.59", "9.61", null)))).isEqualTo("work triggered");
  }
}
