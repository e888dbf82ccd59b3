package com.thortrading.accounts;

/** Where an order is in its life; the last four are final. */
public enum OrderStatus {
  NEW, WORKING, FILLED, CANCELED, EXPIRED, REJECTED;

  public boolean isFinal() {
    return this != NEW && this != WORKING;
  }
}
