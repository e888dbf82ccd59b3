package com.thortrading.accounts;

import java.math.BigDecimal;

/** What an account holds of one symbol, its average cost, and the profit already taken on it. */
public record Position(String symbol, long quantity, BigDecimal averageCost, BigDecimal realizedPnl) {

  public static Position flat(String symbol) {
    return new Position(symbol, 0, BigDecimal.ZERO, BigDecimal.ZERO);
  }
}
