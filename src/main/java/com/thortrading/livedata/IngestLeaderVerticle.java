package com.thortrading.livedata;

import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Single flight for the quote source: only the holder of the ingest lease ({@code live_data:excel_lock} in Redis)
 * runs the poller; every other ingest node stands by and takes over when the holder is gone.
 *
 * <p>The lease lives two thirds of {@code takeover} and is renewed every sixth of it; a standing-by node tries to
 * take it as often. So a dead holder's lease runs out and is taken within {@code takeover}. A holder that cannot
 * renew (Redis away, or the node paused) stops its poller once its lease may have run out; and since every batch is
 * written only while its fence still holds the lease ({@link LiveDataRedis#publishQuotes(java.util.List, String)}),
 * an ex-holder that wakes up late writes nothing over the new holder's quotes.
 */
public final class IngestLeaderVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(IngestLeaderVerticle.class);

  private final LiveDataRedis redis;
  private final IngestRole role;
  private final Supplier<Deployable> poller;
  private final Duration ttl;
  private final Duration tick;
  private String pollerDeployment;
  private long renewedAt;
  private long timer = -1;
  private boolean busy;
  private boolean stopping;
  private Optional<String> lastHolderSeen = Optional.empty();

  /** @param takeover how soon after the holder's death another node polls */
  public IngestLeaderVerticle(LiveDataRedis redis, IngestRole role, Duration takeover, Supplier<Deployable> poller) {
    this.redis = redis;
    this.role = role;
    this.poller = poller;
    this.ttl = takeover.multipliedBy(2).dividedBy(3);
    this.tick = takeover.dividedBy(6);
  }

  @Override
  public Future<?> start() {
    // The first attempt is part of start-up, so a source that cannot open stops start-up with its reason.
    return attempt().onSuccess(v -> timer = vertx.setPeriodic(Math.max(1, tick.toMillis()), t -> onTick()));
  }

  private void onTick() {
    if (busy || stopping) {
      return;
    }
    busy = true;
    (role.polling() ? renew() : attempt()).onComplete(done -> busy = false);
  }

  private Future<Void> attempt() {
    return redis.acquireIngestLease(role.node(), ttl).compose(won -> {
      if (won.isPresent()) {
        return lead(won.get());
      }
      return redis.ingestLeaseHolder().map(holder -> {
        if (!holder.equals(lastHolderSeen)) {
          LOG.info("Standing by: {} polls the quote source (taking over within {} ms of its end)",
              holder.map(IngestLeaderVerticle::nodeOf).orElse("no node"), ttl.plus(tick).toMillis());
          lastHolderSeen = holder;
        }
        return (Void) null;
      });
    }).recover(e -> {
      LOG.debug("Cannot ask for the ingest lease: {}", e.getMessage());
      return Future.succeededFuture();
    });
  }

  private Future<Void> lead(String lease) {
    role.lead(lease);
    renewedAt = System.nanoTime();
    lastHolderSeen = Optional.of(lease);
    LOG.info("This node polls the quote source now (ingest lease {})", lease);
    return vertx.deployVerticle(poller.get()).<Void>map(id -> {
      pollerDeployment = id;
      return null;
    }).onFailure(e -> {
      role.standBy();
      redis.releaseIngestLease(lease);
    });
  }

  private Future<Void> renew() {
    String lease = role.fence();
    return redis.renewIngestLease(lease, ttl).map(kept -> {
      if (kept) {
        renewedAt = System.nanoTime();
      } else {
        lose("the lease ran out or another node has it");
      }
      return (Void) null;
    }).recover(e -> {
      if (Duration.ofNanos(System.nanoTime() - renewedAt).compareTo(ttl) >= 0) {
        lose("cannot renew it: " + e.getMessage());
      }
      return Future.succeededFuture();
    });
  }

  private void lose(String why) {
    LOG.warn("This node stops polling the quote source: {}", why);
    role.standBy();
    lastHolderSeen = Optional.empty();
    if (pollerDeployment != null) {
      vertx.undeploy(pollerDeployment);
      pollerDeployment = null;
    }
  }

  /** The node part of a lease value ({@code <node>#<fence>}). */
  public static String nodeOf(String lease) {
    int hash = lease.lastIndexOf('#');
    return hash < 0 ? lease : lease.substring(0, hash);
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    vertx.cancelTimer(timer);
    Optional<String> held = role.lease();
    role.standBy();
    // The poller, deployed from here, is undeployed with this verticle; the lease is handed back at once so another
    // node need not wait for it to run out.
    return held.map(lease -> redis.releaseIngestLease(lease).recover(e -> Future.succeededFuture()))
        .orElse(Future.succeededFuture());
  }
}
