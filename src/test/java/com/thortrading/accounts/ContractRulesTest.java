package com.thortrading.accounts;

import static com.thortrading.accounts.RuleOutcomes.applied;
import static com.thortrading.accounts.RuleOutcomes.refused;
import static org.assertj.core.api.Assertions.assertThat;

import com.thortrading.livedata.Quote;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Futures and options money, to the cent, against hand-worked examples: what a contract costs, what it holds
 * back, what it realizes, and how the account values it (the shipped instruments table).
 */
class ContractRulesTest {

  private static final Instruments INSTRUMENTS = Instruments.defaults();
  private static final String ES = "/ES";
  private static final String CALL = ".AAPL260116C190";

  private static BigDecimal d(String s) {
    return new BigDecimal(s);
  }

  private static Account cash(String amount) {
    return new Account("c", d(amount), d(amount), false, false);
  }

  private static Account margin(String amount) {
    return new Account("m", d(amount), d(amount), true, true);
  }

  private static Map<String, Quote> last(String symbol, String price) {
    return Map.of(symbol, new Quote(symbol, Map.of("last", price), Instant.EPOCH));
  }

  /** One execution by the account's rules, with the positions it holds and what its working orders hold. */
  private static CashAccountRules.Outcome trade(Account account, List<Position> positions, Map<String, Quote> quotes,
      String symbol, Side side, long quantity, String price, Reservations reserved) {
    Position position = positions.stream().filter(p -> p.symbol().equals(symbol)).findFirst()
        .orElse(Position.flat(symbol));
    return TradingRules.apply(account, positions, quotes, INSTRUMENTS, position, side, quantity, d(price), reserved);
  }

  private static Account withCash(Account account, BigDecimal cash) {
    return new Account(account.id(), cash, account.startingCash(), account.marginEnabled(), account.allowShort());
  }

  @Test
  void aFutureBoughtAndSoldOnePointHigherRealizesItsMultiplier() {
    Account account = cash("100000.00");
    CashAccountRules.Applied bought = applied(trade(account, List.of(), Map.of(), ES, Side.BUY, 1, "5250.00",
        Reservations.NONE));
    // A future is bought for margin: no cash moves, and the average cost is the price in points.
    assertThat(bought.cash()).isEqualByComparingTo("100000.00");
    assertThat(bought.position().averageCost()).isEqualByComparingTo("5250.00");

    CashAccountRules.Applied sold = applied(trade(withCash(account, bought.cash()), List.of(bought.position()),
        last(ES, "5251.00"), ES, Side.SELL, 1, "5251.00", Reservations.NONE));
    assertThat(sold.position().realizedPnl()).isEqualByComparingTo("50.00");
    assertThat(sold.cash()).isEqualByComparingTo("100050.00");
    assertThat(sold.position().quantity()).isZero();
  }

  @ParameterizedTest(name = "{0}: {3} contracts from {1} to {2} realize {4}")
  @CsvSource({
      "/ES,  5250.00, 5251.00,  1,    50.00",
      "/ES,  5250.00, 5250.25,  2,    25.00",
      "/NQ, 18000.00, 18001.00, 1,    20.00",
      "/CL,    75.00,   75.01,  1,    10.00",
      "/CL,    75.00,   74.00,  3, -3000.00",
      "/GC,  2300.00, 2300.10,  1,    10.00",
      "/ESZ25, 5250.00, 5260.00, 1,  500.00",
      "/MES, 5250.00, 5251.00,  4,    20.00"
  })
  void aFuturesRoundTripRealizesPointsTimesMultiplierTimesContracts(String symbol, String open, String close,
      long contracts, String realized) {
    Account account = margin("100000.00");
    CashAccountRules.Applied bought = applied(trade(account, List.of(), Map.of(), symbol, Side.BUY, contracts, open,
        Reservations.NONE));
    CashAccountRules.Applied sold = applied(trade(withCash(account, bought.cash()), List.of(bought.position()),
        last(symbol, close), symbol, Side.SELL, contracts, close, Reservations.NONE));
    assertThat(sold.position().realizedPnl()).isEqualByComparingTo(realized);
    assertThat(sold.cash()).isEqualByComparingTo(d("100000.00").add(d(realized)));
  }

  @ParameterizedTest(name = "{0}: 1 at {1}, 2 at {2}, all 3 sold at {3} realize {4}")
  @CsvSource({
      "/6E, 1.08000, 1.08005, 1.08005,  6.25",   // 405,018.75 - 405,012.50; a 6-decimal average gave 6.375
      "/ES, 5250.25, 5250.50, 5251.00, 87.50"    // a 6-decimal average gave 87.49995
  })
  void anAverageOfSeveralFillsRealizesToTheCentWhateverTheMultiplier(String symbol, String first, String second,
      String exit, String realized) {
    Account account = margin("100000.00");
    Position position = applied(trade(account, List.of(), Map.of(), symbol, Side.BUY, 1, first, Reservations.NONE))
        .position();
    position = applied(trade(account, List.of(position), Map.of(), symbol, Side.BUY, 2, second, Reservations.NONE))
        .position();
    CashAccountRules.Applied sold = applied(trade(account, List.of(position), last(symbol, exit), symbol, Side.SELL,
        3, exit, Reservations.NONE));
    assertThat(sold.position().realizedPnl()).isEqualByComparingTo(realized);
    assertThat(sold.cash()).isEqualByComparingTo(d("100000.00").add(d(realized)));
  }

  @Test
  void oneFuturesOpenGainDoesNotPayForAnothersOpenLoss() {
    // /ES 600 points up (+30,000.00), /NQ 1,500 points down (-30,000.00); margins 15,000.00 + 21,000.00.
    List<Position> held = List.of(new Position(ES, 1, d("5250.00"), BigDecimal.ZERO),
        new Position("/NQ", 1, d("18000.00"), BigDecimal.ZERO));
    Map<String, Quote> quotes = Map.of(ES, new Quote(ES, Map.of("last", "5850.00"), Instant.EPOCH),
        "/NQ", new Quote("/NQ", Map.of("last", "16500.00"), Instant.EPOCH));
    assertThat(AccountValuation.committed(held, quotes, INSTRUMENTS)).isEqualByComparingTo("66000.00");
    AccountValuation.Snapshot s = AccountValuation.value(cash("50000.00"), held, quotes, INSTRUMENTS);
    assertThat(s.netLiq()).isEqualByComparingTo("50000.00");
    assertThat(s.stockBuyingPower()).isEqualByComparingTo("-16000.00");
  }

  @Test
  void aShortFutureOnAMarginAccountRealizesWhenBoughtBack() {
    Account account = margin("50000.00");
    CashAccountRules.Applied shorted = applied(trade(account, List.of(), Map.of(), ES, Side.SELL, 1, "5250.00",
        Reservations.NONE));
    assertThat(shorted.cash()).isEqualByComparingTo("50000.00");
    assertThat(shorted.position().quantity()).isEqualTo(-1);
    CashAccountRules.Applied covered = applied(trade(withCash(account, shorted.cash()), List.of(shorted.position()),
        last(ES, "5248.00"), ES, Side.BUY, 1, "5248.00", Reservations.NONE));
    assertThat(covered.position().realizedPnl()).isEqualByComparingTo("100.00");
    assertThat(covered.cash()).isEqualByComparingTo("50100.00");
  }

  @Test
  void anOptionBoughtAtTwoFiftyCostsTwoHundredFifty() {
    Account account = cash("10000.00");
    CashAccountRules.Applied bought = applied(trade(account, List.of(), Map.of(), CALL, Side.BUY, 1, "2.50",
        Reservations.NONE));
    assertThat(bought.cash()).isEqualByComparingTo("9750.00");
    assertThat(bought.position().averageCost()).isEqualByComparingTo("2.50");

    AccountValuation.Snapshot at3 = AccountValuation.value(withCash(account, bought.cash()),
        List.of(bought.position()), last(CALL, "3.00"), INSTRUMENTS);
    assertThat(at3.marketValue()).isEqualByComparingTo("300.00");
    assertThat(at3.positions().get(0).unrealizedPnl()).isEqualByComparingTo("50.00");
    assertThat(at3.netLiq()).isEqualByComparingTo("10050.00");

    CashAccountRules.Applied sold = applied(trade(withCash(account, bought.cash()), List.of(bought.position()),
        last(CALL, "3.00"), CALL, Side.SELL, 1, "3.00", Reservations.NONE));
    assertThat(sold.cash()).isEqualByComparingTo("10050.00");
    assertThat(sold.position().realizedPnl()).isEqualByComparingTo("50.00");
  }

  @Test
  void aCashAccountCannotBuyAnOptionPastItsCashOrSellOneItDoesNotHold() {
    // 40 contracts at 2.50 = 10,000.00; 41 is 250.00 too much.
    assertThat(applied(trade(cash("10000.00"), List.of(), Map.of(), CALL, Side.BUY, 40, "2.50", Reservations.NONE))
        .cash()).isEqualByComparingTo("0.00");
    Rejection tooMany = refused(trade(cash("10000.00"), List.of(), Map.of(), CALL, Side.BUY, 41, "2.50",
        Reservations.NONE));
    assertThat(tooMany.code()).isEqualTo(RejectCode.INSUFFICIENT_CASH);
    assertThat(tooMany.message()).contains("costs 10250.00", "× 100 a contract");
    assertThat(refused(trade(cash("10000.00"), List.of(), Map.of(), CALL, Side.SELL, 1, "2.50", Reservations.NONE))
        .code()).isEqualTo(RejectCode.NO_POSITION);
  }

  @Test
  void aMarginAccountBuysOptionsWithExcessAndCannotWriteThem() {
    // Excess 10,000.00: stock may use 20,000.00, options only 10,000.00 (they are not margined).
    Account account = margin("10000.00");
    assertThat(refused(trade(account, List.of(), Map.of(), CALL, Side.BUY, 41, "2.50", Reservations.NONE))
        .message()).contains("needs 10250.00", "excess 10000.00");
    CashAccountRules.Applied bought = applied(trade(account, List.of(), Map.of(), CALL, Side.BUY, 40, "2.50",
        Reservations.NONE));
    AccountValuation.Snapshot after = AccountValuation.value(withCash(account, bought.cash()),
        List.of(bought.position()), last(CALL, "2.50"), INSTRUMENTS);
    // Long options count 100% towards maintenance: they add nothing to buying power.
    assertThat(after.maintenanceRequirement()).isEqualByComparingTo("10000.00");
    assertThat(after.optionBuyingPower()).isEqualByComparingTo("0.00");

    Rejection write = refused(trade(account, List.of(), Map.of(), CALL, Side.SELL, 1, "2.50", Reservations.NONE));
    assertThat(write.code()).isEqualTo(RejectCode.NO_POSITION);
    assertThat(write.message()).contains("writing (selling short) options is not supported");
  }

  @Test
  void marginForTwoEminisComesOffBuyingPowerNotCash() {
    Account account = cash("100000.00");
    CashAccountRules.Applied bought = applied(trade(account, List.of(), Map.of(), ES, Side.BUY, 2, "5250.00",
        Reservations.NONE));
    Account after = withCash(account, bought.cash());
    List<Position> held = List.of(bought.position());

    AccountValuation.Snapshot atCost = AccountValuation.value(after, held, last(ES, "5250.00"), INSTRUMENTS);
    assertThat(atCost.account().cash()).isEqualByComparingTo("100000.00");
    assertThat(atCost.futuresMargin()).isEqualByComparingTo("30000.00");
    assertThat(atCost.stockBuyingPower()).isEqualByComparingTo("70000.00");
    assertThat(atCost.optionBuyingPower()).isEqualByComparingTo("70000.00");
    assertThat(atCost.netLiq()).isEqualByComparingTo("100000.00");

    // Two points up: net liq shows the open gain (2 × 2 × 50), buying power does not spend it.
    AccountValuation.Snapshot up = AccountValuation.value(after, held, last(ES, "5252.00"), INSTRUMENTS);
    assertThat(up.marketValue()).isEqualByComparingTo("200.00");
    assertThat(up.positions().get(0).unrealizedPnl()).isEqualByComparingTo("200.00");
    assertThat(up.netLiq()).isEqualByComparingTo("100200.00");
    assertThat(up.stockBuyingPower()).isEqualByComparingTo("70000.00");

    // Ten points down: the open loss (2 × 10 × 50) comes off buying power.
    AccountValuation.Snapshot down = AccountValuation.value(after, held, last(ES, "5240.00"), INSTRUMENTS);
    assertThat(down.netLiq()).isEqualByComparingTo("99000.00");
    assertThat(down.stockBuyingPower()).isEqualByComparingTo("69000.00");

    // What is left buys 4 more, not 5 (5 × 15,000.00 = 75,000.00 > 70,000.00).
    assertThat(applied(trade(after, held, last(ES, "5250.00"), ES, Side.BUY, 4, "5250.00", Reservations.NONE))
        .position().quantity()).isEqualTo(6);
    Rejection fifth = refused(trade(after, held, last(ES, "5250.00"), ES, Side.BUY, 5, "5250.00",
        Reservations.NONE));
    assertThat(fifth.code()).isEqualTo(RejectCode.INSUFFICIENT_CASH);
    assertThat(fifth.message()).contains("75000.00 of initial margin", "open futures hold 30000.00");
    // And stock bought beside them can use only what the futures leave.
    assertThat(refused(trade(after, held, last(ES, "5250.00"), "XYZ", Side.BUY, 701, "100.00", Reservations.NONE))
        .code()).isEqualTo(RejectCode.INSUFFICIENT_CASH);
  }

  @Test
  void aMarginAccountOpensFuturesWithExcessAndCarriesTheirMargin() {
    Account account = margin("20000.00");
    CashAccountRules.Applied one = applied(trade(account, List.of(), Map.of(), ES, Side.BUY, 1, "5250.00",
        Reservations.NONE));
    AccountValuation.Snapshot s = AccountValuation.value(withCash(account, one.cash()), List.of(one.position()),
        last(ES, "5250.00"), INSTRUMENTS);
    assertThat(s.maintenanceRequirement()).isEqualByComparingTo("15000.00");
    assertThat(s.optionBuyingPower()).isEqualByComparingTo("5000.00");
    assertThat(s.stockBuyingPower()).isEqualByComparingTo("10000.00");
    Rejection second = refused(trade(withCash(account, one.cash()), List.of(one.position()), last(ES, "5250.00"), ES,
        Side.BUY, 1, "5250.00", Reservations.NONE));
    assertThat(second.message()).contains("needs 15000.00 of initial margin but 5000.00 is free");
  }

  @Test
  void aCashAccountCannotCloseAFutureForALossLargerThanItsCash() {
    Account account = cash("15000.00");
    CashAccountRules.Applied bought = applied(trade(account, List.of(), Map.of(), ES, Side.BUY, 1, "5250.00",
        Reservations.NONE));
    // 301 points down is 15,050.00: 50.00 more than the cash.
    Rejection close = refused(trade(withCash(account, bought.cash()), List.of(bought.position()),
        last(ES, "4949.00"), ES, Side.SELL, 1, "4949.00", Reservations.NONE));
    assertThat(close.code()).isEqualTo(RejectCode.INSUFFICIENT_CASH);
    assertThat(close.message()).contains("realizes a loss of 15050.00", "has 15000.00 cash");
    // 300 points down is exactly the cash: allowed, and the account is left with nothing.
    assertThat(applied(trade(withCash(account, bought.cash()), List.of(bought.position()), last(ES, "4950.00"), ES,
        Side.SELL, 1, "4950.00", Reservations.NONE)).cash()).isEqualByComparingTo("0.00");
  }

  @Test
  void workingFuturesAndOptionOrdersReserveWithTheMultiplier() {
    List<Reservations.Hold> holds = List.of(
        new Reservations.Hold(CALL, Side.BUY, 2, d("2.50")),       // 2 × 2.50 × 100 = 500.00
        new Reservations.Hold(ES, Side.BUY, 1, d("5200.00")),      // 1 × 15,000.00 of margin
        new Reservations.Hold("XYZ", Side.BUY, 10, d("12.125")),   // 121.25, as the original design
        new Reservations.Hold("/CL", Side.SELL, 2, d("80.00")));   // closes 1 held, opens 1: 6,000.00
    List<Position> positions = List.of(new Position("/CL", 1, d("75.00"), BigDecimal.ZERO));
    Reservations r = Reservations.of(holds, positions, INSTRUMENTS, "/CL");
    assertThat(r.cash()).isEqualByComparingTo("21621.25");
    assertThat(r.shares()).isEqualTo(2);
    // Two sells that together go through zero: the first only closes, the second opens a short of 2.
    assertThat(Reservations.of(List.of(new Reservations.Hold(ES, Side.SELL, 2, d("5300.00")),
        new Reservations.Hold(ES, Side.SELL, 2, d("5310.00"))), List.of(new Position(ES, 2, d("5250.00"),
        BigDecimal.ZERO)), INSTRUMENTS, ES).cash()).isEqualByComparingTo("30000.00");
    // A futures sell that only closes holds no margin.
    assertThat(Reservations.of(List.of(new Reservations.Hold(ES, Side.SELL, 1, d("5300.00"))),
        List.of(new Position(ES, 1, d("5250.00"), BigDecimal.ZERO)), INSTRUMENTS, ES).cash()).isZero();

    // A working /ES buy holds 15,000.00 of a 20,000.00 cash account: a second one does not fit.
    Reservations one = Reservations.of(List.of(new Reservations.Hold(ES, Side.BUY, 1, d("5200.00"))), List.of(),
        INSTRUMENTS, ES);
    assertThat(refused(trade(cash("20000.00"), List.of(), Map.of(), ES, Side.BUY, 1, "5200.00", one)).code())
        .isEqualTo(RejectCode.INSUFFICIENT_BUYING_POWER);
    AccountValuation.Snapshot s = AccountValuation.value(cash("20000.00"), List.of(), Map.of(), INSTRUMENTS,
        one.cash());
    assertThat(s.stockBuyingPower()).isEqualByComparingTo("5000.00");
  }

  @Test
  void theAuditReplaysFuturesAndOptionsWithTheirMultipliers() {
    Account start = new Account("alice", d("100000.00"), d("100000.00"), false, false);
    List<AccountAudit.Fill> fills = List.of(
        new AccountAudit.Fill(1, ES, Side.BUY, 2, d("5250.00")),
        new AccountAudit.Fill(2, ES, Side.SELL, 1, d("5252.25")),   // realizes 2.25 × 50 = 112.50
        new AccountAudit.Fill(3, CALL, Side.BUY, 3, d("1.05")));    // costs 315.00
    List<Order> orders = new ArrayList<>();
    for (AccountAudit.Fill f : fills) {
      orders.add(new Order(f.orderId(), "alice", Optional.empty(), f.symbol(), f.side(), f.quantity(),
          OrderType.MKT, Optional.empty(), Optional.empty(), TimeInForce.DAY, OrderStatus.FILLED, false,
          f.quantity(), Optional.of(f.price()), Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.empty(), Instant.EPOCH, Instant.EPOCH));
    }
    List<Position> positions = List.of(new Position(ES, 1, d("5250.00"), d("112.50")),
        new Position(CALL, 3, d("1.05"), BigDecimal.ZERO));
    Account books = new Account("alice", d("99797.50"), d("100000.00"), false, false);
    assertThat(AccountAudit.check(books, positions, orders, fills, INSTRUMENTS)).isEmpty();

    // Cash kept as if the future had been paid for, or the option charged once: both are reported.
    Account notional = new Account("alice", d("100000.00").subtract(d("5250.00").multiply(d("2")))
        .add(d("5252.25")).subtract(d("3.15")), d("100000.00"), false, false);
    assertThat(AccountAudit.check(notional, positions, orders, fills, INSTRUMENTS))
        .containsExactly("account alice: cash is 94749.10 but its fills make it 99797.50");
    List<Position> realizedInPoints = List.of(new Position(ES, 1, d("5250.00"), d("2.25")), positions.get(1));
    assertThat(AccountAudit.check(books, realizedInPoints, orders, fills, INSTRUMENTS))
        .containsExactly("account alice: position /ES has realized 2.25 but its fills realize 112.50");
  }
}
