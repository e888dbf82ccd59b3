package com.thortrading.accounts;

import com.thortrading.livedata.Quote;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * A margin account, in a documented simple form of Reg T: equity = cash + market value of longs − market value
 * of shorts; maintenance requirement = 25% of longs + 30% of shorts; excess = equity − maintenance; stock buying
 * power = 2 × excess, day-trading buying power = 4 × excess, option buying power = excess (options are not
 * margined), each less what working buy orders hold. A trade needs buying power only for the part that opens or
 * adds exposure (buying long, selling short); closing never does. Shorting needs {@code allow_short}.
 */
public final class MarginRules {

  public static final BigDecimal LONG_MAINTENANCE = new BigDecimal("0.25");
  public static final BigDecimal SHORT_MAINTENANCE = new BigDecimal("0.30");

  private MarginRules() {
  }

  /** Equity, maintenance requirement and excess of a margin account, at live prices (average cost without). */
  public record Requirement(BigDecimal equity, BigDecimal maintenance, BigDecimal excess) {
    public BigDecimal stockBuyingPower() {
      return excess.multiply(BigDecimal.valueOf(2));
    }

    public BigDecimal dayTradingBuyingPower() {
      return excess.multiply(BigDecimal.valueOf(4));
    }
  }

  public static Requirement requirement(BigDecimal cash, List<Position> positions, Map<String, Quote> quotes) {
    BigDecimal equity = cash;
    BigDecimal maintenance = BigDecimal.ZERO;
    for (Position p : positions) {
      BigDecimal value = AccountValuation.value(p, quotes).marketValue(); // negative for a short
      equity = equity.add(value);
      maintenance = maintenance.add(value.abs().multiply(p.quantity() < 0 ? SHORT_MAINTENANCE : LONG_MAINTENANCE));
    }
    return new Requirement(equity, maintenance, equity.subtract(maintenance));
  }

  public static CashAccountRules.Outcome apply(Account account, List<Position> positions, Map<String, Quote> quotes,
      Position position, Side side, long quantity, BigDecimal price, Reservations reserved) {
    long held = position.quantity();
    if (side == Side.SELL && !account.allowShort()) {
      if (held <= 0) {
        return refuse(RejectCode.NO_POSITION, "Cannot sell " + position.symbol() + ": the account holds none, and "
            + "short selling is not enabled on it (allow_short)");
      }
      if (quantity > held) {
        return refuse(RejectCode.SELL_EXCEEDS_POSITION, "Cannot sell " + quantity + " " + position.symbol()
            + ": the account holds only " + held + " and short selling is not enabled on it (allow_short)");
      }
    }
    if (side == Side.SELL && quantity > Math.max(0, held) - reserved.shares() && held > 0 && !account.allowShort()) {
      return refuse(RejectCode.INSUFFICIENT_BUYING_POWER, "Cannot sell " + quantity + " " + position.symbol() + ": "
          + reserved.shares() + " of the " + held + " held are promised to working sell orders");
    }
    long opening = side == Side.BUY
        ? (held >= 0 ? quantity : Math.max(0, quantity + held))
        : (held <= 0 ? quantity : Math.max(0, quantity - held));
    BigDecimal needed = price.multiply(BigDecimal.valueOf(opening));
    Requirement requirement = requirement(account.cash(), positions, quotes);
    BigDecimal available = requirement.stockBuyingPower().max(BigDecimal.ZERO).subtract(reserved.cash());
    if (needed.compareTo(available) > 0) {
      return refuse(RejectCode.INSUFFICIENT_BUYING_POWER, (side == Side.BUY ? "Buying " : "Selling short ")
          + opening + " " + position.symbol() + " at " + price.toPlainString() + " needs " + Money.text(needed)
          + " of buying power but " + Money.text(available) + " is free (2 × excess "
          + Money.text(requirement.excess()) + (reserved.cash().signum() > 0 ? ", less " + Money.text(reserved.cash())
          + " held by working buys" : "") + ")");
    }
    return new CashAccountRules.Applied(PositionMath.cashAfter(account.cash(), side, quantity, price),
        PositionMath.apply(position, side, quantity, price));
  }

  private static CashAccountRules.Outcome refuse(RejectCode code, String message) {
    return new CashAccountRules.Refused(new Rejection(code, message));
  }
}
