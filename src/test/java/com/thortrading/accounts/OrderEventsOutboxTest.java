package com.thortrading.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.thortrading.testsupport.PostgresServerExtension;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The outbox marks what it published as fast as events come, not one batch a tick. */
class OrderEventsOutboxTest {

  @RegisterExtension
  static final PostgresServerExtension PG = new PostgresServerExtension();

  private static Vertx vertx;
  private static Pool pool;

  @BeforeAll
  static void start() {
    AccountsSchema.migrate(PG.url());
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().connectingTo(PG.url()).using(vertx).build();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void eventsComingFasterThanOneBatchATickAreAllMarkedAtTheFirstTick() {
    int events = 100;
    pool.query("INSERT INTO accounts (id, cash, starting_cash) VALUES ('outbox', 0, 0)").execute().await();
    long order = pool.query("INSERT INTO orders (account_id, symbol, side, quantity, order_type, tif, status) "
        + "VALUES ('outbox', 'OBX', 'BUY', 1, 'MKT', 'DAY', 'CANCELED') RETURNING id").execute().await()
        .iterator().next().getLong(0);
    List<JsonObject> committed = new ArrayList<>();
    for (long seq = 1; seq <= events; seq++) {
      JsonObject event = new JsonObject().put("account", "outbox").put("seq", seq).put("id", order);
      pool.preparedQuery("WITH e AS (INSERT INTO order_events (account_id, seq, order_id, body) VALUES ($1, $2, $3, $4) "
              + "RETURNING account_id, seq) INSERT INTO order_events_unpublished (account_id, seq) SELECT * FROM e")
          .execute(Tuple.of("outbox", seq, order, event)).await();
      committed.add(event);
    }
    // Ten events a statement, a tick every 2 s: one statement a tick would leave 90 waiting after the first tick.
    OrderEventsOutbox outbox = new OrderEventsOutbox(pool, new TradingStore(), 2_000, 10);
    vertx.deployVerticle(outbox).await();
    outbox.publish(vertx.eventBus(), committed);

    await().atMost(Duration.ofMillis(3_500)).pollInterval(Duration.ofMillis(50)).until(() -> pool
        .query("SELECT count(*) FROM order_events_unpublished WHERE account_id = 'outbox'").execute().await()
        .iterator().next().getLong(0) == 0);
    // The events themselves stay, as they were: marking one published only drops its row from the waiting list.
    assertThat(pool.query("SELECT count(*) FROM order_events WHERE account_id = 'outbox'").execute().await()
        .iterator().next().getLong(0)).isEqualTo(events);
  }
}
