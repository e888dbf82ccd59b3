package com.thortrading.accounts;

import com.thortrading.livedata.LiveQuote;
import com.thortrading.livedata.Quote;
import com.thortrading.livedata.QuoteAddresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills working orders when quotes cross them, oldest first, and expires DAY orders at the session close.
 *
 * <p>The book of working orders per symbol is loaded from PostgreSQL at start and kept current from the engine's
 * order changes; this node listens to {@code quotes.<SYMBOL>} (local) only for symbols with working orders. The
 * book only decides whom to try: the fill itself is the engine's conditional update, so a stale book, a second
 * matcher or a restart can never fill an order twice.
 */
public final class OrderMatchingVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(OrderMatchingVerticle.class);

  private final OrderEngine engine;
  private final SessionClock session;
  private final Clock clock;
  private final Map<String, TreeMap<Long, Order>> book = new HashMap<>();
  private final Map<String, MessageConsumer<LiveQuote>> quoteConsumers = new HashMap<>();
  /** Symbols being matched now, with the newest quote that came meanwhile (matched next, the rest skipped). */
  private final Set<String> busy = new HashSet<>();
  private final Map<String, Quote> nextQuote = new HashMap<>();
  private long expiryTimer = -1;
  private static final Duration CLOSE_CHECK = Duration.ofSeconds(1);
  private Instant nextClose;
  private boolean expiring;

  private final OrderEventsOutbox outbox;
  /** The seq of the newest event applied per order, kept a while after it leaves the book (bounded). */
  private final Map<Long, Long> seen = new java.util.LinkedHashMap<>(1024, 0.75f, false) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
      return size() > MAX_SEEN;
    }
  };
  private static final int MAX_SEEN = 100_000;
  /** Orders in the book, for {@code thortrading_matcher_working_orders} (read by the metrics scrape). */
  private final java.util.concurrent.atomic.AtomicInteger working = new java.util.concurrent.atomic.AtomicInteger();

  public OrderMatchingVerticle(OrderEngine engine, SessionClock session, Clock clock, OrderEventsOutbox outbox) {
    this.outbox = outbox;
    this.engine = engine;
    this.session = session;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    return vertx.eventBus().<JsonObject>consumer(AccountAddresses.ORDER_CHANGES, m -> onEvent(m.body()))
        .completion()
        .compose(v -> engine.workingOrders())
        .compose(working -> {
          // Read after the consumer was in place, so no change falls between; an order an event already told
          // of is left as the event said (the event is at least as new as this read's view of it could matter).
          working.stream().filter(o -> !seen.containsKey(o.id())).forEach(this::onOrder);
          LOG.info("Matching {} working orders; DAY orders expire at {} {}", working.size(), session.close(),
              session.zone());
          // A restart after a close: what should have expired then, expires now.
          return expire(session.previousClose(clock.instant()));
        })
        .onSuccess(v -> scheduleExpiry());
  }

  /** The number of working orders in this node's book: what /metrics shows, to hold against PostgreSQL. */
  public java.util.function.Supplier<Number> bookSize() {
    return working::get;
  }

  /** An order change: applied only when newer than what this book has seen of the order. */
  private void onEvent(JsonObject event) {
    Long id = event.getLong("id");
    String symbol = event.getString("symbol");
    // Most changes end an order (every market order's fill): only a working order is read whole, for the book. A
    // whole read was a tenth of the service's CPU under a stream of market orders.
    boolean working = OrderStatus.WORKING.name().equals(event.getString("status"));
    Order order = working || id == null || symbol == null ? AccountsJson.order(event) : null;
    long orderId = order != null ? order.id() : id;
    Long seq = event.getLong("seq");
    Long last = seen.get(orderId);
    if (seq != null && last != null && seq <= last) {
      return; // an older state arriving late (a replace's WORKING after the FILLED): never put it back
    }
    if (seq != null) {
      seen.put(orderId, seq);
    }
    if (order != null) {
      onOrder(order);
    } else {
      remove(symbol, orderId);
    }
  }

  private void onOrder(Order order) {
    if (order.status() == OrderStatus.WORKING) {
      boolean added = book.computeIfAbsent(order.symbol(), s -> new TreeMap<>()).put(order.id(), order) == null;
      MessageConsumer<LiveQuote> consumer = quoteConsumers.computeIfAbsent(order.symbol(), symbol -> vertx.eventBus()
          .<LiveQuote>localConsumer(QuoteAddresses.quotes(symbol), m -> onQuote(symbol, m.body().quote())));
      if (added) {
        working.incrementAndGet();
        // A quote that came before this book knew the order (its event was slower than the quote, or the quote
        // came while this node was down) is not sent again: it is in the latest-quotes hash. Read once the
        // consumer is in place, so a quote is either read here or received there.
        consumer.completion().compose(v -> engine.latestQuote(order.symbol()))
            .onSuccess(latest -> latest.ifPresent(quote -> onQuote(order.symbol(), quote)));
      }
    } else {
      remove(order.symbol(), order.id());
    }
  }

  /** Takes an order out of the book, and stops listening to its symbol when it was the last one there. */
  private void remove(String symbol, long id) {
    TreeMap<Long, Order> orders = book.get(symbol);
    if (orders == null) {
      return;
    }
    if (orders.remove(id) != null) {
      working.decrementAndGet();
    }
    if (orders.isEmpty()) {
      book.remove(symbol);
      MessageConsumer<LiveQuote> consumer = quoteConsumers.remove(symbol);
      if (consumer != null) {
        consumer.unregister();
      }
    }
  }

  private void onQuote(String symbol, Quote quote) {
    if (engine.isStale(quote)) {
      return; // not a live price: working orders wait for a fresh one
    }
    if (busy.contains(symbol)) {
      nextQuote.put(symbol, quote); // conflate: only the newest quote matters once this round ends
      return;
    }
    TreeMap<Long, Order> orders = book.get(symbol);
    if (orders == null) {
      return;
    }
    List<Order> candidates = new ArrayList<>();
    for (Order order : orders.values()) {
      FillPriceRule.Decision decision = engine.match(order, quote);
      if (decision instanceof FillPriceRule.Fill
          || (decision instanceof FillPriceRule.Work w && w.triggered() && !order.triggered())) {
        candidates.add(order);
      }
    }
    if (candidates.isEmpty()) {
      return;
    }
    busy.add(symbol);
    // One read of the quote board per round, not per order; then the orders one at a time, oldest first.
    Future<Void> round = engine.quotesWith(quote).compose(quotes -> {
      Future<Void> chain = Future.succeededFuture();
      for (Order order : candidates) {
        boolean expectsFill = engine.match(order, quote) instanceof FillPriceRule.Fill;
        chain = chain.compose(v -> engine.matchWorking(order.id(), quote, quotes)
            .map(changed -> {
              outbox.publish(vertx.eventBus(), changed);
              return changed.isEmpty() && expectsFill;
            })
            // It should have filled and nothing changed: the database knows better. No longer working: out of the
            // book. Still working (its last part came from this quote, seen by another matcher first): kept, as
            // the database has it.
            .compose(unexpected -> unexpected ? engine.storedOrder(order.id()).map(stored -> {
              if (stored.isPresent() && stored.get().status() == OrderStatus.WORKING) {
                refresh(stored.get());
              } else {
                drop(order);
              }
              return (Void) null;
            }) : Future.<Void>succeededFuture())
            .recover(e -> {
              LOG.warn("Matching order {} failed: {}", order.id(), e.getMessage());
              return Future.succeededFuture();
            }));
      }
      return chain;
    }).recover(e -> {
      LOG.warn("Matching {} skipped: {}", symbol, e.getMessage());
      return Future.succeededFuture();
    });
    round.onComplete(done -> {
      busy.remove(symbol);
      Quote next = nextQuote.remove(symbol);
      if (next != null) {
        onQuote(symbol, next);
      }
    });
  }

  /** A newer view of an order already in the book (no new read of the latest quote: it has been tried). */
  private void refresh(Order order) {
    TreeMap<Long, Order> orders = book.get(order.symbol());
    if (orders != null && orders.containsKey(order.id())) {
      orders.put(order.id(), order);
    }
  }

  private void drop(Order order) {
    LOG.debug("Order {} is no longer working in PostgreSQL; out of the book", order.id());
    remove(order.symbol(), order.id());
  }

  private Future<Void> expire(Instant close) {
    return engine.expireDayOrders(close).map(expired -> {
      if (!expired.isEmpty()) {
        LOG.info("Expired {} DAY orders at the session close {}", expired.size(), close);
      }
      outbox.publish(vertx.eventBus(), expired);
      return null;
    });
  }

  /**
   * Looks at the injected clock once a second rather than arming one long timer: a timer counts real time, so it
   * would miss a clock that is set (tests, replays) and drift across a machine's sleep or an NTP step.
   */
  private void scheduleExpiry() {
    nextClose = session.nextClose(clock.instant());
    expiryTimer = vertx.setPeriodic(CLOSE_CHECK.toMillis(), t -> {
      if (expiring || clock.instant().isBefore(nextClose)) {
        return;
      }
      Instant close = nextClose;
      expiring = true;
      expire(close)
          .onFailure(e -> LOG.warn("Expiring DAY orders failed (tried again in {}): {}", CLOSE_CHECK, e.getMessage()))
          .onSuccess(v -> nextClose = session.nextClose(close))
          .onComplete(done -> expiring = false);
    });
  }

  /** Expires DAY orders as the session close at {@code close} would; for operators and tests with their own clock. */
  public Future<Void> closeSession(Instant close) {
    return expire(close);
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(expiryTimer);
    return Future.succeededFuture();
  }
}
