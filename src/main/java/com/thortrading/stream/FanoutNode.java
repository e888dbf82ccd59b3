package com.thortrading.stream;

import com.thortrading.livedata.LatestQuotes;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the fan-out instances of one node share: the socket counts that the node's caps apply to, and the meters.
 *
 * <p>Each instance runs on its own event loop with its own sockets and symbol index; only opening, signing in and
 * closing a socket touch these counters (atomics, no locks), never a quote or an event on its way out.
 */
public final class FanoutNode {

  private final FanoutOptions options;
  private final LatestQuotes latest;
  private final FanoutMetrics metrics;
  private final AtomicInteger sockets = new AtomicInteger();
  private final AtomicInteger registrations = new AtomicInteger();
  private final ConcurrentHashMap<Long, Integer> perToken = new ConcurrentHashMap<>();
  private final MeterRegistry meters;
  private final List<Instance> instances = new CopyOnWriteArrayList<>();
  private final AtomicInteger instancesMade = new AtomicInteger();

  public FanoutNode(FanoutOptions options, LatestQuotes latest, MeterRegistry meters) {
    this.options = options;
    this.latest = latest;
    this.meters = meters;
    this.metrics = new FanoutMetrics(meters);
    Gauge.builder("thortrading.fanout.clients", sockets::get).description("Connected clients").register(meters);
    Gauge.builder("thortrading.fanout.registrations", registrations::get)
        .description("Addresses followed, summed over clients").register(meters);
    Gauge.builder("thortrading.fanout.queued", () -> instances.stream().mapToInt(i -> i.queued.get()).sum())
        .description("Messages held for clients (written but not taken, or waiting), summed over clients; "
            + "each fan-out instance counts its own twice a second")
        .register(meters);
  }

  public FanoutOptions options() {
    return options;
  }

  /** The node's newest quote per symbol, kept by its Redis subscriber (read-only here). */
  LatestQuotes latest() {
    return latest;
  }

  FanoutMetrics metrics() {
    return metrics;
  }

  /** What one fan-out instance reports: its sockets, and its held messages as of its last sweep. */
  final class Instance {
    final AtomicInteger clients = new AtomicInteger();
    /** An instance's outboxes are its own, so it counts them itself, on its loop. */
    final AtomicInteger queued = new AtomicInteger();
    private final Gauge gauge;

    private Instance(int number) {
      // Per instance, so an operator sees whether sockets spread over the event loops.
      gauge = Gauge.builder("thortrading.fanout.instance.clients", clients::get)
          .description("Connected clients of one fan-out instance (event loop)")
          .tag("instance", String.valueOf(number)).register(meters);
    }
  }

  Instance instance() {
    Instance instance = new Instance(instancesMade.getAndIncrement());
    instances.add(instance);
    return instance;
  }

  void instanceGone(Instance instance) {
    instances.remove(instance);
    meters.remove(instance.gauge);
  }

  /** Takes one of the node's socket places; false when the node is full. */
  boolean openSocket() {
    if (sockets.incrementAndGet() > options.maxSockets()) {
      sockets.decrementAndGet();
      return false;
    }
    return true;
  }

  void socketClosed() {
    sockets.decrementAndGet();
  }

  /** Takes one of the token's socket places on this node; false when the token holds its share already. */
  boolean signIn(long tokenId) {
    boolean[] admitted = {false};
    // Counted inside the map's own atomic step, so a sign-out dropping the entry at zero cannot lose a count.
    perToken.compute(tokenId, (id, count) -> {
      int held = count == null ? 0 : count;
      if (held >= options.maxSocketsPerToken()) {
        return count;
      }
      admitted[0] = true;
      return held + 1;
    });
    return admitted[0];
  }

  void signedOut(long tokenId) {
    perToken.computeIfPresent(tokenId, (id, count) -> count <= 1 ? null : count - 1);
  }

  void followed() {
    registrations.incrementAndGet();
  }

  void unfollowed() {
    registrations.decrementAndGet();
  }
}
