package com.thortrading.accounts;

import java.math.BigDecimal;

/**
 * What an account's working orders hold back: cash for buys (quantity × limit, or × stop), and shares of one
 * symbol for sells. Derived from the working orders whenever needed, so a fill, expiry or cancel releases it
 * by itself.
 */
public record Reservations(BigDecimal cash, long shares) {

  public static final Reservations NONE = new Reservations(BigDecimal.ZERO, 0);
}
