package com.thortrading.accounts;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.util.Objects;
import java.util.Optional;

/**
 * An order as a client asked for it, already well-formed (the REST layer checked types and ranges).
 *
 * @param clientOrderId the client's idempotency key, or empty
 */
public record OrderRequest(
    String account,
    String symbol,
    Side side,
    long quantity,
    @JsonProperty("order_type") OrderType type,
    Optional<BigDecimal> limitPrice,
    Optional<BigDecimal> stopPrice,
    TimeInForce tif,
    Optional<String> clientOrderId) {

  public OrderRequest {
    Objects.requireNonNull(account);
    Objects.requireNonNull(symbol);
    Objects.requireNonNull(side);
    Objects.requireNonNull(type);
    Objects.requireNonNull(tif);
    if (quantity <= 0) {
      throw new IllegalArgumentException("quantity must be positive");
    }
  }

  /** Whether an existing order is this same order (a retry), as opposed to a different one reusing the id. */
  public boolean sameOrderAs(Order order) {
    return order.account().equals(account) && order.symbol().equals(symbol) && order.side() == side
        && order.quantity() == quantity && order.type() == type && order.tif() == tif
        && samePrice(order.limitPrice(), limitPrice) && samePrice(order.stopPrice(), stopPrice);
  }

  private static boolean samePrice(Optional<BigDecimal> a, Optional<BigDecimal> b) {
    return a.isPresent() == b.isPresent() && (a.isEmpty() || a.get().compareTo(b.get()) == 0);
  }
}
