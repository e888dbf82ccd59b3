package com.thortrading.accounts;

import java.math.BigDecimal;

/** A paper account's own row: its cash and what kind of account it is. */
public record Account(String id, BigDecimal cash, BigDecimal startingCash, boolean marginEnabled, boolean allowShort) {
}
