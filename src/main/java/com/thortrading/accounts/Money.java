package com.thortrading.accounts;

import java.math.BigDecimal;

/** How amounts are shown: exact, with at least two decimals ("100000.00", "0.125"). */
public final class Money {

  private Money() {
  }

  public static String text(BigDecimal amount) {
    BigDecimal stripped = amount.stripTrailingZeros();
    return (stripped.scale() < 2 ? stripped.setScale(2) : stripped).toPlainString();
  }
}
