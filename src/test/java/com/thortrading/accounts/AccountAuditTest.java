package com.thortrading.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccountAuditTest {

  private static final Account CASH = new Account("alice", new BigDecimal("850.00"), new BigDecimal("1000.00"), false,
      false);

  private static Order order(long id, Side side, long quantity, OrderStatus status, long filled, String limit) {
    return new Order(id, "alice", Optional.empty(), "ABC", side, quantity, limit == null ? OrderType.MKT : OrderType.LMT,
        Optional.ofNullable(limit).map(BigDecimal::new), Optional.empty(), TimeInForce.GTC, status, false, filled,
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Instant.EPOCH,
        Instant.EPOCH);
  }

  private static AccountAudit.Fill fill(long order, Side side, long quantity, String price) {
    return new AccountAudit.Fill(order, "ABC", side, quantity, new BigDecimal(price));
  }

  /** Bought 20 at 10.00, sold 5 at 10.00: cash 1000 − 200 + 50 = 850, 15 held; a working buy holds 2 × 5.00. */
  private static final List<Order> ORDERS = List.of(order(1, Side.BUY, 20, OrderStatus.FILLED, 20, null),
      order(2, Side.SELL, 5, OrderStatus.FILLED, 5, "10.00"), order(3, Side.BUY, 2, OrderStatus.WORKING, 0, "5.00"),
      order(4, Side.BUY, 1, OrderStatus.REJECTED, 0, null));
  private static final List<AccountAudit.Fill> FILLS = List.of(fill(1, Side.BUY, 20, "10.00"),
      fill(2, Side.SELL, 5, "10.00"));
  private static final List<Position> POSITIONS = List.of(new Position("ABC", 15, new BigDecimal("10.00"),
      BigDecimal.ZERO));

  @Test
  void booksThatFollowFromTheFillsAgree() {
    assertThat(AccountAudit.check(CASH, POSITIONS, ORDERS, FILLS, Instruments.defaults())).isEmpty();
  }

  @Test
  void cashThatDoesNotFollowFromTheFillsIsReported() {
    Account minted = new Account("alice", new BigDecimal("1000000850.00"), new BigDecimal("1000.00"), false, false);
    assertThat(AccountAudit.check(minted, POSITIONS, ORDERS, FILLS, Instruments.defaults()))
        .containsExactly("account alice: cash is 1000000850.00 but its fills make it 850.00");
  }

  @Test
  void aPositionThatDoesNotFollowFromTheFillsIsReported() {
    assertThat(AccountAudit.check(CASH, List.of(new Position("ABC", 16, BigDecimal.TEN, BigDecimal.ZERO)), ORDERS, FILLS, Instruments.defaults()))
        .contains("account alice: position ABC is 16 but its fills make it 15");
    assertThat(AccountAudit.check(CASH, List.of(), ORDERS, FILLS, Instruments.defaults()))
        .contains("account alice: fills of ABC add up to 15 but there is no position");
  }

  @Test
  void aDoubleFillIsReported() {
    List<AccountAudit.Fill> twice = List.of(fill(1, Side.BUY, 20, "10.00"), fill(1, Side.BUY, 20, "10.00"),
        fill(2, Side.SELL, 5, "10.00"));
    Account paidTwice = new Account("alice", new BigDecimal("650.00"), new BigDecimal("1000.00"), false, false);
    assertThat(AccountAudit.check(paidTwice, List.of(new Position("ABC", 35, BigDecimal.TEN, BigDecimal.ZERO)),
        ORDERS, twice, Instruments.defaults())).contains("account alice: order 1 says 20 filled but has fills for 40",
            "account alice: order 1 is filled 40 times over its quantity 20");
  }

  @Test
  void anOrderMarkedFilledWithoutItsFillIsReported() {
    List<Order> orders = List.of(ORDERS.get(0), ORDERS.get(1), order(5, Side.BUY, 3, OrderStatus.FILLED, 3, null));
    assertThat(AccountAudit.check(CASH, POSITIONS, orders, FILLS, Instruments.defaults()))
        .contains("account alice: order 5 says 3 filled but has fills for 0",
            "account alice: order 5 is FILLED with 0 of 3 filled");
  }

  @Test
  void negativeCashAndForbiddenShortsOnACashAccountAreReported() {
    Account overdrawn = new Account("alice", new BigDecimal("-50.00"), new BigDecimal("-50.00"), false, false);
    List<String> problems = AccountAudit.check(overdrawn, List.of(new Position("XYZ", -3, BigDecimal.ONE,
        BigDecimal.ZERO)), List.of(), List.of(new AccountAudit.Fill(9, "XYZ", Side.SELL, 3, BigDecimal.ZERO)), Instruments.defaults());
    assertThat(problems).contains("account alice: cash is negative (-50.00) on a cash account",
        "account alice: position XYZ is short (-3) on an account without allow_short");
  }

  @Test
  void workingOrdersHoldingMoreThanTheAccountHasAreReported() {
    List<Order> orders = List.of(ORDERS.get(0), ORDERS.get(1), order(6, Side.BUY, 100, OrderStatus.WORKING, 0, "9.00"),
        order(7, Side.SELL, 16, OrderStatus.WORKING, 0, "11.00"));
    assertThat(AccountAudit.check(CASH, POSITIONS, orders, FILLS, Instruments.defaults())).containsExactly(
        "account alice: working orders hold 900.00 but the cash is 850.00",
        "account alice: working sells of ABC hold 16 shares but the position is 15");
  }
}
