package com.thortrading.accounts;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.thortrading.livedata.Quote;
import com.thortrading.livedata.QuoteField;
import com.thortrading.livedata.QuoteJson;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The JSON of orders, positions and accounts, in one place: snake_case keys, amounts and prices as exact
 * decimal strings (never JSON numbers, which clients read as doubles), times as UTC ISO-8601.
 */
public final class AccountsJson {

  private AccountsJson() {
  }

  /**
   * The one mapper of the records that travel as JSON (orders, order requests): keys are the components' names in
   * snake_case, amounts exact decimal strings, instants UTC ISO-8601 to the millisecond, an empty Optional null.
   * Reading ignores keys it does not know (an order event carries its seq and the account snapshot too).
   */
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .addModule(new Jdk8Module())
      .addModule(new SimpleModule("thortrading-accounts")
          .addSerializer(BigDecimal.class, new StdSerializer<>(BigDecimal.class) {
            @Override
            public void serialize(BigDecimal value, JsonGenerator gen, SerializerProvider provider) throws IOException {
              gen.writeString(Money.text(value));
            }
          })
          .addDeserializer(BigDecimal.class, new StdDeserializer<>(BigDecimal.class) {
            @Override
            public BigDecimal deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
              return p.currentToken() == JsonToken.VALUE_STRING ? new BigDecimal(p.getText()) : p.getDecimalValue();
            }
          })
          .addSerializer(Instant.class, new StdSerializer<>(Instant.class) {
            @Override
            public void serialize(Instant value, JsonGenerator gen, SerializerProvider provider) throws IOException {
              gen.writeString(time(value));
            }
          })
          .addDeserializer(Instant.class, new StdDeserializer<>(Instant.class) {
            @Override
            public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
              return Instant.parse(p.getText());
            }
          })
          .addSerializer(Quote.class, new StdSerializer<>(Quote.class) {
            @Override
            public void serialize(Quote value, JsonGenerator gen, SerializerProvider provider) throws IOException {
              gen.writeObject(fillQuote(value).getMap());
            }
          })
          .addDeserializer(Quote.class, new StdDeserializer<>(Quote.class) {
            @Override
            public Quote deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
              return QuoteJson.fromJson(p.readValueAsTree().toString());
            }
          }))
      .build();

  public static JsonObject order(Order o) {
    return toJson(o);
  }

  /** An order from its JSON (an order event): the inverse of {@link #order(Order)}. */
  public static Order order(JsonObject json) {
    return fromJson(json, Order.class);
  }

  @SuppressWarnings("unchecked")
  private static JsonObject toJson(Object value) {
    // Straight to maps, not through text that would be parsed back (once per order reply and event).
    return new JsonObject(MAPPER.convertValue(value, java.util.LinkedHashMap.class));
  }

  private static <T> T fromJson(JsonObject json, Class<T> type) {
    try {
      return MAPPER.readValue(json.encode(), type);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Not a " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
    }
  }

  /** The quote a fill used: enough to explain the price (last, bid, ask, close, when it was read). */
  static JsonObject fillQuote(Quote q) {
    JsonObject json = new JsonObject().put("symbol", q.symbol());
    for (String field : FillPriceRule.LIVE_PRICE_FIELDS) {
      q.field(field).ifPresent(v -> json.put(field, v));
    }
    // The sizes a fill at the touch was limited by.
    for (String field : List.of(QuoteField.BID_SIZE, QuoteField.ASK_SIZE)) {
      q.field(field).ifPresent(v -> json.put(field, v));
    }
    return json.put(QuoteField.TIMESTAMP, time(q.timestamp()));
  }

  /** The position in {@code symbol} as {@code snapshot} values it; flat (valued at {@code quotes}) if it has none. */
  static JsonObject position(AccountValuation.Snapshot snapshot, String symbol,
      java.util.Map<String, com.thortrading.livedata.Quote> quotes,
      Instruments instruments) {
    return snapshot.positions().stream().filter(p -> p.position().symbol().equals(symbol)).findFirst()
        .map(AccountsJson::position)
        .orElseGet(() -> position(AccountValuation.value(Position.flat(symbol), quotes, instruments)));
  }

  public static JsonObject position(AccountValuation.PositionValue v) {
    Position p = v.position();
    return new JsonObject()
        .put("symbol", p.symbol())
        .put("instrument_type", v.instrument().type().name())
        .put("multiplier", v.instrument().multiplier().toPlainString())
        .put("quantity", p.quantity())
        .put("average_cost", Money.text(p.averageCost()))
        .put("last", price(v.price()))
        .put("market_value", Money.text(v.marketValue()))
        .put("unrealized_pnl", Money.text(v.unrealizedPnl()))
        .put("realized_pnl", Money.text(p.realizedPnl()))
        .put("margin", Money.text(v.margin()));
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
        .put("futures_margin", Money.text(s.futuresMargin()))
        .put("starting_cash", Money.text(a.startingCash()))
        .put("margin_enabled", a.marginEnabled())
        .put("allow_short", a.allowShort())
        .put("positions", positions);
  }

  /** An order request on the event bus, from the REST layer to the engine. */
  public static JsonObject request(OrderRequest r) {
    return toJson(r);
  }

  public static OrderRequest request(JsonObject json) {
    return fromJson(json, OrderRequest.class);
  }

  private static String price(Optional<BigDecimal> price) {
    return price.map(Money::text).orElse(null);
  }

  private static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.MILLIS).toString();
  }
}
