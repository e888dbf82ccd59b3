package com.thortrading.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class OrderEngineClientTest {

  private static final Instant DEADLINE = Instant.parse("2026-01-05T15:00:05Z");

  @Test
  void withNoEngineOnTheBusTheCallerIsToldNothingRanRatherThanWaitingOut(Vertx vertx) {
    OrderEngineClient client = new OrderEngineClient(vertx.eventBus(), Duration.ofSeconds(30));
    long started = System.nanoTime();
    Throwable failure = catchThrowable(() -> client.account("paper").await());
    assertThat(failure).isInstanceOf(OrderEngineClient.NotRunning.class);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void anEngineThatDoesNotAnswerInTimeIsNoAnswerNotAFault(Vertx vertx) {
    vertx.eventBus().consumer(AccountAddresses.CANCEL_ORDER, m -> { }).completion().await();
    OrderEngineClient client = new OrderEngineClient(vertx.eventBus(), Duration.ofMillis(300));
    Throwable failure = catchThrowable(() -> client.cancel(7, Optional.empty(), DEADLINE).await());
    assertThat(failure).isInstanceOf(OrderEngineClient.NoAnswer.class).hasMessageContaining("300 ms");
  }

  @Test
  void aPlacedOrderTravelsWithItsDeadlineAndTheAnswerComesBackWithoutTheOutcomeInItsBody(Vertx vertx) {
    AtomicReference<JsonObject> asked = new AtomicReference<>();
    vertx.eventBus().<JsonObject>consumer(AccountAddresses.PLACE_ORDER, m -> {
      asked.set(m.body());
      m.reply(new JsonObject().put("outcome", "ACCEPTED").put("order", new JsonObject().put("id", 1)));
    }).completion().await();
    OrderEngineClient client = new OrderEngineClient(vertx.eventBus(), Duration.ofSeconds(5));
    OrderRequest order = new OrderRequest("paper", "AAPL", Side.BUY, 3, OrderType.LMT,
        Optional.of(new BigDecimal("189.50")), Optional.empty(), TimeInForce.DAY, Optional.of("mine-1"));

    OrderEngineClient.Answer answer = client.place(order, DEADLINE).await();

    assertThat(answer.outcome()).isEqualTo(EngineOutcome.ACCEPTED);
    assertThat(answer.body()).isEqualTo(new JsonObject().put("order", new JsonObject().put("id", 1)));
    assertThat(asked.get().getLong("deadline_ms")).isEqualTo(DEADLINE.toEpochMilli());
    // What the engine's verticle reads back is the order that was placed.
    OrderRequest read = AccountsJson.request(asked.get());
    assertThat(read.limitPrice()).contains(new BigDecimal("189.50"));
    assertThat(read.clientOrderId()).contains("mine-1");
    assertThat(read.quantity()).isEqualTo(3);
  }

  @Test
  void aReplaceSendsOnlyWhatChangesAndTheCallersScope(Vertx vertx) {
    AtomicReference<JsonObject> asked = new AtomicReference<>();
    vertx.eventBus().<JsonObject>consumer(AccountAddresses.REPLACE_ORDER, m -> {
      asked.set(m.body());
      m.reply(new JsonObject().put("outcome", "OK"));
    }).completion().await();
    OrderEngineClient client = new OrderEngineClient(vertx.eventBus(), Duration.ofSeconds(5));

    client.replace(9, Optional.of("desk-1"), Optional.empty(), Optional.of(new BigDecimal("10.5")), Optional.empty(),
        DEADLINE).await();

    assertThat(asked.get()).isEqualTo(new JsonObject().put("id", 9L).put("scope", "desk-1").put("limit_price", "10.5")
        .put("deadline_ms", DEADLINE.toEpochMilli()));
  }
}
