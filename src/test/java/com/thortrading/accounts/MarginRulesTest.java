package com.thortrading.accounts;

import static com.thortrading.accounts.RuleOutcomes.applied;
import static com.thortrading.accounts.RuleOutcomes.refused;
import static org.assertj.core.api.Assertions.assertThat;

import com.thortrading.livedata.Quote;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Margin and short arithmetic against hand-worked examples, to the cent. */
class MarginRulesTest {

  private static final Instruments INSTRUMENTS = Instruments.defaults();

  private static BigDecimal d(String s) {
    return new BigDecimal(s);
  }

  private static Map<String, Quote> last(String symbol, String price) {
    return Map.of(symbol, new Quote(symbol, Map.of("last", price), Instant.EPOCH));
  }

  @Test
  void marginLongWorkedExample() {
    // Cash 10,000.00 on margin: excess 10,000.00, so 20,000.00 of stock buying power.
    Account margin = new Account("m", d("10000.00"), d("10000.00"), true, false);
    CashAccountRules.Applied buy = applied(MarginRules.apply(margin, List.of(), Map.of(), INSTRUMENTS, Position.flat("XYZ"),
        Side.BUY, 100, d("150.00"), Reservations.NONE));
    // Buy 100 @ 150.00 = 15,000.00: cash goes to -5,000.00 (a margin loan).
    assertThat(buy.cash()).isEqualByComparingTo("-5000.00");
    Account after = new Account("m", buy.cash(), d("10000.00"), true, false);

    // At 150: equity 10,000.00, maintenance 25% of 15,000.00 = 3,750.00, excess 6,250.00.
    AccountValuation.Snapshot at150 = AccountValuation.value(after, List.of(buy.position()), last("XYZ", "150.00"), INSTRUMENTS);
    assertThat(at150.netLiq()).isEqualByComparingTo("10000.00");
    assertThat(at150.maintenanceRequirement()).isEqualByComparingTo("3750.00");
    assertThat(at150.stockBuyingPower()).isEqualByComparingTo("12500.00");
    assertThat(at150.dayTradingBuyingPower()).isEqualByComparingTo("25000.00");
    assertThat(at150.optionBuyingPower()).isEqualByComparingTo("6250.00");

    // At 120: equity 7,000.00, maintenance 3,000.00, excess 4,000.00, buying power 8,000.00.
    AccountValuation.Snapshot at120 = AccountValuation.value(after, List.of(buy.position()), last("XYZ", "120.00"), INSTRUMENTS);
    assertThat(at120.netLiq()).isEqualByComparingTo("7000.00");
    assertThat(at120.maintenanceRequirement()).isEqualByComparingTo("3000.00");
    assertThat(at120.stockBuyingPower()).isEqualByComparingTo("8000.00");
    // 8,000.01 of new buying is one cent too much.
    assertThat(refused(MarginRules.apply(after, List.of(buy.position()), last("XYZ", "120.00"), INSTRUMENTS, buy.position(),
        Side.BUY, 1, d("8000.01"), Reservations.NONE)).code()).isEqualTo(RejectCode.INSUFFICIENT_BUYING_POWER);
    assertThat(MarginRules.apply(after, List.of(buy.position()), last("XYZ", "120.00"), INSTRUMENTS, buy.position(),
        Side.BUY, 1, d("8000.00"), Reservations.NONE)).isInstanceOf(CashAccountRules.Applied.class);
  }

  @Test
  void shortSaleAndCoverWorkedExample() {
    Account shorting = new Account("s", d("10000.00"), d("10000.00"), true, true);
    // Sell short 100 ABC @ 50.00: needs 5,000.00 of the 20,000.00; cash rises to 15,000.00.
    CashAccountRules.Applied sold = applied(MarginRules.apply(shorting, List.of(), Map.of(), INSTRUMENTS, Position.flat("ABC"),
        Side.SELL, 100, d("50.00"), Reservations.NONE));
    assertThat(sold.cash()).isEqualByComparingTo("15000.00");
    assertThat(sold.position().quantity()).isEqualTo(-100);
    assertThat(sold.position().averageCost()).isEqualByComparingTo("50.00");
    Account after = new Account("s", sold.cash(), d("10000.00"), true, true);

    // At 60: short worth -6,000.00; equity 9,000.00; maintenance 30% = 1,800.00; excess 7,200.00.
    AccountValuation.Snapshot at60 = AccountValuation.value(after, List.of(sold.position()), last("ABC", "60.00"), INSTRUMENTS);
    assertThat(at60.netLiq()).isEqualByComparingTo("9000.00");
    assertThat(at60.maintenanceRequirement()).isEqualByComparingTo("1800.00");
    assertThat(at60.stockBuyingPower()).isEqualByComparingTo("14400.00");
    assertThat(at60.positions().get(0).unrealizedPnl()).isEqualByComparingTo("-1000.00");

    // Cover 100 @ 60.00: closing needs no buying power; realized (50 - 60) * 100 = -1,000.00; cash 9,000.00.
    CashAccountRules.Applied covered = applied(MarginRules.apply(after, List.of(sold.position()), last("ABC", "60.00"), INSTRUMENTS,
        sold.position(), Side.BUY, 100, d("60.00"), Reservations.NONE));
    assertThat(covered.cash()).isEqualByComparingTo("9000.00");
    assertThat(covered.position().quantity()).isZero();
    assertThat(covered.position().realizedPnl()).isEqualByComparingTo("-1000.00");
  }

  @Test
  void sellingThroughZeroRealizesTheLongAndOpensAShortAtThePrice() {
    Position long10 = new Position("X", 10, d("100.00"), BigDecimal.ZERO);

    Position flipped = PositionMath.apply(long10, Side.SELL, 15, d("110.00"));

    assertThat(flipped.quantity()).isEqualTo(-5);
    assertThat(flipped.averageCost()).isEqualByComparingTo("110.00");
    assertThat(flipped.realizedPnl()).isEqualByComparingTo("100.00");
    // Adding to the short averages the entry: (5 * 110 + 5 * 100) / 10 = 105.
    assertThat(PositionMath.apply(flipped, Side.SELL, 5, d("100.00")).averageCost()).isEqualByComparingTo("105.00");
  }

  @Test
  void withoutAllowShortAMarginAccountSellsOnlyWhatItHolds() {
    Account margin = new Account("m", d("1000.00"), d("1000.00"), true, false);
    Position held = new Position("X", 10, d("5.00"), BigDecimal.ZERO);

    assertThat(refused(MarginRules.apply(margin, List.of(held), Map.of(), INSTRUMENTS, held, Side.SELL, 11, d("5.00"),
        Reservations.NONE)).code()).isEqualTo(RejectCode.SELL_EXCEEDS_POSITION);
    assertThat(refused(MarginRules.apply(margin, List.of(), Map.of(), INSTRUMENTS, Position.flat("Y"), Side.SELL, 1, d("5.00"),
        Reservations.NONE)).code()).isEqualTo(RejectCode.NO_POSITION);
    // A cash account keeps the original rules exactly.
    assertThat(refused(CashAccountRules.apply(d("1000.00"), Position.flat("Y"), Side.SELL, 1, d("5.00"))).code())
        .isEqualTo(RejectCode.NO_POSITION);
  }

  @Test
  void workingBuysHoldMarginBuyingPowerToo() {
    Account margin = new Account("m", d("1000.00"), d("1000.00"), true, false);

    // 2,000.00 of buying power, 1,500.00 held by working buys: 600.00 more is too much.
    assertThat(refused(MarginRules.apply(margin, List.of(), Map.of(), INSTRUMENTS, Position.flat("X"), Side.BUY, 6, d("100.00"),
        new Reservations(d("1500.00"), 0))).message()).contains("500.00 is free").contains("1500.00 held by working orders");
  }
}
