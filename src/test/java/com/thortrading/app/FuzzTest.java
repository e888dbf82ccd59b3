package com.thortrading.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.thortrading.testsupport.BridgeTestClient;
import com.thortrading.testsupport.PostgresServerExtension;
import com.thortrading.testsupport.RedisServerExtension;
import com.thortrading.testsupport.TestService;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.Jedis;

/**
 * Generated hostile traffic against the running service: over a thousand REST requests (hostile numbers, strings,
 * JSON, content types, tokens, ids, symbols and raw malformed HTTP) and over five hundred bridge frames. Nothing
 * may answer 5xx, log a stack trace or an ERROR, or write a row a refused request asked for; the service stays
 * healthy. The generator is seeded, so a failure replays.
 */
class FuzzTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  static final PostgresServerExtension PG = new PostgresServerExtension();

  private static final long SEED = 20261127L;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private static ThorService service;
  private static String accountToken;
  private static final ListAppender<ILoggingEvent> LOG = new ListAppender<>();

  @BeforeAll
  static void start() throws Exception {
    service = TestService.start(Map.of("THOR_REDIS_URL", REDIS.url(), "THOR_PG_URL", PG.url(),
        "THOR_SYMBOLS", "SIMONLY", "THOR_ORDER_RATE_PER_SECOND", "100000", "THOR_AUTH_FAILURES_PER_MINUTE", "1000000"));
    try (Jedis jedis = REDIS.jedis()) {
      jedis.hset("live_data:latest:quotes", "AAPL", "{\"symbol\":\"AAPL\",\"last\":\"190.00\",\"bid\":\"189.99\","
          + "\"ask\":\"190.01\",\"timestamp\":\"" + Instant.now() + "\"}");
    }
    HttpResponse<String> created = HTTP.send(TestService.request(URI.create(base() + "/api/accounts"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"id\":\"fuzz\",\"cash\":\"1000000.00\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    accountToken = new JsonObject(created.body()).getString("token");
    LOG.start();
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(LOG);
  }

  @AfterAll
  static void stop() {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(LOG);
    if (service != null) {
      service.close();
    }
  }

  static String base() {
    return "http://127.0.0.1:" + service.httpPort();
  }

  // --- the generator --------------------------------------------------------------------------------------

  private static final String[] HOSTILE_VALUES = {
      "1e-999999999", "1e999999999", "-1", "0", "-0.0", "99999999999999999999999999999999999999", "1.0000000001",
      "\"1e-999999999\"", "\"12.3.4\"", "\"\"", "\" \"", "null", "true", "[]", "{}", "[[[[[[[[]]]]]]]]",
      "\"AA\\u0000PL\"", "\"a\\ud800b\"", "\"\\udc00\"", "\"\\u001b[31m\"", "\"../../etc/passwd\"", "\"\u0661\u0662\"",
      "\"" + "X".repeat(5000) + "\"", "\"\uD83D\uDE80\"", "\"BUY\"", "\"MKT\"", "\"AAPL\"", "10", "\"190.00\"",
      "1.5", "\"$SPX\"", "\"/ES\"", "\"%00\"", "\"<script>\"", "\"'; DROP TABLE orders; --\""};
  private static final String[] ORDER_FIELDS = {"account", "symbol", "side", "quantity", "order_type", "limit_price",
      "stop_price", "tif", "client_order_id", "unknown_field"};
  private static final String[] CONTENT_TYPES = {"application/json", "application/json; charset=utf-8",
      "application/json; charset=foo", "text/plain", "application/x-www-form-urlencoded", null,
      "multipart/form-data; boundary=x", "APPLICATION/JSON"};
  private static final String[] HOSTILE_SEGMENTS = {"1", "0", "-1", "\u0661", "99999999999999999999", "%00", "..%2F..",
      "abc", "1e3", "%F0%9F%9A%80", "%C3%28", "a%20b", "X".repeat(300), "paper", "PAPER", "fuzz", "1.5"};

  record Call(String method, String path, String contentType, byte[] body, String authorization, boolean placesOrder,
      boolean createsAccount) {
  }

  static String validOrder(Random r) {
    return "{\"symbol\":\"AAPL\",\"side\":\"" + (r.nextBoolean() ? "BUY" : "SELL") + "\",\"quantity\":1,"
        + "\"order_type\":\"MKT\"}";
  }

  static byte[] hostileBody(Random r) {
    switch (r.nextInt(10)) {
      case 0 -> {
        return new byte[0];
      }
      case 1 -> {
        return (validOrder(r) + " trailing").getBytes(StandardCharsets.UTF_8);
      }
      case 2 -> {
        return (validOrder(r) + validOrder(r)).getBytes(StandardCharsets.UTF_8);
      }
      case 3 -> {
        byte[] bytes = validOrder(r).getBytes(StandardCharsets.UTF_8);
        bytes[r.nextInt(bytes.length)] = (byte) (0x80 + r.nextInt(0x40)); // a continuation byte out of place
        return bytes;
      }
      case 4 -> {
        return ("{\"symbol\":" + "[".repeat(200) + "]".repeat(200) + "}").getBytes(StandardCharsets.UTF_8);
      }
      case 5 -> {
        return "{\"symbol\":\"AAPL\",\"symbol\":\"MSFT\",\"side\":\"BUY\",\"quantity\":1,\"order_type\":\"MKT\"}"
            .getBytes(StandardCharsets.UTF_8);
      }
      default -> {
        // A valid order with one to three fields made hostile.
        JsonObject order = new JsonObject(validOrder(r));
        StringBuilder json = new StringBuilder("{");
        List<String> fields = new ArrayList<>(order.fieldNames());
        Map<String, String> raw = new TreeMap<>();
        fields.forEach(f -> raw.put(f, JsonObject.of("v", order.getValue(f)).encode().substring(5).replaceAll("}$", "")));
        for (int i = 0, n = 1 + r.nextInt(3); i < n; i++) {
          raw.put(ORDER_FIELDS[r.nextInt(ORDER_FIELDS.length)], HOSTILE_VALUES[r.nextInt(HOSTILE_VALUES.length)]);
        }
        raw.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        return json.append('}').toString().getBytes(StandardCharsets.UTF_8);
      }
    }
  }

  static Call next(Random r) {
    String[] auths = {TestService.ADMIN, "Bearer " + accountToken, null, "Bearer ", "Basic YWRtaW46YWRtaW4=",
        "Bearer thor_" + "A".repeat(43), "Bearer \u0000", TestService.ADMIN};
    String authorization = auths[r.nextInt(auths.length)];
    String seg = HOSTILE_SEGMENTS[r.nextInt(HOSTILE_SEGMENTS.length)];
    String q = URLEncoder.encode(HOSTILE_VALUES[r.nextInt(HOSTILE_VALUES.length)].replace("\"", ""), StandardCharsets.UTF_8);
    String type = CONTENT_TYPES[r.nextInt(CONTENT_TYPES.length)];
    return switch (r.nextInt(14)) {
      case 0, 1, 2, 3 -> new Call("POST", "/api/trades/orders/active", type, hostileBody(r), authorization, true, false);
      case 4 -> new Call("PATCH", "/api/trades/orders/" + seg, type, hostileBody(r), authorization, false, false);
      case 5 -> new Call("DELETE", "/api/trades/orders/" + seg, null, null, authorization, false, false);
      case 6 -> new Call("GET", "/api/trades/orders?status=" + q + "&symbol=" + q + "&limit=" + seg
          + "&client_order_id=" + q, null, null, authorization, false, false);
      case 7 -> new Call("GET", "/api/quotes/" + seg + "/history?since=" + q + "&limit=" + seg, null, null,
          authorization, false, false);
      case 8 -> new Call("GET", "/api/accounts/" + seg, null, null, authorization, false, false);
      case 9 -> new Call("POST", "/api/accounts", type, ("{\"id\":" + HOSTILE_VALUES[r.nextInt(HOSTILE_VALUES.length)]
          + ",\"cash\":" + HOSTILE_VALUES[r.nextInt(HOSTILE_VALUES.length)] + "}").getBytes(StandardCharsets.UTF_8),
          authorization, false, true);
      case 10 -> new Call("DELETE", "/api/accounts/fuzz/tokens/" + seg, null, null, authorization, false, false);
      case 11 -> new Call("GET", "/api/trades/events?since_seq=" + seg + "&limit=" + q, null, null, authorization,
          false, false);
      case 12 -> new Call(r.nextBoolean() ? "PUT" : "OPTIONS", "/api/trades/orders/active", type, hostileBody(r),
          authorization, false, false);
      default -> new Call("GET", "/api/quotes/" + seg, null, null, authorization, false, false);
    };
  }

  static long rows(String table) throws Exception {
    try (var db = java.sql.DriverManager.getConnection(PG.url().replace("postgresql://postgres@", "jdbc:postgresql://"),
        "postgres", ""); var rs = db.createStatement().executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  // --- the runs -------------------------------------------------------------------------------------------

  @Test
  void aThousandHostileRequestsGetNo5xxNoTraceAndWriteOnlyWhatTheyWereToldWasWritten() throws Exception {
    Random r = new Random(SEED);
    long ordersBefore = rows("orders");
    long accountsBefore = rows("accounts");
    LOG.list.clear();
    Map<Integer, Integer> byStatus = new TreeMap<>();
    int ordersWritten = 0;
    int accountsWritten = 0;
    for (int i = 0; i < 1200; i++) {
      Call call = next(r);
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base() + call.path()))
          .timeout(Duration.ofSeconds(20))
          .method(call.method(), call.body() == null ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(call.body()));
      if (call.contentType() != null) {
        request.header("Content-Type", call.contentType());
      }
      if (call.authorization() != null && !call.authorization().contains("\u0000")) {
        request.header("Authorization", call.authorization());
      }
      HttpResponse<String> reply;
      try {
        reply = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
      } catch (java.io.IOException closedUnderIt) {
        // The server may close a connection after answering (a body too large is not read to its end); the
        // client's pool notices only when it reuses it. Send it again on a fresh connection.
        System.out.println("fuzz #" + i + " " + call.method() + " " + call.path() + ": " + closedUnderIt.getMessage()
            + "; again on a new connection");
        reply = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
      }
      byStatus.merge(reply.statusCode(), 1, Integer::sum);
      assertThat(reply.statusCode()).as("#%d %s %s -> %s", i, call.method(), call.path(), reply.body())
          .isLessThan(500);
      if (call.placesOrder() && (reply.statusCode() == 201 || reply.statusCode() == 422)) {
        ordersWritten++;
      }
      if (call.createsAccount() && reply.statusCode() == 201) {
        accountsWritten++;
      }
    }
    System.out.println("REST fuzz: 1200 requests, replies by status " + byStatus);
    final var orders = ordersWritten;
    final var accounts = accountsWritten;
    await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(3)).untilAsserted(() -> {
      assertThat(rows("orders") - ordersBefore).as("orders written = orders acknowledged").isEqualTo(orders);
      assertThat(rows("accounts") - accountsBefore).isEqualTo(accounts);
    });
    assertThat(byStatus.keySet()).as("the fuzz reached past the door too").contains(201, 400, 401);
    noTraceNorError();
    healthy();
    Vertx vertx = Vertx.vertx();
    try {
      var pool = io.vertx.pgclient.PgBuilder.pool().connectingTo(PG.url()).using(vertx).build();
      com.thortrading.testsupport.Ledgers.assertBooksAgree(pool);
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void rawMalformedHttpIsAClientErrorOrAClosedConnectionNeverA5xx() throws Exception {
    LOG.list.clear();
    String[] raw = {
        "GARBAGE\r\n\r\n",
        "GET /api/quotes HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n",
        "GET /api/quotes HTTP/9.9\r\nHost: x\r\n\r\n",
        "POST /api/trades/orders/active HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Type: "
            + "application/json\r\nAuthorization: " + TestService.ADMIN + "\r\n\r\nZZ\r\nxx\r\n",
        "POST /api/trades/orders/active HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999\r\n\r\n{",
        "GET /" + "a".repeat(10_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
        "GET /api/quotes HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n",
        "POST /api/trades/orders/active HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        "\u0000\u0001\u0002\r\n\r\n",
        "GET /api/accounts/%ZZ HTTP/1.1\r\nHost: x\r\nAuthorization: " + TestService.ADMIN + "\r\n\r\n"};
    for (String request : raw) {
      try (Socket socket = new Socket("127.0.0.1", service.httpPort())) {
        socket.setSoTimeout(10_000);
        OutputStream out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        socket.shutdownOutput();
        InputStream in = socket.getInputStream();
        String status = new String(in.readNBytes(12), StandardCharsets.ISO_8859_1);
        assertThat(status.isEmpty() || !status.matches("HTTP/1\\.. 5.*")).as(request.substring(0, Math.min(40,
            request.length())) + " -> " + status).isTrue();
      }
    }
    noTraceNorError();
    healthy();
  }

  @Test
  void fiveHundredHostileBridgeFramesReachNothingInside() throws Exception {
    Random r = new Random(SEED + 1);
    LOG.list.clear();
    long ordersBefore = rows("orders");
    Vertx vertx = Vertx.vertx();
    try {
      WebSocketClient sockets = vertx.createWebSocketClient();
      String[] types = {"register", "unregister", "send", "publish", "ping", "rec", "err", "", "REGISTER", null};
      String[] addresses = {"quotes.AAPL", "orders.events.paper", "orders.events.fuzz", "orders.place", "accounts.create",
          "orders.replay", "accounts.tokens.create", "quotes." + "X".repeat(300), "quotes.aapl", "", "orders.events.",
          "quotes.../../etc", "quotes.AA\u0000PL", "orders.events.FUZZ", null};
      String[] auths = {TestService.ADMIN, "Bearer " + accountToken, null, "Bearer nope", "Bearer " + "x".repeat(300)};
      int frames = 0;
      BridgeTestClient client = null;
      while (frames < 600) {
        if (client == null || client.closed.get()) {
          client = sockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(service.httpPort())
              .setURI("/eventbus/websocket")).map(BridgeTestClient::new).await();
        }
        String frame;
        switch (r.nextInt(6)) {
          case 0 -> frame = "not json " + r.nextInt();
          case 1 -> frame = "[1,2,3]";
          case 2 -> frame = "{\"type\":\"register\",\"address\":\"quotes.AAPL\",\"headers\":" + (r.nextBoolean() ? "[]"
              : "{\"authorization\":" + r.nextInt() + ",\"since_seq\":\"" + HOSTILE_SEGMENTS[r.nextInt(
              HOSTILE_SEGMENTS.length)] + "\"}") + "}";
          default -> {
            JsonObject json = new JsonObject().put("type", types[r.nextInt(types.length)])
                .put("address", addresses[r.nextInt(addresses.length)])
                .put("body", new JsonObject().put("symbol", "AAPL").put("side", "BUY").put("quantity", 1)
                    .put("order_type", "MKT").put("account", "paper"));
            String auth = auths[r.nextInt(auths.length)];
            if (auth != null) {
              json.put("headers", new JsonObject().put("authorization", auth).put("since_seq",
                  HOSTILE_SEGMENTS[r.nextInt(HOSTILE_SEGMENTS.length)]));
            }
            frame = json.encode();
          }
        }
        if (r.nextInt(50) == 0) {
          frame = "{\"type\":\"ping\",\"pad\":\"" + "p".repeat(20_000) + "\"}"; // over the frame limit
        }
        try {
          client.socket.writeTextMessage(frame).await(2, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception closing) {
          client.closed.set(true); // the server closed it (too many refusals, a frame too large): take another
        }
        frames++;
      }
      System.out.println("bridge fuzz: " + frames + " frames");
    } finally {
      vertx.close().await();
    }
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> rows("orders") == ordersBefore);
    noTraceNorError();
    healthy();
  }

  /** No trace and no ERROR in the log, also a while after the last request (a connection's end logs late). */
  private static void noTraceNorError() {
    await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).untilAsserted(() -> {
      List<ILoggingEvent> bad = LOG.list.stream()
          .filter(e -> e.getThrowableProxy() != null || e.getLevel().isGreaterOrEqual(Level.ERROR)).toList();
      assertThat(bad).as("log lines with a stack trace or at ERROR").isEmpty();
    });
  }

  private static void healthy() throws Exception {
    HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create(base() + "/health")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(health.statusCode()).isEqualTo(200);
    HttpResponse<String> order = HTTP.send(TestService.request(URI.create(base() + "/api/trades/orders/active"))
        .POST(HttpRequest.BodyPublishers.ofString("{\"symbol\":\"AAPL\",\"side\":\"BUY\",\"quantity\":1,"
            + "\"order_type\":\"MKT\"}")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(order.statusCode()).as(order.body()).isEqualTo(201);
  }
}
