package com.thortrading.trades;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.thortrading.accounts.OrderRequest;
import com.thortrading.accounts.OrderType;
import com.thortrading.accounts.Side;
import com.thortrading.accounts.TimeInForce;
import java.math.BigDecimal;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class RequestParserTest {

  @Test
  void wellFormedOrderWithDefaults() {
    OrderRequest r = RequestParser.order("{\"symbol\":\" vff \",\"side\":\"buy\",\"quantity\":10,\"order_type\":\"MKT\"}");

    assertThat(r).isEqualTo(new OrderRequest("paper", "VFF", Side.BUY, 10, OrderType.MKT, Optional.empty(),
        Optional.empty(), TimeInForce.DAY, Optional.empty()));
  }

  @Test
  void pricesAreExactWhetherStringsOrNumbers() {
    OrderRequest r = RequestParser.order("{\"account\":\"Alice\",\"symbol\":\"/ZN\",\"side\":\"SELL\",\"quantity\":\"3\","
        + "\"order_type\":\"STP_LMT\",\"limit_price\":111.515625,\"stop_price\":\"111.50\",\"tif\":\"gtc\","
        + "\"client_order_id\":\"abc-1\"}");

    assertThat(r.account()).isEqualTo("alice");
    assertThat(r.limitPrice()).contains(new BigDecimal("111.515625"));
    assertThat(r.limitPrice().get().scale()).isEqualTo(6);
    assertThat(r.stopPrice()).contains(new BigDecimal("111.50"));
    assertThat(r.tif()).isEqualTo(TimeInForce.GTC);
    assertThat(r.clientOrderId()).contains("abc-1");
    assertThat(RequestParser.order("{\"symbol\":\"X\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"LMT\","
        + "\"limit_price\":9.10}").limitPrice()).contains(new BigDecimal("9.10"));
  }

  static Stream<Arguments> malformed() {
    String ok = "\"symbol\":\"VFF\",\"side\":\"BUY\",\"order_type\":\"MKT\"";
    return Stream.of(
        Arguments.of("not json", "body", "is not valid JSON"),
        Arguments.of("[1,2]", "body", "must be a JSON object"),
        Arguments.of("{\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"MKT\"}", "symbol", "is required"),
        Arguments.of("{" + ok + "}", "quantity", "is required"),
        Arguments.of("{" + ok + ",\"quantity\":-5}", "quantity", "must be positive"),
        Arguments.of("{" + ok + ",\"quantity\":0}", "quantity", "must be positive"),
        Arguments.of("{" + ok + ",\"quantity\":1.5}", "quantity", "whole number"),
        Arguments.of("{" + ok + ",\"quantity\":\"ten\"}", "quantity", "must be a positive whole number"),
        Arguments.of("{" + ok + ",\"quantity\":true}", "quantity", "must be a positive whole number"),
        Arguments.of("{" + ok + ",\"quantity\":1,\"colour\":\"red\"}", "colour", "is not a known field"),
        Arguments.of("{\"symbol\":\"VFF\",\"side\":\"HOLD\",\"quantity\":1,\"order_type\":\"MKT\"}", "side", "must be one of BUY, SELL"),
        Arguments.of("{\"symbol\":42,\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"MKT\"}", "symbol", "must be a string"),
        Arguments.of("{\"symbol\":\"V F F\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"MKT\"}", "symbol", "is not a symbol"),
        Arguments.of("{\"symbol\":\"VFF\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"MOC\"}", "order_type", "must be one of MKT, LMT, STP, STP_LMT"),
        Arguments.of("{\"symbol\":\"VFF\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"LMT\"}", "limit_price", "is required for LMT"),
        Arguments.of("{" + ok + ",\"quantity\":1,\"limit_price\":\"3.00\"}", "limit_price", "is not allowed on MKT"),
        Arguments.of("{\"symbol\":\"VFF\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"LMT\",\"limit_price\":-3}", "limit_price", "must be positive"),
        Arguments.of("{\"symbol\":\"VFF\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"LMT\",\"limit_price\":\"3.0000001\"}", "limit_price", "too many decimals"),
        Arguments.of("{\"symbol\":\"VFF\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"LMT\",\"limit_price\":\"abc\"}", "limit_price", "decimal string or number"),
        Arguments.of("{\"symbol\":\"VFF\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"STP\"}", "stop_price", "is required for STP"),
        Arguments.of("{" + ok + ",\"quantity\":1,\"tif\":\"FOREVER\"}", "tif", "must be one of DAY, GTC, IOC, FOK"),
        Arguments.of("{" + ok + ",\"quantity\":1,\"client_order_id\":\"" + "x".repeat(49) + "\"}", "client_order_id", "at most 48"),
        Arguments.of("{" + ok + ",\"quantity\":1,\"account\":\"Bob Smith\"}", "account", "lower-case letters"),
        Arguments.of("{" + ok + ",\"quantity\":1,\"quantity\":2}", "body", "Duplicate field"));
  }

  @ParameterizedTest(name = "{0} -> {1}: {2}")
  @MethodSource("malformed")
  void everyMalformedRequestNamesItsFieldAndWhy(String body, String field, String reason) {
    InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class, () -> RequestParser.order(body));

    assertThat(e).as("rejected").isNotNull();
    assertThat(e.errors()).anySatisfy(error -> {
      assertThat(error.field()).isEqualTo(field);
      assertThat(error.reason()).contains(reason);
    });
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class,
        () -> RequestParser.order("{\"side\":\"X\",\"quantity\":-1,\"order_type\":\"LMT\"}"));

    assertThat(e.errors()).extracting(FieldError::field)
        .containsExactlyInAnyOrder("symbol", "side", "quantity", "limit_price");
    assertThat(e.getMessage()).isEqualTo(e.errors().get(0).message());
  }

  @Test
  void newAccountNeedsAnIdAndTakesAnOptionalCashAmount() {
    assertThat(RequestParser.account("{\"id\":\"alice\",\"cash\":\"2500.50\"}"))
        .isEqualTo(new RequestParser.NewAccount("alice", Optional.of(new BigDecimal("2500.50"))));
    assertThat(RequestParser.account("{\"id\":\"bob\"}").cash()).isEmpty();
    assertThatThrownBy(() -> RequestParser.account("{\"cash\":1}")).hasMessage("id: is required");
    assertThatThrownBy(() -> RequestParser.account("{\"id\":\"x\",\"cash\":-1}")).hasMessageContaining("cash: must not be negative");
    assertThatThrownBy(() -> RequestParser.account("{\"id\":\"x\",\"cash\":\"1.001\"}")).hasMessageContaining("cash: has too many decimals");
    assertThatThrownBy(() -> RequestParser.account("{\"id\":\"x\",\"margin\":true}")).hasMessageContaining("margin: is not a known field");
  }

  // --- hostile input ---------------------------------------------------------------------------------------

  static Stream<Arguments> hostileBodies() {
    String order = "\"symbol\":\"AAPL\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"LMT\"";
    return Stream.of(
        Arguments.of("empty", "", "body"),
        Arguments.of("blank", "  \n ", "body"),
        Arguments.of("null body", null, "body"),
        Arguments.of("JSON null", "null", "body"),
        Arguments.of("an array", "[]", "body"),
        Arguments.of("trailing garbage", "{" + order + ",\"limit_price\":\"1.00\"} x", "body"),
        Arguments.of("a second object", "{" + order + ",\"limit_price\":\"1.00\"}{}", "body"),
        Arguments.of("duplicate keys", "{" + order + ",\"limit_price\":\"1.00\",\"limit_price\":\"2.00\"}", "body"),
        Arguments.of("deep nesting", "{\"symbol\":" + "[".repeat(100) + "]".repeat(100) + "}", "body"),
        Arguments.of("a tiny exponent", "{" + order + ",\"limit_price\":1e-999999999}", "limit_price"),
        Arguments.of("a huge exponent", "{" + order + ",\"limit_price\":1e999999999}", "limit_price"),
        Arguments.of("too many digits", "{" + order + ",\"limit_price\":\"" + "9".repeat(5000) + "\"}", "limit_price"),
        Arguments.of("a huge quantity exponent", "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"quantity\":1e999999999,"
            + "\"order_type\":\"MKT\"}", "quantity"),
        Arguments.of("a path as symbol", "{\"symbol\":\"../../etc/passwd\",\"side\":\"BUY\",\"quantity\":1,"
            + "\"order_type\":\"MKT\"}", "symbol"),
        Arguments.of("NUL in a symbol", "{\"symbol\":\"AA\\u0000PL\",\"side\":\"BUY\",\"quantity\":1,"
            + "\"order_type\":\"MKT\"}", "symbol"),
        Arguments.of("a lone surrogate", "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"MKT\","
            + "\"client_order_id\":\"a\\ud800b\"}", "client_order_id"),
        Arguments.of("a control character", "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"MKT\","
            + "\"client_order_id\":\"a\\u001bb\"}", "client_order_id"),
        Arguments.of("Arabic-Indic digits", "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"quantity\":\"\u0661\","
            + "\"order_type\":\"MKT\"}", "quantity"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileBodies")
  void hostileBodiesAreRefusedQuicklyNamingTheFieldWithABoundedMessage(String name, String body, String field) {
    long started = System.nanoTime();
    InvalidRequestException e = catchThrowableOfType(InvalidRequestException.class, () -> RequestParser.order(body));

    assertThat(e).as(name).isNotNull();
    assertThat(e.errors()).extracting(FieldError::field).contains(field);
    assertThat(e.errors()).allSatisfy(f -> assertThat(f.message().length()).isLessThan(400));
    assertThat(e.getMessage()).doesNotContain("\u0000").doesNotContain("\ud800");
    // Not a benchmark: a bound far above the microseconds this takes, far below the minutes the old parser took.
    assertThat(System.nanoTime() - started).isLessThan(2_000_000_000L);
  }

  @Test
  void aSymbolFollowsTheGrammar() {
    for (String ok : new String[] {"AAPL", "BRK.B", "BF-B", "BRK/B", "/ES", "/ESZ25", "/ES:XCME", "$SPX", "$VIX.X",
        ".AAPL260116C190", ".SPXW250117P5800.5", "EUR/USD", "SPY"}) {
      assertThat(com.thortrading.livedata.QuoteSymbols.isValid(ok)).as(ok).isTrue();
    }
    for (String bad : new String[] {"", "../../ETC/PASSWD", "AA\u0000PL", "A B", "AAPL;DROP", "/", "$", ".AAPL",
        "X".repeat(33), "\u0661", "A\u00c9"}) {
      assertThat(com.thortrading.livedata.QuoteSymbols.isValid(bad)).as(bad).isFalse();
    }
  }

  @Test
  void idsAreAsciiDigitsOnly() {
    assertThat(RequestParser.positiveId("id", "42")).isEqualTo(42);
    for (String bad : new String[] {"\u0661", "0", "-1", "1e3", "99999999999999999999", "", " 1"}) {
      assertThatThrownBy(() -> RequestParser.positiveId("id", bad)).as(bad).isInstanceOf(InvalidRequestException.class);
    }
  }
}
