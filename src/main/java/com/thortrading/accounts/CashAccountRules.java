package com.thortrading.accounts;

import java.math.BigDecimal;

/**
 * The original design's cash account (§7): buys need the cash, sells need a long position no smaller than the
 * sale, so cash and positions never go negative. Average cost follows buys; selling realizes
 * (price − average cost) × quantity and leaves the average of what remains unchanged.
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

  public static Outcome apply(BigDecimal cash, Position position, Side side, long quantity, BigDecimal price) {
    return apply(cash, position, side, quantity, price, Reservations.NONE);
  }

  /** One execution, with what the account's (other) working orders hold back out of reach. */
  public static Outcome apply(BigDecimal cash, Position position, Side side, long quantity, BigDecimal price,
      Reservations reserved) {
    return side == Side.BUY
        ? buy(cash, position, quantity, price, reserved)
        : sell(cash, position, quantity, price, reserved);
  }

  private static Outcome buy(BigDecimal cash, Position position, long quantity, BigDecimal price,
      Reservations reserved) {
    BigDecimal cost = price.multiply(BigDecimal.valueOf(quantity));
    if (cost.compareTo(cash) > 0) {
      return new Refused(new Rejection(RejectCode.INSUFFICIENT_CASH, "Buying " + quantity + " " + position.symbol()
          + " at " + price.toPlainString() + " costs " + Money.text(cost) + " but the account has "
          + Money.text(cash) + " cash (no margin on a cash account)"));
    }
    if (cost.compareTo(cash.subtract(reserved.cash())) > 0) {
      return new Refused(new Rejection(RejectCode.INSUFFICIENT_BUYING_POWER, "Buying " + quantity + " "
          + position.symbol() + " at " + price.toPlainString() + " costs " + Money.text(cost) + " but only "
          + Money.text(cash.subtract(reserved.cash())) + " of the " + Money.text(cash) + " cash is free: working "
          + "buy orders hold " + Money.text(reserved.cash())));
    }
    return new Applied(PositionMath.cashAfter(cash, Side.BUY, quantity, price),
        PositionMath.apply(position, Side.BUY, quantity, price));
  }

  private static Outcome sell(BigDecimal cash, Position position, long quantity, BigDecimal price,
      Reservations reserved) {
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
    return new Applied(PositionMath.cashAfter(cash, Side.SELL, quantity, price),
        PositionMath.apply(position, Side.SELL, quantity, price));
  }
}
