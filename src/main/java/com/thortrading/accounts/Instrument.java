package com.thortrading.accounts;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * What a symbol is and how its money works: the contract multiplier (what one point of price is worth per
 * contract), the price grid, and for futures the initial margin per contract.
 *
 * @param tick the grid of prices at or above {@code 1.00} (and of every price when {@code subDollarTick} is empty)
 * @param subDollarTick the grid below {@code 1.00}, where it is finer (US equities: 0.0001)
 * @param initialMargin what opening one contract takes from buying power (futures only)
 */
public record Instrument(String symbol, InstrumentType type, BigDecimal multiplier, BigDecimal tick,
    Optional<BigDecimal> subDollarTick, Optional<BigDecimal> initialMargin) {

  public Instrument {
    if (multiplier.signum() <= 0 || tick.signum() <= 0) {
      throw new IllegalArgumentException(symbol + ": the multiplier and the tick must be positive");
    }
    if (type == InstrumentType.FUTURE && initialMargin.isEmpty()) {
      throw new IllegalArgumentException(symbol + ": a future needs its initial margin per contract");
    }
  }

  /** Indices and currency pairs are quoted only. */
  public boolean tradable() {
    return type != InstrumentType.INDEX && type != InstrumentType.FOREX;
  }

  /** The grid a price must sit on. */
  public BigDecimal tickAt(BigDecimal price) {
    return subDollarTick.filter(fine -> price.compareTo(BigDecimal.ONE) < 0).orElse(tick);
  }

  /** Whether a price sits on the grid (a limit or stop off it is refused, naming the tick). */
  public boolean onTick(BigDecimal price) {
    return price.remainder(tickAt(price)).signum() == 0;
  }

  /** What {@code quantity} contracts (or shares) at {@code price} are worth: price times multiplier times quantity. */
  public BigDecimal value(BigDecimal price, long quantity) {
    return price.multiply(multiplier).multiply(BigDecimal.valueOf(quantity));
  }
}
