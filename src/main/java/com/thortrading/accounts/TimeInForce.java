package com.thortrading.accounts;

/** How long an order may stay working. */
public enum TimeInForce { DAY, GTC, IOC, FOK }
