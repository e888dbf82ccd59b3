package com.thortrading.app;

/**
 * What a node does. One process runs all three by default; a cluster runs each on its own nodes and scales
 * {@link #WEB} out.
 */
public enum Role {
  /** Polls the quote source and publishes to Redis. */
  INGEST,
  /** The order engine and the matcher. */
  ENGINE,
  /** The REST API, the SockJS fan-out and the page. */
  WEB
}
