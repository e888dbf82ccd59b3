package com.thortrading.accounts;

import com.thortrading.livedata.Quote;
import com.thortrading.livedata.QuoteJson;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * All SQL of accounts, positions, orders and fills, in one place. Methods that take a {@link SqlConnection} run
 * inside the caller's transaction; the others may use the pool.
 */
public final class TradingStore {

  /** Stamps orders (created and updated): DAY expiry compares them with a session close read from the same clock. */
  private final java.time.Clock clock;

  public TradingStore(java.time.Clock clock) {
    this.clock = clock;
  }

  public TradingStore() {
    this(java.time.Clock.systemUTC());
  }

  /** The clock's time, as orders are stamped with it (created and updated). */
  java.time.OffsetDateTime now() {
    // PostgreSQL keeps microseconds: an order built in the service carries the time exactly as stored.
    return clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS).atOffset(java.time.ZoneOffset.UTC);
  }

  private static final String ORDER_COLUMNS = "id, account_id, client_order_id, symbol, side, quantity, order_type, "
      + "limit_price, stop_price, tif, status, filled_quantity, fill_price, fill_quote, fill_reason, reject_code, "
      + "reject_reason, created_at, updated_at, triggered";

  private static final String ACCOUNT_COLUMNS = "id, cash, starting_cash, margin_enabled, allow_short";

  /** Creates a cash account; false when the id is taken. */
  public Future<Boolean> createAccount(SqlClient client, String id, BigDecimal cash) {
    return createAccount(client, id, cash, false, false);
  }

  /** Creates an account of either kind; false when the id is taken. */
  public Future<Boolean> createAccount(SqlClient client, String id, BigDecimal cash, boolean marginEnabled,
      boolean allowShort) {
    return client.preparedQuery("INSERT INTO accounts (id, cash, starting_cash, margin_enabled, allow_short) "
            + "VALUES ($1, $2, $2, $3, $4) ON CONFLICT (id) DO NOTHING")
        .execute(Tuple.of(id, cash, marginEnabled, allowShort))
        .map(rows -> rows.rowCount() == 1);
  }

  public Future<Optional<Account>> account(SqlClient client, String id) {
    return client.preparedQuery("SELECT " + ACCOUNT_COLUMNS + " FROM accounts WHERE id = $1")
        .execute(Tuple.of(id)).map(rows -> first(rows).map(TradingStore::account));
  }

  /** Reads and locks the account row until the transaction ends: orders of one account happen one at a time. */
  public Future<Optional<Account>> lockAccount(SqlConnection conn, String id) {
    return conn.preparedQuery("SELECT " + ACCOUNT_COLUMNS + " FROM accounts WHERE id = $1 FOR UPDATE")
        .execute(Tuple.of(id)).map(rows -> first(rows).map(TradingStore::account));
  }

  public Future<Void> updateCash(SqlConnection conn, String id, BigDecimal cash) {
    return conn.preparedQuery("UPDATE accounts SET cash = $2, updated_at = now() WHERE id = $1")
        .execute(Tuple.of(id, cash)).mapEmpty();
  }

  public Future<List<Position>> positions(SqlClient client, String account) {
    return client.preparedQuery("SELECT symbol, quantity, average_cost, realized_pnl FROM positions "
            + "WHERE account_id = $1 ORDER BY symbol COLLATE \"C\"")
        .execute(Tuple.of(account))
        .map(rows -> {
          List<Position> positions = new ArrayList<>();
          rows.forEach(row -> positions.add(position(row)));
          return positions;
        });
  }

  public Future<Void> savePosition(SqlConnection conn, String account, Position p) {
    return conn.preparedQuery("INSERT INTO positions (account_id, symbol, quantity, average_cost, realized_pnl) "
            + "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (account_id, symbol) DO UPDATE SET "
            + "quantity = EXCLUDED.quantity, average_cost = EXCLUDED.average_cost, "
            + "realized_pnl = EXCLUDED.realized_pnl, updated_at = now()")
        .execute(Tuple.of(account, p.symbol(), p.quantity(), p.averageCost(), p.realizedPnl()))
        .mapEmpty();
  }

  public Future<Optional<Order>> orderByClientOrderId(SqlClient client, String account, String clientOrderId) {
    return client.preparedQuery("SELECT " + ORDER_COLUMNS + " FROM orders WHERE account_id = $1 AND client_order_id = $2")
        .execute(Tuple.of(account, clientOrderId)).map(rows -> first(rows).map(TradingStore::order));
  }

  public Future<Optional<Order>> order(SqlClient client, long id) {
    return client.preparedQuery("SELECT " + ORDER_COLUMNS + " FROM orders WHERE id = $1")
        .execute(Tuple.of(id)).map(rows -> first(rows).map(TradingStore::order));
  }

  public Future<Optional<Order>> lockOrder(SqlConnection conn, long id) {
    return conn.preparedQuery("SELECT " + ORDER_COLUMNS + " FROM orders WHERE id = $1 FOR UPDATE")
        .execute(Tuple.of(id)).map(rows -> first(rows).map(TradingStore::order));
  }

  /** Newest first; each filter applies only when given. */
  public Future<List<Order>> orders(SqlClient client, Optional<String> account, Optional<OrderStatus> status,
      Optional<String> symbol, Optional<String> clientOrderId, int limit) {
    return client.preparedQuery("SELECT " + ORDER_COLUMNS + " FROM orders WHERE ($1::text IS NULL OR account_id = $1) "
            + "AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR symbol = $3) "
            + "AND ($5::text IS NULL OR client_order_id = $5) ORDER BY id DESC LIMIT $4")
        .execute(Tuple.of(account.orElse(null), status.map(Enum::name).orElse(null), symbol.orElse(null), limit,
            clientOrderId.orElse(null)))
        .map(rows -> {
          List<Order> orders = new ArrayList<>();
          rows.forEach(row -> orders.add(order(row)));
          return orders;
        });
  }

  /** Records a new order in the state the engine decided; returns it as stored. */
  public Future<Order> insertOrder(SqlConnection conn, OrderRequest r, OrderStatus status, boolean triggered,
      long filledQuantity, Optional<BigDecimal> fillPrice, Optional<Quote> fillQuote, Optional<String> fillReason,
      Optional<Rejection> rejection) {
    return insertOrder(conn, Order.placed(r, status, triggered, filledQuantity, fillPrice, fillQuote, fillReason,
        rejection, now().toInstant()));
  }

  /**
   * Stores an order built in the service (id 0, stamped by {@link #now()}) and answers it with the id PostgreSQL
   * gave it: every other column is what was sent (times already in microseconds), so reading the row back, its
   * quote's JSONB included, would only parse it again.
   */
  Future<Order> insertOrder(SqlConnection conn, Order order) {
    Tuple params = Tuple.tuple()
        .addValue(order.account())
        .addValue(order.clientOrderId().orElse(null))
        .addValue(order.symbol())
        .addValue(order.side().name())
        .addValue(order.quantity())
        .addValue(order.type().name())
        .addValue(order.limitPrice().orElse(null))
        .addValue(order.stopPrice().orElse(null))
        .addValue(order.tif().name())
        .addValue(order.status().name())
        .addValue(order.filledQuantity())
        .addValue(order.fillPrice().orElse(null))
        .addValue(order.fillQuote().map(QuoteJson::toJson).orElse(null))
        .addValue(order.fillReason().orElse(null))
        .addValue(order.rejectCode().map(Enum::name).orElse(null))
        .addValue(order.rejectReason().orElse(null))
        .addValue(order.triggered())
        .addValue(order.createdAt().atOffset(java.time.ZoneOffset.UTC));
    // The quote goes as its JSON text, cast by PostgreSQL: no JsonObject built only to be encoded again.
    return conn.preparedQuery("INSERT INTO orders (account_id, client_order_id, symbol, side, quantity, order_type, "
            + "limit_price, stop_price, tif, status, filled_quantity, fill_price, fill_quote, fill_reason, reject_code, "
            + "reject_reason, triggered, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
            + "$12, $13::text::jsonb, $14, $15, $16, $17, $18, $18) RETURNING id")
        .execute(params)
        .map(rows -> order.withId(rows.iterator().next().getLong(0)));
  }

  /** A fill of {@code order}, a stored order (one the batcher places gets its fill with it, in one statement). */
  public Future<Void> insertFill(SqlConnection conn, Order order, long quantity, BigDecimal price, Optional<Quote> quote) {
    return conn.preparedQuery("INSERT INTO fills (order_id, account_id, symbol, side, quantity, price, quote) "
            + "VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb)")
        .execute(Tuple.tuple().addValue(order.id()).addValue(order.account()).addValue(order.symbol())
            .addValue(order.side().name()).addValue(quantity).addValue(price)
            .addValue(quote.map(QuoteJson::toJson).orElse(null)))
        .mapEmpty();
  }

  /** The account's row with the seq of its last event; read in a snapshot with its positions and holds. */
  Future<Optional<AccountState>> accountAt(SqlConnection conn, String id, Future<List<Position>> positions,
      Future<List<Reservations.Hold>> holds) {
    Future<Optional<Row>> row = conn.preparedQuery("SELECT " + ACCOUNT_COLUMNS + ", event_seq FROM accounts WHERE id = $1")
        .execute(Tuple.of(id)).map(TradingStore::first);
    return Future.all(row, positions, holds).map(all -> row.result().map(r -> new AccountState(account(r),
        r.getLong("event_seq"), positions.result(), holds.result())));
  }

  /**
   * Books the account's cash and last event seq, locking its row, if its seq is still {@code seenSeq}; fails with
   * serialization_failure (40001) if not, which aborts the transaction (see V5__claim_account.sql).
   */
  Future<Void> claimAccount(SqlConnection conn, String id, long seenSeq, long newSeq, BigDecimal cash) {
    return conn.preparedQuery("SELECT claim_account($1, $2, $3, $4)")
        .execute(Tuple.of(id, seenSeq, newSeq, cash)).mapEmpty();
  }

  /** Fails with SQLSTATE TD001, aborting the transaction, once PostgreSQL's clock is past {@code deadline}. */
  Future<Void> commitBefore(SqlConnection conn, java.time.Instant deadline) {
    return conn.preparedQuery("SELECT commit_before($1)")
        .execute(Tuple.of(deadline.atOffset(java.time.ZoneOffset.UTC))).mapEmpty();
  }

  /**
   * Adds the events just inserted (CTE {@code e}) to the events waiting to be published, in the same statement: the
   * outbox's list is narrow rows apart from the events, so marking one published never rewrites the event.
   */
  private static final String UNPUBLISHED = "INSERT INTO order_events_unpublished (account_id, seq) "
      + "SELECT account_id, seq FROM e";

  /**
   * A new order as decided in the service: stored with its fill when it executed at once ({@code executed}: the
   * fill is its filled quantity at its fill price and quote) and its event ({@code event}, whose {@code id} the
   * database puts in).
   */
  record PlacedOrder(Order order, boolean executed, long eventSeq, JsonObject event) {
  }

  /**
   * Stores one account's new orders, their fills and their events in one statement, and answers each order with the
   * id PostgreSQL gave it, in the order given. One statement instead of three per order: PostgreSQL starts its
   * executor once for all of them, while the account's row lock, taken before, is held.
   *
   * <p>The ids are drawn first and matched to the orders smallest to first, so an account's orders are numbered in
   * the order they were placed (what the book's time priority and every newest-first list read), whatever order
   * the sequence's calls run in. Run it with generic plans ({@link #GENERIC_PLANS}): planned for each call's arrays
   * it cost PostgreSQL more than the three statements it replaces.
   */
  Future<List<Order>> insertPlacedOrders(SqlConnection conn, String account, List<PlacedOrder> placed) {
    int n = placed.size();
    String[] clientOrderIds = new String[n];
    String[] symbols = new String[n];
    String[] sides = new String[n];
    Long[] quantities = new Long[n];
    String[] types = new String[n];
    // Prices go as their exact decimal text, cast by PostgreSQL (the client encodes no numeric[] parameter).
    String[] limits = new String[n];
    String[] stops = new String[n];
    String[] tifs = new String[n];
    String[] statuses = new String[n];
    Long[] filled = new Long[n];
    String[] fillPrices = new String[n];
    String[] fillQuotes = new String[n];
    String[] fillReasons = new String[n];
    String[] rejectCodes = new String[n];
    String[] rejectReasons = new String[n];
    Boolean[] triggered = new Boolean[n];
    java.time.OffsetDateTime[] createdAt = new java.time.OffsetDateTime[n];
    Boolean[] executed = new Boolean[n];
    Long[] eventSeqs = new Long[n];
    String[] events = new String[n];
    for (int i = 0; i < n; i++) {
      PlacedOrder p = placed.get(i);
      Order o = p.order();
      if (!o.account().equals(account)) {
        throw new IllegalArgumentException("order of " + o.account() + " among the orders of " + account);
      }
      clientOrderIds[i] = o.clientOrderId().orElse(null);
      symbols[i] = o.symbol();
      sides[i] = o.side().name();
      quantities[i] = o.quantity();
      types[i] = o.type().name();
      limits[i] = o.limitPrice().map(BigDecimal::toPlainString).orElse(null);
      stops[i] = o.stopPrice().map(BigDecimal::toPlainString).orElse(null);
      tifs[i] = o.tif().name();
      statuses[i] = o.status().name();
      filled[i] = o.filledQuantity();
      fillPrices[i] = o.fillPrice().map(BigDecimal::toPlainString).orElse(null);
      fillQuotes[i] = o.fillQuote().map(QuoteJson::toJson).orElse(null);
      fillReasons[i] = o.fillReason().orElse(null);
      rejectCodes[i] = o.rejectCode().map(Enum::name).orElse(null);
      rejectReasons[i] = o.rejectReason().orElse(null);
      triggered[i] = o.triggered();
      createdAt[i] = o.createdAt().atOffset(java.time.ZoneOffset.UTC);
      executed[i] = p.executed();
      eventSeqs[i] = p.eventSeq();
      events[i] = p.event().encode();
    }
    Tuple params = Tuple.tuple().addValue(account).addArrayOfString(clientOrderIds).addArrayOfString(symbols)
        .addArrayOfString(sides).addArrayOfLong(quantities).addArrayOfString(types).addArrayOfString(limits)
        .addArrayOfString(stops).addArrayOfString(tifs).addArrayOfString(statuses).addArrayOfLong(filled)
        .addArrayOfString(fillPrices).addArrayOfString(fillQuotes).addArrayOfString(fillReasons)
        .addArrayOfString(rejectCodes).addArrayOfString(rejectReasons).addArrayOfBoolean(triggered)
        .addArrayOfOffsetDateTime(createdAt).addArrayOfBoolean(executed).addArrayOfLong(eventSeqs)
        .addArrayOfString(events);
    return conn.preparedQuery(INSERT_PLACED_ORDERS).execute(params).map(rows -> {
      List<Order> stored = new ArrayList<>(n);
      int i = 0;
      for (Row row : rows) {
        stored.add(placed.get(i++).order().withId(row.getLong(0)));
      }
      if (stored.size() != n) {
        throw new IllegalStateException(n + " orders sent, " + stored.size() + " stored");
      }
      return stored;
    });
  }

  /**
   * For the rest of the transaction, prepared statements run their generic plan: {@link #insertPlacedOrders}'s arrays
   * would otherwise have PostgreSQL plan it again on every call (0.16 ms each, measured), for the same plan.
   */
  static final String GENERIC_PLANS = "SET LOCAL plan_cache_mode = force_generic_plan";

  private static final String INSERT_PLACED_ORDERS = "WITH ids AS MATERIALIZED ("
      + "SELECT id, row_number() OVER (ORDER BY id) AS ord FROM "
      + "(SELECT nextval('orders_id_seq') AS id FROM generate_series(1, cardinality($3::text[]))) drawn), "
      + "src AS MATERIALIZED (SELECT ids.id, u.* FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[], "
      + "$6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bigint[], $12::text[], $13::text[], "
      + "$14::text[], $15::text[], $16::text[], $17::boolean[], $18::timestamptz[], $19::boolean[], $20::bigint[], "
      + "$21::text[]) WITH ORDINALITY AS u(client_order_id, symbol, side, quantity, order_type, limit_price, "
      + "stop_price, tif, status, filled_quantity, fill_price, fill_quote, fill_reason, reject_code, reject_reason, "
      + "triggered, created_at, executed, event_seq, event, ord) JOIN ids USING (ord)), "
      + "o AS (INSERT INTO orders (id, account_id, client_order_id, symbol, side, quantity, order_type, limit_price, "
      + "stop_price, tif, status, filled_quantity, fill_price, fill_quote, fill_reason, reject_code, reject_reason, "
      + "triggered, created_at, updated_at) SELECT id, $1, client_order_id, symbol, side, quantity, order_type, "
      + "limit_price::numeric, stop_price::numeric, tif, status, filled_quantity, fill_price::numeric, "
      + "fill_quote::jsonb, fill_reason, reject_code, reject_reason, triggered, created_at, created_at FROM src "
      + "ORDER BY ord), "
      // Fills numbered in the order of their orders too (the audit reads them by id).
      + "f AS (INSERT INTO fills (order_id, account_id, symbol, side, quantity, price, quote) SELECT id, $1, symbol, "
      + "side, filled_quantity, fill_price::numeric, fill_quote::jsonb FROM src WHERE executed ORDER BY ord), "
      + "e AS (INSERT INTO order_events (account_id, seq, order_id, body) SELECT $1, event_seq, id, "
      + "event::jsonb || jsonb_build_object('id', id) FROM src ORDER BY ord RETURNING account_id, seq), "
      + "w AS (" + UNPUBLISHED + ") "
      + "SELECT id FROM src ORDER BY ord";

  /**
   * The open part of each of the account's working orders, leaving out order {@code exceptOrder} (0 for none):
   * what {@link Reservations#of} turns into what they hold back.
   */
  public Future<List<Reservations.Hold>> holds(SqlClient client, String account, long exceptOrder) {
    return client.preparedQuery("SELECT symbol, side, quantity - filled_quantity AS open, "
            + "COALESCE(limit_price, fill_price, stop_price) AS price FROM orders "
            + "WHERE account_id = $1 AND status = 'WORKING' AND id <> $2 ORDER BY id")
        .execute(Tuple.of(account, exceptOrder))
        .map(rows -> {
          List<Reservations.Hold> holds = new ArrayList<>();
          rows.forEach(row -> holds.add(new Reservations.Hold(row.getString("symbol"),
              Side.valueOf(row.getString("side")), row.getLong("open"), row.getBigDecimal("price"))));
          return holds;
        });
  }

  /** Every working order, oldest first: what the matcher starts from. */
  public Future<List<Order>> workingOrders(SqlClient client) {
    return client.preparedQuery("SELECT " + ORDER_COLUMNS + " FROM orders WHERE status = 'WORKING' ORDER BY id")
        .execute()
        .map(rows -> {
          List<Order> orders = new ArrayList<>();
          rows.forEach(row -> orders.add(order(row)));
          return orders;
        });
  }

  /**
   * Books {@code quantity} more of a working order as filled, after its fill row is in: FILLED when that completes
   * it, else still WORKING (a stop stays triggered). {@code fill_price} becomes the average over its fills, exact
   * to 6 decimals. Empty when it was no longer working (filled, cancelled or expired meanwhile).
   */
  public Future<Optional<Order>> fillWorking(SqlConnection conn, long id, long quantity, BigDecimal price,
      Optional<Quote> quote, String reason) {
    return conn.preparedQuery("UPDATE orders SET filled_quantity = filled_quantity + $2, "
            + "status = CASE WHEN filled_quantity + $2 >= quantity THEN 'FILLED' ELSE 'WORKING' END, "
            + "triggered = triggered OR (order_type IN ('STP', 'STP_LMT') AND filled_quantity + $2 < quantity), "
            + "fill_price = CASE WHEN filled_quantity = 0 THEN $3 ELSE (SELECT trim_scale(round(sum(f.quantity * "
            + "f.price) / sum(f.quantity), 6)) FROM fills f WHERE f.order_id = $1) END, "
            + "fill_quote = $4, fill_reason = $5, updated_at = $6 WHERE id = $1 AND status = 'WORKING' "
            + "RETURNING " + ORDER_COLUMNS)
        .execute(Tuple.tuple().addValue(id).addValue(quantity).addValue(price)
            .addValue(quote.map(q -> new JsonObject(QuoteJson.toJson(q))).orElse(null)).addValue(reason).addValue(now()))
        .map(rows -> first(rows).map(TradingStore::order));
  }

  /** Marks a working stop-limit as triggered; empty when it was no longer working. */
  public Future<Optional<Order>> trigger(SqlConnection conn, long id) {
    return conn.preparedQuery("UPDATE orders SET triggered = TRUE, updated_at = $2 WHERE id = $1 "
            + "AND status = 'WORKING' RETURNING " + ORDER_COLUMNS)
        .execute(Tuple.of(id, now())).map(rows -> first(rows).map(TradingStore::order));
  }

  /** Ends a working order with a reason (rejected at fill time, cancelled, expired); empty when not working. */
  public Future<Optional<Order>> finishWorking(SqlConnection conn, long id, OrderStatus status, Rejection why) {
    return conn.preparedQuery("UPDATE orders SET status = $2, reject_code = $3, reject_reason = $4, updated_at = $5 "
            + "WHERE id = $1 AND status = 'WORKING' RETURNING " + ORDER_COLUMNS)
        .execute(Tuple.of(id, status.name(), why.code().name(), why.message(), now()))
        .map(rows -> first(rows).map(TradingStore::order));
  }

  /** Changes a working order's quantity and prices; empty when it was no longer working. */
  public Future<Optional<Order>> replace(SqlConnection conn, long id, long quantity, Optional<BigDecimal> limit,
      Optional<BigDecimal> stop) {
    return conn.preparedQuery("UPDATE orders SET quantity = $2, limit_price = $3, stop_price = $4, updated_at = $5 "
            + "WHERE id = $1 AND status = 'WORKING' RETURNING " + ORDER_COLUMNS)
        .execute(Tuple.of(id, quantity, limit.orElse(null), stop.orElse(null), now()))
        .map(rows -> first(rows).map(TradingStore::order));
  }

  /** Expires every working DAY order placed before {@code close}; returns them. */
  public Future<List<Order>> expireDayOrders(SqlConnection client, java.time.OffsetDateTime close) {
    return client.preparedQuery("UPDATE orders SET status = 'EXPIRED', updated_at = $2 WHERE status = 'WORKING' "
            + "AND tif = 'DAY' AND created_at < $1 RETURNING " + ORDER_COLUMNS)
        .execute(Tuple.of(close, now()))
        .map(rows -> {
          List<Order> orders = new ArrayList<>();
          rows.forEach(row -> orders.add(order(row)));
          return orders;
        });
  }

  /** Moves a NEW or WORKING order to a final status; empty when it was already final (nothing changes then). */
  public Future<Optional<Order>> finish(SqlConnection conn, long id, OrderStatus status) {
    return conn.preparedQuery("UPDATE orders SET status = $2, updated_at = $3 WHERE id = $1 "
            + "AND status IN ('NEW', 'WORKING') RETURNING " + ORDER_COLUMNS)
        .execute(Tuple.of(id, status.name(), now())).map(rows -> first(rows).map(TradingStore::order));
  }

  /**
   * Takes the account's next {@code count} event seqs and returns the last; the update locks the account row until
   * the transaction ends, so seqs follow the order in which the account's changes commit.
   */
  public Future<Long> takeEventSeqs(SqlConnection conn, String account, int count) {
    return conn.preparedQuery("UPDATE accounts SET event_seq = event_seq + $2 WHERE id = $1 RETURNING event_seq")
        .execute(Tuple.of(account, count)).map(rows -> rows.iterator().next().getLong(0));
  }

  /** The seq of the account's newest event (0 before its first). */
  public Future<Long> eventSeq(SqlClient client, String account) {
    return client.preparedQuery("SELECT event_seq FROM accounts WHERE id = $1").execute(Tuple.of(account))
        .map(rows -> first(rows).map(row -> row.getLong(0)).orElse(0L));
  }

  /** Writes events (each with its {@code seq}, {@code id} and {@code account}) to the outbox, in one batch. */
  public Future<Void> insertEvents(SqlConnection conn, List<JsonObject> events) {
    if (events.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> rows = new ArrayList<>();
    for (JsonObject event : events) {
      rows.add(Tuple.of(event.getString("account"), event.getLong("seq"), event.getLong("id"), event));
    }
    return conn.preparedQuery("WITH e AS (INSERT INTO order_events (account_id, seq, order_id, body) "
            + "VALUES ($1, $2, $3, $4) RETURNING account_id, seq) " + UNPUBLISHED)
        .executeBatch(rows).mapEmpty();
  }

  /** An account's events after {@code sinceSeq}, oldest first. */
  public Future<List<JsonObject>> eventsSince(SqlClient client, String account, long sinceSeq, int limit) {
    return client.preparedQuery("SELECT body FROM order_events WHERE account_id = $1 AND seq > $2 ORDER BY seq LIMIT $3")
        .execute(Tuple.of(account, sinceSeq, limit)).map(rows -> {
          List<JsonObject> events = new ArrayList<>();
          rows.forEach(row -> events.add(jsonBody(row)));
          return events;
        });
  }

  /** Events committed at least {@code olderThanMs} ago and never marked published: a node died before publishing. */
  public Future<List<JsonObject>> unpublishedEvents(SqlClient client, long olderThanMs, int limit) {
    return client.preparedQuery("SELECT e.body FROM order_events_unpublished u JOIN order_events e "
            + "USING (account_id, seq) WHERE u.created_at < now() - make_interval(secs => $1 / 1000.0) "
            + "ORDER BY u.created_at, u.account_id, u.seq LIMIT $2")
        .execute(Tuple.of(olderThanMs, limit)).map(rows -> {
          List<JsonObject> events = new ArrayList<>();
          rows.forEach(row -> events.add(jsonBody(row)));
          return events;
        });
  }

  /** Marks events published, in one statement: their rows in the waiting list go, the events stay as they are. */
  public Future<Void> markPublished(SqlClient client, List<JsonObject> events) {
    String[] accounts = events.stream().map(e -> e.getString("account")).toArray(String[]::new);
    Long[] seqs = events.stream().map(e -> e.getLong("seq")).toArray(Long[]::new);
    return client.preparedQuery("DELETE FROM order_events_unpublished u USING unnest($1::text[], $2::bigint[]) "
            + "AS p(account_id, seq) WHERE u.account_id = p.account_id AND u.seq = p.seq")
        .execute(Tuple.tuple().addArrayOfString(accounts).addArrayOfLong(seqs)).mapEmpty();
  }

  private static JsonObject jsonBody(Row row) {
    Object body = row.getValue("body");
    return body instanceof JsonObject json ? json : new JsonObject(String.valueOf(body));
  }

  /** Every account, for an audit. */
  public Future<List<Account>> accounts(SqlClient client) {
    return client.query("SELECT " + ACCOUNT_COLUMNS + " FROM accounts ORDER BY id").execute().map(rows -> {
      List<Account> accounts = new ArrayList<>();
      rows.forEach(row -> accounts.add(account(row)));
      return accounts;
    });
  }

  /** Every order of an account, oldest first, for an audit. */
  public Future<List<Order>> allOrders(SqlClient client, String account) {
    return client.preparedQuery("SELECT " + ORDER_COLUMNS + " FROM orders WHERE account_id = $1 ORDER BY id")
        .execute(Tuple.of(account)).map(rows -> {
          List<Order> orders = new ArrayList<>();
          rows.forEach(row -> orders.add(order(row)));
          return orders;
        });
  }

  /** Every fill of an account, for an audit. */
  public Future<List<AccountAudit.Fill>> fills(SqlClient client, String account) {
    return client.preparedQuery("SELECT order_id, symbol, side, quantity, price FROM fills WHERE account_id = $1 "
            + "ORDER BY id").execute(Tuple.of(account)).map(rows -> {
              List<AccountAudit.Fill> fills = new ArrayList<>();
              rows.forEach(row -> fills.add(new AccountAudit.Fill(row.getLong("order_id"), row.getString("symbol"),
                  Side.valueOf(row.getString("side")), row.getLong("quantity"), row.getBigDecimal("price"))));
              return fills;
            });
  }

  private static Optional<Row> first(RowSet<Row> rows) {
    return rows.size() == 0 ? Optional.empty() : Optional.of(rows.iterator().next());
  }

  private static Account account(Row row) {
    return new Account(row.getString("id"), row.getBigDecimal("cash"), row.getBigDecimal("starting_cash"),
        row.getBoolean("margin_enabled"), row.getBoolean("allow_short"));
  }

  private static Position position(Row row) {
    return new Position(row.getString("symbol"), row.getLong("quantity"), row.getBigDecimal("average_cost"),
        row.getBigDecimal("realized_pnl"));
  }

  private static Order order(Row row) {
    Object quote = row.getValue("fill_quote");
    return new Order(
        row.getLong("id"),
        row.getString("account_id"),
        Optional.ofNullable(row.getString("client_order_id")),
        row.getString("symbol"),
        Side.valueOf(row.getString("side")),
        row.getLong("quantity"),
        OrderType.valueOf(row.getString("order_type")),
        Optional.ofNullable(row.getBigDecimal("limit_price")),
        Optional.ofNullable(row.getBigDecimal("stop_price")),
        TimeInForce.valueOf(row.getString("tif")),
        OrderStatus.valueOf(row.getString("status")),
        row.getBoolean("triggered"),
        row.getLong("filled_quantity"),
        Optional.ofNullable(row.getBigDecimal("fill_price")),
        quote instanceof JsonObject json ? Optional.of(QuoteJson.fromJson(json.encode())) : Optional.empty(),
        Optional.ofNullable(row.getString("fill_reason")),
        Optional.ofNullable(row.getString("reject_code")).map(RejectCode::valueOf),
        Optional.ofNullable(row.getString("reject_reason")),
        row.getOffsetDateTime("created_at").toInstant(),
        row.getOffsetDateTime("updated_at").toInstant());
  }
}
