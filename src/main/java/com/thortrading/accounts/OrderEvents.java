package com.thortrading.accounts;

import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;

/** Where an order change goes once committed: the account's followers, and the matcher. */
public final class OrderEvents {

  private OrderEvents() {
  }

  public static void publish(EventBus bus, JsonObject order) {
    bus.publish(AccountAddresses.orderEvents(order.getString("account")), order);
    bus.publish(AccountAddresses.ORDER_CHANGES, order);
  }
}
