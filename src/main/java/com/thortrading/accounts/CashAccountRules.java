package com.thortrading.accounts;

import java.math.BigDecimal;
import java.math.RoundingMode;

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
    BigDecimal amount = price.multiply(BigDecimal.valueOf(quantity));
    return side == Side.BUY ? buy(cash, position, quantity, price, amount) : sell(cash, position, quantity, price, amount);
  }

  private static Outcome buy(BigDecimal cash, Position position, long quantity, BigDecimal price, BigDecimal cost) {
    if (cost.compareTo(cash) > 0) {
      return new Refused(new Rejection(RejectCode.INSUFFICIENT_CASH, "Buying " + quantity + " " + position.symbol()
          + " at " + price.toPlainString() + " costs " + Money.text(cost) + " but the account has "
          + Money.text(cash) + " cash (no margin on a cash account)"));
    }
    long held = position.quantity();
    long total = held + quantity;
    BigDecimal average = BigDecimal.valueOf(held).multiply(position.averageCost()).add(cost)
        .divide(BigDecimal.valueOf(total), AVERAGE_COST_SCALE, RoundingMode.HALF_EVEN);
    return new Applied(cash.subtract(cost), new Position(position.symbol(), total, average, position.realizedPnl()));
  }

  private static Outcome sell(BigDecimal cash, Position position, long quantity, BigDecimal price, BigDecimal proceeds) {
    long held = position.quantity();
    if (held <= 0) {
      return new Refused(new Rejection(RejectCode.NO_POSITION, "Cannot sell " + position.symbol()
          + ": the account holds none, and a cash account cannot sell short"));
    }
    if (quantity > held) {
      return new Refused(new Rejection(RejectCode.SELL_EXCEEDS_POSITION, "Cannot sell " + quantity + " "
          + position.symbol() + ": the account holds only " + held + " (no short selling in a cash account)"));
    }
    BigDecimal realized = price.subtract(position.averageCost()).multiply(BigDecimal.valueOf(quantity));
    long remaining = held - quantity;
    BigDecimal average = remaining == 0 ? BigDecimal.ZERO : position.averageCost();
    return new Applied(cash.add(proceeds),
        new Position(position.symbol(), remaining, average, position.realizedPnl().add(realized)));
  }
}
