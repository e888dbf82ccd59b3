package com.thortrading.trades;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.thortrading.app.ThorService;
import com.thortrading.testsupport.PostgresServerExtension;
import com.thortrading.testsupport.RedisServerExtension;
import com.thortrading.testsupport.TestService;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import redis.clients.jedis.Jedis;

/**
 * The REST order API against the whole service: real PostgreSQL and Redis, quotes written into Redis by the
 * test. Each test trades in an account of its own.
 */
class TradesApiTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  static final PostgresServerExtension PG = new PostgresServerExtension();

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static final AtomicInteger ACCOUNTS = new AtomicInteger();
  private static ThorService service;

  @BeforeAll
  static void start() throws Exception {
    Map<String, String> env = Map.of(
        "THOR_REDIS_URL", REDIS.url(),
        "THOR_PG_URL", PG.url(),
        "THOR_SYMBOLS", "SIMONLY", // the simulator stays out of the symbols these tests trade
        // These tests open positions with quote-less limit orders, the original design's rule; the default rule
        // (such orders rest) is tested in EngineProtectionsTest.
        "THOR_LIMIT_WITHOUT_QUOTE", "fill");
    service = TestService.start(env);
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  // --- helpers -------------------------------------------------------------------------------------------

  record Reply(int status, JsonObject body) {
    JsonObject order() {
      return body.getJsonObject("order");
    }

    JsonObject account() {
      return body.getJsonObject("account");
    }

    String errorCode() {
      return body.getJsonObject("error").getString("code");
    }
  }

  private static HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
        .header("Authorization", TestService.ADMIN)
        .timeout(Duration.ofSeconds(30));
  }

  private static Reply send(HttpRequest request) throws Exception {
    HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    assertThat(response.headers().firstValue("content-type")).contains("application/json");
    String body = response.body();
    return new Reply(response.statusCode(), body.startsWith("[") ? new JsonObject().put("list", new JsonArray(body))
        : new JsonObject(body));
  }

  private static HttpRequest post(String path, String body) {
    return request(path).header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  private static Reply get(String path) throws Exception {
    return send(request(path).GET().build());
  }

  private static Reply order(String json) throws Exception {
    return send(post("/api/trades/orders/active", json));
  }

  private static String newAccount(String cash) throws Exception {
    String id = "acct-" + ACCOUNTS.incrementAndGet() + "-" + System.nanoTime() % 100000;
    Reply created = send(post("/api/accounts", "{\"id\":\"" + id + "\",\"cash\":\"" + cash + "\"}"));
    assertThat(created.status()).isEqualTo(201);
    assertThat(created.account().getString("cash")).isEqualTo(new BigDecimal(cash).setScale(2).toPlainString());
    return id;
  }

  /**
   * Stores and publishes a quote as the ingest does, and waits until the node has received it: accounts are valued
   * at the node's copy of the latest quotes, which follows what is published.
   */
  private static void quote(String symbol, String json) {
    try (Jedis jedis = REDIS.jedis()) {
      com.thortrading.testsupport.NodeQuotes.publish(service, jedis, symbol, json);
    }
  }

  private static String market(String account, String symbol, String side, int quantity) {
    return "{\"account\":\"" + account + "\",\"symbol\":\"" + symbol + "\",\"side\":\"" + side + "\",\"quantity\":"
        + quantity + ",\"order_type\":\"MKT\"}";
  }

  private static String limit(String account, String symbol, String side, int quantity, String price) {
    return "{\"account\":\"" + account + "\",\"symbol\":\"" + symbol + "\",\"side\":\"" + side + "\",\"quantity\":"
        + quantity + ",\"order_type\":\"LMT\",\"limit_price\":\"" + price + "\"}";
  }

  // --- fill price ----------------------------------------------------------------------------------------

  static Stream<Arguments> fillPriceTable() {
    return Stream.of(
        Arguments.of("{\"last\":\"3.00\",\"bid\":\"2.95\",\"ask\":\"3.05\",\"close\":\"2.90\"}", "3.00"),
        Arguments.of("{\"bid\":\"2.95\",\"ask\":\"3.05\",\"close\":\"2.90\"}", "2.95"),
        Arguments.of("{\"ask\":\"3.05\"}", "3.05"),
        Arguments.of("{\"close\":\"2.90\"}", "2.90"),
        Arguments.of("{\"last\":\"N/A\",\"bid\":\"0\",\"ask\":\"3.05\"}", "3.05"),
        Arguments.of("{\"last\":\"N/A\",\"bid\":\"0\"}", null),
        Arguments.of(null, null));
  }

  @ParameterizedTest(name = "quote {0} -> {1}")
  @MethodSource("fillPriceTable")
  void marketOrderFillsAtTheLiveQuoteOrIsRejected(String fields, String expectedPrice) throws Exception {
    String account = newAccount("1000.00");
    String symbol = "FP" + ACCOUNTS.incrementAndGet();
    if (fields != null) {
      quote(symbol, fields.replace("{", "{\"symbol\":\"" + symbol + "\",\"timestamp\":\"2025-12-08T18:30:00Z\","));
    }

    Reply reply = order(market(account, symbol, "BUY", 10));

    if (expectedPrice != null) {
      assertThat(reply.status()).isEqualTo(201);
      assertThat(reply.order().getString("status")).isEqualTo("FILLED");
      assertThat(reply.order().getString("fill_price")).isEqualTo(expectedPrice);
      assertThat(reply.order().getJsonObject("fill_quote").getString("timestamp")).isEqualTo("2025-12-08T18:30:00Z");
      assertThat(new BigDecimal(reply.account().getString("cash")))
          .isEqualByComparingTo(new BigDecimal("1000").subtract(new BigDecimal(expectedPrice).multiply(BigDecimal.TEN)));
    } else {
      assertThat(reply.status()).isEqualTo(422);
      assertThat(reply.errorCode()).isEqualTo("NO_LIVE_PRICE");
      assertThat(reply.body().getJsonObject("error").getString("message"))
          .isEqualTo("Cannot fill market order: no live market price available for " + symbol);
      assertThat(reply.order().getString("status")).isEqualTo("REJECTED");
      assertThat(reply.account().getString("cash")).isEqualTo("1000.00");
    }
  }

  @Test
  void withTheOriginalRuleALimitFillsAtTheLimitWithoutAQuote() throws Exception {
    String account = newAccount("1000.00");

    Reply reply = order(limit(account, "NOQUOTE", "BUY", 4, "12.125"));

    assertThat(reply.status()).isEqualTo(201);
    assertThat(reply.order().getString("fill_price")).isEqualTo("12.125");
    assertThat(reply.order().getString("fill_reason")).isEqualTo("limit price 12.125 (no live quote)");
    assertThat(reply.account().getString("cash")).isEqualTo("951.50");
    assertThat(reply.body().getJsonObject("position").getLong("quantity")).isEqualTo(4);
  }

  // --- instruments --------------------------------------------------------------------------------------

  @Test
  void anIndexAnUnknownFutureAndAnOffTickPriceAreRefusedWithTheirReasons() throws Exception {
    String account = newAccount("100000.00");
    quote("$SPX", "{\"symbol\":\"$SPX\",\"last\":\"5250.10\",\"timestamp\":\"2025-12-08T18:30:00Z\"}");
    quote("/ES", "{\"symbol\":\"/ES\",\"last\":\"5250.25\",\"bid\":\"5250.00\",\"ask\":\"5250.25\","
        + "\"timestamp\":\"2025-12-08T18:30:00Z\"}");

    Reply index = order(market(account, "$SPX", "BUY", 1));
    assertThat(index.status()).isEqualTo(422);
    assertThat(index.errorCode()).isEqualTo("NOT_TRADABLE");
    assertThat(index.body().getJsonObject("error").getString("message")).contains("$SPX is an index");
    assertThat(index.order().getString("status")).isEqualTo("REJECTED");

    Reply unknown = order(market(account, "/XYZ", "BUY", 1));
    assertThat(unknown.status()).isEqualTo(422);
    assertThat(unknown.errorCode()).isEqualTo("UNKNOWN_INSTRUMENT");
    assertThat(unknown.body().getJsonObject("error").getString("message")).contains("/XYZ");

    Reply offTick = order(limit(account, "/ES", "BUY", 1, "5200.10"));
    assertThat(offTick.status()).isEqualTo(422);
    assertThat(offTick.errorCode()).isEqualTo("OFF_TICK");
    assertThat(offTick.body().getJsonObject("error").getString("message"))
        .isEqualTo("limit_price 5200.10 is off /ES's tick of 0.25: use a multiple of 0.25");

    // On the grid it works; a replace off the grid is refused and leaves the order as it was.
    Reply working = order(limit(account, "/ES", "BUY", 1, "5200.25"));
    assertThat(working.status()).isEqualTo(201);
    assertThat(working.order().getString("status")).isEqualTo("WORKING");
    long id = working.order().getLong("id");
    Reply replaced = send(request("/api/trades/orders/" + id).header("content-type", "application/json")
        .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"limit_price\":\"5200.30\"}")).build());
    assertThat(replaced.status()).isEqualTo(422);
    assertThat(replaced.errorCode()).isEqualTo("OFF_TICK");
    assertThat(get("/api/trades/orders/" + id).order().getString("limit_price")).isEqualTo("5200.25");
    assertThat(get("/api/accounts/" + account).account().getString("cash")).isEqualTo("100000.00");
  }

  @Test
  void aFutureAnOptionAndAStockTradeWithTheirMultipliersAndTheBooksAgree() throws Exception {
    String account = newAccount("100000.00");
    String es = "/ESH26"; // a contract month of /ES (50 a point, 15,000.00 initial margin), quoted by no other test
    String call = ".AAPL260116C190";
    quote(es, quoteJson(es, "5250.00"));
    quote(call, quoteJson(call, "2.50"));
    quote("MULTX", quoteJson("MULTX", "12.125"));

    Reply bought = order(market(account, es, "BUY", 2));
    assertThat(bought.status()).isEqualTo(201);
    assertThat(bought.order().getString("fill_price")).isEqualTo("5250.00");
    // Bought for margin: no cash moves; 2 × 15,000.00 comes off buying power.
    assertThat(bought.account().getString("cash")).isEqualTo("100000.00");
    assertThat(bought.account().getString("futures_margin")).isEqualTo("30000.00");
    assertThat(bought.account().getString("stock_buying_power")).isEqualTo("70000.00");
    assertThat(bought.body().getJsonObject("position").getMap()).containsEntry("instrument_type", "FUTURE")
        .containsEntry("multiplier", "50").containsEntry("margin", "30000.00").containsEntry("quantity", 2);

    Reply option = order(market(account, call, "BUY", 1));
    assertThat(option.account().getString("cash")).isEqualTo("99750.00"); // 2.50 × 100
    assertThat(option.account().getString("stock_buying_power")).isEqualTo("69750.00");
    Reply stock = order(market(account, "MULTX", "BUY", 10));
    assertThat(stock.account().getString("cash")).isEqualTo("99628.75"); // 10 × 12.125, as the original design

    quote(es, quoteJson(es, "5251.00"));
    quote(call, quoteJson(call, "3.00"));
    Reply valued = get("/api/accounts/" + account);
    assertThat(valued.account().getString("net_liq")).isEqualTo("100150.00");
    // 99,628.75 cash + 100.00 open /ES gain (2 × 1 point × 50) + 300.00 of option + 121.25 of stock
    Reply closed = order(market(account, es, "SELL", 2));
    assertThat(closed.body().getJsonObject("position").getString("realized_pnl")).isEqualTo("100.00");
    assertThat(closed.account().getString("cash")).isEqualTo("99728.75");
    assertThat(closed.account().getString("futures_margin")).isEqualTo("0.00");
    Reply soldOption = order(market(account, call, "SELL", 1));
    assertThat(soldOption.account().getString("cash")).isEqualTo("100028.75");
    assertThat(soldOption.body().getJsonObject("position").getString("realized_pnl")).isEqualTo("50.00");

    // A working futures buy holds its margin, and fills through the matcher with the same arithmetic.
    Reply working = order(limit(account, es, "BUY", 1, "5249.00"));
    assertThat(working.order().getString("status")).isEqualTo("WORKING");
    assertThat(working.account().getString("reserved_cash")).isEqualTo("15000.00");
    long id = working.order().getLong("id");
    try (Jedis jedis = REDIS.jedis()) {
      quote(es, quoteJson(es, "5249.00"));
      jedis.publish(com.thortrading.livedata.LiveDataRedis.quoteChannel(es), quoteJson(es, "5249.00"));
    }
    await().atMost(Duration.ofSeconds(10))
        .until(() -> get("/api/trades/orders/" + id).order().getString("status").equals("FILLED"));
    Reply after = get("/api/accounts/" + account);
    assertThat(after.account().getString("cash")).isEqualTo("100028.75");
    assertThat(after.account().getString("reserved_cash")).isEqualTo("0.00");
    assertThat(after.account().getString("futures_margin")).isEqualTo("15000.00");

    // The audit replays every fill with its multiplier and agrees with what the engine booked.
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    try {
      var pool = io.vertx.pgclient.PgBuilder.pool().connectingTo(PG.url()).using(vertx).build();
      com.thortrading.testsupport.Ledgers.assertBooksAgree(pool);
    } finally {
      vertx.close().await();
    }
  }

  private static String quoteJson(String symbol, String last) {
    return "{\"symbol\":\"" + symbol + "\",\"last\":\"" + last + "\",\"timestamp\":\"" + java.time.Instant.now()
        + "\"}";
  }

  // --- cash rules, P&L, net liq ----------------------------------------------------------------------

  @Test
  void marketBuyFillsAtLastAndCashDropsByExactlyQuantityTimesPrice() throws Exception {
    String account = newAccount("100000.00");
    quote("VFF", "{\"symbol\":\"VFF\",\"last\":\"3.00\",\"bid\":\"2.95\",\"ask\":\"3.05\",\"timestamp\":\"2025-12-08T18:30:00Z\"}");

    Reply reply = order(market(account, "VFF", "BUY", 100));

    assertThat(reply.status()).isEqualTo(201);
    assertThat(reply.order().getString("fill_price")).isEqualTo("3.00");
    assertThat(reply.order().getJsonObject("fill_quote").getMap())
        .containsEntry("last", "3.00").containsEntry("bid", "2.95").containsEntry("ask", "3.05");
    assertThat(reply.account().getString("cash")).isEqualTo("99700.00");
    assertThat(reply.account().getString("net_liq")).isEqualTo("100000.00");
    assertThat(reply.account().getString("stock_buying_power")).isEqualTo("99700.00");
    assertThat(reply.account().getString("option_buying_power")).isEqualTo("99700.00");
    assertThat(reply.account().getString("day_trading_buying_power")).isEqualTo("99700.00");
    assertThat(get("/api/accounts/" + account).account().getString("cash")).isEqualTo("99700.00");
  }

  @Test
  void buysAndSellsKeepAverageCostRealizedPnlAndNetLiqToTheCent() throws Exception {
    String account = newAccount("10000.00");
    String symbol = "PNL" + ACCOUNTS.incrementAndGet();

    assertThat(order(limit(account, symbol, "BUY", 100, "3.00")).status()).isEqualTo(201);
    assertThat(order(limit(account, symbol, "BUY", 50, "3.30")).status()).isEqualTo(201);
    assertThat(order(limit(account, symbol, "SELL", 60, "3.50")).status()).isEqualTo(201);
    quote(symbol, "{\"symbol\":\"" + symbol + "\",\"last\":\"3.40\",\"timestamp\":\"2025-12-08T18:30:00Z\"}");

    Reply account1 = get("/api/accounts/" + account);
    JsonObject a = account1.account();
    // 10000 - 300 - 165 + 210 = 9745; 90 held at average 3.10, worth 90 * 3.40 = 306.00.
    assertThat(a.getString("cash")).isEqualTo("9745.00");
    assertThat(a.getString("market_value")).isEqualTo("306.00");
    assertThat(a.getString("net_liq")).isEqualTo("10051.00");
    JsonObject position = a.getJsonArray("positions").getJsonObject(0);
    assertThat(position.getMap()).containsEntry("symbol", symbol).containsEntry("quantity", 90)
        .containsEntry("average_cost", "3.10").containsEntry("last", "3.40").containsEntry("market_value", "306.00")
        .containsEntry("unrealized_pnl", "27.00").containsEntry("realized_pnl", "24.00");
    assertThat(get("/api/accounts/" + account + "/positions").body().getJsonArray("positions").getJsonObject(0))
        .isEqualTo(position);

    Reply tooMany = order(limit(account, symbol, "SELL", 91, "3.50"));
    assertThat(tooMany.status()).isEqualTo(422);
    assertThat(tooMany.errorCode()).isEqualTo("SELL_EXCEEDS_POSITION");
    Reply none = order(limit(account, "NOTHELD", "SELL", 1, "3.50"));
    assertThat(none.errorCode()).isEqualTo("NO_POSITION");
    Reply broke = order(limit(account, symbol, "BUY", 10000, "3.00"));
    assertThat(broke.errorCode()).isEqualTo("INSUFFICIENT_CASH");
    assertThat(get("/api/accounts/" + account).account().getString("cash")).isEqualTo("9745.00");
  }

  @Test
  void rejectedOrdersAreRecordedWithTheirReason() throws Exception {
    String account = newAccount("10.00");

    Reply rejected = order(limit(account, "ANY", "BUY", 100, "1.00"));
    long id = rejected.order().getLong("id");

    Reply stored = get("/api/trades/orders/" + id);
    assertThat(stored.status()).isEqualTo(200);
    assertThat(stored.order().getString("status")).isEqualTo("REJECTED");
    assertThat(stored.order().getString("reject_code")).isEqualTo("INSUFFICIENT_CASH");
    assertThat(stored.order().getString("reject_reason")).contains("costs 100.00");
  }

  // --- concurrency and idempotency --------------------------------------------------------------------

  @Test
  void anAccountReadWhileFillsRaceIsAlwaysOneConsistentSnapshot() throws Exception {
    String account = newAccount("100000.00");
    String symbol = "SNAP" + ACCOUNTS.incrementAndGet();
    quote(symbol, "{\"symbol\":\"" + symbol + "\",\"last\":\"10.00\",\"timestamp\":\"2025-12-08T18:30:00Z\"}");
    List<CompletableFuture<HttpResponse<String>>> buys = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      buys.add(HTTP.sendAsync(post("/api/trades/orders/active", market(account, symbol, "BUY", 1)),
          HttpResponse.BodyHandlers.ofString()));
    }
    // Every fill moves 10.00 from cash into one share at 10.00: in any consistent snapshot cash + 10 x shares is
    // exactly the starting cash, whatever fills have committed.
    int reads = 0;
    while (buys.stream().anyMatch(f -> !f.isDone()) || reads < 20) {
      JsonObject a = get("/api/accounts/" + account).account();
      long shares = a.getJsonArray("positions").stream().map(JsonObject.class::cast)
          .filter(p -> p.getString("symbol").equals(symbol)).mapToLong(p -> p.getLong("quantity")).sum();
      assertThat(new BigDecimal(a.getString("cash")).add(BigDecimal.TEN.multiply(BigDecimal.valueOf(shares))))
          .as("read %d: cash %s and %d shares", reads, a.getString("cash"), shares)
          .isEqualByComparingTo("100000.00");
      reads++;
    }
    assertThat(buys).allSatisfy(f -> assertThat(f.get().statusCode()).isEqualTo(201));
  }

  @Test
  void sixtySimultaneousBuysNeverSpendMoreThanTheCash() throws Exception {
    String account = newAccount("10000.00");
    String symbol = "RACE" + ACCOUNTS.incrementAndGet();
    quote(symbol, "{\"symbol\":\"" + symbol + "\",\"last\":\"100.01\",\"timestamp\":\"2025-12-08T18:30:00Z\"}");

    List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      inFlight.add(HTTP.sendAsync(post("/api/trades/orders/active", market(account, symbol, "BUY", 2)),
          HttpResponse.BodyHandlers.ofString()));
    }
    List<Integer> statuses = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> f : inFlight) {
      statuses.add(f.get().statusCode());
    }

    assertThat(statuses).allMatch(s -> s == 201 || s == 422);
    long filled = statuses.stream().filter(s -> s == 201).count();
    assertThat(filled).isEqualTo(49); // 49 * 200.02 = 9800.98 fits; a 50th would need 10001.00
    JsonArray fills = get("/api/trades/orders?account=" + account + "&status=FILLED&limit=1000").body()
        .getJsonArray("orders");
    BigDecimal spent = BigDecimal.ZERO;
    for (int i = 0; i < fills.size(); i++) {
      JsonObject o = fills.getJsonObject(i);
      spent = spent.add(new BigDecimal(o.getString("fill_price")).multiply(BigDecimal.valueOf(o.getLong("quantity"))));
    }
    assertThat(fills.size()).isEqualTo(49);
    BigDecimal cash = new BigDecimal(get("/api/accounts/" + account).account().getString("cash"));
    assertThat(cash).isEqualByComparingTo(new BigDecimal("10000.00").subtract(spent)).isEqualByComparingTo("199.02");
    assertThat(cash.signum()).isNotNegative();
    assertThat(get("/api/trades/orders?account=" + account + "&status=REJECTED&limit=1000").body()
        .getJsonArray("orders").size()).isEqualTo(11);
  }

  @Test
  void sameClientOrderIdReturnsTheOriginalAndChangesNothing() throws Exception {
    String account = newAccount("1000.00");
    String body = "{\"account\":\"" + account + "\",\"symbol\":\"IDEM\",\"side\":\"BUY\",\"quantity\":1,"
        + "\"order_type\":\"LMT\",\"limit_price\":\"10.00\",\"client_order_id\":\"my-order-1\"}";

    Reply first = order(body);
    Reply again = order(body);

    assertThat(first.status()).isEqualTo(201);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.order()).isEqualTo(first.order());
    assertThat(again.account().getString("cash")).isEqualTo("990.00");

    Reply different = order(body.replace("\"quantity\":1", "\"quantity\":2"));
    assertThat(different.status()).isEqualTo(409);
    assertThat(different.errorCode()).isEqualTo("CLIENT_ORDER_ID_REUSED");
    assertThat(get("/api/accounts/" + account).account().getString("cash")).isEqualTo("990.00");
  }

  @Test
  void identicalRequestsAtTheSameInstantMakeOneOrder() throws Exception {
    String account = newAccount("1000.00");
    String body = "{\"account\":\"" + account + "\",\"symbol\":\"IDEM2\",\"side\":\"BUY\",\"quantity\":3,"
        + "\"order_type\":\"LMT\",\"limit_price\":\"10.00\",\"client_order_id\":\"same-instant\"}";

    List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      inFlight.add(HTTP.sendAsync(post("/api/trades/orders/active", body), HttpResponse.BodyHandlers.ofString()));
    }
    List<Integer> statuses = new ArrayList<>();
    List<Long> ids = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> f : inFlight) {
      HttpResponse<String> r = f.get();
      statuses.add(r.statusCode());
      ids.add(new JsonObject(r.body()).getJsonObject("order").getLong("id"));
    }

    assertThat(statuses).containsOnlyOnce(201).containsOnly(201, 200);
    assertThat(ids).containsOnly(ids.get(0));
    assertThat(get("/api/accounts/" + account).account().getString("cash")).isEqualTo("970.00");
  }

  // --- REST contract ------------------------------------------------------------------------------------

  @Test
  void everyPlacedOrderIsAnsweredExactlyAsItIsStored() throws Exception {
    String account = newAccount("1000.00");
    String symbol = "ASSTORED" + ACCOUNTS.incrementAndGet();
    quote(symbol, "{\"symbol\":\"" + symbol + "\",\"last\":\"10.10\",\"bid\":\"10.00\",\"ask\":\"10.20\","
        + "\"bid_size\":\"300\",\"ask_size\":\"200\",\"timestamp\":\"2025-12-08T18:30:00.123456Z\"}");
    List<String> placements = List.of(
        market(account, symbol, "BUY", 3), // filled at the quote, which is stored with it
        limit(account, symbol, "BUY", 2, "9.5000"), // working at its limit
        "{\"account\":\"" + account + "\",\"symbol\":\"" + symbol + "\",\"side\":\"SELL\",\"quantity\":1,"
            + "\"order_type\":\"STP\",\"stop_price\":\"8.25\",\"tif\":\"GTC\",\"client_order_id\":\"as-stored-1\"}",
        market(account, symbol, "SELL", 500), // rejected: more than held
        market(account, "NOQUOTE" + ACCOUNTS.incrementAndGet(), "BUY", 1)); // rejected: no quote
    for (String placement : placements) {
      Reply placed = order(placement);
      assertThat(placed.order()).as(placement).isNotNull();
      assertThat(get("/api/trades/orders/" + placed.order().getLong("id")).order()).as(placement)
          .isEqualTo(placed.order());
    }
  }


  @Test
  void restContractStatusCodesAndErrorsNamingTheirFields() throws Exception {
    String account = newAccount("1000.00");
    Reply filled = order(limit(account, "CONTRACT", "BUY", 1, "5.00"));
    long id = filled.order().getLong("id");
    assertThat(filled.status()).isEqualTo(201);
    assertThat(filled.order().fieldNames()).contains("id", "account", "symbol", "side", "quantity", "order_type",
        "limit_price", "stop_price", "tif", "status", "filled_quantity", "fill_price", "reject_reason",
        "client_order_id", "created_at", "updated_at", "fill_quote");

    assertThat(get("/api/trades/orders/" + id).order()).isEqualTo(filled.order());
    Reply cancelFilled = send(request("/api/trades/orders/" + id).DELETE().build());
    assertThat(cancelFilled.status()).isEqualTo(409);
    assertThat(cancelFilled.errorCode()).isEqualTo("ORDER_FINAL");
    assertThat(get("/api/trades/orders/999999999").status()).isEqualTo(404);
    assertThat(send(request("/api/trades/orders/999999999").DELETE().build()).status()).isEqualTo(404);
    Reply badId = get("/api/trades/orders/abc");
    assertThat(badId.status()).isEqualTo(400);
    assertThat(badId.body().getJsonObject("error").getString("field")).isEqualTo("id");

    Reply ghost = order(limit("ghost", "X", "BUY", 1, "1.00"));
    assertThat(ghost.status()).isEqualTo(404);
    assertThat(ghost.errorCode()).isEqualTo("ACCOUNT_NOT_FOUND");
    assertThat(get("/api/accounts/ghost").status()).isEqualTo(404);

    Reply notJson = send(post("/api/trades/orders/active", "symbol=AAPL"));
    assertThat(notJson.status()).isEqualTo(400);
    assertThat(notJson.body().getJsonObject("error").getString("field")).isEqualTo("body");
    Reply negative = order("{\"symbol\":\"X\",\"side\":\"BUY\",\"quantity\":-1,\"order_type\":\"MKT\"}");
    assertThat(negative.status()).isEqualTo(400);
    assertThat(negative.body().getJsonObject("error").getString("message")).isEqualTo("quantity: must be positive (got -1)");
    Reply huge = send(post("/api/trades/orders/active", "{\"symbol\":\"" + "X".repeat(17 * 1024) + "\"}"));
    assertThat(huge.status()).isEqualTo(413);
    assertThat(huge.errorCode()).isEqualTo("PAYLOAD_TOO_LARGE");
    assertThat(huge.body().getJsonObject("error").getString("message")).isEqualTo("body: is larger than 16 KiB");

    Reply taken = send(post("/api/accounts", "{\"id\":\"" + account + "\"}"));
    assertThat(taken.status()).isEqualTo(409);
    assertThat(taken.errorCode()).isEqualTo("ACCOUNT_EXISTS");

    Reply list = get("/api/trades/orders?account=" + account + "&limit=1");
    assertThat(list.body().getJsonArray("orders")).hasSize(1);
    assertThat(get("/api/trades/orders?status=SOMETIMES").status()).isEqualTo(400);
    assertThat(get("/api/trades/orders?limit=0").status()).isEqualTo(400);
    Reply unknownRoute = get("/api/trades/nowhere/else");
    assertThat(unknownRoute.status()).isEqualTo(404);
    assertThat(unknownRoute.errorCode()).isEqualTo("NOT_FOUND");
  }

  @Test
  void everyOrderChangeIsPublishedOnTheAccountsEventAddress() throws Exception {
    String account = newAccount("1000.00");
    List<JsonObject> events = new CopyOnWriteArrayList<>();
    service.vertx().eventBus().<JsonObject>consumer("orders.events." + account, m -> events.add(m.body()))
        .completion().toCompletionStage().toCompletableFuture().get();

    Reply filled = order(limit(account, "EVT", "BUY", 1, "5.00"));
    Reply rejected = order(limit(account, "EVT", "SELL", 5, "5.00"));

    await().atMost(Duration.ofSeconds(5)).until(() -> events.size() == 2);
    // Each event is the order as the reply showed it, the account's next sequence number, and the account as the
    // change left it: the reply's own snapshot (read in the same transaction), marked with the seq it covers.
    assertThat(events.get(0)).isEqualTo(filled.order().copy().put("seq", 1L)
        .put("account_snapshot", filled.account().copy().put("event_seq", 1L)));
    assertThat(events.get(1)).isEqualTo(rejected.order().copy().put("seq", 2L)
        .put("account_snapshot", rejected.account().copy().put("event_seq", 2L)));
    // A read of the account says which event it is as new as.
    assertThat(get("/api/accounts/" + account).body().getJsonObject("account").getLong("event_seq")).isEqualTo(2L);
  }

  // --- outages ------------------------------------------------------------------------------------------

  @Test
  void postgresStoppedGives503AndOrdersSucceedAgainWhenItIsBack() throws Exception {
    String account = newAccount("1000.00");
    PG.stop();
    try {
      Reply down = order(limit(account, "PGDOWN", "BUY", 1, "5.00"));
      assertThat(down.status()).isEqualTo(503);
      assertThat(down.errorCode()).isEqualTo("SERVICE_UNAVAILABLE");
      assertThat(down.body().getJsonObject("error").getString("message")).contains("PostgreSQL");
    } finally {
      PG.start();
    }
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions()
        .until(() -> order(limit(account, "PGDOWN", "BUY", 1, "5.00")).status() == 201);
    // The order tried while down left nothing behind, now or a little later.
    await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
      assertThat(get("/api/trades/orders?account=" + account).body().getJsonArray("orders")).hasSize(1);
      assertThat(get("/api/accounts/" + account).account().getString("cash")).isEqualTo("995.00");
    });
  }

  @Test
  void redisDownGives503AndNothingIsWritten() throws Exception {
    String account = newAccount("1000.00");
    REDIS.stop();
    try {
      // A symbol this node has no quote of, so the order must read Redis: one it has (VFF, from another test) may
      // be filled from the node's copy until its subscriber notices that Redis went away.
      Reply down = order(market(account, "RDN", "BUY", 1));
      assertThat(down.status()).isEqualTo(503);
      assertThat(down.body().getJsonObject("error").getString("message")).contains("Redis");
      for (String path : List.of("/api/quotes", "/api/quotes/VFF", "/api/quotes/VFF/history")) {
        Reply quotes = get(path);
        assertThat(quotes.status()).as(path).isEqualTo(503);
        assertThat(quotes.errorCode()).isEqualTo("SERVICE_UNAVAILABLE");
        assertThat(quotes.body().getJsonObject("error").getString("message")).startsWith("Redis cannot be reached");
      }
    } finally {
      REDIS.restart();
    }
    await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(3))
        .untilAsserted(() -> assertThat(get("/api/trades/orders?account=" + account).body().getJsonArray("orders"))
            .isEmpty());
  }

  // --- hostile requests -------------------------------------------------------------------------------------

  static Stream<Arguments> hostileRequests() {
    String order = "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"LMT\",\"limit_price\":";
    return Stream.of(
        Arguments.of("empty order body", "POST", "/api/trades/orders/active", "application/json", "", 400),
        Arguments.of("empty replace body", "PATCH", "/api/trades/orders/1", "application/json", "", 400),
        Arguments.of("empty account body", "POST", "/api/accounts", "application/json", "", 400),
        Arguments.of("a charset JSON has not", "POST", "/api/trades/orders/active", "application/json; charset=foo",
            order + "\"1.00\"}", 415),
        Arguments.of("multipart", "POST", "/api/trades/orders/active", "multipart/form-data; boundary=x", "--x--", 415),
        Arguments.of("a tiny exponent", "POST", "/api/trades/orders/active", "application/json",
            order + "1e-999999999}", 400),
        Arguments.of("trailing data", "POST", "/api/trades/orders/active", "application/json",
            order + "\"1.00\"}{\"symbol\":\"X\"}", 400),
        Arguments.of("NUL in a query symbol", "GET", "/api/trades/orders?symbol=%00", null, null, 400),
        Arguments.of("a path as a quote symbol", "GET", "/api/quotes/..%2F..%2Fetc%2Fpasswd", null, null, 400),
        Arguments.of("history before 1970", "GET", "/api/quotes/AAPL/history?since=1969-12-31T00:00:00Z", null, null, 400),
        Arguments.of("history since a huge number", "GET", "/api/quotes/AAPL/history?since=99999999999999999999", null,
            null, 400),
        Arguments.of("an Arabic-Indic order id", "GET", "/api/trades/orders/%D9%A1", null, null, 400),
        Arguments.of("an Arabic-Indic limit", "GET", "/api/trades/orders?limit=%D9%A1", null, null, 400),
        Arguments.of("an unknown status", "GET", "/api/trades/orders?status=%00", null, null, 400));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileRequests")
  void hostileRequestsGetAClearClientErrorNeverA5xx(String name, String method, String path, String contentType,
      String body, int expected) throws Exception {
    HttpRequest.Builder request = request(path).method(method,
        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("content-type", contentType);
    }
    Reply reply = send(request.build());
    assertThat(reply.status()).as(reply.body().encode()).isEqualTo(expected);
    assertThat(reply.body().getJsonObject("error").getString("message")).isNotBlank().hasSizeLessThan(600);
  }

  @Test
  void bodyBytesThatAreNotUtf8AreRefused() throws Exception {
    byte[] body = "{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"MKT\",\"client_order_id\":\"x\"}"
        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    body[body.length - 3] = (byte) 0xC3; // a lead byte with nothing after it
    Reply reply = send(request("/api/trades/orders/active").header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.body().getJsonObject("error").getString("message")).isEqualTo("body: is not valid UTF-8");
  }

  @Test
  void malformedChunkedEncodingIsAClientErrorNotAServerFault() throws Exception {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", service.httpPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("POST /api/trades/orders/active HTTP/1.1\r\nHost: 127.0.0.1\r\n"
          + "Authorization: " + com.thortrading.testsupport.TestService.ADMIN + "\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\nZZZ\r\nnot a chunk\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String status = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
          java.nio.charset.StandardCharsets.US_ASCII)).readLine();
      // Either a 400, or the connection dropped: never a 5xx.
      assertThat(status == null || status.startsWith("HTTP/1.1 400")).as(String.valueOf(status)).isTrue();
    }
  }
}
