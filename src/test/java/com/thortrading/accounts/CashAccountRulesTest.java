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

class CashAccountRulesTest {

  private static BigDecimal d(String text) {
    return new BigDecimal(text);
  }

  @Test
  void sequenceOfBuysAndSellsCheckedToTheCent() {
    BigDecimal cash = d("10000.00");
    Position vff = Position.flat("VFF");

    // Buy 100 @ 3.00: cost 300.00.
    CashAccountRules.Applied a = applied(CashAccountRules.apply(cash, vff, Side.BUY, 100, d("3.00")));
    assertThat(a.cash()).isEqualByComparingTo("9700.00");
    assertThat(a.position().quantity()).isEqualTo(100);
    assertThat(a.position().averageCost()).isEqualByComparingTo("3.00");

    // Buy 50 @ 3.30: cost 165.00; average (300 + 165) / 150 = 3.10.
    a = applied(CashAccountRules.apply(a.cash(), a.position(), Side.BUY, 50, d("3.30")));
    assertThat(a.cash()).isEqualByComparingTo("9535.00");
    assertThat(a.position().quantity()).isEqualTo(150);
    assertThat(a.position().averageCost()).isEqualByComparingTo("3.10");

    // Sell 60 @ 3.50: proceeds 210.00; realized (3.50 - 3.10) * 60 = 24.00; average unchanged.
    a = applied(CashAccountRules.apply(a.cash(), a.position(), Side.SELL, 60, d("3.50")));
    assertThat(a.cash()).isEqualByComparingTo("9745.00");
    assertThat(a.position().quantity()).isEqualTo(90);
    assertThat(a.position().averageCost()).isEqualByComparingTo("3.10");
    assertThat(a.position().realizedPnl()).isEqualByComparingTo("24.00");

    // Sell 90 @ 2.95: proceeds 265.50; realized (2.95 - 3.10) * 90 = -13.50; total 10.50; flat.
    a = applied(CashAccountRules.apply(a.cash(), a.position(), Side.SELL, 90, d("2.95")));
    assertThat(a.cash()).isEqualByComparingTo("10010.50");
    assertThat(a.position().quantity()).isZero();
    assertThat(a.position().averageCost()).isEqualByComparingTo("0");
    assertThat(a.position().realizedPnl()).isEqualByComparingTo("10.50");
    // Cash gained equals realized profit once flat.
    assertThat(a.cash().subtract(d("10000.00"))).isEqualByComparingTo(a.position().realizedPnl());
  }

  @Test
  void averageCostRoundsToSixDecimalsHalfEven() {
    CashAccountRules.Applied a = applied(CashAccountRules.apply(d("100"), Position.flat("X"), Side.BUY, 1, d("1.00")));
    a = applied(CashAccountRules.apply(a.cash(), a.position(), Side.BUY, 2, d("1.01")));
    // (1.00 + 2.02) / 3 = 1.00666666... -> 1.006667
    assertThat(a.position().averageCost()).isEqualTo(d("1.006667"));
  }

  @Test
  void buyNeedsTheCashAndSpendingExactlyAllOfItIsAllowed() {
    assertThat(refused(CashAccountRules.apply(d("299.99"), Position.flat("VFF"), Side.BUY, 100, d("3.00"))))
        .satisfies(r -> {
          assertThat(r.code()).isEqualTo(RejectCode.INSUFFICIENT_CASH);
          assertThat(r.message()).contains("costs 300.00").contains("299.99");
        });
    assertThat(applied(CashAccountRules.apply(d("300.00"), Position.flat("VFF"), Side.BUY, 100, d("3.00"))).cash())
        .isZero();
  }

  @Test
  void sellWithoutAPositionOrBeyondItIsRefused() {
    assertThat(refused(CashAccountRules.apply(d("1000"), Position.flat("VFF"), Side.SELL, 1, d("3.00"))).code())
        .isEqualTo(RejectCode.NO_POSITION);
    Position held = new Position("VFF", 100, d("3.00"), BigDecimal.ZERO);
    Rejection tooMany = refused(CashAccountRules.apply(d("1000"), held, Side.SELL, 101, d("3.00")));
    assertThat(tooMany.code()).isEqualTo(RejectCode.SELL_EXCEEDS_POSITION);
    assertThat(tooMany.message()).contains("holds only 100");
  }

  @Test
  void netLiquidationIsCashPlusMarketValueAtLivePricesOrAverageCost() {
    Account account = new Account("paper", d("9535.00"), d("10000.00"), false, false);
    List<Position> positions = List.of(new Position("VFF", 150, d("3.10"), BigDecimal.ZERO),
        new Position("XYZ", 10, d("20.00"), d("5.00")));
    Map<String, Quote> quotes = Map.of("VFF", new Quote("VFF", Map.of("last", "N/A", "bid", "3.20"), Instant.EPOCH));

    AccountValuation.Snapshot s = AccountValuation.value(account, positions, quotes, Instruments.defaults());

    // VFF at bid 3.20: 480.00 (unrealized +15.00); XYZ has no quote: at average cost 200.00.
    assertThat(s.positions().get(0).marketValue()).isEqualByComparingTo("480.00");
    assertThat(s.positions().get(0).unrealizedPnl()).isEqualByComparingTo("15.00");
    assertThat(s.positions().get(0).price()).contains(d("3.20"));
    assertThat(s.positions().get(1).marketValue()).isEqualByComparingTo("200.00");
    assertThat(s.positions().get(1).price()).isEmpty();
    assertThat(s.marketValue()).isEqualByComparingTo("680.00");
    assertThat(s.netLiq()).isEqualByComparingTo("10215.00");
    assertThat(s.stockBuyingPower()).isEqualByComparingTo("9535.00");
    assertThat(s.optionBuyingPower()).isEqualByComparingTo("9535.00");
    assertThat(s.dayTradingBuyingPower()).isEqualByComparingTo("9535.00");
  }

  @Test
  void moneyIsShownExactlyWithAtLeastTwoDecimals() {
    assertThat(Money.text(d("100000"))).isEqualTo("100000.00");
    assertThat(Money.text(d("3.1000"))).isEqualTo("3.10");
    assertThat(Money.text(d("0.125"))).isEqualTo("0.125");
    assertThat(Money.text(d("-13.5"))).isEqualTo("-13.50");
    assertThat(Money.text(d("1E+3"))).isEqualTo("1000.00");
  }
}
