package com.thortrading.accounts;

import com.thortrading.livedata.Quote;
import com.thortrading.livedata.QuoteField;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;

/**
 * The JSON of orders, positions and accounts, in one place: snake_case keys, amounts and prices as exact
 * decimal strings (never JSON numbers, which clients read as doubles), times as UTC ISO-8601.
 */
public final class AccountsJson {

  private AccountsJson() {
  }

  public static JsonObject order(Order o) {
    JsonObject json = new JsonObject()
        .put("id", o.id())
        .put("account", o.account())
        .put("symbol", o.symbol())
        .put("side", o.side().name())
        .put("quantity", o.quantity())
        .put("order_type", o.type().name())
        .put("limit_price", price(o.limitPrice()))
        .put("stop_price", price(o.stopPrice()))
        .put("tif", o.tif().name())
        .put("status", o.status().name())
        .put("triggered", o.triggered())
        .put("filled_quantity", o.filledQuantity())
        .put("fill_price", price(o.fillPrice()))
        .put("fill_quote", o.fillQuote().map(AccountsJson::fillQuote).orElse(null))
        .put("fill_reason", o.fillReason().orElse(null))
        .put("reject_code", o.rejectCode().map(Enum::name).orElse(null))
        .put("reject_reason", o.rejectReason().orElse(null))
        .put("client_order_id", o.clientOrderId().orElse(null))
        .put("created_at", time(o.createdAt()))
        .put("updated_at", time(o.updatedAt()));
    return json;
  }

  /** An order from its JSON (an order event): the inverse of {@link #order(Order)}. */
  public static Order order(JsonObject json) {
    return new Order(
        json.getLong("id"),
        json.getString("account"),
        Optional.ofNullable(json.getString("client_order_id")),
        json.getString("symbol"),
        Side.valueOf(json.getString("side")),
        json.getLong("quantity"),
        OrderType.valueOf(json.getString("order_type")),
        decimal(json, "limit_price"),
        decimal(json, "stop_price"),
        TimeInForce.valueOf(json.getString("tif")),
        OrderStatus.valueOf(json.getString("status")),
        json.getBoolean("triggered", false),
        json.getLong("filled_quantity", 0L),
        decimal(json, "fill_price"),
        Optional.empty(),
        Optional.ofNullable(json.getString("fill_reason")),
        Optional.ofNullable(json.getString("reject_code")).map(RejectCode::valueOf),
        Optional.ofNullable(json.getString("reject_reason")),
        Instant.parse(json.getString("created_at")),
        Instant.parse(json.getString("updated_at")));
  }

  private static Optional<BigDecimal> decimal(JsonObject json, String field) {
    return Optional.ofNullable(json.getString(field)).map(BigDecimal::new);
  }

  /** The quote a fill used: enough to explain the price (last, bid, ask, close, when it was read). */
  static JsonObject fillQuote(Quote q) {
    JsonObject json = new JsonObject().put("symbol", q.symbol());
    for (String field : FillPriceRule.LIVE_PRICE_FIELDS) {
      q.field(field).ifPresent(v -> json.put(field, v));
    }
    return json.put(QuoteField.TIMESTAMP, time(q.timestamp()));
  }

  public static JsonObject position(AccountValuation.PositionValue v) {
    Position p = v.position();
    return new JsonObject()
        .put("symbol", p.symbol())
        .put("quantity", p.quantity())
        .put("average_cost", Money.text(p.averageCost()))
        .put("last", price(v.price()))
        .put("market_value", Money.text(v.marketValue()))
        .put("unrealized_pnl", Money.text(v.unrealizedPnl()))
        .put("realized_pnl", Money.text(p.realizedPnl()));
  }

  public static JsonObject account(AccountValuation.Snapshot s) {
    JsonArray positions = new JsonArray();
    s.positions().forEach(p -> positions.add(position(p)));
    Account a = s.account();
    return new JsonObject()
        .put("id", a.id())
        .put("cash", Money.text(a.cash()))
        .put("market_value", Money.text(s.marketValue()))
        .put("net_liq", Money.text(s.netLiq()))
        .put("reserved_cash", Money.text(s.reservedCash()))
        .put("maintenance_requirement", Money.text(s.maintenanceRequirement()))
        .put("stock_buying_power", Money.text(s.stockBuyingPower()))
        .put("option_buying_power", Money.text(s.optionBuyingPower()))
        .put("day_trading_buying_power", Money.text(s.dayTradingBuyingPower()))
        .put("starting_cash", Money.text(a.startingCash()))
        .put("margin_enabled", a.marginEnabled())
        .put("allow_short", a.allowShort())
        .put("positions", positions);
  }

  /** An order request on the event bus, from the REST layer to the engine. */
  public static JsonObject request(OrderRequest r) {
    return new JsonObject()
        .put("account", r.account())
        .put("symbol", r.symbol())
        .put("side", r.side().name())
        .put("quantity", r.quantity())
        .put("order_type", r.type().name())
        .put("limit_price", price(r.limitPrice()))
        .put("stop_price", price(r.stopPrice()))
        .put("tif", r.tif().name())
        .put("client_order_id", r.clientOrderId().orElse(null));
  }

  public static OrderRequest request(JsonObject json) {
    return new OrderRequest(
        json.getString("account"),
        json.getString("symbol"),
        Side.valueOf(json.getString("side")),
        json.getLong("quantity"),
        OrderType.valueOf(json.getString("order_type")),
        Optional.ofNullable(json.getString("limit_price")).map(BigDecimal::new),
        Optional.ofNullable(json.getString("stop_price")).map(BigDecimal::new),
        TimeInForce.valueOf(json.getString("tif")),
        Optional.ofNullable(json.getString("client_order_id")));
  }

  private static String price(Optional<BigDecimal> price) {
    return price.map(Money::text).orElse(null);
  }

  private static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.MILLIS).toString();
  }
}
