package com.thortrading.accounts;

import java.math.BigDecimal;
import java.util.List;

/**
 * What an account's working orders hold back: cash for buys (open quantity × limit, or × stop, × the contract
 * multiplier), the initial margin of futures orders that would open contracts, and shares (or contracts) of one
 * symbol for sells. Derived from the working orders whenever needed, so a fill, expiry or cancel releases it by
 * itself.
 */
public record Reservations(BigDecimal cash, long shares) {

  public static final Reservations NONE = new Reservations(BigDecimal.ZERO, 0);

  /** The open part of one working order, as the books keep it; {@code price} is its limit, else its stop. */
  public record Hold(String symbol, Side side, long quantity, BigDecimal price) {
  }

  /**
   * What {@code holds} keep back, with the shares counted for {@code symbol}'s sells. A futures order holds the
   * margin of the contracts it would open given the position and the orders before it (a sell that only closes
   * holds none).
   */
  public static Reservations of(List<Hold> holds, List<Position> positions, Instruments instruments, String symbol) {
    BigDecimal cash = BigDecimal.ZERO;
    long shares = 0;
    // A futures order is held against the position the orders before it would leave: two sells that together go
    // through zero hold the margin of the short they would open, not nothing each.
    java.util.Map<String, Long> after = new java.util.HashMap<>();
    positions.forEach(p -> after.put(p.symbol(), p.quantity()));
    for (Hold hold : holds) {
      Instrument instrument = instruments.contract(hold.symbol());
      if (instrument.isFuture()) {
        long held = after.getOrDefault(hold.symbol(), 0L);
        cash = cash.add(instrument.costToOpen(hold.price(), opening(held, hold.side(), hold.quantity())));
        after.put(hold.symbol(), held + (hold.side() == Side.BUY ? hold.quantity() : -hold.quantity()));
      } else if (hold.side() == Side.BUY) {
        cash = cash.add(instrument.value(hold.price(), hold.quantity()));
      }
      if (hold.side() == Side.SELL && hold.symbol().equals(symbol)) {
        shares += hold.quantity();
      }
    }
    return new Reservations(cash, shares);
  }

  /** How much of a trade opens or adds exposure, given what is held (the rest closes). */
  public static long opening(long held, Side side, long quantity) {
    return side == Side.BUY
        ? (held >= 0 ? quantity : Math.max(0, quantity + held))
        : (held <= 0 ? quantity : Math.max(0, quantity - held));
  }
}
