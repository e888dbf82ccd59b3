package com.thortrading.accounts;

/** The event-bus addresses of the order engine, defined once. */
public final class AccountAddresses {

  public static final String PLACE_ORDER = "orders.place";
  public static final String CANCEL_ORDER = "orders.cancel";
  public static final String REPLACE_ORDER = "orders.replace";
  public static final String GET_ORDER = "orders.get";
  public static final String LIST_ORDERS = "orders.list";
  public static final String GET_ACCOUNT = "accounts.get";
  public static final String CREATE_ACCOUNT = "accounts.create";
  /** An account's order events after a sequence number: {@code {"account", "since_seq", "limit"}}. */
  public static final String LIST_EVENTS = "orders.replay";
  public static final String CREATE_TOKEN = "accounts.tokens.create";
  public static final String LIST_TOKENS = "accounts.tokens.list";
  public static final String REVOKE_TOKEN = "accounts.tokens.revoke";

  /** A token was revoked: {@code {"token_id": N}} (cluster-wide), so every node forgets it at once. */
  public static final String TOKEN_REVOKED = "accounts.tokens.revoked";

  /** Every order change of every account, for the matcher (cluster-wide). */
  public static final String ORDER_CHANGES = "orders.changes";

  /** Prefix of each account's order updates: {@code orders.events.paper} (cluster-wide). */
  public static final String ORDER_EVENTS_PREFIX = "orders.events.";

  private AccountAddresses() {
  }

  public static String orderEvents(String account) {
    return ORDER_EVENTS_PREFIX + account;
  }
}
