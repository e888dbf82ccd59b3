package com.thortrading.accounts;

import com.thortrading.livedata.Quote;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * A margin account, in a documented simple form of Reg T: equity = cash + market value of longs − market value
 * of shorts (a future's market value is its open profit or loss); maintenance requirement = 25% of stock longs +
 * 30% of stock shorts + 100% of long options (options are not margined) + the initial margin of open futures;
 * excess = equity − maintenance; stock buying power = 2 × excess, day-trading buying power = 4 × excess, option
 * buying power = excess, each less what working orders hold. A trade needs buying power only for the part that
 * opens or adds exposure (buying long, selling short); closing never does: stock takes its price from stock
 * buying power, an option its premium × multiplier and a future its initial margin from option buying power
 * (excess, unleveraged). Shorting needs {@code allow_short}; writing options is not supported.
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

  public static Requirement requirement(BigDecimal cash, List<Position> positions, Map<String, Quote> quotes,
      Instruments instruments) {
    BigDecimal equity = cash;
    BigDecimal maintenance = BigDecimal.ZERO;
    for (Position p : positions) {
      AccountValuation.PositionValue v = AccountValuation.value(p, quotes, instruments);
      BigDecimal value = v.marketValue(); // negative for a short
      equity = equity.add(value);
      maintenance = maintenance.add(switch (v.instrument().type()) {
        case FUTURE -> v.margin();
        case OPTION -> value.abs();
        default -> value.abs().multiply(p.quantity() < 0 ? SHORT_MAINTENANCE : LONG_MAINTENANCE);
      });
    }
    return new Requirement(equity, maintenance, equity.subtract(maintenance));
  }

  public static CashAccountRules.Outcome apply(Account account, List<Position> positions, Map<String, Quote> quotes,
      Instruments instruments, Position position, Side side, long quantity, BigDecimal price, Reservations reserved) {
    Instrument instrument = instruments.contract(position.symbol());
    long held = position.quantity();
    if (side == Side.SELL && instrument.type() == InstrumentType.OPTION && quantity > Math.max(0, held)) {
      return refuse(held <= 0 ? RejectCode.NO_POSITION : RejectCode.SELL_EXCEEDS_POSITION, "Cannot sell "
          + quantity + " " + position.symbol() + ": the account holds " + Math.max(0, held) + ", and writing "
          + "(selling short) options is not supported; sell only options you hold");
    }
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
    BigDecimal needed = instrument.costToOpen(price, opening);
    Requirement requirement = requirement(account.cash(), positions, quotes, instruments);
    boolean stock = instrument.type() == InstrumentType.EQUITY;
    BigDecimal power = stock ? requirement.stockBuyingPower() : requirement.excess();
    BigDecimal available = power.max(BigDecimal.ZERO).subtract(reserved.cash());
    if (needed.compareTo(available) > 0) {
      return refuse(RejectCode.INSUFFICIENT_BUYING_POWER, (side == Side.BUY ? "Buying " : "Selling short ")
          + opening + " " + position.symbol() + " at " + price.toPlainString() + " needs " + Money.text(needed)
          + (instrument.isFuture() ? " of initial margin" : " of buying power") + " but " + Money.text(available)
          + " is free (" + (stock ? "2 × excess " : "excess ") + Money.text(requirement.excess())
          + (reserved.cash().signum() > 0 ? ", less " + Money.text(reserved.cash()) + " held by working orders" : "")
          + ")");
    }
    return PositionMath.execute(account.cash(), instrument, position, side, quantity, price);
  }

  private static CashAccountRules.Outcome refuse(RejectCode code, String message) {
    return new CashAccountRules.Refused(new Rejection(code, message));
  }
}
