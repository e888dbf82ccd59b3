package com.thortrading.accounts;

import java.math.BigDecimal;

/**
 * The original design's cash account (§7): buys need the cash, sells need a long position no smaller than the
 * sale, so cash and positions never go negative. Average cost follows buys; selling realizes
 * (price − average cost) × quantity × multiplier and leaves the average of what remains unchanged.
 *
 * <p>Contracts: an option costs its premium × multiplier (100); a future costs nothing to hold but its initial
 * margin, which open futures keep out of reach of buying power together with any open futures loss, and its
 * profit or loss is realized into cash when it closes. A cash account never owes: a futures close that would
 * realize more loss than the cash is refused.
 */
public final class CashAccountRules {

  /** Average cost is kept to this many decimal places (banker's rounding). */
  public static final int AVERAGE_COST_SCALE = 6;

  private CashAccountRules() {
  }

  /** The result of applying one execution. */
  public sealed interface Outcome permits Applied, Refused {
  }

  public record Applied(BigDecimal cash, Position position) implements Outcome {
  }

  public record Refused(Rejection rejection) implements Outcome {
  }

  /** Shares, with nothing held back. */
  public static Outcome apply(BigDecimal cash, Position position, Side side, long quantity, BigDecimal price) {
    return apply(cash, position, side, quantity, price, Reservations.NONE);
  }

  /** Shares, with what the account's (other) working orders hold back out of reach. */
  public static Outcome apply(BigDecimal cash, Position position, Side side, long quantity, BigDecimal price,
      Reservations reserved) {
    return apply(Instrument.shares(position.symbol()), cash, BigDecimal.ZERO, position, side, quantity, price,
        reserved);
  }

  /**
   * One execution of {@code instrument}.
   *
   * @param committed what open futures keep out of reach: their initial margin and any open loss
   *     ({@link AccountValuation#committed})
   */
  public static Outcome apply(Instrument instrument, BigDecimal cash, BigDecimal committed, Position position,
      Side side, long quantity, BigDecimal price, Reservations reserved) {
    return side == Side.BUY
        ? buy(instrument, cash, committed, position, quantity, price, reserved)
        : sell(instrument, cash, position, quantity, price, reserved);
  }

  private static Outcome buy(Instrument instrument, BigDecimal cash, BigDecimal committed, Position position,
      long quantity, BigDecimal price, Reservations reserved) {
    BigDecimal cost = instrument.costToOpen(price, quantity);
    String what = "Buying " + quantity + " " + position.symbol() + " at " + price.toPlainString()
        + (instrument.isFuture() ? " takes " + Money.text(cost) + " of initial margin"
            : " costs " + Money.text(cost) + (instrument.multiplier().compareTo(BigDecimal.ONE) == 0 ? ""
                : " (× " + instrument.multiplier().toPlainString() + " a contract)"));
    if (cost.compareTo(cash.subtract(committed)) > 0) {
      return new Refused(new Rejection(RejectCode.INSUFFICIENT_CASH, what + " but the account has "
          + Money.text(cash) + " cash" + (committed.signum() > 0 ? ", of which open futures hold "
          + Money.text(committed) : "") + " (no margin on a cash account)"));
    }
    BigDecimal free = cash.subtract(committed).subtract(reserved.cash());
    if (cost.compareTo(free) > 0) {
      return new Refused(new Rejection(RejectCode.INSUFFICIENT_BUYING_POWER, what + " but only "
          + Money.text(free) + " of the " + Money.text(cash) + " cash is free: working orders hold "
          + Money.text(reserved.cash()) + (committed.signum() > 0 ? " and open futures " + Money.text(committed)
          : "")));
    }
    return PositionMath.execute(cash, instrument, position, Side.BUY, quantity, price);
  }

  private static Outcome sell(Instrument instrument, BigDecimal cash, Position position, long quantity,
      BigDecimal price, Reservations reserved) {
    long held = position.quantity();
    if (held <= 0) {
      return new Refused(new Rejection(RejectCode.NO_POSITION, "Cannot sell " + position.symbol()
          + ": the account holds none, and a cash account cannot sell short"));
    }
    if (quantity > held) {
      return new Refused(new Rejection(RejectCode.SELL_EXCEEDS_POSITION, "Cannot sell " + quantity + " "
          + position.symbol() + ": the account holds only " + held + " (no short selling in a cash account)"));
    }
    if (quantity > held - reserved.shares()) {
      return new Refused(new Rejection(RejectCode.INSUFFICIENT_BUYING_POWER, "Cannot sell " + quantity + " "
          + position.symbol() + ": " + reserved.shares() + " of the " + held + " held are promised to working "
          + "sell orders"));
    }
    Applied applied = PositionMath.execute(cash, instrument, position, Side.SELL, quantity, price);
    if (applied.cash().signum() < 0) {
      return new Refused(new Rejection(RejectCode.INSUFFICIENT_CASH, "Selling " + quantity + " " + position.symbol()
          + " at " + price.toPlainString() + " realizes a loss of " + Money.text(applied.position().realizedPnl()
          .subtract(position.realizedPnl()).negate()) + " but the account has " + Money.text(cash) + " cash (a cash "
          + "account cannot owe; use a margin account to carry futures losses past the cash)"));
    }
    return applied;
  }
}
