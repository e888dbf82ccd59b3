package com.thortrading.accounts;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes committed order events (each written to {@code order_events} in its change's transaction) and
 * marks them published, a batch at a time; a sweep publishes events that were committed but never published,
 * as when a node died between its commit and its publish. Consumers drop an event they already have by its
 * {@code seq}, so the rare event published twice (a sweep racing a slow mark) does no harm.
 *
 * <p>{@link #publish} may be called from any verticle's thread.
 */
public final class OrderEventsOutbox extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(OrderEventsOutbox.class);
  private static final long MARK_EVERY_MS = 250;
  private static final long SWEEP_EVERY_MS = 2_000;
  /** An event this old and unpublished was surely orphaned (publishing follows commit within milliseconds). */
  private static final long ORPHANED_AFTER_MS = 3_000;
  private static final int BATCH = 500;

  private final Pool pool;
  private final TradingStore store;
  private final long markEveryMs;
  private final int batch;
  private final ConcurrentLinkedQueue<JsonObject> toMark = new ConcurrentLinkedQueue<>();
  private boolean marking;

  public OrderEventsOutbox(Pool pool, TradingStore store) {
    this(pool, store, MARK_EVERY_MS, BATCH);
  }

  /** With how often marking starts and how many events one statement marks (tests make these small). */
  OrderEventsOutbox(Pool pool, TradingStore store, long markEveryMs, int batch) {
    this.pool = pool;
    this.store = store;
    this.markEveryMs = markEveryMs;
    this.batch = batch;
  }

  @Override
  public Future<?> start() {
    vertx.setPeriodic(markEveryMs, t -> mark());
    vertx.setPeriodic(SWEEP_EVERY_MS, t -> sweep());
    return Future.succeededFuture();
  }

  /** Publishes events just committed, in order; they are marked published shortly after. */
  public void publish(io.vertx.core.eventbus.EventBus bus, List<JsonObject> events) {
    for (JsonObject event : events) {
      OrderEvents.publish(bus, event);
      toMark.add(event);
    }
  }

  private void mark() {
    if (marking || toMark.isEmpty()) {
      return;
    }
    List<JsonObject> marked = new ArrayList<>();
    while (marked.size() < batch) {
      JsonObject event = toMark.poll();
      if (event == null) {
        break;
      }
      marked.add(event);
    }
    marking = true;
    store.markPublished(pool, marked).onComplete(done -> {
      marking = false;
      if (done.failed()) {
        // Left unmarked, they are published again by a sweep once the database is back: duplicates, never losses.
        LOG.warn("Could not mark {} events published: {}", marked.size(), done.cause().getMessage());
      } else if (!toMark.isEmpty()) {
        // More came than one statement marks: on at once, not a tick later. One batch a tick (2,000 events a second)
        // fell behind 3,400 orders a second, and the sweep published the events left waiting a second time.
        mark();
      }
    });
  }

  private void sweep() {
    store.unpublishedEvents(pool, ORPHANED_AFTER_MS, BATCH).onSuccess(orphans -> {
      if (!orphans.isEmpty()) {
        LOG.info("Publishing {} order events that were committed but never published", orphans.size());
        publish(vertx.eventBus(), orphans);
      }
    }).onFailure(e -> LOG.debug("Outbox sweep skipped: {}", e.getMessage()));
  }
}
