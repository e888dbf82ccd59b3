package com.thortrading.accounts;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.thortrading.livedata.Quote;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;

/** An order as the database holds it, accepted or rejected; its JSON is these components (see {@link AccountsJson}). */
public record Order(
    long id,
    String account,
    Optional<String> clientOrderId,
    String symbol,
    Side side,
    long quantity,
    @JsonProperty("order_type") OrderType type,
    Optional<BigDecimal> limitPrice,
    Optional<BigDecimal> stopPrice,
    TimeInForce tif,
    OrderStatus status,
    boolean triggered,
    long filledQuantity,
    Optional<BigDecimal> fillPrice,
    Optional<Quote> fillQuote,
    Optional<String> fillReason,
    Optional<RejectCode> rejectCode,
    Optional<String> rejectReason,
    Instant createdAt,
    Instant updatedAt) {

  /** A new order as placed at {@code at} (id 0 until the database gives it one): what its INSERT stores. */
  static Order placed(OrderRequest r, OrderStatus status, boolean triggered, long filledQuantity,
      Optional<BigDecimal> fillPrice, Optional<Quote> fillQuote, Optional<String> fillReason,
      Optional<Rejection> rejection, Instant at) {
    return new Order(0, r.account(), r.clientOrderId(), r.symbol(), r.side(), r.quantity(), r.type(), r.limitPrice(),
        r.stopPrice(), r.tif(), status, triggered, filledQuantity, fillPrice, fillQuote, fillReason,
        rejection.map(Rejection::code), rejection.map(Rejection::message), at, at);
  }

  /** This order with the id the database gave it. */
  Order withId(long newId) {
    return new Order(newId, account, clientOrderId, symbol, side, quantity, type, limitPrice, stopPrice, tif, status,
        triggered, filledQuantity, fillPrice, fillQuote, fillReason, rejectCode, rejectReason, createdAt, updatedAt);
  }
}
