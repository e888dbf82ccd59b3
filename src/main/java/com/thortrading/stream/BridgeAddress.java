package com.thortrading.stream;

import com.thortrading.accounts.AccountAddresses;
import com.thortrading.accounts.AccountIds;
import com.thortrading.livedata.QuoteAddresses;
import com.thortrading.livedata.QuoteSymbols;
import java.util.Optional;

/**
 * The only addresses a browser may register: {@code quotes.<SYMBOL>} and {@code orders.events.<account>}.
 *
 * <p>Everything else (the engine's request addresses above all) is refused, whatever the client sends.
 */
public sealed interface BridgeAddress permits BridgeAddress.Quotes, BridgeAddress.OrderEvents {

  String address();

  /** A symbol's quotes. */
  record Quotes(String symbol) implements BridgeAddress {
    @Override
    public String address() {
      return QuoteAddresses.quotes(symbol);
    }
  }

  /** An account's order updates. */
  record OrderEvents(String account) implements BridgeAddress {
    @Override
    public String address() {
      return AccountAddresses.orderEvents(account);
    }
  }

  /** What an address names, when it is one a browser may register; empty otherwise. */
  static Optional<BridgeAddress> parse(String address) {
    if (address.startsWith(QuoteAddresses.QUOTES_PREFIX)) {
      String symbol = address.substring(QuoteAddresses.QUOTES_PREFIX.length());
      // Exactly as written: quotes.aapl is not quotes.AAPL, since the bus delivers by exact address.
      return QuoteSymbols.isValid(symbol) ? Optional.of(new Quotes(symbol)) : Optional.empty();
    }
    if (address.startsWith(AccountAddresses.ORDER_EVENTS_PREFIX)) {
      String account = address.substring(AccountAddresses.ORDER_EVENTS_PREFIX.length());
      return AccountIds.isValid(account) ? Optional.of(new OrderEvents(account)) : Optional.empty();
    }
    return Optional.empty();
  }
}
