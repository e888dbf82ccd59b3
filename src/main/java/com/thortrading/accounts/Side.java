package com.thortrading.accounts;

/** Which way an order trades. */
public enum Side { BUY, SELL }
