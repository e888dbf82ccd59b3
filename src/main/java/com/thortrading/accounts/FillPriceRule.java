package com.thortrading.accounts;

import com.thortrading.livedata.Quote;
import com.thortrading.livedata.QuoteField;
import java.math.BigDecimal;
import java.util.List;
import java.util.Optional;

/**
 * The original design's fill price (§6): a given limit price is the fill price; a market order fills at the
 * live quote, preferring last, then bid, ask, close; with no usable live price it is rejected, never filled at a
 * guessed price. Other order types without a limit are not supported yet.
 */
public final class FillPriceRule {

  /** The design's order of preference for a live price. */
  static final List<String> LIVE_PRICE_FIELDS =
      List.of(QuoteField.LAST, QuoteField.BID, QuoteField.ASK, QuoteField.CLOSE);

  private FillPriceRule() {
  }

  /** What the engine does with an order. */
  public sealed interface Decision permits Fill, Reject {
  }

  /** Fill at {@code price}; {@code quote} is the live quote it came from, when it came from one. */
  public record Fill(BigDecimal price, Optional<Quote> quote, String reason) implements Decision {
  }

  public record Reject(Rejection rejection) implements Decision {
  }

  /** The first of last, bid, ask, close that is a positive decimal; "N/A" and "0" never count. */
  public static Optional<BigDecimal> livePrice(Quote quote) {
    for (String field : LIVE_PRICE_FIELDS) {
      Optional<BigDecimal> price = quote.decimal(field).filter(p -> p.signum() > 0);
      if (price.isPresent()) {
        return price;
      }
    }
    return Optional.empty();
  }

  /** Which live field {@link #livePrice} used, for the fill's explanation. */
  static Optional<String> livePriceField(Quote quote) {
    return LIVE_PRICE_FIELDS.stream().filter(f -> quote.decimal(f).filter(p -> p.signum() > 0).isPresent()).findFirst();
  }

  public static Decision decide(OrderRequest order, Optional<Quote> quote) {
    if (order.limitPrice().isPresent()) {
      BigDecimal limit = order.limitPrice().get();
      return new Fill(limit, quote, "limit price " + limit.toPlainString());
    }
    if (order.type() != OrderType.MKT) {
      return new Reject(new Rejection(RejectCode.UNSUPPORTED_ORDER_TYPE, order.type()
          + " orders without a limit price are not supported in paper trading yet; add a limit_price or use MKT"));
    }
    Optional<BigDecimal> price = quote.flatMap(FillPriceRule::livePrice);
    if (price.isEmpty()) {
      return new Reject(new Rejection(RejectCode.NO_LIVE_PRICE,
          "Cannot fill market order: no live market price available for " + order.symbol()));
    }
    String field = livePriceField(quote.get()).orElseThrow();
    return new Fill(price.get(), quote, "market order at " + field + " " + price.get().toPlainString());
  }
}
