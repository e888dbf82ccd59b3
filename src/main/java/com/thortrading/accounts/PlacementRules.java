package com.thortrading.accounts;

import com.thortrading.livedata.Quote;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What placing one new order comes to, decided from the account as it stands: the instrument and whitelist checks,
 * stale quotes, {@link FillPriceRule}, and the cash, margin and share rules. Pure: it writes nothing, so the engine can
 * decide several orders of one account in a row and write them together.
 */
final class PlacementRules {

  private PlacementRules() {
  }

  /** What the rules look at: every position, the one traded, and what the other working orders hold. */
  record Holdings(List<Position> all, Position position, Reservations reserved) {

    static Holdings of(List<Position> positions, List<Reservations.Hold> holds, Instruments instruments,
        String symbol) {
      return new Holdings(positions, positions.stream().filter(p -> p.symbol().equals(symbol)).findFirst()
          .orElse(Position.flat(symbol)), Reservations.of(holds, positions, instruments, symbol));
    }
  }

  /**
   * The order as it is to be stored, and what it changes.
   *
   * @param outcome what the caller is told (REJECTED replies carry {@code stored}'s rejection as their error)
   * @param execution the position and cash after its fill, when some of it fills now
   */
  record Placement(EngineOutcome outcome, OrderStatus status, boolean triggered, long filledQuantity,
      Optional<BigDecimal> fillPrice, Optional<Quote> fillQuote, Optional<String> fillReason,
      Optional<Rejection> rejection, Optional<CashAccountRules.Applied> execution) {

    static Placement recorded(OrderStatus status, Rejection why, EngineOutcome outcome) {
      return new Placement(outcome, status, false, 0, Optional.empty(), Optional.empty(), Optional.empty(),
          Optional.of(why), Optional.empty());
    }

    /** The error a reply carries: a refusal's reason (an order cancelled as IOC or FOK is accepted, not refused). */
    Optional<Rejection> replyError() {
      return outcome == EngineOutcome.REJECTED ? rejection : Optional.empty();
    }

    /** The open part that holds cash or shares while the order works, priced as the books price it. */
    Optional<Reservations.Hold> hold(OrderRequest request) {
      if (status != OrderStatus.WORKING) {
        return Optional.empty();
      }
      BigDecimal price = request.limitPrice().or(() -> fillPrice).or(request::stopPrice).orElseThrow();
      return Optional.of(new Reservations.Hold(request.symbol(), request.side(), request.quantity() - filledQuantity,
          price));
    }
  }

  static Placement decide(OrderRequest request, Account account, Holdings holdings, Map<String, Quote> quotes,
      boolean tradable, EngineOptions options) {
    Optional<Quote> quote = Optional.ofNullable(quotes.get(request.symbol()));
    FillPriceRule.Decision decision = protect(request, quote, tradable, options)
        .orElseGet(() -> FillPriceRule.decide(request, quote, options.limitWithoutQuote(), options.marketFill()));
    if (decision instanceof FillPriceRule.Reject reject) {
      return Placement.recorded(OrderStatus.REJECTED, reject.rejection(), EngineOutcome.REJECTED);
    }
    if (decision instanceof FillPriceRule.Work work) {
      return rest(request, account, holdings, work, quotes, options);
    }
    FillPriceRule.Fill fill = (FillPriceRule.Fill) decision;
    Instruments instruments = options.instruments();
    // The whole order must be affordable at this price, though the quote may show less of it for now.
    CashAccountRules.Outcome outcome = TradingRules.apply(account, holdings.all(), quotes, instruments,
        holdings.position(), request.side(), request.quantity(), fill.price(), holdings.reserved());
    boolean partial = fill.quantity() < request.quantity();
    if (outcome instanceof CashAccountRules.Applied && partial) {
      if (request.tif() == TimeInForce.FOK) {
        return Placement.recorded(OrderStatus.CANCELED, new Rejection(RejectCode.NOT_MARKETABLE, "FOK order could "
            + "not fill all " + request.quantity() + " at once (" + fill.reason() + ") and was cancelled"),
            EngineOutcome.ACCEPTED);
      }
      outcome = TradingRules.apply(account, holdings.all(), quotes, instruments, holdings.position(),
          request.side(), fill.quantity(), fill.price(), holdings.reserved());
    }
    if (outcome instanceof CashAccountRules.Refused refused) {
      return Placement.recorded(OrderStatus.REJECTED, refused.rejection(), EngineOutcome.REJECTED);
    }
    // The part the quote did not show works (an IOC's is cancelled) and holds as a working order does, at
    // this fill's price when it has no limit or stop of its own.
    OrderStatus status = !partial ? OrderStatus.FILLED
        : request.tif() == TimeInForce.IOC ? OrderStatus.CANCELED : OrderStatus.WORKING;
    String reason = fill.reason() + (status == OrderStatus.CANCELED
        ? "; IOC: the other " + (request.quantity() - fill.quantity()) + " cancelled" : "");
    return new Placement(EngineOutcome.ACCEPTED, status, partial && request.type().needsStop(), fill.quantity(),
        Optional.of(fill.price()), fill.quote(), Optional.of(reason), Optional.empty(),
        Optional.of((CashAccountRules.Applied) outcome));
  }

  /** An order that cannot fill now: IOC and FOK are cancelled; others work, holding cash or shares. */
  private static Placement rest(OrderRequest request, Account account, Holdings holdings, FillPriceRule.Work work,
      Map<String, Quote> quotes, EngineOptions options) {
    if (request.tif() == TimeInForce.IOC || request.tif() == TimeInForce.FOK) {
      return Placement.recorded(OrderStatus.CANCELED, new Rejection(RejectCode.NOT_MARKETABLE, request.tif()
          + " order could not fill at once (" + work.reason() + ") and was cancelled"), EngineOutcome.ACCEPTED);
    }
    BigDecimal holds = request.limitPrice().or(request::stopPrice).orElseThrow();
    Optional<Rejection> refused = TradingRules.refusesToReserve(account, holdings.all(), quotes,
        options.instruments(), holdings.position(), request.side(), request.quantity(), holds, holdings.reserved());
    if (refused.isPresent()) {
      return Placement.recorded(OrderStatus.REJECTED, refused.get(), EngineOutcome.REJECTED);
    }
    return new Placement(EngineOutcome.ACCEPTED, OrderStatus.WORKING, work.triggered(), 0, Optional.empty(),
        Optional.empty(), Optional.of(work.reason()), Optional.empty(), Optional.empty());
  }

  /** The protections that come before the fill rules: the instrument, the whitelist, and stale quotes. */
  private static Optional<FillPriceRule.Decision> protect(OrderRequest request, Optional<Quote> quote,
      boolean tradable, EngineOptions options) {
    Optional<Rejection> instrument = instrumentRefuses(options.instruments(), request.symbol(), request.limitPrice(),
        request.stopPrice());
    if (instrument.isPresent()) {
      return Optional.of(new FillPriceRule.Reject(instrument.get()));
    }
    if (!tradable) {
      return Optional.of(new FillPriceRule.Reject(new Rejection(RejectCode.SYMBOL_NOT_TRADABLE, request.symbol()
          + " is not tradable by market order: the quote feed has never published it (symbol whitelist)")));
    }
    if (quote.isEmpty() || !options.isStale(quote.get())) {
      return Optional.empty();
    }
    String age = "the last quote of " + request.symbol() + " is from " + quote.get().timestamp()
        + ", older than the " + options.maxQuoteAge().toMillis() + " ms a live price may be";
    return Optional.of(request.type() == OrderType.MKT
        ? new FillPriceRule.Reject(new Rejection(RejectCode.STALE_PRICE, "Cannot fill market order: " + age))
        : new FillPriceRule.Work(false, "waiting for a fresh quote: " + age));
  }

  /** Why the symbol cannot be traded at these prices: not tradable, not known, or a price off its tick grid. */
  static Optional<Rejection> instrumentRefuses(Instruments instruments, String symbol, Optional<BigDecimal> limit,
      Optional<BigDecimal> stop) {
    Instruments.Lookup lookup = instruments.lookup(symbol);
    if (lookup instanceof Instruments.Unknown unknown) {
      return Optional.of(new Rejection(RejectCode.UNKNOWN_INSTRUMENT, unknown.message()));
    }
    Instrument instrument = ((Instruments.Known) lookup).instrument();
    if (!instrument.tradable()) {
      return Optional.of(new Rejection(RejectCode.NOT_TRADABLE, symbol + " is " + (instrument.type()
          == InstrumentType.INDEX ? "an index" : "a currency pair") + ": it is quoted, not traded"
          + (instrument.type() == InstrumentType.INDEX ? " (trade a future or an option on it)" : "")));
    }
    if (instrument.type() == InstrumentType.EQUITY) {
      // Equities keep the original design's prices as they are (a limit of 12.125 fills at 12.125); the grid is
      // a contract's (futures, options).
      return Optional.empty();
    }
    for (Map.Entry<String, Optional<BigDecimal>> price : List.of(Map.entry("limit_price", limit),
        Map.entry("stop_price", stop))) {
      if (price.getValue().isPresent() && !instrument.onTick(price.getValue().get())) {
        BigDecimal tick = instrument.tickAt(price.getValue().get());
        return Optional.of(new Rejection(RejectCode.OFF_TICK, price.getKey() + " " + price.getValue().get()
            .toPlainString() + " is off " + symbol + "'s tick of " + tick.toPlainString() + ": use a multiple of "
            + tick.toPlainString()));
      }
    }
    return Optional.empty();
  }
}
