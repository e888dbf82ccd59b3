package com.thortrading.accounts;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks one account's books against its own history, the way an operator would audit them: every figure that
 * the engine keeps must follow from the fills. Plain Java; {@code verify} feeds it from PostgreSQL.
 *
 * <ul>
 *   <li>cash = starting cash − Σ bought + Σ sold, each × its contract multiplier (realized P&amp;L is already in
 *   those amounts), except futures, which add only the profit or loss their closes realized;</li>
 *   <li>each position = Σ signed fills of its symbol, its realized P&amp;L what replaying them realizes, and no
 *   position without fills;</li>
 *   <li>each order's filled quantity = Σ its fills, never more than its quantity, FILLED exactly when complete;</li>
 *   <li>no negative cash on a cash account, no short without allow_short;</li>
 *   <li>on a cash account, what working orders hold fits in the cash, and working sells in the position.</li>
 * </ul>
 */
public final class AccountAudit {

  /** One execution as booked. */
  public record Fill(long orderId, String symbol, Side side, long quantity, BigDecimal price) {
  }

  private AccountAudit() {
  }

  /** Every violation, each a sentence naming the account and the figures; empty when the books agree. */
  public static List<String> check(Account account, List<Position> positions, List<Order> orders, List<Fill> fills,
      Instruments instruments) {
    List<String> problems = new ArrayList<>();
    String who = "account " + account.id() + ": ";

    BigDecimal cash = account.startingCash();
    Map<String, Position> replayed = new HashMap<>();
    Map<Long, Long> filledByOrder = new HashMap<>();
    for (Fill f : fills) {
      Instrument instrument = instruments.contract(f.symbol());
      Position before = replayed.getOrDefault(f.symbol(), Position.flat(f.symbol()));
      CashAccountRules.Applied applied = PositionMath.execute(cash, instrument, before, f.side(), f.quantity(),
          f.price());
      cash = applied.cash();
      replayed.put(f.symbol(), applied.position());
      filledByOrder.merge(f.orderId(), f.quantity(), Long::sum);
    }
    Map<String, Long> heldBySymbol = new HashMap<>();
    replayed.forEach((symbol, p) -> heldBySymbol.put(symbol, p.quantity()));
    if (cash.compareTo(account.cash()) != 0) {
      problems.add(who + "cash is " + Money.text(account.cash()) + " but its fills make it " + Money.text(cash));
    }

    Map<String, Long> positionBySymbol = new HashMap<>();
    for (Position p : positions) {
      positionBySymbol.put(p.symbol(), p.quantity());
      long expected = heldBySymbol.getOrDefault(p.symbol(), 0L);
      if (p.quantity() != expected) {
        problems.add(who + "position " + p.symbol() + " is " + p.quantity() + " but its fills make it " + expected);
      }
      BigDecimal realized = replayed.getOrDefault(p.symbol(), Position.flat(p.symbol())).realizedPnl();
      if (p.realizedPnl().compareTo(realized) != 0) {
        problems.add(who + "position " + p.symbol() + " has realized " + Money.text(p.realizedPnl())
            + " but its fills realize " + Money.text(realized));
      }
      if (p.quantity() < 0 && !account.allowShort()) {
        problems.add(who + "position " + p.symbol() + " is short (" + p.quantity() + ") on an account without allow_short");
      }
    }
    heldBySymbol.forEach((symbol, quantity) -> {
      if (quantity != 0 && !positionBySymbol.containsKey(symbol)) {
        problems.add(who + "fills of " + symbol + " add up to " + quantity + " but there is no position");
      }
    });
    if (!account.marginEnabled() && account.cash().signum() < 0) {
      problems.add(who + "cash is negative (" + Money.text(account.cash()) + ") on a cash account");
    }

    List<Reservations.Hold> holds = new ArrayList<>();
    Map<String, Long> reservedShares = new HashMap<>();
    for (Order o : orders) {
      long filled = filledByOrder.getOrDefault(o.id(), 0L);
      if (filled != o.filledQuantity()) {
        problems.add(who + "order " + o.id() + " says " + o.filledQuantity() + " filled but has fills for " + filled);
      }
      if (filled > o.quantity()) {
        problems.add(who + "order " + o.id() + " is filled " + filled + " times over its quantity " + o.quantity());
      }
      if ((o.status() == OrderStatus.FILLED) != (filled == o.quantity() && filled > 0)) {
        problems.add(who + "order " + o.id() + " is " + o.status() + " with " + filled + " of " + o.quantity() + " filled");
      }
      if (o.status() == OrderStatus.WORKING) {
        long open = o.quantity() - filled;
        holds.add(new Reservations.Hold(o.symbol(), o.side(), open, o.limitPrice().or(o::fillPrice)
            .or(o::stopPrice).orElse(BigDecimal.ZERO)));
        if (o.side() == Side.SELL) {
          reservedShares.merge(o.symbol(), open, Long::sum);
        }
      }
    }
    if (!account.marginEnabled()) {
      BigDecimal reservedCash = Reservations.of(holds, positions, instruments, "").cash();
      if (reservedCash.compareTo(account.cash()) > 0) {
        problems.add(who + "working orders hold " + Money.text(reservedCash) + " but the cash is " + Money.text(account.cash()));
      }
      reservedShares.forEach((symbol, shares) -> {
        long held = positionBySymbol.getOrDefault(symbol, 0L);
        if (shares > held) {
          problems.add(who + "working sells of " + symbol + " hold " + shares + " shares but the position is " + held);
        }
      });
    }
    return problems;
  }
}
