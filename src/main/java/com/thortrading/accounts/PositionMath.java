package com.thortrading.accounts;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * What one execution does to a position, long or short (negative quantity): adding to it moves the average
 * cost; reducing it realizes (price − average cost) × quantity for a long and (average cost − price) × quantity
 * for a short; going through zero opens the other side at the execution price.
 */
public final class PositionMath {

  private PositionMath() {
  }

  public static Position apply(Position position, Side side, long quantity, BigDecimal price) {
    long held = position.quantity();
    long change = side == Side.BUY ? quantity : -quantity;
    long after = held + change;
    if (held == 0 || Long.signum(held) == Long.signum(change)) {
      BigDecimal average = BigDecimal.valueOf(Math.abs(held)).multiply(position.averageCost())
          .add(price.multiply(BigDecimal.valueOf(quantity)))
          .divide(BigDecimal.valueOf(Math.abs(after)), CashAccountRules.AVERAGE_COST_SCALE, RoundingMode.HALF_EVEN);
      return new Position(position.symbol(), after, average, position.realizedPnl());
    }
    long closed = Math.min(quantity, Math.abs(held));
    BigDecimal perShare = held > 0 ? price.subtract(position.averageCost()) : position.averageCost().subtract(price);
    BigDecimal realized = position.realizedPnl().add(perShare.multiply(BigDecimal.valueOf(closed)));
    BigDecimal average = after == 0 ? BigDecimal.ZERO
        : Long.signum(after) == Long.signum(held) ? position.averageCost() : price;
    return new Position(position.symbol(), after, average, realized);
  }

  /** Cash after the execution: a buy pays, a sell (or short sale) receives. */
  public static BigDecimal cashAfter(BigDecimal cash, Side side, long quantity, BigDecimal price) {
    BigDecimal amount = price.multiply(BigDecimal.valueOf(quantity));
    return side == Side.BUY ? cash.subtract(amount) : cash.add(amount);
  }
}
