package com.thortrading.accounts;

import com.thortrading.livedata.Quote;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Places this node's new orders in batches, each batch one transaction sent in one round trip to PostgreSQL.
 *
 * <p>Orders wait in one queue, in the order they came. At most {@link #MAX_WRITERS} batches are written at once;
 * each takes up to {@link #MAX_BATCH} waiting orders, of any accounts, but never an account that another batch in
 * flight holds, nor an order that would overtake an earlier one of its account. So each account's orders are
 * written in turn, and orders that arrive while batches are being written go together in the next one, whether
 * they are one account's or many accounts'.
 *
 * <p>Each account's orders in a batch are decided in the service by {@link PlacementRules}, order after order, each
 * against the account as the ones before it leave it, starting from the account as this node last wrote it (or
 * read it, in one snapshot, when it has no copy). The batch is then sent as one pipeline: per account, in the order
 * of their ids (so two batches never wait on each other's locks in opposite orders), {@code claim_account} (which
 * locks the account and checks its event seq is still the one decided against), its orders with their fills and
 * events (one statement), its positions; then COMMIT. An account's row is locked only while PostgreSQL runs the batch.
 *
 * <p>If an account changed in between (a fill by the matcher, a cancel, another node), its claim fails, nothing of
 * the batch is written, and the batch is decided again from fresh reads. A {@code client_order_id} already used is
 * found the same way (its unique index fails the batch); those orders, and any batch that keeps losing the race, go
 * through {@code fallback}, the engine's one-order-per-transaction path, which answers them exactly as before.
 */
final class PlacementBatcher {

  private static final Logger LOG = LoggerFactory.getLogger(PlacementBatcher.class);
  /**
   * Orders in one batch. Per account the pipeline holds a claim, one statement for all its orders (with their fills
   * and events) and its positions: at most about 100 statements, inside the connection's pipelining limit (256).
   */
  static final int MAX_BATCH = 32;
  /**
   * Batches written at once. Few: while they are written the next orders gather into one batch, which costs
   * PostgreSQL one transaction instead of one each; two keep both of a 2-core database busy.
   */
  static final int MAX_WRITERS = 2;
  private static final int MAX_ATTEMPTS = 3;
  /** PostgreSQL's clock, which {@code commit_before} reads: the wall clock, whatever clock the service runs by. */
  private static final java.time.Clock WALL_CLOCK = java.time.Clock.systemUTC();
  private static final int MAX_CACHED_ACCOUNTS = 10_000;
  private static final String SERIALIZATION_FAILURE = "40001";
  private static final String UNIQUE_VIOLATION = "23505";
  /** Two transactions waiting on each other's locks: one is rolled back, and goes again like a lost claim. */
  private static final String DEADLOCK = "40P01";
  /** Raised by {@code commit_before}: a caller's deadline passed before the batch could commit. */
  static final String DEADLINE_PASSED = "TD001";

  /** A new order waiting for its account's turn. */
  record Pending(OrderRequest request, boolean tradable, Optional<Instant> deadline, Promise<EngineReply> reply) {
  }


  /**
   * One order of a batch as decided: what to store, and the account after it, valued and as JSON (written once,
   * for the stored event, the reply and the published event).
   */
  private record Planned(Pending pending, PlacementRules.Placement placement, Order order, AccountState after,
      AccountValuation.Snapshot snapshot, JsonObject account) {
  }

  private final Pool pool;
  private final TradingStore store;
  private final EngineOptions options;
  private final Function<Set<String>, Future<Map<String, Quote>>> quotes;
  private final Function<Pending, Future<EngineReply>> fallback;
  /** New orders not yet in a batch, oldest first. Guards {@link #writing} and {@link #writers} too. */
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();
  /** Accounts whose orders a batch in flight holds: none of theirs goes in another batch until it is done. */
  private final Set<String> writing = new HashSet<>();
  private int writers;
  private final BatchSizes sizes;
  /** Accounts as this node last wrote them; an entry is only a guess that {@code claim_account} checks. */
  private final Map<String, AccountState> known = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, AccountState> eldest) {
      return size() > MAX_CACHED_ACCOUNTS;
    }
  };

  /**
   * @param quotes the quotes to decide orders on these symbols at (and to value the account at)
   * @param fallback places one order in its own locking transaction
   */
  PlacementBatcher(Pool pool, TradingStore store, EngineOptions options,
      Function<Set<String>, Future<Map<String, Quote>>> quotes, Function<Pending, Future<EngineReply>> fallback,
      BatchSizes sizes) {
    this.sizes = sizes;
    this.pool = pool;
    this.store = store;
    this.options = options;
    this.quotes = quotes;
    this.fallback = fallback;
  }

  Future<EngineReply> place(OrderRequest request, boolean tradable, Optional<Instant> deadline) {
    Promise<EngineReply> reply = Promise.promise();
    synchronized (waiting) {
      waiting.add(new Pending(request, tradable, deadline, reply));
    }
    writeWhatWaits();
    return reply.future();
  }

  /** Starts batches while writers are free and orders wait that may go. */
  private void writeWhatWaits() {
    while (true) {
      List<Pending> batch;
      synchronized (waiting) {
        if (writers >= MAX_WRITERS) {
          return;
        }
        batch = takeBatch();
        if (batch.isEmpty()) {
          return;
        }
        writers++;
      }
      sizes.record(batch.size(), accounts(batch).size());
      guarded(batch, () -> write(batch, 1)).onComplete(x -> {
        synchronized (waiting) {
          writers--;
          batch.forEach(p -> writing.remove(p.request().account()));
        }
        writeWhatWaits();
      });
    }
  }

  /**
   * The oldest waiting orders that may go now, up to {@link #MAX_BATCH}, their accounts marked as being written.
   * An account another batch holds, or whose {@code client_order_id} repeats within this batch (the second must see
   * the first stored), is passed over with all its later orders, so none of an account's orders overtakes another.
   */
  private List<Pending> takeBatch() {
    List<Pending> batch = new ArrayList<>();
    Set<String> passedOver = new HashSet<>();
    Map<String, Set<String>> clientOrderIds = new HashMap<>();
    Iterator<Pending> it = waiting.iterator();
    while (it.hasNext() && batch.size() < MAX_BATCH) {
      Pending p = it.next();
      String account = p.request().account();
      if (passedOver.contains(account)) {
        continue;
      }
      Optional<String> id = p.request().clientOrderId();
      if (writing.contains(account)
          || id.isPresent() && !clientOrderIds.computeIfAbsent(account, a -> new HashSet<>()).add(id.get())) {
        passedOver.add(account);
        continue;
      }
      batch.add(p);
      it.remove();
    }
    batch.forEach(p -> writing.add(p.request().account()));
    return batch;
  }

  /** The batch's accounts, in the order their rows are locked (by id). */
  private static SortedSet<String> accounts(List<Pending> batch) {
    SortedSet<String> accounts = new TreeSet<>();
    batch.forEach(p -> accounts.add(p.request().account()));
    return accounts;
  }

  private Future<Void> write(List<Pending> batch, int attempt) {
    List<Pending> live = new ArrayList<>();
    for (Pending p : batch) {
      if (p.reply().future().isComplete()) {
        continue; // answered already (its account did not exist): never written on a retry
      }
      // The caller has stopped waiting: nothing of it is written, as a rolled-back transaction would leave it.
      if (p.deadline().isPresent() && options.clock().instant().isAfter(p.deadline().get())) {
        p.reply().tryFail(new DeadlinePassedException(p.deadline().get()));
      } else {
        live.add(p);
      }
    }
    if (live.isEmpty()) {
      return Future.succeededFuture();
    }
    Set<String> symbols = new HashSet<>();
    live.forEach(p -> symbols.add(p.request().symbol()));
    SortedSet<String> accounts = accounts(live);
    Promise<Void> done = Promise.promise();
    quotes.apply(symbols)
        .compose(prices -> states(accounts).map(states -> Map.entry(prices, states)))
        .compose(read -> {
          Map<String, AccountState> starts = read.getValue();
          List<Pending> found = new ArrayList<>();
          for (Pending p : live) {
            if (starts.containsKey(p.request().account())) {
              found.add(p);
            } else {
              p.reply().tryComplete(EngineReply.error(EngineOutcome.NOT_FOUND, "ACCOUNT_NOT_FOUND",
                  "No account named " + p.request().account()));
            }
          }
          return found.isEmpty() ? Future.<Void>succeededFuture()
              : writePlanned(starts, plan(starts, found, read.getKey()), read.getKey());
        })
        .onSuccess(v -> done.complete())
        .onFailure(failed -> {
          accounts.forEach(this::forget);
          Optional<AccountFailed> culprit = failed instanceof AccountFailed af ? Optional.of(af) : Optional.empty();
          Throwable failure = culprit.<Throwable>map(AccountFailed::getCause).orElse(failed);
          String state = failure instanceof PgException pg ? pg.getSqlState() : null;
          if (DEADLINE_PASSED.equals(state)) {
            // Rolled back at the earliest deadline of the batch: those callers are told so, the others go again.
            Optional<Instant> earliest = earliestDeadline(live);
            List<Pending> rest = new ArrayList<>();
            for (Pending p : live) {
              if (p.deadline().equals(earliest)) {
                p.reply().tryFail(new DeadlinePassedException(p.deadline().get()));
              } else {
                rest.add(p);
              }
            }
            guarded(rest, () -> write(rest, attempt)).onComplete(x -> done.complete());
          } else if (lostRace(state) && attempt < MAX_ATTEMPTS) {
            guarded(live, () -> write(live, attempt + 1)).onComplete(x -> done.complete());
          } else if (lostRace(state) || UNIQUE_VIOLATION.equals(state)) {
            // Nothing of the batch was written. The account whose statement failed (a client_order_id used before, a
            // claim that keeps losing) has its orders go alone, through the locking path; the other accounts' orders
            // are batched again, so one account does not send a whole shared batch one by one.
            Map<Boolean, List<Pending>> split = live.stream().collect(Collectors.partitioningBy(
                p -> culprit.map(c -> c.account.equals(p.request().account())).orElse(true)));
            List<Pending> alone = split.get(true);
            List<Pending> others = split.get(false);
            LOG.debug("{} of a batch of {} go one by one: {}", alone.size(), live.size(), failure.getMessage());
            oneByOne(alone).compose(v -> others.isEmpty() ? Future.<Void>succeededFuture()
                : guarded(others, () -> write(others, attempt))).onComplete(x -> done.complete());
          } else {
            // A server's error aborted the transaction: known unwritten. Anything else (the connection lost
            // mid-pipeline) leaves the outcome unknown, and the failure says so as it is.
            Throwable told = failure instanceof PgException || failure instanceof ServiceUnavailableException
                ? new NotCommittedException(failure) : failure;
            live.forEach(p -> p.reply().tryFail(told));
            done.complete();
          }
        });
    return done.future();
  }

  /** Runs a step of writing {@code batch}; a bug that throws fails the batch's callers instead of stranding them. */
  private static Future<Void> guarded(List<Pending> batch, Supplier<Future<Void>> step) {
    try {
      return step.get();
    } catch (RuntimeException bug) {
      batch.forEach(p -> p.reply().tryFail(bug));
      return Future.succeededFuture();
    }
  }

  /** A batch's failure that one account's statement caused (its claim, or one of its orders). */
  private static final class AccountFailed extends RuntimeException {
    final String account;

    AccountFailed(String account, Throwable cause) {
      super(cause.getMessage(), cause, false, false);
      this.account = account;
    }
  }

  private static boolean lostRace(String sqlState) {
    return SERIALIZATION_FAILURE.equals(sqlState) || DEADLOCK.equals(sqlState);
  }

  private Future<Void> oneByOne(List<Pending> batch) {
    Future<Void> chain = Future.succeededFuture();
    for (Pending p : batch) {
      chain = chain.eventually(() -> guarded(List.of(p), () -> fallback.apply(p).onComplete(r -> {
        if (r.succeeded()) {
          p.reply().tryComplete(r.result());
        } else {
          p.reply().tryFail(r.cause());
        }
      }).mapEmpty()));
    }
    return chain;
  }

  /**
   * A deadline on the service's clock, moved to the wall clock PostgreSQL checks it by: the same time left. (They are
   * one clock in production; a test's clock may be set to another day.)
   */
  private Instant onDatabaseClock(Instant deadline) {
    return WALL_CLOCK.instant().plus(java.time.Duration.between(options.clock().instant(), deadline));
  }

  private static Optional<Instant> earliestDeadline(List<Pending> batch) {
    return batch.stream().map(Pending::deadline).flatMap(Optional::stream).min(Instant::compareTo);
  }

  /**
   * Decides each order in turn against its account as the account's orders before it leave it.
   *
   * @return each account's orders as decided, the accounts in the order their rows are locked
   */
  private SortedMap<String, List<Planned>> plan(Map<String, AccountState> starts, List<Pending> batch,
      Map<String, Quote> quotes) {
    SortedMap<String, List<Planned>> planned = new TreeMap<>();
    Map<String, AccountState> states = new HashMap<>(starts);
    OffsetDateTime now = store.now();
    Instruments instruments = options.instruments();
    for (Pending p : batch) {
      OrderRequest r = p.request();
      AccountState state = states.get(r.account());
      PlacementRules.Placement placement = PlacementRules.decide(r, state.account(),
          state.holdings(r.symbol(), instruments), quotes, p.tradable(), options);
      Order order = Order.placed(r, placement.status(), placement.triggered(), placement.filledQuantity(),
          placement.fillPrice(), placement.fillQuote(), placement.fillReason(), placement.rejection(),
          now.toInstant());
      state = state.after(r, placement);
      states.put(r.account(), state);
      AccountValuation.Snapshot snapshot = AccountValuation.value(state.account(), state.positions(), quotes,
          instruments, state.reserved(instruments).cash());
      planned.computeIfAbsent(r.account(), a -> new ArrayList<>())
          .add(new Planned(p, placement, order, state, snapshot, AccountsJson.account(snapshot)));
    }
    return planned;
  }

  /** Sends the batch as one pipeline and answers each order from what it stored. */
  private Future<Void> writePlanned(Map<String, AccountState> starts,
      SortedMap<String, List<Planned>> byAccount, Map<String, Quote> quotes) {
    List<Planned> all = byAccount.values().stream().flatMap(List::stream).toList();
    return pool.getConnection().compose(conn -> {
      List<Future<?>> sent = new ArrayList<>();
      // Whose statement each of sent is (null: the transaction's own), to tell which account failed the batch.
      List<String> owners = new ArrayList<>();
      // Each account's orders as stored, the accounts in the order of byAccount (so of all).
      List<Future<List<Order>>> stored = new ArrayList<>();
      sent.add(conn.query("BEGIN").execute());
      owners.add(null);
      sent.add(conn.query(TradingStore.GENERIC_PLANS).execute());
      owners.add(null);
      byAccount.forEach((account, planned) -> {
        AccountState end = planned.get(planned.size() - 1).after();
        sent.add(store.claimAccount(conn, account, starts.get(account).eventSeq(), end.eventSeq(),
            end.account().cash()));
        writeAccount(conn, account, planned, sent, stored);
        while (owners.size() < sent.size()) {
          owners.add(account);
        }
      });
      earliestDeadline(all.stream().map(Planned::pending).toList())
          .ifPresent(deadline -> sent.add(store.commitBefore(conn, onDatabaseClock(deadline))));
      sent.add(conn.query("COMMIT").execute());
      return Future.join(sent).eventually(conn::close).transform(done -> {
        OptionalInt failed = firstFailure(sent);
        if (failed.isPresent()) {
          Throwable cause = sent.get(failed.getAsInt()).cause();
          String owner = failed.getAsInt() < owners.size() ? owners.get(failed.getAsInt()) : null;
          return Future.failedFuture(owner != null && cause instanceof PgException ? new AccountFailed(owner, cause)
              : cause);
        }
        byAccount.values().forEach(planned -> remember(planned.get(planned.size() - 1).after()));
        List<Order> orders = stored.stream().flatMap(f -> f.result().stream()).toList();
        for (int i = 0; i < all.size(); i++) {
          answer(all.get(i), orders.get(i), quotes);
        }
        return Future.succeededFuture();
      });
    });
  }

  /** One account's orders (with their fills and events, one statement) and positions, after its claim. */
  private void writeAccount(SqlConnection conn, String account, List<Planned> planned,
      List<Future<?>> sent, List<Future<List<Order>>> stored) {
    AccountState end = planned.get(planned.size() - 1).after();
    Set<String> traded = new HashSet<>();
    List<TradingStore.PlacedOrder> placed = new ArrayList<>(planned.size());
    for (Planned p : planned) {
      boolean executed = p.placement().execution().isPresent();
      if (executed) {
        traded.add(p.order().symbol());
      }
      // The event as built (id 0): PostgreSQL puts in the order's id.
      placed.add(new TradingStore.PlacedOrder(p.order(), executed, p.after().eventSeq(),
          event(p, AccountsJson.order(p.order()))));
    }
    Future<List<Order>> orders = store.insertPlacedOrders(conn, account, placed);
    sent.add(orders);
    stored.add(orders);
    // Each traded symbol's position as the batch leaves it.
    end.positions().stream().filter(position -> traded.contains(position.symbol()))
        .forEach(position -> sent.add(store.savePosition(conn, account, position)));
  }

  /**
   * The statement that failed first, preferring PostgreSQL's own error (which aborted the transaction, so nothing
   * was written) over what the statements behind it then reported.
   */
  private static OptionalInt firstFailure(List<Future<?>> sent) {
    int first = -1;
    for (int i = 0; i < sent.size(); i++) {
      Future<?> f = sent.get(i);
      if (f.failed()) {
        if (f.cause() instanceof PgException pg && !"25P02".equals(pg.getSqlState())) {
          return OptionalInt.of(i);
        }
        first = first < 0 ? i : first;
      }
    }
    return first < 0 ? OptionalInt.empty() : OptionalInt.of(first);
  }

  /** An order's event: the order, its seq, and the account as the order left it. */
  private static JsonObject event(Planned p, JsonObject order) {
    return order.put("seq", p.after().eventSeq())
        .put("account_snapshot", EngineReply.topLevelCopy(p.account()).put("event_seq", p.after().eventSeq()));
  }

  private void answer(Planned p, Order stored, Map<String, Quote> quotes) {
    JsonObject order = AccountsJson.order(stored);
    JsonObject body = EngineReply.errorBody(p.placement().replyError())
        .put("account", p.account())
        .put("order", order)
        .put("position", AccountsJson.position(p.snapshot(), stored.symbol(), quotes, options.instruments()));
    p.pending().reply().tryComplete(new EngineReply(p.placement().outcome(), body,
        List.of(event(p, EngineReply.topLevelCopy(order)))));
  }

  /** Each account as {@link #state} finds it; an account that does not exist is left out. */
  private Future<Map<String, AccountState>> states(Set<String> accounts) {
    List<String> ids = List.copyOf(accounts);
    List<Future<Optional<AccountState>>> reads = ids.stream().map(this::state).toList();
    return Future.all(reads).map(v -> {
      Map<String, AccountState> states = new HashMap<>();
      for (int i = 0; i < ids.size(); i++) {
        String id = ids.get(i);
        reads.get(i).result().ifPresent(state -> states.put(id, state));
      }
      return states;
    });
  }

  /** The account as this node last wrote it, else read in one snapshot (one round trip); empty: no such account. */
  private Future<Optional<AccountState>> state(String account) {
    synchronized (known) {
      AccountState state = known.get(account);
      if (state != null) {
        return Future.succeededFuture(Optional.of(state));
      }
    }
    return pool.getConnection().compose(conn -> {
      Future<?> begin = conn.query("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY").execute();
      Future<Optional<AccountState>> read = store.accountAt(conn, account, store.positions(conn, account),
          store.holds(conn, account, 0));
      Future<?> commit = conn.query("COMMIT").execute();
      return Future.all(begin, read, commit).eventually(conn::close).map(v -> read.result());
    }).recover(e -> Future.failedFuture(e instanceof PgException ? e : new ServiceUnavailableException("PostgreSQL", e)));
  }

  private void remember(AccountState state) {
    synchronized (known) {
      known.put(state.account().id(), state);
    }
  }

  /** Drops this node's copy of the account: the next batch reads it. Called on any doubt. */
  void forget(String account) {
    synchronized (known) {
      known.remove(account);
    }
  }
}
