package com.thortrading.accounts;

import com.thortrading.livedata.Quote;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Values an account at live prices (design §7.1): each position at its live price (last, bid, ask, close) or,
 * with no quote, at its average cost, times its contract multiplier. A future's market value is its open profit
 * or loss (it was bought for margin, not for its price), as Thinkorswim shows a future's net liquidating value.
 * Net liquidation = cash + market value. A cash account's buying powers are its cash less what working orders
 * hold and what open futures commit (their initial margin and any open loss); a margin account's follow
 * {@link MarginRules}.
 */
public final class AccountValuation {

  private AccountValuation() {
  }

  /**
   * One position valued. {@code price} is the live price used, empty when valued at average cost;
   * {@code margin} is the initial margin it holds (futures only).
   */
  public record PositionValue(Position position, Instrument instrument, Optional<BigDecimal> price,
      BigDecimal marketValue, BigDecimal unrealizedPnl, BigDecimal margin) {
  }

  /** An account as a trader sees it. {@code futuresMargin} is the initial margin its open futures hold. */
  public record Snapshot(Account account, List<PositionValue> positions, BigDecimal marketValue, BigDecimal netLiq,
      BigDecimal reservedCash, BigDecimal maintenanceRequirement, BigDecimal stockBuyingPower,
      BigDecimal optionBuyingPower, BigDecimal dayTradingBuyingPower, BigDecimal futuresMargin) {
  }

  public static PositionValue value(Position position, Map<String, Quote> quotes, Instrument instrument) {
    Optional<BigDecimal> live = Optional.ofNullable(quotes.get(position.symbol())).flatMap(FillPriceRule::livePrice);
    BigDecimal price = live.orElse(position.averageCost());
    BigDecimal unrealized = instrument.value(price.subtract(position.averageCost()), position.quantity());
    BigDecimal marketValue = instrument.isFuture() ? unrealized : instrument.value(price, position.quantity());
    return new PositionValue(position, instrument, live, marketValue, unrealized,
        instrument.marginFor(position.quantity()));
  }

  public static PositionValue value(Position position, Map<String, Quote> quotes, Instruments instruments) {
    return value(position, quotes, instruments.contract(position.symbol()));
  }

  /**
   * What open futures keep out of a cash account's reach: their initial margin plus any open loss (an open gain
   * is not spent before it is realized).
   */
  public static BigDecimal committed(List<Position> positions, Map<String, Quote> quotes, Instruments instruments) {
    BigDecimal committed = BigDecimal.ZERO;
    for (Position position : positions) {
      Instrument instrument = instruments.contract(position.symbol());
      if (instrument.isFuture() && position.quantity() != 0) {
        PositionValue v = value(position, quotes, instrument);
        // Each future's own open loss: one's open gain does not pay for another's loss before it is realized.
        committed = committed.add(v.margin()).subtract(v.unrealizedPnl().min(BigDecimal.ZERO));
      }
    }
    return committed;
  }

  public static Snapshot value(Account account, List<Position> positions, Map<String, Quote> quotes,
      Instruments instruments) {
    return value(account, positions, quotes, instruments, BigDecimal.ZERO);
  }

  /** With working orders holding {@code reservedCash}: buying power is what is left. */
  public static Snapshot value(Account account, List<Position> positions, Map<String, Quote> quotes,
      Instruments instruments, BigDecimal reservedCash) {
    List<PositionValue> values = new ArrayList<>(positions.size());
    BigDecimal marketValue = BigDecimal.ZERO;
    BigDecimal futuresMargin = BigDecimal.ZERO;
    for (Position position : positions) {
      PositionValue value = value(position, quotes, instruments);
      values.add(value);
      marketValue = marketValue.add(value.marketValue());
      futuresMargin = futuresMargin.add(value.margin());
    }
    BigDecimal cash = account.cash();
    if (account.marginEnabled()) {
      MarginRules.Requirement r = MarginRules.requirement(cash, positions, quotes, instruments);
      return new Snapshot(account, values, marketValue, cash.add(marketValue), reservedCash, r.maintenance(),
          r.stockBuyingPower().subtract(reservedCash), r.excess().subtract(reservedCash),
          r.dayTradingBuyingPower().subtract(reservedCash), futuresMargin);
    }
    BigDecimal free = cash.subtract(reservedCash).subtract(committed(positions, quotes, instruments));
    return new Snapshot(account, values, marketValue, cash.add(marketValue), reservedCash, BigDecimal.ZERO, free, free,
        free, futuresMargin);
  }
}
