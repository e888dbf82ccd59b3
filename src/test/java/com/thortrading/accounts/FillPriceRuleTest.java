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

  @Test
  void marketOrderWithoutQuoteIsRejected() {
    FillPriceRule.Decision decision = FillPriceRule.decide(market(), Optional.empty());

    assertThat(decision).isEqualTo(new FillPriceRule.Reject(new Rejection(RejectCode.NO_LIVE_PRICE,
        "Cannot fill market order: no live market price available for VFF")));
  }

  @Test
  void marketOrderWhoseQuoteHasNoUsablePriceIsRejected() {
    FillPriceRule.Decision decision = FillPriceRule.decide(market(), Optional.of(quote("N/A", "0", null, null)));

    assertThat(decision).isInstanceOf(FillPriceRule.Reject.class);
    assertThat(((FillPriceRule.Reject) decision).rejection().code()).isEqualTo(RejectCode.NO_LIVE_PRICE);
  }

  @Test
  void aGivenLimitPriceIsTheFillPriceWhateverTheQuote() {
    OrderRequest limit = new OrderRequest("paper", "VFF", Side.BUY, 10, OrderType.LMT,
        Optional.of(new BigDecimal("2.50")), Optional.empty(), TimeInForce.DAY, Optional.empty());

    assertThat(FillPriceRule.decide(limit, Optional.of(quote("3.00", null, null, null))))
        .isEqualTo(new FillPriceRule.Fill(new BigDecimal("2.50"), Optional.of(quote("3.00", null, null, null)),
            "limit price 2.50"));
    assertThat(FillPriceRule.decide(limit, Optional.empty()))
        .isEqualTo(new FillPriceRule.Fill(new BigDecimal("2.50"), Optional.empty(), "limit price 2.50"));
  }

  @Test
  void stopOrderWithoutLimitIsUnsupportedForNow() {
    OrderRequest stop = new OrderRequest("paper", "VFF", Side.SELL, 10, OrderType.STP, Optional.empty(),
        Optional.of(new BigDecimal("2.50")), TimeInForce.DAY, Optional.empty());

    FillPriceRule.Decision decision = FillPriceRule.decide(stop, Optional.of(quote("3.00", null, null, null)));

    assertThat(((FillPriceRule.Reject) decision).rejection().code()).isEqualTo(RejectCode.UNSUPPORTED_ORDER_TYPE);
  }
}
