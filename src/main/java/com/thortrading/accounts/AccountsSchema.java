package com.thortrading.accounts;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.math.BigDecimal;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the database up to the current schema (Flyway, {@code db/migration}) and makes sure the default
 * account exists. Flyway speaks JDBC, which blocks, so it runs on a worker thread.
 */
public final class AccountsSchema {

  private static final Logger LOG = LoggerFactory.getLogger(AccountsSchema.class);

  /** The account orders go to when they name none. */

  private AccountsSchema() {
  }

  public static Future<Void> prepare(Vertx vertx, Pool pool, String pgUrl, BigDecimal startingCash) {
    return vertx.executeBlocking(() -> {
      migrate(pgUrl);
      return null;
    }, false).compose(v -> new TradingStore().createAccount(pool, AccountIds.DEFAULT, startingCash)).map(created -> {
      if (created) {
        LOG.info("Created the default account '{}' with {} cash", AccountIds.DEFAULT, Money.text(startingCash));
      }
      return null;
    });
  }

  /** Blocking: applies pending migrations over JDBC. */
  public static void migrate(String pgUrl) {
    PgConnectOptions options = PgConnectOptions.fromUri(pgUrl);
    String jdbcUrl = "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
    var result = Flyway.configure()
        .dataSource(jdbcUrl, options.getUser(), options.getPassword())
        .locations("classpath:db/migration")
        .load()
        .migrate();
    if (result.migrationsExecuted > 0) {
      LOG.info("Database schema migrated to version {} ({} migrations)", result.targetSchemaVersion,
          result.migrationsExecuted);
    }
  }
}
