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

/** THOR_MARKET_FILL=touch through the whole service: at placement, and for a stop the matcher triggers. */
class MarketFillTouchTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  static final PostgresServerExtension PG = new PostgresServerExtension();

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static ThorService service;

  @BeforeAll
  static void start() throws Exception {
    service = TestService.start(Map.of("THOR_REDIS_URL", REDIS.url(), "THOR_PG_URL", PG.url(),
        "THOR_SYMBOLS", "SIMONLY", "THOR_MARKET_FILL", "touch"));
  }

  @AfterAll
  static void stop() {
    if (service != null) {
      service.close();
    }
  }

  private static void quote(String symbol, String last, String bid, String ask) {
    String json = new JsonObject().put("symbol", symbol).put("last", last).put("bid", bid).put("ask", ask)
        .put("timestamp", Instant.now().toString()).encode();
    try (Jedis jedis = REDIS.jedis()) {
      jedis.hset(LiveDataRedis.LATEST_QUOTES_KEY, symbol, json);
      jedis.publish(LiveDataRedis.quoteChannel(symbol), json);
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
