package com.thortrading.accounts;

import com.thortrading.livedata.LiveDataRedis;
import com.thortrading.livedata.Quote;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The paper order engine (the design's place_order): fill price by {@link FillPriceRule}, cash and positions by
 * {@link CashAccountRules}, everything for one order in one PostgreSQL transaction that locks the account row,
 * so two orders of one account never interleave and a reply always follows the commit.
 *
 * <p>Live prices are read through {@link LiveDataRedis} once per order, before the transaction, so no lock is
 * held while waiting on Redis. Failures reaching PostgreSQL or Redis propagate to the caller, which answers
 * "unavailable"; a failed transaction has written nothing.
 */
public final class OrderEngine {

  private final Pool pool;
  private final TradingStore store;
  private final LiveDataRedis liveData;

  public OrderEngine(Pool pool, TradingStore store, LiveDataRedis liveData) {
    this.pool = pool;
    this.store = store;
    this.liveData = liveData;
  }

  public Future<EngineReply> place(OrderRequest request) {
    return latestQuotes().compose(quotes -> pool.withTransaction(conn ->
        store.lockAccount(conn, request.account()).compose(account -> account.isEmpty()
            ? Future.succeededFuture(noSuchAccount(request.account()))
            : placeLocked(conn, account.get(), request, quotes))));
  }

  private Future<EngineReply> placeLocked(SqlConnection conn, Account account, OrderRequest request,
      Map<String, Quote> quotes) {
    if (request.clientOrderId().isPresent()) {
      return store.orderByClientOrderId(conn, account.id(), request.clientOrderId().get()).compose(existing -> {
        if (existing.isEmpty()) {
          return decide(conn, account, request, quotes);
        }
        Order original = existing.get();
        if (!request.sameOrderAs(original)) {
          return Future.succeededFuture(EngineReply.of(EngineOutcome.CONFLICT, EngineReply.errorBody(
              "CLIENT_ORDER_ID_REUSED", "client_order_id " + request.clientOrderId().get() + " already names order "
                  + original.id() + ", which is a different order").put("order", AccountsJson.order(original))));
        }
        return reply(conn, account.id(), original, quotes, EngineOutcome.DUPLICATE, Optional.empty(), false);
      });
    }
    return decide(conn, account, request, quotes);
  }

  private Future<EngineReply> decide(SqlConnection conn, Account account, OrderRequest request,
      Map<String, Quote> quotes) {
    Optional<Quote> quote = Optional.ofNullable(quotes.get(request.symbol()));
    FillPriceRule.Decision decision = FillPriceRule.decide(request, quote);
    if (decision instanceof FillPriceRule.Reject reject) {
      return reject(conn, account.id(), request, reject.rejection(), quotes);
    }
    FillPriceRule.Fill fill = (FillPriceRule.Fill) decision;
    return store.position(conn, account.id(), request.symbol()).compose(position -> {
      CashAccountRules.Outcome outcome =
          CashAccountRules.apply(account.cash(), position, request.side(), request.quantity(), fill.price());
      if (outcome instanceof CashAccountRules.Refused refused) {
        return reject(conn, account.id(), request, refused.rejection(), quotes);
      }
      CashAccountRules.Applied applied = (CashAccountRules.Applied) outcome;
      return store.insertOrder(conn, request, OrderStatus.FILLED, request.quantity(), Optional.of(fill.price()),
              fill.quote(), Optional.of(fill.reason()), Optional.empty())
          .compose(order -> store.insertFill(conn, order, request.quantity(), fill.price(), fill.quote())
              .compose(v -> store.savePosition(conn, account.id(), applied.position()))
              .compose(v -> store.updateCash(conn, account.id(), applied.cash()))
              .compose(v -> reply(conn, account.id(), order, quotes, EngineOutcome.ACCEPTED, Optional.empty(), true)));
    });
  }

  private Future<EngineReply> reject(SqlConnection conn, String account, OrderRequest request, Rejection rejection,
      Map<String, Quote> quotes) {
    return store.insertOrder(conn, request, OrderStatus.REJECTED, 0, Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.of(rejection))
        .compose(order -> reply(conn, account, order, quotes, EngineOutcome.REJECTED, Optional.of(rejection), true));
  }

  /** The design's result: account snapshot, order, position; read inside the transaction, so all agree. */
  private Future<EngineReply> reply(SqlConnection conn, String account, Order order, Map<String, Quote> quotes,
      EngineOutcome outcome, Optional<Rejection> rejection, boolean changed) {
    return snapshot(conn, account, quotes).map(snapshot -> {
      JsonObject orderJson = AccountsJson.order(order);
      JsonObject body = rejection.map(r -> EngineReply.errorBody(r.code().name(), r.message())).orElseGet(JsonObject::new)
          .put("account", AccountsJson.account(snapshot))
          .put("order", orderJson)
          .put("position", positionJson(snapshot, order.symbol(), quotes));
      return new EngineReply(outcome, body, changed ? Optional.of(orderJson) : Optional.empty());
    });
  }

  private static JsonObject positionJson(AccountValuation.Snapshot snapshot, String symbol, Map<String, Quote> quotes) {
    return snapshot.positions().stream().filter(p -> p.position().symbol().equals(symbol)).findFirst()
        .map(AccountsJson::position)
        .orElseGet(() -> AccountsJson.position(AccountValuation.value(Position.flat(symbol), quotes)));
  }

  public Future<EngineReply> cancel(long orderId) {
    return pool.withTransaction(conn -> store.lockOrder(conn, orderId).compose(found -> {
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
        return new EngineReply(EngineOutcome.OK, new JsonObject().put("order", json), Optional.of(json));
      });
    }));
  }

  public Future<EngineReply> order(long orderId) {
    return store.order(pool, orderId).map(found -> found
        .map(o -> EngineReply.of(EngineOutcome.OK, new JsonObject().put("order", AccountsJson.order(o))))
        .orElseGet(() -> noSuchOrder(orderId)));
  }

  public Future<EngineReply> orders(Optional<String> account, Optional<OrderStatus> status, Optional<String> symbol,
      int limit) {
    return store.orders(pool, account, status, symbol, limit).map(orders -> {
      JsonArray list = new JsonArray();
      orders.forEach(o -> list.add(AccountsJson.order(o)));
      return EngineReply.of(EngineOutcome.OK, new JsonObject().put("orders", list));
    });
  }

  public Future<EngineReply> account(String id) {
    return latestQuotes().compose(quotes -> store.account(pool, id).compose(account -> account.isEmpty()
        ? Future.succeededFuture(noSuchAccount(id))
        : store.positions(pool, id).map(positions -> EngineReply.of(EngineOutcome.OK, new JsonObject()
            .put("account", AccountsJson.account(AccountValuation.value(account.get(), positions, quotes)))))));
  }

  public Future<EngineReply> createAccount(String id, BigDecimal cash) {
    return store.createAccount(pool, id, cash).compose(created -> created
        ? account(id).map(r -> EngineReply.of(EngineOutcome.ACCEPTED, r.body()))
        : Future.succeededFuture(EngineReply.error(EngineOutcome.CONFLICT, "ACCOUNT_EXISTS",
            "Account " + id + " already exists")));
  }

  private Future<AccountValuation.Snapshot> snapshot(SqlConnection conn, String account, Map<String, Quote> quotes) {
    return store.account(conn, account).compose(a -> store.positions(conn, account)
        .map(positions -> AccountValuation.value(a.orElseThrow(), positions, quotes)));
  }

  private Future<Map<String, Quote>> latestQuotes() {
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
