package com.thortrading.accounts;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * What one execution does to a position, long or short (negative quantity): adding to it moves the average
 * cost; reducing it realizes (price − average cost) × quantity × multiplier for a long and (average cost − price)
 * × quantity × multiplier for a short; going through zero opens the other side at the execution price. Average
 * cost stays a price (points for a future, premium for an option); realized P&amp;L is money.
 */
public final class PositionMath {

  private PositionMath() {
  }

  /** An execution of shares (multiplier 1). */
  public static Position apply(Position position, Side side, long quantity, BigDecimal price) {
    return apply(position, side, quantity, price, BigDecimal.ONE);
  }

  public static Position apply(Position position, Side side, long quantity, BigDecimal price, BigDecimal multiplier) {
    long held = position.quantity();
    long change = side == Side.BUY ? quantity : -quantity;
    long after = held + change;
    if (held == 0 || Long.signum(held) == Long.signum(change)) {
      BigDecimal average = BigDecimal.valueOf(Math.abs(held)).multiply(position.averageCost())
          .add(price.multiply(BigDecimal.valueOf(quantity)))
          .divide(BigDecimal.valueOf(Math.abs(after)), averageScale(multiplier), RoundingMode.HALF_EVEN);
      return new Position(position.symbol(), after, average, position.realizedPnl());
    }
    long closed = Math.min(quantity, Math.abs(held));
    BigDecimal perUnit = held > 0 ? price.subtract(position.averageCost()) : position.averageCost().subtract(price);
    BigDecimal gain = perUnit.multiply(BigDecimal.valueOf(closed)).multiply(multiplier);
    if (multiplier.compareTo(BigDecimal.ONE) != 0) {
      // A contract's average keeps more decimals, yet it is still rounded; a future's realized P&L moves cash, so
      // it is booked in cents (shares keep the original design's exact figure).
      gain = gain.setScale(2, RoundingMode.HALF_EVEN);
    }
    BigDecimal realized = position.realizedPnl().add(gain);
    BigDecimal average = after == 0 ? BigDecimal.ZERO
        : Long.signum(after) == Long.signum(held) ? position.averageCost() : price;
    return new Position(position.symbol(), after, average, realized);
  }

  /**
   * Decimals of an average cost: the original design's 6 for shares, more as the multiplier grows, so its
   * rounding times the multiplier stays far below a cent (/ES's 50 gets 7, /6E's 125,000 gets 11).
   */
  static int averageScale(BigDecimal multiplier) {
    int digits = multiplier.precision() - multiplier.scale(); // digits before the point
    return CashAccountRules.AVERAGE_COST_SCALE + Math.max(0, digits - 1);
  }

  /**
   * Cash after an execution of {@code instrument} that took the position from {@code before} to {@code after}:
   * a future moves only the profit or loss it realized; anything else pays or receives price × multiplier ×
   * quantity.
   */
  public static BigDecimal cashAfter(BigDecimal cash, Instrument instrument, Position before, Position after,
      Side side, long quantity, BigDecimal price) {
    if (instrument.isFuture()) {
      return cash.add(after.realizedPnl().subtract(before.realizedPnl()));
    }
    BigDecimal amount = instrument.value(price, quantity);
    return side == Side.BUY ? cash.subtract(amount) : cash.add(amount);
  }

  /** One execution of {@code instrument}: the position and the cash after it. */
  public static CashAccountRules.Applied execute(BigDecimal cash, Instrument instrument, Position position, Side side,
      long quantity, BigDecimal price) {
    Position after = apply(position, side, quantity, price, instrument.multiplier());
    return new CashAccountRules.Applied(cashAfter(cash, instrument, position, after, side, quantity, price), after);
  }
}
