package com.thortrading.accounts;

/** Why the engine refused an order; the codes clients see. */
public enum RejectCode {
  NO_LIVE_PRICE,
  INSUFFICIENT_CASH,
  NO_POSITION,
  SELL_EXCEEDS_POSITION,
  /** Working orders already hold the cash (or shares) this order needs. */
  INSUFFICIENT_BUYING_POWER,
  /** The live quote is older than the configured maximum age: not a live price. */
  STALE_PRICE,
  /** The symbol whitelist is on and the ingest has never published this symbol. */
  SYMBOL_NOT_TRADABLE,
  /** An IOC or FOK order that could not fill at once; it is CANCELED, not REJECTED. */
  NOT_MARKETABLE,
  /** An index or a currency pair: quoted, not traded. */
  NOT_TRADABLE,
  /** A future whose root the instruments table does not know: its multiplier and margin are not guessed. */
  UNKNOWN_INSTRUMENT,
  /** A limit or stop price off the instrument's tick grid. */
  OFF_TICK
}
