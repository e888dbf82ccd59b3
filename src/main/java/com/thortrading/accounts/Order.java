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
}
