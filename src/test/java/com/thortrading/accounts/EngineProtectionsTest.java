package com.thortrading.accounts;

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

/** Stale quotes and the symbol whitelist, switched on, with the whole service behind the REST API. */
class EngineProtectionsTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  static final PostgresServerExtension PG = new PostgresServerExtension();

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private static ThorService service;

  @BeforeAll
  static void start() throws Exception {
    service = TestService.start(Map.of("THOR_REDIS_URL", REDIS.url(), "THOR_PG_URL", PG.url(),
        "THOR_SYMBOLS", "SIMONLY", "THOR_MAX_QUOTE_AGE_MS", "5000", "THOR_SYMBOL_WHITELIST", "true"));
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  private static JsonObject place(String json) throws Exception {
    HttpResponse<String> response = HTTP.send(TestService.request(
            URI.create("http://127.0.0.1:" + service.httpPort() + "/api/trades/orders/active"))
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    return new JsonObject(response.body()).put("http_status", response.statusCode());
  }

  private static void quote(String symbol, Instant at) {
    try (Jedis jedis = REDIS.jedis()) {
      jedis.hset(LiveDataRedis.LATEST_QUOTES_KEY, symbol,
          "{\"symbol\":\"" + symbol + "\",\"last\":\"10.00\",\"bid\":\"9.99\",\"ask\":\"10.01\",\"timestamp\":\"" + at + "\"}");
      jedis.sadd(LiveDataRedis.SYMBOLS_KEY, symbol);
    }
  }

  @Test
  void aStaleQuoteIsNoLivePriceForMarketOrdersAndMakesLimitOrdersWait() throws Exception {
    quote("OLDQ", Instant.now().minusSeconds(60));

    JsonObject market = place("{\"symbol\":\"OLDQ\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"MKT\"}");
    assertThat(market.getInteger("http_status")).isEqualTo(422);
    assertThat(market.getJsonObject("error").getString("code")).isEqualTo("STALE_PRICE");
    assertThat(market.getJsonObject("error").getString("message")).contains("older than the 5000 ms");

    JsonObject limit = place("{\"symbol\":\"OLDQ\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"LMT\","
        + "\"limit_price\":\"11.00\",\"tif\":\"GTC\"}");
    assertThat(limit.getJsonObject("order").getString("status")).isEqualTo("WORKING"); // would cross, but stale
    // And it stays so once the matcher has it in its book: stale quotes arriving on the channel (again and again,
    // so some come after the book has the order) fill nothing.
    long limitId = limit.getJsonObject("order").getLong("id");
    await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> {
      try (Jedis jedis = REDIS.jedis()) {
        jedis.publish(LiveDataRedis.quoteChannel("OLDQ"), "{\"symbol\":\"OLDQ\",\"last\":\"10.00\","
            + "\"bid\":\"9.99\",\"ask\":\"10.01\",\"timestamp\":\"" + Instant.now().minusSeconds(60) + "\"}");
      }
      return get("/api/trades/orders/" + limitId).getJsonObject("order").getString("status").equals("WORKING");
    });

    quote("FRESHQ", Instant.now());
    JsonObject fresh = place("{\"symbol\":\"FRESHQ\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"MKT\"}");
    assertThat(fresh.getJsonObject("order").getString("status")).isEqualTo("FILLED");
  }

  private static JsonObject get(String path) throws Exception {
    return new JsonObject(HTTP.send(TestService.request(URI.create("http://127.0.0.1:" + service.httpPort() + path))
        .build(), HttpResponse.BodyHandlers.ofString()).body());
  }

  @Test
  void aLimitOrderOnASymbolWithNoQuoteRestsSoNoCashCanBeMinted() throws Exception {
    HttpResponse<String> created = HTTP.send(TestService.request(URI.create("http://127.0.0.1:" + service.httpPort()
        + "/api/accounts")).POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"minter\",\"cash\":\"100.00\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(created.statusCode()).isEqualTo(201);

    // The hole: buy at a cent, sell at a billion, on a symbol nobody quotes.
    JsonObject buy = place("{\"account\":\"minter\",\"symbol\":\"NOQUOTE\",\"side\":\"BUY\",\"quantity\":1,"
        + "\"order_type\":\"LMT\",\"limit_price\":\"0.01\",\"tif\":\"GTC\"}");
    assertThat(buy.getInteger("http_status")).isEqualTo(201);
    assertThat(buy.getJsonObject("order").getString("status")).isEqualTo("WORKING");
    assertThat(buy.getJsonObject("order").getString("fill_reason")).isEqualTo("waiting for a quote of NOQUOTE");
    JsonObject sell = place("{\"account\":\"minter\",\"symbol\":\"NOQUOTE\",\"side\":\"SELL\",\"quantity\":1,"
        + "\"order_type\":\"LMT\",\"limit_price\":\"999999999.99\"}");
    assertThat(sell.getInteger("http_status")).isEqualTo(422);
    assertThat(get("/api/accounts/minter").getJsonObject("account").getString("cash")).isEqualTo("100.00");

    // The first quote decides by the usual crossing rule: an ask of 10.01 does not cross a 0.01 bid ...
    publish("NOQUOTE", "10.00", "9.99", "10.01");
    long id = buy.getJsonObject("order").getLong("id");
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
        .until(() -> get("/api/trades/orders/" + id).getJsonObject("order").getString("status").equals("WORKING"));
    // ... and one that does fills it at its limit.
    publish("NOQUOTE", "0.01", "0.01", "0.01");
    await().atMost(Duration.ofSeconds(5))
        .until(() -> get("/api/trades/orders/" + id).getJsonObject("order").getString("status").equals("FILLED"));
    assertThat(get("/api/accounts/minter").getJsonObject("account").getString("cash")).isEqualTo("99.99");
  }

  private static void publish(String symbol, String last, String bid, String ask) {
    String json = "{\"symbol\":\"" + symbol + "\",\"last\":\"" + last + "\",\"bid\":\"" + bid + "\",\"ask\":\""
        + ask + "\",\"timestamp\":\"" + Instant.now() + "\"}";
    try (Jedis jedis = REDIS.jedis()) {
      com.thortrading.testsupport.NodeQuotes.publish(service, jedis, symbol, json);
    }
  }

  /** The matcher's book size on this node, as /metrics shows it. */
  private static double bookSize() throws Exception {
    String text = HTTP.send(TestService.request(URI.create("http://127.0.0.1:" + service.httpPort() + "/metrics"))
        .build(), HttpResponse.BodyHandlers.ofString()).body();
    return text.lines().filter(l -> l.startsWith("thortrading_matcher_working_orders "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElseThrow();
  }

  @Test
  void aFilledOrderNeverComesBackIntoTheMatchersBookUnderReorderedEvents() throws Exception {
    quote("REORD", Instant.now());
    double before = bookSize();
    JsonObject working = place("{\"symbol\":\"REORD\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"LMT\","
        + "\"limit_price\":\"1.00\",\"tif\":\"GTC\"}").getJsonObject("order");
    await().atMost(Duration.ofSeconds(5)).until(() -> bookSize() == before + 1);

    // A FILLED event, then the WORKING state of an earlier change arriving late (as a replace's event may).
    JsonObject filled = working.copy().put("status", "FILLED").put("filled_quantity", 1).put("seq", 1_000_000L);
    JsonObject late = working.copy().put("seq", 999_999L);
    service.vertx().eventBus().publish("orders.changes", filled);
    service.vertx().eventBus().publish("orders.changes", late);

    await().atMost(Duration.ofSeconds(5)).until(() -> bookSize() == before);
    await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> bookSize() == before);
  }

  @Test
  void withTheWhitelistOnlyPublishedSymbolsTakeMarketOrders() throws Exception {
    JsonObject unknown = place("{\"symbol\":\"NEVERSEEN\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"MKT\"}");
    assertThat(unknown.getInteger("http_status")).isEqualTo(422);
    assertThat(unknown.getJsonObject("error").getString("code")).isEqualTo("SYMBOL_NOT_TRADABLE");
    assertThat(unknown.getJsonObject("order").getString("status")).isEqualTo("REJECTED");

    // The simulator's own symbol has been published, so it trades.
    try (Jedis jedis = REDIS.jedis()) {
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
          .until(() -> jedis.sismember(LiveDataRedis.SYMBOLS_KEY, "SIMONLY"));
    }
    JsonObject sim = place("{\"symbol\":\"SIMONLY\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"MKT\"}");
    assertThat(sim.getJsonObject("order").getString("status")).isEqualTo("FILLED");
  }
}
