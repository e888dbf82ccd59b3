package com.thortrading.accounts;

import com.thortrading.livedata.Quote;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Values an account at live prices (design §7.1): market value per position at its live price (last, bid, ask,
 * close) or, with no quote, at its average cost (a short's is negative); net liquidation = cash + market value;
 * every buying power of a cash account equals its cash less what working buy orders hold; a margin account's
 * follow {@link MarginRules}.
 */
public final class AccountValuation {

  private AccountValuation() {
  }

  /** One position valued. {@code price} is the live price used, empty when valued at average cost. */
  public record PositionValue(Position position, Optional<BigDecimal> price, BigDecimal marketValue,
      BigDecimal unrealizedPnl) {
  }

  /** An account as a trader sees it. */
  public record Snapshot(Account account, List<PositionValue> positions, BigDecimal marketValue, BigDecimal netLiq,
      BigDecimal reservedCash, BigDecimal maintenanceRequirement, BigDecimal stockBuyingPower,
      BigDecimal optionBuyingPower, BigDecimal dayTradingBuyingPower) {
  }

  public static PositionValue value(Position position, Map<String, Quote> quotes) {
    Optional<BigDecimal> live = Optional.ofNullable(quotes.get(position.symbol())).flatMap(FillPriceRule::livePrice);
    BigDecimal price = live.orElse(position.averageCost());
    BigDecimal quantity = BigDecimal.valueOf(position.quantity());
    return new PositionValue(position, live, price.multiply(quantity),
        price.subtract(position.averageCost()).multiply(quantity));
  }

  public static Snapshot value(Account account, List<Position> positions, Map<String, Quote> quotes) {
    return value(account, positions, quotes, BigDecimal.ZERO);
  }

  /** With working buy orders holding {@code reservedCash}: buying power is what is left of cash. */
  public static Snapshot value(Account account, List<Position> positions, Map<String, Quote> quotes,
      BigDecimal reservedCash) {
    List<PositionValue> values = new ArrayList<>(positions.size());
    BigDecimal marketValue = BigDecimal.ZERO;
    for (Position position : positions) {
      PositionValue value = value(position, quotes);
      values.add(value);
      marketValue = marketValue.add(value.marketValue());
    }
    BigDecimal cash = account.cash();
    if (account.marginEnabled()) {
      MarginRules.Requirement r = MarginRules.requirement(cash, positions, quotes);
      return new Snapshot(account, values, marketValue, cash.add(marketValue), reservedCash, r.maintenance(),
          r.stockBuyingPower().subtract(reservedCash), r.excess().subtract(reservedCash),
          r.dayTradingBuyingPower().subtract(reservedCash));
    }
    BigDecimal free = cash.subtract(reservedCash);
    return new Snapshot(account, values, marketValue, cash.add(marketValue), reservedCash, BigDecimal.ZERO, free, free,
        free);
  }
}
