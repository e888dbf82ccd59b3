package com.thortrading.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.thortrading.app.ThorService;
import com.thortrading.livedata.LiveDataRedis;
import com.thortrading.livedata.QuoteJson;
import com.thortrading.testsupport.PostgresServerExtension;
import com.thortrading.testsupport.RedisServerExtension;
import com.thortrading.testsupport.SettableClock;
import com.thortrading.testsupport.TestService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.redis.client.Redis;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/** Working orders against quotes published into Redis, with the whole service and real servers behind it. */
class OrderMatchingTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  static final PostgresServerExtension PG = new PostgresServerExtension();

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static final AtomicLong CLOCK = new AtomicLong(Instant.parse("2026-01-05T15:00:00Z").toEpochMilli());
  /** The service's clock: a weekday morning, so no test crosses the 16:00 close unless it moves the clock there. */
  private static final SettableClock SERVICE_CLOCK = new SettableClock(Instant.parse("2026-01-05T10:00:00Z"));
  private static final LocalTime SESSION_CLOSE = LocalTime.of(16, 0);
  private static ThorService service;

  @BeforeAll
  static void start() throws Exception {
    service = startService();
  }

  private static ThorService startService() throws Exception {
    // Positions are opened with quote-less limit orders, the original design's rule (THOR_LIMIT_WITHOUT_QUOTE=fill).
    return TestService.start(Map.of("THOR_REDIS_URL", REDIS.url(), "THOR_PG_URL", PG.url(),
        "THOR_LIMIT_WITHOUT_QUOTE", "fill",
        "THOR_SYMBOLS", "SIMONLY", "THOR_SESSION_ZONE", "UTC",
        "THOR_SESSION_CLOSE", SESSION_CLOSE.format(DateTimeFormatter.ISO_LOCAL_TIME)), SERVICE_CLOCK);
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  record Reply(int status, JsonObject body) {
    JsonObject order() {
      return body.getJsonObject("order");
    }
  }

  private static Reply call(String method, String path, String body) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + service.httpPort() + path))
        .header("Authorization", TestService.ADMIN)
        .timeout(Duration.ofSeconds(30)).header("content-type", "application/json");
    request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(response.statusCode(), new JsonObject(response.body()));
  }

  private static String account(String cash) throws Exception {
    String id = "match-" + NAMES.incrementAndGet();
    assertThat(call("POST", "/api/accounts", "{\"id\":\"" + id + "\",\"cash\":\"" + cash + "\"}").status()).isEqualTo(201);
    return id;
  }

  private static String symbol() {
    return "M" + NAMES.incrementAndGet();
  }

  private static Reply place(String account, String symbol, String side, int qty, String type, String limit,
      String stop, String tif) throws Exception {
    JsonObject order = new JsonObject().put("account", account).put("symbol", symbol).put("side", side)
        .put("quantity", qty).put("order_type", type).put("tif", tif);
    if (limit != null) {
      order.put("limit_price", limit);
    }
    if (stop != null) {
      order.put("stop_price", stop);
    }
    return call("POST", "/api/trades/orders/active", order.encode());
  }

  /** Stores and publishes a quote the way the ingest does. */
  private static void quote(String symbol, String last, String bid, String ask) {
    JsonObject json = new JsonObject().put("symbol", symbol);
    if (last != null) json.put("last", last);
    if (bid != null) json.put("bid", bid);
    if (ask != null) json.put("ask", ask);
    json.put("timestamp", Instant.ofEpochMilli(CLOCK.addAndGet(1000)).toString());
    try (Jedis jedis = REDIS.jedis()) {
      com.thortrading.testsupport.NodeQuotes.publish(service, jedis, symbol, json.encode());
    }
  }

  private static JsonObject order(long id) throws Exception {
    return call("GET", "/api/trades/orders/" + id, null).order();
  }

  private static JsonObject accountOf(String id) throws Exception {
    return call("GET", "/api/accounts/" + id, null).body().getJsonObject("account");
  }

  private static long redisCalls(String command) {
    try (Jedis jedis = REDIS.jedis()) {
      return jedis.info("commandstats").lines().filter(l -> l.startsWith("cmdstat_" + command + ":"))
          .map(l -> Long.parseLong(l.replaceAll("^[^:]*:calls=(\\d+),.*$", "$1"))).findFirst().orElse(0L);
    }
  }

  @Test
  void ordersMatchingAndAccountReadsUseTheNodesQuoteCopyAndReadTheHashOnlyForASymbolItLacks() throws Exception {
    String account = account("100000.00");
    String held = symbol();
    String traded = symbol();
    quote(held, "50.00", "49.99", "50.01");
    quote(traded, "20.00", "19.99", "20.01");
    assertThat(place(account, held, "BUY", 2, "MKT", null, null, "DAY").status()).isEqualTo(201);
    long hashReads = redisCalls("hgetall");
    long oneSymbolReads = redisCalls("hget");

    for (int i = 0; i < 5; i++) {
      Reply bought = place(account, traded, "BUY", 1, "MKT", null, null, "DAY");
      assertThat(bought.status()).isEqualTo(201);
      assertThat(bought.order().getString("fill_price")).isEqualTo("20.00");
    }
    long id = place(account, traded, "BUY", 1, "LMT", "19.00", null, "GTC").order().getLong("id");
    quote(held, "51.00", "50.99", "51.01");
    quote(traded, "18.90", "18.89", "18.91");
    await().atMost(Duration.ofSeconds(10)).until(() -> order(id).getString("status").equals("FILLED"));
    // Valued at the newest quotes, which only the node's copy had (the matcher's fill proves it got them):
    // 2 × 51.00 + 6 × 18.90.
    await().atMost(Duration.ofSeconds(10)).until(() -> accountOf(account).getString("market_value").equals("215.40"));

    assertThat(redisCalls("hgetall") - hashReads).as("HGETALL of the latest-quotes hash").isZero();
    assertThat(redisCalls("hget") - oneSymbolReads).as("HGET for symbols the node has").isZero();

    // A symbol the node has never been sent (only stored in the hash) is read from the hash, that symbol alone. (An
    // order first, on a symbol the node has, brings the engine's copy of the account past the matcher's fill, so the
    // next batch is decided once.)
    assertThat(place(account, traded, "BUY", 1, "MKT", null, null, "DAY").status()).isEqualTo(201);
    assertThat(redisCalls("hget") - oneSymbolReads).as("HGET for symbols the node has").isZero();
    String unseen = symbol();
    try (Jedis jedis = REDIS.jedis()) {
      jedis.hset(LiveDataRedis.LATEST_QUOTES_KEY, unseen, new JsonObject().put("symbol", unseen).put("last", "7.00")
          .put("bid", "6.99").put("ask", "7.01").put("timestamp", Instant.now().toString()).encode());
    }
    Reply fromHash = place(account, unseen, "BUY", 1, "MKT", null, null, "DAY");
    assertThat(fromHash.status()).isEqualTo(201);
    assertThat(fromHash.order().getString("fill_price")).isEqualTo("7.00");
    assertThat(redisCalls("hget") - oneSymbolReads).as("HGET of the one symbol the node lacked").isEqualTo(1);
    assertThat(redisCalls("hgetall") - hashReads).as("HGETALL of the latest-quotes hash").isZero();
  }

  @Test
  void restingLimitBuyWorksWithItsReservationAndFillsAtItsLimitWhenAQuoteCrossesIt() throws Exception {
    String account = account("1000.00");
    String symbol = symbol();
    quote(symbol, "9.58", "9.55", "9.60");

    Reply placed = place(account, symbol, "BUY", 10, "LMT", "9.50", null, "GTC");
    assertThat(placed.status()).isEqualTo(201);
    assertThat(placed.order().getString("status")).isEqualTo("WORKING");
    assertThat(placed.order().getString("fill_reason")).isEqualTo("ask 9.60 > limit 9.50");
    JsonObject before = placed.body().getJsonObject("account");
    assertThat(before.getString("cash")).isEqualTo("1000.00");
    assertThat(before.getString("reserved_cash")).isEqualTo("95.00");
    assertThat(before.getString("stock_buying_power")).isEqualTo("905.00");

    long id = placed.order().getLong("id");
    quote(symbol, "9.52", "9.51", "9.53"); // not yet
    quote(symbol, "9.46", "9.44", "9.45"); // crosses
    await().atMost(Duration.ofSeconds(10)).until(() -> order(id).getString("status").equals("FILLED"));
    JsonObject filled = order(id);
    assertThat(filled.getString("fill_price")).isEqualTo("9.50");
    assertThat(filled.getString("fill_reason")).isEqualTo("ask 9.45 ≤ limit 9.50");
    assertThat(filled.getJsonObject("fill_quote").getString("ask")).isEqualTo("9.45");
    JsonObject after = accountOf(account);
    assertThat(after.getString("cash")).isEqualTo("905.00");
    assertThat(after.getString("reserved_cash")).isEqualTo("0.00");
  }

  @Test
  void workingOrdersCanNeverTogetherOverspendOrOversell() throws Exception {
    String account = account("1000.00");
    String symbol = symbol();
    quote(symbol, "20.00", "19.99", "20.01");

    assertThat(place(account, symbol, "BUY", 40, "LMT", "15.00", null, "DAY").order().getString("status"))
        .isEqualTo("WORKING"); // holds 600.00
    Reply second = place(account, symbol, "BUY", 30, "LMT", "15.00", null, "DAY"); // would hold 450.00
    assertThat(second.status()).isEqualTo(422);
    assertThat(second.body().getJsonObject("error").getString("code")).isEqualTo("INSUFFICIENT_BUYING_POWER");
    Reply marketable = place(account, symbol, "BUY", 25, "MKT", null, null, "DAY"); // 500.00 > 400 free
    assertThat(marketable.body().getJsonObject("error").getString("code")).isEqualTo("INSUFFICIENT_BUYING_POWER");

    String held = symbol();
    assertThat(place(account, held, "BUY", 10, "LMT", "1.00", null, "DAY").order().getString("status"))
        .isEqualTo("FILLED"); // no quote: fills at its limit
    quote(held, "1.00", "0.99", "1.01");
    assertThat(place(account, held, "SELL", 6, "LMT", "2.00", null, "GTC").order().getString("status"))
        .isEqualTo("WORKING");
    Reply oversell = place(account, held, "SELL", 6, "LMT", "2.00", null, "GTC");
    assertThat(oversell.body().getJsonObject("error").getString("code")).isEqualTo("INSUFFICIENT_BUYING_POWER");
    assertThat(oversell.body().getJsonObject("error").getString("message")).contains("6 of the 10 held");
  }

  @Test
  void iocAndFokFillNowOrAreCancelled() throws Exception {
    String account = account("1000.00");
    String symbol = symbol();
    quote(symbol, "10.00", "9.99", "10.01");

    for (String tif : List.of("IOC", "FOK")) {
      Reply missed = place(account, symbol, "BUY", 1, "LMT", "9.00", null, tif);
      assertThat(missed.status()).isEqualTo(201);
      assertThat(missed.order().getString("status")).isEqualTo("CANCELED");
      assertThat(missed.order().getString("reject_code")).isEqualTo("NOT_MARKETABLE");
      Reply hit = place(account, symbol, "BUY", 1, "LMT", "10.01", null, tif);
      assertThat(hit.order().getString("status")).isEqualTo("FILLED");
    }
    assertThat(accountOf(account).getString("reserved_cash")).isEqualTo("0.00");
  }

  @Test
  void cancellingAWorkingOrderReleasesItsReservation() throws Exception {
    String account = account("1000.00");
    String symbol = symbol();
    quote(symbol, "50.00", "49.99", "50.01");
    long id = place(account, symbol, "BUY", 10, "LMT", "40.00", null, "GTC").order().getLong("id");
    assertThat(accountOf(account).getString("stock_buying_power")).isEqualTo("600.00");

    Reply cancelled = call("DELETE", "/api/trades/orders/" + id, null);

    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(cancelled.order().getString("status")).isEqualTo("CANCELED");
    assertThat(accountOf(account).getString("stock_buying_power")).isEqualTo("1000.00");
    assertThat(call("DELETE", "/api/trades/orders/" + id, null).status()).isEqualTo(409);
    quote(symbol, "39.00", "38.99", "39.01"); // would have crossed
    // Something that must not happen: given a bounded window in which it could.
    await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(3))
        .until(() -> order(id).getString("status").equals("CANCELED"));
    assertThat(order(id).getString("fill_price")).isNull();
  }

  @Test
  void stopSellTriggersOnAFallingQuoteAndFillsAtMarket() throws Exception {
    String account = account("1000.00");
    String symbol = symbol();
    assertThat(place(account, symbol, "BUY", 10, "LMT", "30.00", null, "DAY").order().getString("status"))
        .isEqualTo("FILLED");
    quote(symbol, "30.00", "29.99", "30.01");
    long id = place(account, symbol, "SELL", 10, "STP", null, "29.00", "GTC").order().getLong("id");

    quote(symbol, "29.50", "29.49", "29.51");
    await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(3))
        .until(() -> order(id).getString("status").equals("WORKING"));
    quote(symbol, "28.90", "28.85", "28.95");

    await().atMost(Duration.ofSeconds(10)).until(() -> order(id).getString("status").equals("FILLED"));
    assertThat(order(id).getString("fill_price")).isEqualTo("28.90");
    assertThat(order(id).getString("fill_reason")).isEqualTo("last 28.90 ≤ stop 29.00; market at last 28.90");
    assertThat(accountOf(account).getString("cash")).isEqualTo("989.00");
  }

  @Test
  void dayOrdersExpireAtTheSessionCloseAndGtcOrdersStay() throws Exception {
    String account = account("1000.00");
    String symbol = symbol();
    quote(symbol, "10.00", "9.99", "10.01");
    long day = place(account, symbol, "BUY", 1, "LMT", "5.00", null, "DAY").order().getLong("id");
    long gtc = place(account, symbol, "BUY", 1, "LMT", "5.00", null, "GTC").order().getLong("id");

    // Before the close nothing expires; the matcher reads the service's clock, not the wall clock.
    Instant close = new SessionClock(SESSION_CLOSE, ZoneOffset.UTC).nextClose(SERVICE_CLOCK.instant());
    SERVICE_CLOCK.set(close.minusSeconds(2));
    await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
        .until(() -> order(day).getString("status").equals("WORKING"));

    // No quote needs to arrive: the close alone expires DAY orders.
    SERVICE_CLOCK.set(close.plusMillis(100));
    await().atMost(Duration.ofSeconds(10)).until(() -> order(day).getString("status").equals("EXPIRED"));
    // Stamped by the service's clock, not the database's or the wall clock.
    assertThat(Instant.parse(order(day).getString("updated_at"))).isBetween(close, close.plusSeconds(15));
    assertThat(Instant.parse(order(day).getString("created_at"))).isBefore(close);
    await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
      assertThat(order(gtc).getString("status")).isEqualTo("WORKING");
      assertThat(accountOf(account).getString("reserved_cash")).isEqualTo("5.00");
    });

    // An order placed after the close is a DAY order of the next session: it works on.
    long next = place(account, symbol, "BUY", 1, "LMT", "5.00", null, "DAY").order().getLong("id");
    await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3))
        .until(() -> order(next).getString("status").equals("WORKING"));
  }

  @Test
  void twoMatchersOrAMatcherAndACancelNeverFillTwiceOrFillACancelledOrder() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      Pool poolA = PgBuilder.pool().connectingTo(PG.url()).using(vertx).build();
      Pool poolB = PgBuilder.pool().connectingTo(PG.url()).using(vertx).build();
      LiveDataRedis redis = new LiveDataRedis(Redis.createClient(vertx, REDIS.url()));
      OrderEngine a = new OrderEngine(poolA, new TradingStore(), redis);
      OrderEngine b = new OrderEngine(poolB, new TradingStore(), redis);
      String account = account("100000.00");
      String symbol = symbol();
      quote(symbol, "100.00", "99.99", "100.01");
      var crossing = QuoteJson.fromJson("{\"symbol\":\"" + symbol + "\",\"last\":\"90.00\",\"bid\":\"89.99\","
          + "\"ask\":\"90.01\",\"timestamp\":\"2026-01-05T16:00:00Z\"}");

      for (int round = 0; round < 10; round++) {
        long id = place(account, symbol, "BUY", 1, "LMT", "95.00", null, "GTC").order().getLong("id");
        Future.all(a.matchWorking(id, crossing), b.matchWorking(id, crossing), a.matchWorking(id, crossing)).await();
        assertThat(fills(poolA, id)).as("fills of order %d", id).isEqualTo(1);
        assertThat(order(id).getString("status")).isEqualTo("FILLED");

        long raced = place(account, symbol, "BUY", 1, "LMT", "95.00", null, "GTC").order().getLong("id");
        var fill = b.matchWorking(raced, crossing);
        var cancel = a.cancel(raced, java.util.Optional.empty());
        Future.join(fill, cancel).await();
        String status = order(raced).getString("status");
        assertThat(status).isIn("FILLED", "CANCELED");
        assertThat(fills(poolA, raced)).isEqualTo(status.equals("FILLED") ? 1 : 0);

        // Replace racing a fill: either the replace lands first (and the fill, if any, is of the new order),
        // or the fill does and the replace fails; never a fill of the old quantity recorded as the new one.
        long replaced = place(account, symbol, "BUY", 1, "LMT", "95.00", null, "GTC").order().getLong("id");
        var refill = a.matchWorking(replaced, crossing);
        var change = b.replace(replaced, java.util.Optional.empty(), java.util.Optional.of(2L), java.util.Optional.empty(), java.util.Optional.empty());
        Future.join(refill, change).await();
        JsonObject after = order(replaced);
        long fillRows = fills(poolA, replaced);
        assertThat(fillRows).isLessThanOrEqualTo(1);
        if (change.result().outcome() == EngineOutcome.CONFLICT) {
          assertThat(after.getString("status")).isEqualTo("FILLED");
          assertThat(after.getLong("quantity")).isEqualTo(1);
        } else {
          assertThat(after.getLong("quantity")).isEqualTo(2);
          if (after.getString("status").equals("FILLED")) {
            assertThat(after.getLong("filled_quantity")).isEqualTo(2);
          }
        }
        if (after.getString("status").equals("WORKING")) {
          a.cancel(replaced, java.util.Optional.empty()).await();
        }
      }
      // Every fill paid once: cash is the start less 95.00 per filled share.
      long filled = poolA.preparedQuery("SELECT COALESCE(SUM(quantity), 0) FROM orders WHERE account_id = $1 "
          + "AND status = 'FILLED'").execute(Tuple.of(account)).await().iterator().next().getLong(0);
      assertThat(accountOf(account).getString("cash"))
          .isEqualTo(new java.math.BigDecimal("100000.00").subtract(new java.math.BigDecimal("95.00")
              .multiply(java.math.BigDecimal.valueOf(filled))).toPlainString());
    } finally {
      vertx.close().await();
    }
  }

  private static long fills(Pool pool, long orderId) {
    return pool.preparedQuery("SELECT count(*) FROM fills WHERE order_id = $1").execute(Tuple.of(orderId)).await()
        .iterator().next().getLong(0);
  }

  @Test
  void workingOrdersSurviveARestartAndFillOnTheNextCrossingQuote() throws Exception {
    String account = account("1000.00");
    String symbol = symbol();
    quote(symbol, "10.00", "9.99", "10.01");
    long id = place(account, symbol, "BUY", 10, "LMT", "9.00", null, "GTC").order().getLong("id");

    service.close();
    service = startService();

    // Reloading the book fills nothing by itself: the order waits for a crossing quote.
    await().during(Duration.ofMillis(1000)).atMost(Duration.ofSeconds(3))
        .until(() -> order(id).getString("status").equals("WORKING"));
    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
      quote(symbol, "8.95", "8.94", "8.96");
      assertThat(order(id).getString("status")).isEqualTo("FILLED");
    });
    assertThat(accountOf(account).getString("cash")).isEqualTo("910.00");
  }

  @Test
  void aWorkingOrderFillsOnAQuoteThatCrossedBeforeTheMatcherKnewIt() throws Exception {
    String account = account("1000.00");
    String symbol = symbol();
    quote(symbol, "10.00", "9.99", "10.01");
    long id = place(account, symbol, "BUY", 10, "LMT", "9.00", null, "GTC").order().getLong("id");

    service.close();
    // While the engine is down the price crosses; that quote is never published again, only kept as the latest.
    try (Jedis jedis = REDIS.jedis()) {
      jedis.hset(LiveDataRedis.LATEST_QUOTES_KEY, symbol, new JsonObject().put("symbol", symbol).put("last", "8.95")
          .put("bid", "8.94").put("ask", "8.96").put("timestamp", Instant.now().toString()).encode());
    }
    service = startService();

    // The book checks each order it takes against the latest quote, so the order fills without another one.
    await().atMost(Duration.ofSeconds(10)).until(() -> order(id).getString("status").equals("FILLED"));
    assertThat(order(id).getString("fill_price")).isEqualTo("9.00");
    assertThat(accountOf(account).getString("cash")).isEqualTo("910.00");
  }

  @Test
  void replaceChangesAWorkingOrderAtomicallyOrFailsOnceItIsFinal() throws Exception {
    String account = account("1000.00");
    String symbol = symbol();
    quote(symbol, "20.00", "19.99", "20.01");
    long id = place(account, symbol, "BUY", 10, "LMT", "15.00", null, "GTC").order().getLong("id");

    Reply replaced = call("PATCH", "/api/trades/orders/" + id, "{\"quantity\":20,\"limit_price\":\"16.00\"}");
    assertThat(replaced.status()).isEqualTo(200);
    assertThat(replaced.order().getLong("quantity")).isEqualTo(20);
    assertThat(replaced.order().getString("limit_price")).isEqualTo("16.00");
    assertThat(accountOf(account).getString("reserved_cash")).isEqualTo("320.00");

    Reply tooBig = call("PATCH", "/api/trades/orders/" + id, "{\"quantity\":100}");
    assertThat(tooBig.status()).isEqualTo(422);
    assertThat(tooBig.body().getJsonObject("error").getString("code")).isEqualTo("INSUFFICIENT_CASH");
    assertThat(order(id).getLong("quantity")).isEqualTo(20);
    assertThat(call("PATCH", "/api/trades/orders/" + id, "{}").status()).isEqualTo(400);
    assertThat(call("PATCH", "/api/trades/orders/" + id, "{\"stop_price\":\"1.00\"}").status()).isEqualTo(400);

    quote(symbol, "15.50", "15.49", "15.51"); // crosses the new limit, not the old one
    await().atMost(Duration.ofSeconds(10)).until(() -> order(id).getString("status").equals("FILLED"));
    assertThat(order(id).getString("fill_price")).isEqualTo("16.00");
    Reply late = call("PATCH", "/api/trades/orders/" + id, "{\"quantity\":5}");
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.body().getJsonObject("error").getString("code")).isEqualTo("ORDER_FINAL");
    assertThat(accountOf(account).getString("cash")).isEqualTo("680.00");
  }

  @Test
  void marginAndShortAccountsOverRest() throws Exception {
    String id = "short-" + NAMES.incrementAndGet();
    Reply created = call("POST", "/api/accounts",
        "{\"id\":\"" + id + "\",\"cash\":\"10000.00\",\"margin_enabled\":true,\"allow_short\":true}");
    assertThat(created.status()).isEqualTo(201);
    JsonObject account = created.body().getJsonObject("account");
    assertThat(account.getBoolean("margin_enabled")).isTrue();
    assertThat(account.getBoolean("allow_short")).isTrue();
    assertThat(account.getString("stock_buying_power")).isEqualTo("20000.00");
    assertThat(call("POST", "/api/accounts", "{\"id\":\"nomargin-" + NAMES.incrementAndGet()
        + "\",\"allow_short\":true}").status()).isEqualTo(400);

    String symbol = symbol();
    quote(symbol, "50.00", "49.99", "50.01");
    Reply shortSale = place(id, symbol, "SELL", 100, "MKT", null, null, "DAY");
    assertThat(shortSale.order().getString("status")).isEqualTo("FILLED");
    assertThat(shortSale.body().getJsonObject("position").getLong("quantity")).isEqualTo(-100);
    JsonObject after = shortSale.body().getJsonObject("account");
    // Cash 15,000.00; short worth -5,000.00; equity 10,000.00; maintenance 1,500.00; buying power 17,000.00.
    assertThat(after.getString("cash")).isEqualTo("15000.00");
    assertThat(after.getString("net_liq")).isEqualTo("10000.00");
    assertThat(after.getString("maintenance_requirement")).isEqualTo("1500.00");
    assertThat(after.getString("stock_buying_power")).isEqualTo("17000.00");

    quote(symbol, "60.00", "59.99", "60.01");
    Reply cover = place(id, symbol, "BUY", 100, "MKT", null, null, "DAY");
    assertThat(cover.body().getJsonObject("position").getString("realized_pnl")).isEqualTo("-1000.00");
    assertThat(cover.body().getJsonObject("account").getString("cash")).isEqualTo("9000.00");

    // A cash account still cannot short.
    String cash = account("1000.00");
    assertThat(place(cash, symbol, "SELL", 1, "MKT", null, null, "DAY").body().getJsonObject("error")
        .getString("code")).isEqualTo("NO_POSITION");
  }
}
