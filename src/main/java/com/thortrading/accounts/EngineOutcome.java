package com.thortrading.accounts;

/**
 * How the engine answered a request; the reply's {@code outcome} field. The REST layer maps each to one HTTP
 * status, so the engine never thinks in HTTP.
 */
public enum EngineOutcome {
  /** A new order accepted (filled or working), or a new account created. */
  ACCEPTED,
  /** The same client_order_id and the same order again: the original, nothing changed. */
  DUPLICATE,
  /** A read or a cancel that worked. */
  OK,
  /** The trading rules refused the order; it is recorded as REJECTED. */
  REJECTED,
  /** The request clashes with what exists: a reused client_order_id, a final order cancelled, an account id taken. */
  CONFLICT,
  NOT_FOUND,
  /** The request is not well-formed for the engine. */
  INVALID,
  /** PostgreSQL or Redis cannot be reached; nothing was written (known: it failed before anything could commit). */
  UNAVAILABLE,
  /** A change whose outcome cannot be known (the database went away mid-transaction): it may have happened. */
  UNKNOWN
}
