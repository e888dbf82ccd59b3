package com.thortrading.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The account as the batched order path carries it from one order of a batch to the next. */
class AccountStateTest {

  private static final Account ACCOUNT = new Account("a", new BigDecimal("1000.00"), new BigDecimal("1000.00"), false,
      false);
  private static final AccountState START = new AccountState(ACCOUNT, 7,
      List.of(new Position("MSFT", 5, new BigDecimal("20.00"), BigDecimal.ZERO)),
      List.of(new Reservations.Hold("MSFT", Side.BUY, 2, new BigDecimal("19.00"))));

  private static OrderRequest request(String symbol, long quantity, OrderType type, String limit) {
    return new OrderRequest("a", symbol, Side.BUY, quantity, type, Optional.ofNullable(limit).map(BigDecimal::new),
        Optional.empty(), TimeInForce.GTC, Optional.empty());
  }

  @Test
  void aFillSetsTheCashAndReplacesItsPositionKeepingPositionsBySymbol() {
    Position aapl = new Position("AAPL", 3, new BigDecimal("10.00"), BigDecimal.ZERO);
    PlacementRules.Placement filled = new PlacementRules.Placement(EngineOutcome.ACCEPTED, OrderStatus.FILLED, false,
        3, Optional.of(new BigDecimal("10.00")), Optional.empty(), Optional.of("market"), Optional.empty(),
        Optional.of(new CashAccountRules.Applied(new BigDecimal("970.00"), aapl)));

    AccountState after = START.after(request("AAPL", 3, OrderType.MKT, null), filled);

    assertThat(after.eventSeq()).isEqualTo(8);
    assertThat(after.account().cash()).isEqualByComparingTo("970.00");
    assertThat(after.account().startingCash()).isEqualByComparingTo("1000.00");
    assertThat(after.positions()).extracting(Position::symbol).containsExactly("AAPL", "MSFT");
    assertThat(after.positions().get(0)).isEqualTo(aapl);
    assertThat(after.holds()).isEqualTo(START.holds());
  }

  @Test
  void aRestingOrderHoldsAtItsLimitAndAPartFilledMarketOrderHoldsItsRestAtThePricePaid() {
    PlacementRules.Placement resting = new PlacementRules.Placement(EngineOutcome.ACCEPTED, OrderStatus.WORKING, false,
        0, Optional.empty(), Optional.empty(), Optional.of("resting"), Optional.empty(), Optional.empty());
    AccountState rested = START.after(request("MSFT", 4, OrderType.LMT, "18.50"), resting);
    assertThat(rested.holds()).containsExactly(START.holds().get(0),
        new Reservations.Hold("MSFT", Side.BUY, 4, new BigDecimal("18.50")));
    assertThat(rested.account()).isEqualTo(ACCOUNT);

    PlacementRules.Placement part = new PlacementRules.Placement(EngineOutcome.ACCEPTED, OrderStatus.WORKING, false,
        300, Optional.of(new BigDecimal("1.03")), Optional.empty(), Optional.of("300 of 1000"), Optional.empty(),
        Optional.of(new CashAccountRules.Applied(new BigDecimal("691.00"),
            new Position("PART", 300, new BigDecimal("1.03"), BigDecimal.ZERO))));
    AccountState parted = rested.after(request("PART", 1000, OrderType.MKT, null), part);
    assertThat(parted.holds().get(2)).isEqualTo(new Reservations.Hold("PART", Side.BUY, 700, new BigDecimal("1.03")));
    assertThat(parted.eventSeq()).isEqualTo(9);
  }

  @Test
  void aRejectedOrderChangesNothingButTheSeq() {
    PlacementRules.Placement rejected = PlacementRules.Placement.recorded(OrderStatus.REJECTED,
        new Rejection(RejectCode.INSUFFICIENT_CASH, "no"), EngineOutcome.REJECTED);
    AccountState after = START.after(request("MSFT", 1000, OrderType.MKT, null), rejected);
    assertThat(after).isEqualTo(new AccountState(ACCOUNT, 8, START.positions(), START.holds()));
    assertThat(rejected.replyError()).contains(new Rejection(RejectCode.INSUFFICIENT_CASH, "no"));
  }
}
