package com.thortrading.accounts;

/** Why the engine refused an order; the codes clients see. */
public enum RejectCode {
  NO_LIVE_PRICE,
  UNSUPPORTED_ORDER_TYPE,
  INSUFFICIENT_CASH,
  NO_POSITION,
  SELL_EXCEEDS_POSITION
}
