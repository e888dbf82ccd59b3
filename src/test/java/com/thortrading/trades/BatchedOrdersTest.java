package com.thortrading.trades;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.thortrading.app.ThorService;
import com.thortrading.livedata.LiveDataRedis;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;

/**
 * The engine writes concurrent orders in batches, one account's or many accounts', deciding each against the account as the ones before
 * it leave it, from its own copy of the account: every reply and event must still be what one order at a time
 * would give, and a change made elsewhere (a cancel, the matcher) must be seen by the next order.
 */
class BatchedOrdersTest {

  @RegisterExtension
  static final RedisServerExtension REDIS = new RedisServerExtension();
  @RegisterExtension
  static final PostgresServerExtension PG = new PostgresServerExtension();

  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final AtomicInteger NAMES = new AtomicInteger();
  private static ThorService service;
  private static io.vertx.core.Vertx vertx;
  private static io.vertx.sqlclient.Pool pool;

  @BeforeAll
  static void start() throws Exception {
    service = TestService.start(Map.of("THOR_REDIS_URL", REDIS.url(), "THOR_PG_URL", PG.url(),
        "THOR_SYMBOLS", "SIMONLY", "THOR_ORDER_RATE_PER_SECOND", "100000"));
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

  private static void quote(String symbol, String last) {
    String json = new JsonObject().put("symbol", symbol).put("last", last).put("bid", last).put("ask", last)
        .put("timestamp", Instant.now().toString()).encode();
    try (Jedis jedis = REDIS.jedis()) {
      com.thortrading.testsupport.NodeQuotes.publish(service, jedis, symbol, json);
    }
  }

  private static String account(String cash) throws Exception {
    String id = "batch-" + NAMES.incrementAndGet();
    JsonObject created = send("POST", "/api/accounts", "{\"id\":\"" + id + "\",\"cash\":\"" + cash + "\"}");
    assertThat(created.getInteger("_status")).as(created.encode()).isEqualTo(201);
    return id;
  }

  private static HttpRequest request(String method, String path, String body) {
    HttpRequest.Builder request = TestService.request(URI.create("http://127.0.0.1:" + service.httpPort() + path));
    return (body == null ? request.method(method, HttpRequest.BodyPublishers.noBody())
        : request.method(method, HttpRequest.BodyPublishers.ofString(body))).build();
  }

  private static JsonObject send(String method, String path, String body) throws Exception {
    HttpResponse<String> response = HTTP.send(request(method, path, body), HttpResponse.BodyHandlers.ofString());
    return new JsonObject(response.body()).put("_status", response.statusCode());
  }

  private static String order(String account, String symbol, String side, long quantity, String type,
      String limit) {
    JsonObject order = new JsonObject().put("account", account).put("symbol", symbol).put("side", side)
        .put("quantity", quantity).put("order_type", type).put("tif", "GTC");
    if (limit != null) {
      order.put(type.equals("STP") ? "stop_price" : "limit_price", limit);
    }
    return order.encode();
  }

  private static void booksAgree() throws Exception {
    com.thortrading.testsupport.Ledgers.assertBooksAgree(pool);
  }

  @Test
  void concurrentOrdersOfOneAccountAreDecidedInTurnAndEachReplyIsTheAccountAfterIt() throws Exception {
    String account = account("1000.00");
    quote("BAT", "10.00");
    int orders = 150;
    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    for (int i = 0; i < orders; i++) {
      sent.add(HTTP.sendAsync(request("POST", "/api/trades/orders/active", order(account, "BAT", "BUY", 1, "MKT",
          null)), HttpResponse.BodyHandlers.ofString()));
    }
    CompletableFuture.allOf(sent.toArray(new CompletableFuture[0])).get();

    List<String> cashAfterFills = new ArrayList<>();
    int filled = 0;
    int rejected = 0;
    for (CompletableFuture<HttpResponse<String>> reply : sent) {
      JsonObject body = new JsonObject(reply.get().body());
      if (reply.get().statusCode() == 201) {
        filled++;
        cashAfterFills.add(body.getJsonObject("account").getString("cash"));
        // What the reply says was stored is what PostgreSQL holds.
        JsonObject order = body.getJsonObject("order");
        JsonObject stored = send("GET", "/api/trades/orders/" + order.getLong("id"), null).getJsonObject("order");
        assertThat(order).isEqualTo(stored);
      } else {
        assertThat(reply.get().statusCode()).as(reply.get().body()).isEqualTo(422);
        assertThat(body.getJsonObject("error").getString("code")).isEqualTo("INSUFFICIENT_CASH");
        rejected++;
      }
    }
    // Cash for exactly 100 shares: each order saw the cash the ones before it left, none the same.
    assertThat(filled).isEqualTo(100);
    assertThat(rejected).isEqualTo(50);
    List<String> expected = new ArrayList<>();
    for (int left = 99; left >= 0; left--) {
      expected.add(new BigDecimal(left * 10).setScale(2).toPlainString());
    }
    assertThat(cashAfterFills).containsExactlyInAnyOrderElementsOf(expected);
    JsonObject after = send("GET", "/api/accounts/" + account, null).getJsonObject("account");
    assertThat(after.getString("cash")).isEqualTo("0.00");
    assertThat(after.getLong("event_seq")).isEqualTo(orders);

    // One event per order, seqs 1..150 without a gap, each carrying the account as that order left it.
    JsonArray events = gapFreeEvents(account);
    assertThat(events).hasSize(orders);
    for (int i = 0; i < orders; i++) {
      JsonObject event = events.getJsonObject(i);
      assertThat(event.getJsonObject("account_snapshot").getLong("event_seq")).isEqualTo(i + 1);
      JsonObject stored = send("GET", "/api/trades/orders/" + event.getLong("id"), null).getJsonObject("order");
      assertThat(event.copy().put("seq", null).put("account_snapshot", null)).isEqualTo(stored.copy()
          .put("seq", null).put("account_snapshot", null));
    }
    // Numbered in the order they were decided, as the book's time priority and every newest-first list read them:
    // ids rise with the seqs, though a batch stores several orders in one statement.
    for (int i = 1; i < orders; i++) {
      assertThat(events.getJsonObject(i).getLong("id")).as("order of seq %d", i + 1)
          .isGreaterThan(events.getJsonObject(i - 1).getLong("id"));
    }
    // Each event row points at its own order, and each filled order has the one fill it was placed with; the fills
    // are numbered in the order of their orders.
    io.vertx.sqlclient.RowSet<io.vertx.sqlclient.Row> rows = pool.preparedQuery("SELECT e.order_id, "
            + "(e.body->>'id')::bigint AS body_id, o.status, (SELECT count(*) FROM fills f WHERE f.order_id = o.id "
            + "AND f.quantity = o.filled_quantity AND f.price = o.fill_price AND f.quote = o.fill_quote) AS fills "
            + "FROM order_events e JOIN orders o ON o.id = e.order_id WHERE e.account_id = $1 ORDER BY e.seq")
        .execute(io.vertx.sqlclient.Tuple.of(account)).await();
    assertThat(rows.size()).isEqualTo(orders);
    for (io.vertx.sqlclient.Row row : rows) {
      assertThat(row.getLong("body_id")).isEqualTo(row.getLong("order_id"));
      assertThat(row.getLong("fills")).as("fills of order %d", row.getLong("order_id"))
          .isEqualTo("FILLED".equals(row.getString("status")) ? 1L : 0L);
    }
    List<Long> fillOrders = new ArrayList<>();
    pool.preparedQuery("SELECT order_id FROM fills WHERE account_id = $1 ORDER BY id")
        .execute(io.vertx.sqlclient.Tuple.of(account)).await().forEach(row -> fillOrders.add(row.getLong(0)));
    assertThat(fillOrders).hasSize(100).isSorted();
    booksAgree();
  }

  @Test
  void concurrentOrdersOfManyAccountsShareBatchesAndEachAccountIsStillDecidedInTurn() throws Exception {
    quote("MANY", "10.00");
    double batchesBefore = metric("thortrading_orders_batch_accounts_count");
    double accountsBefore = metric("thortrading_orders_batch_accounts_sum");
    List<String> accounts = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      accounts.add(account("300.00"));
    }
    int perAccount = 40;
    // Interleaved, all at once: the accounts' orders arrive mixed, as from many traders.
    Map<String, List<CompletableFuture<HttpResponse<String>>>> sent = new java.util.LinkedHashMap<>();
    for (int i = 0; i < perAccount; i++) {
      for (String account : accounts) {
        sent.computeIfAbsent(account, a -> new ArrayList<>()).add(HTTP.sendAsync(request("POST",
            "/api/trades/orders/active", order(account, "MANY", "BUY", 1, "MKT", null)),
            HttpResponse.BodyHandlers.ofString()));
      }
    }
    CompletableFuture.allOf(sent.values().stream().flatMap(List::stream).toArray(CompletableFuture[]::new)).get();

    for (String account : accounts) {
      // Cash for exactly 30 shares each: each account's orders saw the cash its own earlier orders left.
      List<String> cashAfterFills = new ArrayList<>();
      for (CompletableFuture<HttpResponse<String>> reply : sent.get(account)) {
        JsonObject body = new JsonObject(reply.get().body());
        if (reply.get().statusCode() == 201) {
          assertThat(body.getJsonObject("account").getString("id")).isEqualTo(account);
          cashAfterFills.add(body.getJsonObject("account").getString("cash"));
        } else {
          assertThat(body.getJsonObject("error").getString("code")).as(reply.get().body())
              .isEqualTo("INSUFFICIENT_CASH");
        }
      }
      List<String> expected = new ArrayList<>();
      for (int left = 29; left >= 0; left--) {
        expected.add(new BigDecimal(left * 10).setScale(2).toPlainString());
      }
      assertThat(cashAfterFills).as(account).containsExactlyInAnyOrderElementsOf(expected);
      JsonArray events = gapFreeEvents(account);
      assertThat(events).hasSize(perAccount);
      for (int i = 0; i < perAccount; i++) {
        assertThat(events.getJsonObject(i).getJsonObject("account_snapshot").getString("id")).isEqualTo(account);
      }
    }
    booksAgree();
    // They did share: these orders' batches held more accounts than there were batches.
    assertThat(metric("thortrading_orders_batch_accounts_sum") - accountsBefore)
        .isGreaterThan(metric("thortrading_orders_batch_accounts_count") - batchesBefore);
  }

  @Test
  void anAccountThatMovedOnSinceTheEngineLastWroteItIsReadAgainEvenInABatchItShares() throws Exception {
    quote("SHR", "10.00");
    String a = account("1000.00");
    String b = account("1000.00");
    // The engine writes both, so it keeps a copy of each: a after one buy, b holding 450.00 for a resting buy.
    assertThat(send("POST", "/api/trades/orders/active", order(a, "SHR", "BUY", 10, "MKT", null))
        .getInteger("_status")).isEqualTo(201);
    JsonObject resting = send("POST", "/api/trades/orders/active", order(b, "SHR", "BUY", 50, "LMT", "9.00"));
    assertThat(resting.getJsonObject("account").getString("stock_buying_power")).isEqualTo("550.00");
    // The cancel frees b's 450.00 in its own transaction: the engine's copy of b is now behind.
    assertThat(send("DELETE", "/api/trades/orders/" + resting.getJsonObject("order").getLong("id"), null)
        .getInteger("_status")).isEqualTo(200);

    // Ten buys of 100.00 each for a and for b, interleaved and at once, so they share batches.
    List<CompletableFuture<HttpResponse<String>>> ofA = new ArrayList<>();
    List<CompletableFuture<HttpResponse<String>>> ofB = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ofA.add(HTTP.sendAsync(request("POST", "/api/trades/orders/active", order(a, "SHR", "BUY", 10, "MKT", null)),
          HttpResponse.BodyHandlers.ofString()));
      ofB.add(HTTP.sendAsync(request("POST", "/api/trades/orders/active", order(b, "SHR", "BUY", 10, "MKT", null)),
          HttpResponse.BodyHandlers.ofString()));
    }
    CompletableFuture.allOf(java.util.stream.Stream.concat(ofA.stream(), ofB.stream())
        .toArray(CompletableFuture[]::new)).get();

    // a had 900.00 left: nine fill, one is refused. b has its whole 1,000.00 again: all ten fill (decided from the
    // stale copy, only five would).
    assertThat(ofA.stream().filter(r -> r.join().statusCode() == 201).count()).isEqualTo(9);
    assertThat(ofB.stream().filter(r -> r.join().statusCode() == 201).count()).isEqualTo(10);
    for (String account : List.of(a, b)) {
      JsonObject after = send("GET", "/api/accounts/" + account, null).getJsonObject("account");
      assertThat(after.getString("cash")).as(account).isEqualTo("0.00");
      assertThat(after.getLong("event_seq")).isEqualTo(gapFreeEvents(account).size());
    }
    booksAgree();
  }

  @Test
  void aClientOrderIdSentAgainInASharedBatchIsAnsweredAsBeforeAndTheOtherAccountsOrdersStillFill() throws Exception {
    quote("DUP", "10.00");
    String a = account("1000.00");
    String b = account("1000.00");
    String first = new JsonObject(order(a, "DUP", "BUY", 1, "MKT", null)).put("client_order_id", "dup-1").encode();
    JsonObject placed = send("POST", "/api/trades/orders/active", first);
    assertThat(placed.getInteger("_status")).isEqualTo(201);

    // The same order again (a client retrying), among ten of another account, all at once: a batch holding it fails
    // on its client_order_id; that account's order goes alone, the others are batched again.
    List<CompletableFuture<HttpResponse<String>>> ofB = new ArrayList<>();
    CompletableFuture<HttpResponse<String>> again = null;
    for (int i = 0; i < 10; i++) {
      if (i == 3) {
        again = HTTP.sendAsync(request("POST", "/api/trades/orders/active", first), HttpResponse.BodyHandlers.ofString());
      }
      ofB.add(HTTP.sendAsync(request("POST", "/api/trades/orders/active", order(b, "DUP", "BUY", 1, "MKT", null)),
          HttpResponse.BodyHandlers.ofString()));
    }
    CompletableFuture.allOf(ofB.toArray(CompletableFuture[]::new)).get();

    HttpResponse<String> repeated = again.get();
    assertThat(repeated.statusCode()).as(repeated.body()).isEqualTo(200);
    assertThat(new JsonObject(repeated.body()).getJsonObject("order").getLong("id"))
        .isEqualTo(placed.getJsonObject("order").getLong("id"));
    assertThat(ofB).allSatisfy(r -> assertThat(r.join().statusCode()).as(r.join().body()).isEqualTo(201));
    assertThat(send("GET", "/api/accounts/" + a, null).getJsonObject("account").getLong("event_seq")).isEqualTo(1);
    JsonObject afterB = send("GET", "/api/accounts/" + b, null).getJsonObject("account");
    assertThat(afterB.getString("cash")).isEqualTo("900.00");
    assertThat(afterB.getLong("event_seq")).isEqualTo(10);
    booksAgree();
  }

  /** The account's events, oldest first, after checking their seqs run 1, 2, 3… without a gap. */
  private static JsonArray gapFreeEvents(String account) throws Exception {
    JsonArray events = send("GET", "/api/trades/events?account=" + account + "&since_seq=0&limit=500", null)
        .getJsonArray("events");
    for (int i = 0; i < events.size(); i++) {
      assertThat(events.getJsonObject(i).getLong("seq")).as(account).isEqualTo(i + 1);
    }
    return events;
  }

  private static double metric(String name) throws Exception {
    String text = HTTP.send(request("GET", "/metrics", null), HttpResponse.BodyHandlers.ofString()).body();
    return text.lines().filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).max().orElse(0);
  }

  @Test
  void aCancelMadeBetweenOrdersFreesItsCashForTheNextOrder() throws Exception {
    String account = account("1000.00");
    quote("CXL", "10.00");
    // Holds 450.00 of the 1,000.00 while it works.
    JsonObject resting = send("POST", "/api/trades/orders/active", order(account, "CXL", "BUY", 50, "LMT", "9.00"));
    assertThat(resting.getInteger("_status")).as(resting.encode()).isEqualTo(201);
    assertThat(resting.getJsonObject("account").getString("stock_buying_power")).isEqualTo("550.00");
    JsonObject canceled = send("DELETE", "/api/trades/orders/" + resting.getJsonObject("order").getLong("id"), null);
    assertThat(canceled.getInteger("_status")).as(canceled.encode()).isEqualTo(200);

    // 900.00: more than the 550.00 the account had before the cancel.
    JsonObject buy = send("POST", "/api/trades/orders/active", order(account, "CXL", "BUY", 90, "MKT", null));
    assertThat(buy.getInteger("_status")).as(buy.encode()).isEqualTo(201);
    assertThat(buy.getJsonObject("account").getString("cash")).isEqualTo("100.00");
    assertThat(buy.getJsonObject("account").getString("stock_buying_power")).isEqualTo("100.00");
    booksAgree();
  }

  @Test
  void aFillByTheMatcherBetweenOrdersIsSeenByTheNextOrder() throws Exception {
    String account = account("1000.00");
    quote("MTC", "8.00");
    // A buy stop at 9.00 holds 450.00; the matcher fills it at 10.00 when the price gets there: 500.00 spent.
    JsonObject stop = send("POST", "/api/trades/orders/active", order(account, "MTC", "BUY", 50, "STP", "9.00"));
    assertThat(stop.getInteger("_status")).as(stop.encode()).isEqualTo(201);
    assertThat(stop.getJsonObject("account").getString("stock_buying_power")).isEqualTo("550.00");
    quote("MTC", "10.00");
    long id = stop.getJsonObject("order").getLong("id");
    await().atMost(Duration.ofSeconds(10)).until(() -> "FILLED".equals(send("GET", "/api/trades/orders/" + id, null)
        .getJsonObject("order").getString("status")));

    // 520.00: within the 550.00 the account had before the fill, beyond the 500.00 it has after it.
    JsonObject buy = send("POST", "/api/trades/orders/active", order(account, "MTC", "BUY", 52, "MKT", null));
    assertThat(buy.getInteger("_status")).as(buy.encode()).isEqualTo(422);
    assertThat(buy.getJsonObject("error").getString("code")).isEqualTo("INSUFFICIENT_CASH");
    assertThat(buy.getJsonObject("account").getString("cash")).isEqualTo("500.00");
    booksAgree();
  }

  @Test
  void theBatchesClaimRefusesAnAccountThatMovedOnAndChangesNothing() throws Exception {
    String account = account("1000.00");
    quote("CLM", "10.00");
    assertThat(send("POST", "/api/trades/orders/active", order(account, "CLM", "BUY", 1, "MKT", null))
        .getInteger("_status")).isEqualTo(201);
    // The account is at seq 1: a batch decided against seq 0 must not write.
    var refused = pool.preparedQuery("SELECT claim_account($1, 0, 1, 5.00)")
        .execute(io.vertx.sqlclient.Tuple.of(account)).toCompletionStage().toCompletableFuture();
    assertThat(refused).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause().isInstanceOfSatisfying(io.vertx.pgclient.PgException.class,
            e -> assertThat(e.getSqlState()).isEqualTo("40001"));
    JsonObject after = send("GET", "/api/accounts/" + account, null).getJsonObject("account");
    assertThat(after.getString("cash")).isEqualTo("990.00");
    assertThat(after.getLong("event_seq")).isEqualTo(1);
  }
}
