package com.thortrading.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** What the fan-out counts, as Micrometer meters (scraped at {@code /metrics}). */
final class FanoutMetrics {

  final Counter sent;
  final Counter conflated;
  final Counter dropped;
  final Counter overtaken;
  final Counter slowDisconnects;
  final Counter refusedFrames;

  FanoutMetrics(MeterRegistry registry) {
    this.sent = Counter.builder("thortrading.fanout.messages.sent").description("Messages written to clients")
        .register(registry);
    this.conflated = Counter.builder("thortrading.fanout.messages.conflated")
        .description("Messages replaced by a newer one before a slow client took them").register(registry);
    this.dropped = Counter.builder("thortrading.fanout.messages.dropped")
        .description("Quotes replaced inside a rate-cap window, or left unsent when a slow client was closed")
        .register(registry);
    this.overtaken = Counter.builder("thortrading.fanout.quotes.overtaken")
        .description("Quotes a fan-out event loop skipped: they had waited past THOR_FANOUT_SKIP_OVERTAKEN_MS and a "
            + "newer quote of the symbol was already behind them").register(registry);
    this.slowDisconnects = Counter.builder("thortrading.fanout.slow.disconnects")
        .description("Clients closed for staying behind too long").register(registry);
    this.refusedFrames = Counter.builder("thortrading.fanout.frames.refused")
        .description("Client frames answered with an error (access denied, limits)").register(registry);
  }
}
