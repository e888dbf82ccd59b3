package com.thortrading.trades;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.thortrading.app.ThorService;
import com.thortrading.livedata.LiveDataRedis;
import com.thortrading.testsupport.PostgresServerExtension;
import com.thortrading.testsupport.RedisServerExtension;
import com.thortrading.testsupport.TestService;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * THOR_MARKET_FILL=touch through the whole service: at placement, for a stop the matcher triggers, and orders larger
 * than the displayed size, which fill in parts on later quotes, each part once, however many engines race for it.
 */
class MarketFillTouchTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  static final PostgresServerExtension PG = new PostgresServerExtension();

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final java.util.concurrent.atomic.AtomicInteger NAMES = new java.util.concurrent.atomic.AtomicInteger();
  private static ThorService service;
  private static io.vertx.core.Vertx vertx;
  private static io.vertx.sqlclient.Pool pool;

  @BeforeAll
  static void start() throws Exception {
    service = TestService.start(Map.of("THOR_REDIS_URL", REDIS.url(), "THOR_PG_URL", PG.url(),
        "THOR_SYMBOLS", "SIMONLY", "THOR_MARKET_FILL", "touch"));
    vertx = io.vertx.core.Vertx.vertx();
    pool = io.vertx.pgclient.PgBuilder.pool().connectingTo(PG.url()).using(vertx).build();
  }

  @AfterAll
  static void stop() {
    if (vertx != null) {
      vertx.close().await();
    }
    if (service != null) {
      service.close();
    }
  }

  /** A quote with displayed sizes, stored and published as the ingest does, timed now (so each is newer). */
  private static void sizedQuote(String symbol, String bid, String bidSize, String ask, String askSize) {
    String json = new JsonObject().put("symbol", symbol).put("last", bid).put("bid", bid).put("bid_size", bidSize)
        .put("ask", ask).put("ask_size", askSize).put("timestamp", Instant.now().toString()).encode();
    try (Jedis jedis = REDIS.jedis()) {
      com.thortrading.testsupport.NodeQuotes.publish(service, jedis, symbol, json);
    }
  }

  private static String account(String cash) throws Exception {
    String id = "touch-" + NAMES.incrementAndGet();
    JsonObject created = send("POST", "/api/accounts", "{\"id\":\"" + id + "\",\"cash\":\"" + cash + "\"}");
    assertThat(created.getInteger("_status")).as(created.encode()).isEqualTo(201);
    return id;
  }

  private static JsonObject place(String account, String symbol, String side, long quantity, String tif)
      throws Exception {
    return send("POST", "/api/trades/orders/active", new JsonObject().put("account", account).put("symbol", symbol)
        .put("side", side).put("quantity", quantity).put("order_type", "MKT").put("tif", tif).encode());
  }

  private static JsonObject order(long id) throws Exception {
    return send("GET", "/api/trades/orders/" + id, null).getJsonObject("order");
  }

  private static JsonObject accountOf(String id) throws Exception {
    return send("GET", "/api/accounts/" + id, null).getJsonObject("account");
  }

  private static java.util.List<String> fills(long orderId) {
    java.util.List<String> fills = new java.util.ArrayList<>();
    pool.preparedQuery("SELECT quantity, price FROM fills WHERE order_id = $1 ORDER BY id")
        .execute(io.vertx.sqlclient.Tuple.of(orderId)).await()
        .forEach(row -> fills.add(row.getLong(0) + "@" + row.getBigDecimal(1).toPlainString()));
    return fills;
  }

  private static void booksAgree() throws Exception {
    com.thortrading.testsupport.Ledgers.assertBooksAgree(pool);
  }

  @Test
  void aMarketBuyLargerThanTheAskSizeFillsWhatIsShownAndTheRestOnLaterQuotes() throws Exception {
    String account = account("100000.00");
    sizedQuote("PART", "10.00", "500", "10.03", "300");
    JsonObject placed = place(account, "PART", "BUY", 1000, "DAY");
    assertThat(placed.getInteger("_status")).as(placed.encode()).isEqualTo(201);
    JsonObject order = placed.getJsonObject("order");
    long id = order.getLong("id");
    assertThat(order.getString("status")).isEqualTo("WORKING");
    assertThat(order.getLong("filled_quantity")).isEqualTo(300);
    assertThat(order.getString("fill_price")).isEqualTo("10.03");
    assertThat(order.getString("fill_reason"))
        .isEqualTo("market order at ask 10.03; 300 of 1000 (ask_size 300), 700 left");
    // 300 paid for; the 700 still open hold their cash at the price paid so far.
    JsonObject after = placed.getJsonObject("account");
    assertThat(after.getString("cash")).isEqualTo("96991.00");
    assertThat(after.getString("reserved_cash")).isEqualTo("7021.00");
    assertThat(placed.getJsonObject("position").getLong("quantity")).isEqualTo(300);
    // A replace may not go down to what has filled: 400 naming the field, and the order as it was.
    JsonObject shrunk = send("PATCH", "/api/trades/orders/" + id, "{\"quantity\":300}");
    assertThat(shrunk.getInteger("_status")).as(shrunk.encode()).isEqualTo(400);
    assertThat(shrunk.getJsonObject("error").getString("message")).startsWith("quantity: must be more than the 300");
    assertThat(order(id).getLong("quantity")).isEqualTo(1000);

    // The next quote shows 200 at 10.05: 200 more, the average over both parts.
    sizedQuote("PART", "10.01", "500", "10.05", "200");
    await().atMost(Duration.ofSeconds(10)).until(() -> order(id).getLong("filled_quantity") == 500);
    assertThat(order(id).getString("fill_price")).isEqualTo("10.038");
    assertThat(order(id).getString("status")).isEqualTo("WORKING");

    // Then 5,000 at 10.04: the last 500, and the order is done.
    sizedQuote("PART", "10.01", "500", "10.04", "5000");
    await().atMost(Duration.ofSeconds(10)).until(() -> "FILLED".equals(order(id).getString("status")));
    JsonObject done = order(id);
    assertThat(done.getLong("filled_quantity")).isEqualTo(1000);
    assertThat(done.getString("fill_price")).isEqualTo("10.039");
    assertThat(done.getString("fill_reason")).isEqualTo("market order at ask 10.04; all 500 (ask_size 5000)");
    assertThat(fills(id)).containsExactly("300@10.03", "200@10.05", "500@10.04");
    JsonObject books = accountOf(account);
    assertThat(books.getString("cash")).isEqualTo("89961.00");
    assertThat(books.getString("reserved_cash")).isEqualTo("0.00");
    // Each part reached the account's order stream as its own event.
    assertThat(send("GET", "/api/trades/events?account=" + account, null).getJsonArray("events").stream()
        .map(e -> ((JsonObject) e).getLong("filled_quantity")).toList()).containsExactly(300L, 500L, 1000L);
    booksAgree();
  }

  @Test
  void aLaterPartAtAWorsePriceThatLeavesARestTheCashCannotHoldFillsAndCancelsTheRest() throws Exception {
    String account = account("1000.00");
    sizedQuote("DEAR", "99.90", "10", "100.00", "5");
    JsonObject placed = place(account, "DEAR", "BUY", 10, "DAY");
    long id = placed.getJsonObject("order").getLong("id");
    assertThat(placed.getJsonObject("order").getLong("filled_quantity")).isEqualTo(5);
    assertThat(placed.getJsonObject("account").getString("reserved_cash")).isEqualTo("500.00");

    // 2 more at 101.00 are payable (202.00 of the 500.00 left), but the 3 after them would hold more than the
    // 298.00 that would be left: the 2 fill, the rest is cancelled, and nothing holds cash the account lacks.
    sizedQuote("DEAR", "100.90", "10", "101.00", "2");
    await().atMost(Duration.ofSeconds(10)).until(() -> "CANCELED".equals(order(id).getString("status")));
    JsonObject ended = order(id);
    assertThat(ended.getLong("filled_quantity")).isEqualTo(7);
    assertThat(ended.getString("reject_reason")).startsWith("the remaining 3 cancelled: ");
    assertThat(fills(id)).containsExactly("5@100.00", "2@101.00");
    JsonObject books = accountOf(account);
    assertThat(books.getString("cash")).isEqualTo("298.00");
    assertThat(books.getString("reserved_cash")).isEqualTo("0.00");
    booksAgree();
  }

  @Test
  void anIocTakesWhatIsShownAndCancelsTheRestAndAFokTakesNothingUnlessAllIsShown() throws Exception {
    String account = account("100000.00");
    sizedQuote("IOCF", "20.00", "100", "20.02", "100");
    JsonObject ioc = place(account, "IOCF", "BUY", 250, "IOC").getJsonObject("order");
    assertThat(ioc.getString("status")).isEqualTo("CANCELED");
    assertThat(ioc.getLong("filled_quantity")).isEqualTo(100);
    assertThat(ioc.getString("fill_reason")).endsWith("; IOC: the other 150 cancelled");
    assertThat(fills(ioc.getLong("id"))).containsExactly("100@20.02");

    JsonObject fok = place(account, "IOCF", "SELL", 50, "FOK");
    assertThat(fok.getJsonObject("order").getString("status")).as(fok.encode()).isEqualTo("FILLED");
    JsonObject tooBig = place(account, "IOCF", "BUY", 101, "FOK").getJsonObject("order");
    assertThat(tooBig.getString("status")).isEqualTo("CANCELED");
    assertThat(tooBig.getLong("filled_quantity")).isZero();
    assertThat(tooBig.getString("reject_reason")).contains("FOK order could not fill all 101 at once");
    assertThat(fills(tooBig.getLong("id"))).isEmpty();
    assertThat(accountOf(account).getJsonArray("positions").getJsonObject(0).getLong("quantity")).isEqualTo(50);
    booksAgree();
  }

  @Test
  void enginesRacingForAPartlyFilledOrderTakeEachQuotesSizeOnceAndACancelKeepsWhatFilled() throws Exception {
    var options = new com.thortrading.accounts.EngineOptions(Duration.ZERO, false, java.time.Clock.systemUTC(),
        com.thortrading.accounts.FillPriceRule.LimitWithoutQuote.REST, com.thortrading.accounts.Instruments.defaults(),
        com.thortrading.accounts.FillPriceRule.MarketFill.TOUCH);
    var redis = new LiveDataRedis(io.vertx.redis.client.Redis.createClient(vertx, REDIS.url()));
    var a = new com.thortrading.accounts.OrderEngine(pool, new com.thortrading.accounts.TradingStore(), redis, options);
    var b = new com.thortrading.accounts.OrderEngine(io.vertx.pgclient.PgBuilder.pool().connectingTo(PG.url())
        .using(vertx).build(), new com.thortrading.accounts.TradingStore(), redis, options);
    String account = account("100000.00");
    for (int round = 0; round < 5; round++) {
      String symbol = "RACE" + round;
      sizedQuote(symbol, "50.00", "10", "50.02", "3");
      long id = place(account, symbol, "BUY", 10, "GTC").getJsonObject("order").getLong("id");
      // Each newer quote shows 2: the service's own matcher and two more engines all try it at once.
      for (int q = 1; q <= 4; q++) {
        Instant at = Instant.now().plusSeconds(q);
        var quote = com.thortrading.livedata.QuoteJson.fromJson(new JsonObject().put("symbol", symbol)
            .put("last", "50.00").put("bid", "50.00").put("ask", "50.0" + (2 + q)).put("ask_size", "2")
            .put("timestamp", at.toString()).encode());
        io.vertx.core.Future.all(a.matchWorking(id, quote), b.matchWorking(id, quote), a.matchWorking(id, quote),
            b.matchWorking(id, quote)).await();
        assertThat(order(id).getLong("filled_quantity")).as("order %d after quote %d", id, q)
            .isEqualTo(Math.min(10, 3 + 2L * q));
      }
      assertThat(fills(id)).containsExactly("3@50.02", "2@50.03", "2@50.04", "2@50.05", "1@50.06");
      assertThat(order(id).getString("status")).isEqualTo("FILLED");

      // A cancel racing the next part: the parts filled stay filled, and nothing fills after the cancel.
      sizedQuote(symbol, "50.00", "10", "50.02", "3");
      long raced = place(account, symbol, "BUY", 10, "GTC").getJsonObject("order").getLong("id");
      var quote = com.thortrading.livedata.QuoteJson.fromJson(new JsonObject().put("symbol", symbol)
          .put("last", "50.00").put("bid", "50.00").put("ask", "50.03").put("ask_size", "2")
          .put("timestamp", Instant.now().plusSeconds(10).toString()).encode());
      var part = b.matchWorking(raced, quote);
      var cancel = a.cancel(raced, java.util.Optional.empty());
      io.vertx.core.Future.join(part, cancel).await();
      JsonObject ended = order(raced);
      assertThat(ended.getString("status")).isEqualTo("CANCELED");
      assertThat(ended.getLong("filled_quantity")).isIn(3L, 5L);
      assertThat(fills(raced)).hasSize(ended.getLong("filled_quantity") == 3 ? 1 : 2);
    }
    booksAgree();
  }

  private static void quote(String symbol, String last, String bid, String ask) {
    String json = new JsonObject().put("symbol", symbol).put("last", last).put("bid", bid).put("ask", ask)
        .put("timestamp", Instant.now().toString()).encode();
    try (Jedis jedis = REDIS.jedis()) {
      com.thortrading.testsupport.NodeQuotes.publish(service, jedis, symbol, json);
    }
  }

  private static JsonObject send(String method, String path, String body) throws Exception {
    HttpRequest.Builder request = TestService.request(URI.create("http://127.0.0.1:" + service.httpPort() + path));
    HttpResponse<String> response = HTTP.send(body == null ? request.GET().build()
        : request.method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    return new JsonObject(response.body()).put("_status", response.statusCode());
  }

  @Test
  void marketOrdersFillAtTheTouchAndATriggeredStopToo() throws Exception {
    quote("TCH", "10.00", "9.98", "10.03");
    JsonObject buy = send("POST", "/api/trades/orders/active",
        "{\"symbol\":\"TCH\",\"side\":\"BUY\",\"quantity\":10,\"order_type\":\"MKT\"}");
    assertThat(buy.getInteger("_status")).as(buy.encode()).isEqualTo(201);
    assertThat(buy.getJsonObject("order").getString("fill_price")).isEqualTo("10.03");
    assertThat(buy.getJsonObject("order").getString("fill_reason")).isEqualTo("market order at ask 10.03");

    JsonObject sell = send("POST", "/api/trades/orders/active",
        "{\"symbol\":\"TCH\",\"side\":\"SELL\",\"quantity\":4,\"order_type\":\"MKT\"}");
    assertThat(sell.getJsonObject("order").getString("fill_price")).isEqualTo("9.98");

    JsonObject stop = send("POST", "/api/trades/orders/active", "{\"symbol\":\"TCH\",\"side\":\"BUY\",\"quantity\":1,"
        + "\"order_type\":\"STP\",\"stop_price\":\"10.50\",\"tif\":\"GTC\"}");
    assertThat(stop.getJsonObject("order").getString("status")).isEqualTo("WORKING");
    long id = stop.getJsonObject("order").getLong("id");
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      quote("TCH", "10.50", "10.49", "10.52");
      assertThat(send("GET", "/api/trades/orders/" + id, null).getJsonObject("order").getString("status"))
          .isEqualTo("FILLED");
    });
    assertThat(send("GET", "/api/trades/orders/" + id, null).getJsonObject("order").getString("fill_reason"))
        .isEqualTo("last 10.50 ≥ stop 10.50; market at ask 10.52");
  }
}
