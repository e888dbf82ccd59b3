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

  /** Shares of a stock or ETF: multiplier 1, priced in cents (hundredths of a cent below a dollar). */
  public static Instrument shares(String symbol) {
    return new Instrument(symbol, InstrumentType.EQUITY, BigDecimal.ONE, new BigDecimal("0.01"),
        Optional.of(new BigDecimal("0.0001")), Optional.empty());
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

  /** Futures change hands for margin, not for their price: no notional moves, profit and loss settle in cash. */
  public boolean isFuture() {
    return type == InstrumentType.FUTURE;
  }

  /**
   * What opening {@code quantity} contracts at {@code price} takes from buying power: the initial margin for a
   * future, the whole price times the multiplier for everything else.
   */
  public BigDecimal costToOpen(BigDecimal price, long quantity) {
    return isFuture() ? initialMargin.orElseThrow().multiply(BigDecimal.valueOf(quantity)) : value(price, quantity);
  }

  /** The initial margin that {@code contracts} open futures contracts hold (zero for anything else). */
  public BigDecimal marginFor(long contracts) {
    return initialMargin.filter(m -> isFuture()).map(m -> m.multiply(BigDecimal.valueOf(Math.abs(contracts))))
        .orElse(BigDecimal.ZERO);
  }
}
