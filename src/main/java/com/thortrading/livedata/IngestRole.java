package com.thortrading.livedata;

import java.util.Optional;

/**
 * Whether this node polls the quote source (holds the ingest lease) and under which fence; written by the
 * {@link IngestLeaderVerticle}, read by the publisher and /health from any thread.
 */
public final class IngestRole {

  /** A fence no lease ever has: a publisher without the lease writes nothing. */
  static final String NO_LEASE = "-";

  private final String node;
  private volatile String fence = NO_LEASE;

  public IngestRole(String node) {
    this.node = node;
  }

  /** This node's name in the lease, e.g. {@code host/1234-5f3a}. */
  public String node() {
    return node;
  }

  /** Whether this node holds the lease and polls. */
  public boolean polling() {
    return !NO_LEASE.equals(fence);
  }

  /** The lease value this node publishes under ({@code <node>#<fence>}), or {@link #NO_LEASE}. */
  String fence() {
    return fence;
  }

  /** The lease value, when this node holds it. */
  public Optional<String> lease() {
    return polling() ? Optional.of(fence) : Optional.empty();
  }

  void lead(String lease) {
    this.fence = lease;
  }

  void standBy() {
    this.fence = NO_LEASE;
  }
}
