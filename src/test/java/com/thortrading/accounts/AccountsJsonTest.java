package com.thortrading.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import com.thortrading.livedata.Quote;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccountsJsonTest {

  private static final Instant CREATED = Instant.parse("2026-01-05T15:00:00.123456Z");
  private static final Instant UPDATED = Instant.parse("2026-01-05T15:00:01.5Z");

  private static Order filled() {
    Quote quote = new Quote("AAPL", Map.of("last", "189.5", "bid", "189.49", "ask", "189.51", "volume", "100"),
        Instant.parse("2026-01-05T14:59:59.999Z"));
    return new Order(42, "paper", Optional.of("my-1"), "AAPL", Side.BUY, 10, OrderType.LMT,
        Optional.of(new BigDecimal("190.0")), Optional.empty(), TimeInForce.GTC, OrderStatus.FILLED, true, 10,
        Optional.of(new BigDecimal("189.5")), Optional.of(quote), Optional.of("limit 190.00 ≥ ask"),
        Optional.empty(), Optional.empty(), CREATED, UPDATED);
  }

  @Test
  void anOrderIsWrittenWithSnakeCaseKeysExactDecimalStringsAndMillisecondTimes() {
    JsonObject json = AccountsJson.order(filled());

    assertThat(json.fieldNames()).containsExactlyInAnyOrder("id", "account", "client_order_id", "symbol", "side",
        "quantity", "order_type", "limit_price", "stop_price", "tif", "status", "triggered", "filled_quantity",
        "fill_price", "fill_quote", "fill_reason", "reject_code", "reject_reason", "created_at", "updated_at");
    assertThat(json.getLong("id")).isEqualTo(42L);
    assertThat(json.getString("order_type")).isEqualTo("LMT");
    assertThat(json.getString("limit_price")).isEqualTo("190.00");
    assertThat(json.getString("fill_price")).isEqualTo("189.50");
    assertThat(json.containsKey("stop_price")).isTrue();
    assertThat(json.getValue("stop_price")).isNull();
    assertThat(json.getValue("reject_code")).isNull();
    assertThat(json.getString("created_at")).isEqualTo("2026-01-05T15:00:00.123Z");
    assertThat(json.getString("updated_at")).isEqualTo("2026-01-05T15:00:01.500Z");
    // The fill's quote says what explains the price, not the whole row (no volume).
    assertThat(json.getJsonObject("fill_quote")).isEqualTo(new JsonObject().put("symbol", "AAPL").put("last", "189.5")
        .put("bid", "189.49").put("ask", "189.51").put("timestamp", "2026-01-05T14:59:59.999Z"));
  }

  @Test
  void anOrderEventReadsBackAsTheOrderItCameFromIgnoringWhatTheEventAdds() {
    Order order = filled();
    JsonObject event = AccountsJson.order(order).put("seq", 7L).put("account_snapshot", new JsonObject().put("id", "x"));

    Order read = AccountsJson.order(event);

    assertThat(read.id()).isEqualTo(42L);
    assertThat(read.type()).isEqualTo(OrderType.LMT);
    assertThat(read.limitPrice()).contains(new BigDecimal("190.00"));
    assertThat(read.stopPrice()).isEmpty();
    assertThat(read.clientOrderId()).contains("my-1");
    assertThat(read.triggered()).isTrue();
    assertThat(read.filledQuantity()).isEqualTo(10);
    assertThat(read.createdAt()).isEqualTo(Instant.parse("2026-01-05T15:00:00.123Z"));
    assertThat(read.fillQuote()).map(Quote::symbol).contains("AAPL");
    assertThat(AccountsJson.order(read)).isEqualTo(AccountsJson.order(order));
  }

  @Test
  void anOrderRequestCrossesTheBusUnchanged() {
    OrderRequest request = new OrderRequest("paper", "/ES", Side.SELL, 2, OrderType.STP_LMT,
        Optional.of(new BigDecimal("5250.25")), Optional.of(new BigDecimal("5251")), TimeInForce.DAY, Optional.empty());

    JsonObject json = AccountsJson.request(request);

    assertThat(json.getString("order_type")).isEqualTo("STP_LMT");
    assertThat(json.getString("stop_price")).isEqualTo("5251.00");
    assertThat(json.getValue("client_order_id")).isNull();
    OrderRequest back = AccountsJson.request(json);
    assertThat(back.limitPrice()).contains(new BigDecimal("5250.25"));
    assertThat(back.stopPrice()).contains(new BigDecimal("5251.00"));
    assertThat(back.symbol()).isEqualTo("/ES");
    assertThat(back.type()).isEqualTo(OrderType.STP_LMT);
    assertThat(back.clientOrderId()).isEmpty();
  }
}
