package com.thortrading.accounts;

/** Market, limit, stop and stop-limit orders; which prices each one needs. */
public enum OrderType {
  MKT(false, false), LMT(true, false), STP(false, true), STP_LMT(true, true);

  private final boolean needsLimit;
  private final boolean needsStop;

  OrderType(boolean needsLimit, boolean needsStop) {
    this.needsLimit = needsLimit;
    this.needsStop = needsStop;
  }

  public boolean needsLimit() {
    return needsLimit;
  }

  public boolean needsStop() {
    return needsStop;
  }
}
