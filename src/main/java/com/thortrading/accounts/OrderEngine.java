package com.thortrading.accounts;

import com.thortrading.livedata.LatestQuotes;
import com.thortrading.livedata.LiveQuote;
import com.thortrading.livedata.LiveDataRedis;
import com.thortrading.livedata.Quote;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The paper order engine (the design's place_order): fill price by {@link FillPriceRule}, cash and positions by
 * {@link CashAccountRules}, everything for one order in one PostgreSQL transaction that locks the account row,
 * so two orders of one account never interleave and a reply always follows the commit.
 *
 * <p>Live prices are read before the transaction, so no lock is held while waiting on Redis: the order's own symbol
 * from the hash (one HGET: the rule is "the live quote in live_data:latest:quotes"), every other symbol the account
 * is valued at from the node's copy ({@link LatestQuotes}) while that copy is complete; when it is not (the node's
 * subscription is down), from the whole hash as before. Failures reaching PostgreSQL or Redis propagate to the
 * caller, which answers "unavailable"; a failed transaction has written nothing.
 */
public final class OrderEngine {

  private final Pool pool;
  private final TradingStore store;
  private final LiveDataRedis liveData;
  private final EngineOptions options;
  private final TokenStore tokens;
  private final LatestQuotes latest;
  private final PlacementBatcher batcher;

  public OrderEngine(Pool pool, TradingStore store, LiveDataRedis liveData, LatestQuotes latest, EngineOptions options,
      TokenStore tokens) {
    this(pool, store, liveData, latest, options, tokens, BatchSizes.unseen());
  }

  public OrderEngine(Pool pool, TradingStore store, LiveDataRedis liveData, LatestQuotes latest, EngineOptions options,
      TokenStore tokens, BatchSizes batchSizes) {
    this.pool = pool;
    this.store = store;
    this.liveData = liveData;
    this.latest = latest;
    this.options = options;
    this.tokens = tokens;
    this.batcher = new PlacementBatcher(pool, store, options, this::quotesFor,
        pending -> placeAlone(pending.request(), pending.tradable(), pending.deadline()), batchSizes);
  }

  /** An engine without a node copy of the quotes (never complete): it reads the hash every time. */
  public OrderEngine(Pool pool, TradingStore store, LiveDataRedis liveData, EngineOptions options, TokenStore tokens) {
    this(pool, store, liveData, new LatestQuotes(), options, tokens);
  }

  public OrderEngine(Pool pool, TradingStore store, LiveDataRedis liveData, EngineOptions options) {
    this(pool, store, liveData, options, new TokenStore(new TokenSecrets(new java.security.SecureRandom())));
  }

  public OrderEngine(Pool pool, TradingStore store, LiveDataRedis liveData) {
    this(pool, store, liveData, EngineOptions.defaults());
  }

  /** Whether a quote is too old to trade on (always false when no maximum age is set). */
  public boolean isStale(Quote quote) {
    return options.isStale(quote);
  }

  public Future<EngineReply> place(OrderRequest request) {
    return place(request, Optional.empty());
  }

  /**
   * Places an order; past {@code deadline} (the caller has stopped waiting) the transaction rolls back instead of
   * committing, so a caller told "outcome unknown" is not left with an order it gave up on.
   */
  public Future<EngineReply> place(OrderRequest request, Optional<Instant> deadline) {
    return tradable(request).compose(tradable -> batcher.place(request, tradable, deadline));
  }

  /**
   * Places one order in its own transaction, which locks the account row first and decides under that lock: the
   * path for the orders a batch could not take (a client_order_id already used, an account that kept changing).
   */
  private Future<EngineReply> placeAlone(OrderRequest request, boolean tradable, Optional<Instant> deadline) {
    return quotesFor(request.symbol()).compose(quotes -> changes(deadline, quotes, conn -> {
      // Sent together, in one round trip: the lock first, then everything the decision reads, which PostgreSQL
      // runs in order once the lock is granted, so each read sees the account as no other order can change it.
      Future<Optional<Account>> account = store.lockAccount(conn, request.account());
      Future<Optional<Order>> existing = request.clientOrderId()
          .map(id -> store.orderByClientOrderId(conn, request.account(), id))
          .orElseGet(() -> Future.succeededFuture(Optional.empty()));
      Future<PlacementRules.Holdings> holdings = holdings(conn, request.account(), request.symbol(), 0);
      return Future.all(account, existing, holdings).compose(read -> account.result().isEmpty()
          ? Future.succeededFuture(noSuchAccount(request.account()))
          : placeLocked(conn, account.result().get(), request, quotes, tradable, existing.result(),
              holdings.result()));
    }));
  }

  /** With the whitelist on, a market order's symbol must be one the ingest has published. */
  private Future<Boolean> tradable(OrderRequest request) {
    if (!options.symbolWhitelist() || request.type() != OrderType.MKT) {
      return Future.succeededFuture(true);
    }
    return liveData.isKnownSymbol(request.symbol())
        .recover(e -> Future.failedFuture(new ServiceUnavailableException("Redis", e)));
  }

  private Future<EngineReply> placeLocked(SqlConnection conn, Account account, OrderRequest request,
      Map<String, Quote> quotes, boolean tradable, Optional<Order> existing, PlacementRules.Holdings holdings) {
    if (existing.isEmpty()) {
      PlacementRules.Placement placement = PlacementRules.decide(request, account, holdings, quotes, tradable,
          options);
      Future<Order> order = store.insertOrder(conn, request, placement.status(), placement.triggered(),
          placement.filledQuantity(), placement.fillPrice(), placement.fillQuote(), placement.fillReason(),
          placement.rejection());
      if (placement.execution().isEmpty()) {
        return reply(conn, account.id(), order, quotes, placement.outcome(), placement.replyError(), true);
      }
      return order.compose(o -> {
        // The writes and the reply's reads go out together; PostgreSQL runs them in order, so the reads see
        // the writes, and the lock is held one round trip less.
        Future<Void> written = execute(conn, o, placement);
        Future<EngineReply> replied = reply(conn, account.id(), Future.succeededFuture(o), quotes,
            placement.outcome(), placement.replyError(), true);
        return Future.all(written, replied).map(both -> replied.result());
      });
    }
    Order original = existing.get();
    if (!request.sameOrderAs(original)) {
      return Future.succeededFuture(EngineReply.of(EngineOutcome.CONFLICT, EngineReply.errorBody(
          "CLIENT_ORDER_ID_REUSED", "client_order_id " + request.clientOrderId().orElseThrow() + " already names order "
              + original.id() + ", which is a different order").put("order", AccountsJson.order(original))));
    }
    return reply(conn, account.id(), original, quotes, EngineOutcome.DUPLICATE, Optional.empty(), false);
  }

  /** Books an execution: the fill row, the position, the cash. */
  private Future<Void> execute(SqlConnection conn, Order order, PlacementRules.Placement placement) {
    CashAccountRules.Applied applied = placement.execution().orElseThrow();
    // Sent together: the connection pipelines them, one round trip instead of three, in order.
    return Future.all(store.insertFill(conn, order, placement.filledQuantity(), placement.fillPrice().orElseThrow(),
            placement.fillQuote()),
        store.savePosition(conn, order.account(), applied.position()),
        store.updateCash(conn, order.account(), applied.cash())).mapEmpty();
  }
  /** The design's result: account snapshot, order, position; read inside the transaction, so all agree. */
  private Future<EngineReply> reply(SqlConnection conn, String account, Order order, Map<String, Quote> quotes,
      EngineOutcome outcome, Optional<Rejection> rejection, boolean changed) {
    return reply(conn, account, Future.succeededFuture(order), quotes, outcome, rejection, changed);
  }

  /**
   * Like {@link #reply(SqlConnection, String, Order, Map, EngineOutcome, Optional, boolean)} for a statement already
   * sent: the snapshot's reads go out now, behind it on the connection, so they see what it wrote without waiting
   * a round trip for it.
   */
  private Future<EngineReply> reply(SqlConnection conn, String account, Future<Order> sent, Map<String, Quote> quotes,
      EngineOutcome outcome, Optional<Rejection> rejection, boolean changed) {
    Future<AccountValuation.Snapshot> read = snapshot(conn, account, quotes);
    return Future.all(sent, read).map(both -> {
      Order order = sent.result();
      AccountValuation.Snapshot snapshot = read.result();
      JsonObject orderJson = AccountsJson.order(order);
      JsonObject body = EngineReply.errorBody(rejection)
          .put("account", AccountsJson.account(snapshot))
          .put("order", orderJson)
          .put("position", AccountsJson.position(snapshot, order.symbol(), quotes, options.instruments()));
      return new EngineReply(outcome, body, changed ? List.of(orderJson) : List.of());
    });
  }

  /**
   * A working order against a new quote, for the matcher: fills it, triggers it, or leaves it. Locks the order
   * row first and changes it only while it is still WORKING, so two matchers, or a matcher racing a cancel or a
   * restart, can never fill it twice or fill a cancelled one.
   */
  public Future<List<JsonObject>> matchWorking(long orderId, Quote quote) {
    return quotesWith(quote).compose(quotes -> matchWorking(orderId, quote, quotes));
  }

  /** Every latest quote, with {@code quote} as its symbol's: what a round of matching values accounts at. */
  public Future<Map<String, Quote>> quotesWith(Quote quote) {
    return latestQuotes().map(all -> with(all, quote));
  }

  /** {@code base} with {@code quote} as its symbol's quote, without copying {@code base}. */
  private static Map<String, Quote> with(Map<String, Quote> base, Quote quote) {
    return with(base, Map.of(quote.symbol(), quote));
  }

  /** {@code base} with {@code over}'s quotes in place of its own, without copying {@code base}. */
  private static Map<String, Quote> with(Map<String, Quote> base, Map<String, Quote> over) {
    if (over.isEmpty()) {
      return base;
    }
    return new java.util.AbstractMap<>() {
      @Override
      public Quote get(Object symbol) {
        Quote quote = over.get(symbol);
        return quote != null ? quote : base.get(symbol);
      }

      @Override
      public java.util.Set<Entry<String, Quote>> entrySet() {
        Map<String, Quote> copy = new HashMap<>(base);
        copy.putAll(over);
        return java.util.Collections.unmodifiableMap(copy).entrySet();
      }
    };
  }

  /** The quotes an order on {@code symbol} is decided and valued at: see {@link #quotesFor(java.util.Set)}. */
  private Future<Map<String, Quote>> quotesFor(String symbol) {
    return quotesFor(java.util.Set.of(symbol));
  }

  /**
   * The quotes orders on {@code symbols} are decided and valued at: the node's copy, which its Redis subscriber keeps
   * (no round trip), with each of {@code symbols} fixed as the copy has it now, so every order of a batch is decided
   * at one price; a symbol the copy does not have yet is read from the hash (HGET of that symbol). Everything comes
   * from the hash while the copy is not complete (the subscription is down, or not yet seeded).
   */
  private Future<Map<String, Quote>> quotesFor(java.util.Set<String> symbols) {
    if (!latest.complete()) {
      return latestQuotes();
    }
    Map<String, Quote> copy = latest.quotes();
    Map<String, Quote> fixed = new HashMap<>();
    List<String> missing = new ArrayList<>();
    for (String symbol : symbols) {
      Quote quote = copy.get(symbol);
      if (quote == null) {
        missing.add(symbol);
      } else {
        fixed.put(symbol, quote);
      }
    }
    if (missing.isEmpty()) {
      return Future.succeededFuture(with(copy, fixed));
    }
    List<Future<Optional<Quote>>> reads = missing.stream().map(liveData::getLatestQuote).toList();
    return Future.all(reads).recover(e -> Future.failedFuture(new ServiceUnavailableException("Redis", e)))
        .map(all -> {
          reads.forEach(read -> read.result().ifPresent(q -> fixed.put(q.symbol(), q)));
          return with(copy, fixed);
        });
  }

  /** Like {@link #matchWorking(long, Quote)} with the quotes already read, for a matcher trying several orders. */
  public Future<List<JsonObject>> matchWorking(long orderId, Quote quote, Map<String, Quote> quotes) {
    return pool.withTransaction(conn -> matchLocked(conn, orderId, quote, quotes)
        .compose(changed -> recordEvents(conn, changed, quotes)));
  }

  private Future<List<JsonObject>> matchLocked(SqlConnection conn, long orderId, Quote quote, Map<String, Quote> quotes) {
    return store.lockOrder(conn, orderId).compose(found -> {
      if (found.isEmpty() || found.get().status() != OrderStatus.WORKING) {
        return Future.succeededFuture(List.<JsonObject>of());
      }
      Order order = found.get();
      FillPriceRule.Decision decision = match(order, quote);
      if (decision instanceof FillPriceRule.Work work) {
        return work.triggered() && !order.triggered()
            ? store.trigger(conn, orderId).map(t -> t.map(o -> List.of(AccountsJson.order(o))).orElse(List.of()))
            : Future.succeededFuture(List.<JsonObject>of());
      }
      if (!(decision instanceof FillPriceRule.Fill fill)) {
        return Future.succeededFuture(List.<JsonObject>of());
      }
      return store.lockAccount(conn, order.account()).compose(account -> holdings(conn, order.account(),
          order.symbol(), orderId).compose(holdings -> {
            CashAccountRules.Outcome outcome = TradingRules.apply(account.orElseThrow(), holdings.all(), quotes,
                options.instruments(), holdings.position(), order.side(), fill.quantity(), fill.price(),
                holdings.reserved());
            if (outcome instanceof CashAccountRules.Refused refused) {
              // What filled before stays filled: the rest is cancelled, saying why.
              boolean some = order.filledQuantity() > 0;
              Rejection why = some ? new Rejection(refused.rejection().code(), "the remaining " + (order.quantity()
                  - order.filledQuantity()) + " cancelled: " + refused.rejection().message()) : refused.rejection();
              return store.finishWorking(conn, orderId, some ? OrderStatus.CANCELED : OrderStatus.REJECTED, why)
                  .map(o -> o.map(x -> List.of(AccountsJson.order(x))).orElse(List.of()));
            }
            CashAccountRules.Applied applied = (CashAccountRules.Applied) outcome;
            Optional<Rejection> restRefused = restRefused(account.orElseThrow(), holdings, quotes, order, fill);
            // The fill row first: the order's average fill price is worked out from its fills. The order row is
            // locked and WORKING, so the update finds it; all go in one round trip.
            Future<Void> fillRow = store.insertFill(conn, order, fill.quantity(), fill.price(), fill.quote());
            Future<Optional<Order>> filled = store.fillWorking(conn, orderId, fill.quantity(), fill.price(),
                fill.quote(), fill.reason());
            Future<Optional<Order>> ended = restRefused.isPresent()
                ? store.finishWorking(conn, orderId, OrderStatus.CANCELED, restRefused.get())
                : filled;
            Future<Void> position = store.savePosition(conn, order.account(), applied.position());
            Future<Void> cash = store.updateCash(conn, order.account(), applied.cash());
            return Future.all(List.of(fillRow, filled, ended, position, cash)).map(v -> List.of(AccountsJson.order(
                ended.result().orElseThrow(() -> new IllegalStateException("order " + orderId
                    + " was locked WORKING and is not now")))));
          }));
    });
  }

  /**
   * Why the part a fill leaves open cannot go on working, if it cannot: it must still be payable, as the whole order
   * was at placement, at what it will hold (its limit; else the average paid so far or this price, whichever is
   * higher, so what it holds never exceeds the cash behind it).
   */
  private Optional<Rejection> restRefused(Account account, PlacementRules.Holdings holdings, Map<String, Quote> quotes, Order order,
      FillPriceRule.Fill fill) {
    long open = order.quantity() - order.filledQuantity();
    if (fill.quantity() >= open) {
      return Optional.empty();
    }
    long filledAfter = order.filledQuantity() + fill.quantity();
    BigDecimal paid = order.fillPrice().orElse(fill.price()).multiply(BigDecimal.valueOf(order.filledQuantity()))
        .add(fill.price().multiply(BigDecimal.valueOf(fill.quantity())));
    BigDecimal holds = order.limitPrice().orElseGet(() -> fill.price()
        .max(paid.divide(BigDecimal.valueOf(filledAfter), 6, java.math.RoundingMode.UP)));
    CashAccountRules.Outcome whole = TradingRules.apply(account, holdings.all(), quotes, options.instruments(),
        holdings.position(), order.side(), open, holds, holdings.reserved());
    return whole instanceof CashAccountRules.Refused refused
        ? Optional.of(new Rejection(refused.rejection().code(), "the remaining " + (open - fill.quantity())
            + " cancelled: " + refused.rejection().message()))
        : Optional.empty();
  }

  /** Expires working DAY orders placed before {@code close}; returns them as changed. */
  public Future<List<JsonObject>> expireDayOrders(Instant close) {
    return quotesForValuation().compose(quotes -> pool.withTransaction(conn -> store.expireDayOrders(conn,
            close.atOffset(ZoneOffset.UTC))
        .map(orders -> orders.stream().map(AccountsJson::order).toList())
        .compose(expired -> recordEvents(conn, expired, quotes))));
  }

  /** An account's order events after {@code sinceSeq}, oldest first: what a client missed while away. */
  public Future<EngineReply> events(String account, long sinceSeq, int limit) {
    return store.account(pool, account).compose(found -> found.isEmpty()
        ? Future.succeededFuture(noSuchAccount(account))
        : store.eventsSince(pool, account, sinceSeq, limit).map(events -> EngineReply.of(EngineOutcome.OK,
            new JsonObject().put("events", new JsonArray(events)))));
  }

  /** One order as PostgreSQL has it now, for the matcher to check its book against. */
  public Future<Optional<Order>> storedOrder(long orderId) {
    return store.order(pool, orderId);
  }

  /** Working orders, oldest first, for the matcher's book. */
  public Future<List<Order>> workingOrders() {
    return store.workingOrders(pool);
  }

  /**
   * Cancels a working order.
   *
   * @param scope the only account whose orders the caller may reach (empty: any); another account's order is
   *     answered exactly as one that does not exist
   */
  public Future<EngineReply> cancel(long orderId, Optional<String> scope) {
    return cancel(orderId, scope, Optional.empty());
  }

  public Future<EngineReply> cancel(long orderId, Optional<String> scope, Optional<Instant> deadline) {
    return quotesForValuation().compose(quotes -> changes(deadline, quotes, conn -> store.lockOrder(conn, orderId).map(o -> within(o, scope)).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(noSuchOrder(orderId));
      }
      Order order = found.get();
      if (order.status().isFinal()) {
        return Future.succeededFuture(EngineReply.of(EngineOutcome.CONFLICT, EngineReply.errorBody("ORDER_FINAL",
            "Order " + orderId + " is already " + order.status() + " and cannot be cancelled")
            .put("order", AccountsJson.order(order))));
      }
      return store.finish(conn, orderId, OrderStatus.CANCELED).map(canceled -> {
        JsonObject json = AccountsJson.order(canceled.orElseThrow());
        return new EngineReply(EngineOutcome.OK, new JsonObject().put("order", json), List.of(json));
      });
    })));
  }

  /**
   * Replaces a working order's quantity or prices in place, atomically: either the order is still working and
   * changes (with what it holds checked again), or the replace fails because the order is already final.
   */
  public Future<EngineReply> replace(long orderId, Optional<String> scope, Optional<Long> quantity,
      Optional<BigDecimal> limit, Optional<BigDecimal> stop) {
    return replace(orderId, scope, quantity, limit, stop, Optional.empty());
  }

  public Future<EngineReply> replace(long orderId, Optional<String> scope, Optional<Long> quantity,
      Optional<BigDecimal> limit, Optional<BigDecimal> stop, Optional<Instant> deadline) {
    return latestQuotes().compose(quotes -> changes(deadline, quotes, conn -> store.lockOrder(conn, orderId)
        .map(o -> within(o, scope)).compose(found -> {
      if (found.isEmpty()) {
        return Future.succeededFuture(noSuchOrder(orderId));
      }
      Order order = found.get();
      if (order.status() != OrderStatus.WORKING) {
        return Future.succeededFuture(EngineReply.of(EngineOutcome.CONFLICT, EngineReply.errorBody("ORDER_FINAL",
            "Order " + orderId + " is already " + order.status() + " and cannot be replaced")
            .put("order", AccountsJson.order(order))));
      }
      if (limit.isPresent() && !order.type().needsLimit() || stop.isPresent() && !order.type().needsStop()) {
        return Future.succeededFuture(EngineReply.error(EngineOutcome.INVALID, "INVALID_REQUEST",
            (limit.isPresent() && !order.type().needsLimit() ? "limit_price" : "stop_price")
                + ": is not allowed on " + order.type() + " orders"));
      }
      long newQuantity = quantity.orElse(order.quantity());
      if (newQuantity <= order.filledQuantity()) {
        return Future.succeededFuture(EngineReply.error(EngineOutcome.INVALID, "INVALID_REQUEST",
            "quantity: must be more than the " + order.filledQuantity() + " already filled (cancel the order to "
                + "stop it instead)"));
      }
      Optional<BigDecimal> newLimit = limit.or(order::limitPrice);
      Optional<BigDecimal> newStop = stop.or(order::stopPrice);
      Optional<Rejection> offTick = PlacementRules.instrumentRefuses(options.instruments(), order.symbol(), limit, stop);
      if (offTick.isPresent()) {
        return Future.succeededFuture(EngineReply.of(EngineOutcome.REJECTED, EngineReply.errorBody(
            offTick.get().code().name(), offTick.get().message()).put("order", AccountsJson.order(order))));
      }
      return store.lockAccount(conn, order.account()).compose(account ->
          holdings(conn, order.account(), order.symbol(), orderId).compose(holdings -> {
            Optional<Rejection> refused = TradingRules.refusesToReserve(account.orElseThrow(), holdings.all(), quotes,
                options.instruments(), holdings.position(), order.side(), newQuantity - order.filledQuantity(),
                newLimit.or(order::fillPrice).or(() -> newStop).orElseThrow(), holdings.reserved());
            if (refused.isPresent()) {
              return Future.succeededFuture(EngineReply.of(EngineOutcome.REJECTED, EngineReply.errorBody(
                  refused.get().code().name(), refused.get().message()).put("order", AccountsJson.order(order))));
            }
            return store.replace(conn, orderId, newQuantity, newLimit, newStop).map(replaced -> {
              JsonObject json = AccountsJson.order(replaced.orElseThrow());
              return new EngineReply(EngineOutcome.OK, new JsonObject().put("order", json), List.of(json));
            });
          }));
    })));
  }

  private Future<PlacementRules.Holdings> holdings(SqlConnection conn, String account, String symbol,
      long exceptOrder) {
    Future<List<Position>> all = store.positions(conn, account);
    Future<List<Reservations.Hold>> holds = store.holds(conn, account, exceptOrder);
    return Future.all(all, holds).map(both -> PlacementRules.Holdings.of(all.result(), holds.result(),
        options.instruments(), symbol));
  }

  public Future<EngineReply> order(long orderId, Optional<String> scope) {
    return store.order(pool, orderId).map(found -> within(found, scope)
        .map(o -> EngineReply.of(EngineOutcome.OK, new JsonObject().put("order", AccountsJson.order(o))))
        .orElseGet(() -> noSuchOrder(orderId)));
  }

  public Future<EngineReply> orders(Optional<String> account, Optional<OrderStatus> status, Optional<String> symbol,
      Optional<String> clientOrderId, int limit) {
    return store.orders(pool, account, status, symbol, clientOrderId, limit).map(orders -> {
      JsonArray list = new JsonArray();
      orders.forEach(o -> list.add(AccountsJson.order(o)));
      return EngineReply.of(EngineOutcome.OK, new JsonObject().put("orders", list));
    });
  }

  /**
   * An account with its positions and what its working orders hold, as one snapshot: read in one read-only
   * REPEATABLE READ transaction, so a fill committing meanwhile is either wholly in it or wholly not.
   */
  public Future<EngineReply> account(String id) {
    return latestQuotes().compose(quotes -> pool.withTransaction(conn -> conn
        .query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute()
        .compose(v -> store.account(conn, id))
        .compose(account -> account.isEmpty()
            ? Future.succeededFuture(noSuchAccount(id))
            : store.eventSeq(conn, id).compose(seq -> snapshot(conn, id, quotes).map(snapshot -> EngineReply.of(
                EngineOutcome.OK, new JsonObject().put("account", AccountsJson.account(snapshot)
                    .put("event_seq", seq))))))));
  }

  /** Creates an account and its first API token in one transaction; the reply carries the token's secret. */
  public Future<EngineReply> createAccount(String id, BigDecimal cash, boolean marginEnabled, boolean allowShort) {
    return transaction(Optional.empty(), conn -> store.createAccount(conn, id, cash, marginEnabled, allowShort)
        .compose(created -> created
            ? tokens.create(conn, id, "first token").map(Optional::of)
            : Future.succeededFuture(Optional.<ApiToken.Created>empty())))
        .compose(token -> token.isPresent()
            ? account(id).map(r -> EngineReply.of(EngineOutcome.ACCEPTED, r.body()
                .put("token_id", String.valueOf(token.get().token().id())).put("token", token.get().secret())))
            : Future.succeededFuture(EngineReply.error(EngineOutcome.CONFLICT, "ACCOUNT_EXISTS",
                "Account " + id + " already exists")));
  }

  /** Like {@link #transaction}, with the reply's order changes written to the outbox before it commits. */
  private Future<EngineReply> changes(Optional<Instant> deadline, Map<String, Quote> quotes,
      java.util.function.Function<SqlConnection, Future<EngineReply>> work) {
    // A placed order's reply already holds the account as the transaction leaves it (read under the account's row
    // lock, taken first): the events reuse it rather than read it again.
    return transaction(deadline, conn -> work.apply(conn).compose(reply -> recordEvents(conn, reply.orderEvents(),
        quotes, Optional.ofNullable(reply.body().getJsonObject("account")))
        .map(events -> new EngineReply(reply.outcome(), reply.body(), events))));
  }

  /**
   * Writes order changes to the outbox inside the caller's transaction, and returns them as published: the order
   * JSON with its account's next {@code seq} and {@code account_snapshot}, the account as this transaction leaves
   * it (with {@code event_seq}, the last seq it covers), so a client need not read the account again. The snapshot
   * is read after the seqs are taken, which locks the account: no other change of it can fall in between.
   */
  private Future<List<JsonObject>> recordEvents(SqlConnection conn, List<JsonObject> orders,
      Map<String, Quote> quotes) {
    return recordEvents(conn, orders, quotes, Optional.empty());
  }

  /** @param known the account's snapshot already read in this transaction under its row lock, if there is one */
  private Future<List<JsonObject>> recordEvents(SqlConnection conn, List<JsonObject> orders,
      Map<String, Quote> quotes, Optional<JsonObject> known) {
    Map<String, List<JsonObject>> byAccount = new java.util.LinkedHashMap<>();
    orders.forEach(o -> byAccount.computeIfAbsent(o.getString("account"), a -> new java.util.ArrayList<>()).add(o));
    Future<List<JsonObject>> all = Future.succeededFuture(new java.util.ArrayList<>());
    for (Map.Entry<String, List<JsonObject>> entry : byAccount.entrySet()) {
      String account = entry.getKey();
      List<JsonObject> changed = entry.getValue();
      all = all.compose(events -> store.takeEventSeqs(conn, account, changed.size())
          .compose(last -> known.filter(k -> account.equals(k.getString("id"))).map(JsonObject::copy)
              .map(Future::succeededFuture)
              .orElseGet(() -> snapshot(conn, account, quotes).map(AccountsJson::account)).compose(json -> {
            JsonObject state = json.put("event_seq", last);
            List<JsonObject> mine = new java.util.ArrayList<>();
            long seq = last - changed.size();
            for (JsonObject order : changed) {
              mine.add(order.copy().put("seq", ++seq).put("account_snapshot", state));
            }
            events.addAll(mine);
            return store.insertEvents(conn, mine).map(v -> events);
          })));
    }
    return all;
  }

  /** Quotes to value an account at for a change that needs none to decide (cancel, expiry): Redis down is no reason
   * to refuse it, so without them positions are valued at cost. */
  private Future<Map<String, Quote>> quotesForValuation() {
    return latestQuotes().recover(e -> Future.succeededFuture(Map.of()));
  }

  /** One transaction that commits only while its caller still waits (before {@code deadline}, when there is one). */
  private <T> Future<T> transaction(Optional<Instant> deadline, java.util.function.Function<SqlConnection, Future<T>> work) {
    // A failure inside the work comes before COMMIT is sent, so it is known that nothing was written; a failure
    // of COMMIT itself is not wrapped, and its outcome stays unknown.
    return pool.withTransaction(conn -> work.apply(conn)
        .recover(e -> Future.failedFuture(new NotCommittedException(e)))
        .compose(result -> deadline.isPresent() && options.clock().instant().isAfter(deadline.get())
            ? Future.failedFuture(new DeadlinePassedException(deadline.get()))
            : Future.succeededFuture(result)));
  }

  private static Optional<Order> within(Optional<Order> order, Optional<String> scope) {
    return order.filter(o -> scope.isEmpty() || scope.get().equals(o.account()));
  }

  private Future<AccountValuation.Snapshot> snapshot(SqlClient client, String account, Map<String, Quote> quotes) {
    Future<Optional<Account>> a = store.account(client, account);
    Future<List<Position>> positions = store.positions(client, account);
    Future<List<Reservations.Hold>> holds = store.holds(client, account, 0);
    return Future.all(a, positions, holds).map(all -> AccountValuation.value(a.result().orElseThrow(),
        positions.result(), quotes, options.instruments(),
        Reservations.of(holds.result(), positions.result(), options.instruments(), "").cash()));
  }

  /** A working order against a quote, by this engine's fill rules. */
  public FillPriceRule.Decision match(Order order, Quote quote) {
    return FillPriceRule.match(order, quote, options.marketFill());
  }

  /**
   * The latest quote of one symbol: the node's copy when it is complete and has the symbol (a quote the node's
   * subscriber receives later is recorded there before it is handed on, so a consumer registered before this read
   * misses none), else the hash; empty when there is none or Redis does not answer (the next quote will do).
   */
  public Future<Optional<Quote>> latestQuote(String symbol) {
    if (latest.complete()) {
      Optional<Quote> copy = latest.of(symbol).map(LiveQuote::quote);
      if (copy.isPresent()) {
        return Future.succeededFuture(copy);
      }
    }
    return liveData.getLatestQuote(symbol).recover(e -> Future.succeededFuture(Optional.empty()));
  }

  /** Every symbol's latest quote: the node's copy while it is complete, else the whole hash. */
  private Future<Map<String, Quote>> latestQuotes() {
    if (latest.complete()) {
      return Future.succeededFuture(latest.quotes());
    }
    return liveData.getLatestQuotes().map(OrderEngine::bySymbol)
        .recover(e -> Future.failedFuture(new ServiceUnavailableException("Redis", e)));
  }

  private static Map<String, Quote> bySymbol(List<Quote> quotes) {
    Map<String, Quote> map = new HashMap<>();
    quotes.forEach(q -> map.put(q.symbol(), q));
    return map;
  }

  private static EngineReply noSuchAccount(String id) {
    return EngineReply.error(EngineOutcome.NOT_FOUND, "ACCOUNT_NOT_FOUND", "No account named " + id);
  }

  private static EngineReply noSuchOrder(long id) {
    return EngineReply.error(EngineOutcome.NOT_FOUND, "ORDER_NOT_FOUND", "No order with id " + id);
  }
}
