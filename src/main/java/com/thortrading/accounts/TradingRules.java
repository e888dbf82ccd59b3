package com.thortrading.accounts;

import com.thortrading.livedata.Quote;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Picks the rules of the account's kind: {@link CashAccountRules} or {@link MarginRules}. */
public final class TradingRules {

  private TradingRules() {
  }

  public static CashAccountRules.Outcome apply(Account account, List<Position> positions, Map<String, Quote> quotes,
      Instruments instruments, Position position, Side side, long quantity, BigDecimal price,
      Reservations reserved) {
    return account.marginEnabled()
        ? MarginRules.apply(account, positions, quotes, instruments, position, side, quantity, price, reserved)
        : CashAccountRules.apply(instruments.contract(position.symbol()), account.cash(),
            AccountValuation.committed(positions, quotes, instruments), position, side, quantity, price, reserved);
  }

  /** Whether a working order may hold {@code quantity} at {@code price}; empty when it may. */
  public static Optional<Rejection> refusesToReserve(Account account, List<Position> positions,
      Map<String, Quote> quotes, Instruments instruments, Position position, Side side, long quantity,
      BigDecimal price, Reservations reserved) {
    return apply(account, positions, quotes, instruments, position, side, quantity, price, reserved)
        instanceof CashAccountRules.Refused refused ? Optional.of(refused.rejection()) : Optional.empty();
  }
}
