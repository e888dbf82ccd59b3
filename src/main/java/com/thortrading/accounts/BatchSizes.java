package com.thortrading.accounts;

import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * How many orders, and of how many accounts, each batch of new orders took from the queue (counted as taken, before a
 * retry or a fallback): what batching saves, for operators.
 */
public final class BatchSizes {

  private final DistributionSummary orders;
  private final DistributionSummary accounts;

  public BatchSizes(MeterRegistry registry) {
    this.orders = DistributionSummary.builder("thortrading.orders.batch.orders")
        .description("New orders written in one transaction").register(registry);
    this.accounts = DistributionSummary.builder("thortrading.orders.batch.accounts")
        .description("Accounts whose new orders went in one transaction").register(registry);
  }

  /** Counted, but seen by no one: for an engine built without the node's registry. */
  public static BatchSizes unseen() {
    return new BatchSizes(new SimpleMeterRegistry());
  }

  void record(int orderCount, int accountCount) {
    orders.record(orderCount);
    accounts.record(accountCount);
  }
}
