package com.thortrading.app;

import com.thortrading.accounts.AccountsSchema;
import com.thortrading.accounts.Money;
import com.thortrading.accounts.TradingStore;
import com.thortrading.trades.InvalidRequestException;
import com.thortrading.trades.RequestParser;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.util.concurrent.TimeUnit;

/** {@code thortrading accounts create --id ID [--cash AMOUNT]}: creates a paper account and exits. */
final class AccountsCommand {

  private AccountsCommand() {
  }

  /** The process exit code: 0 created, 1 not (the reason printed on stderr). */
  static int create(ThorConfig config, ConfigLoader.NewAccount request, PrintWriter out) {
    String id;
    BigDecimal cash;
    try {
      id = RequestParser.accountId("--id", request.id());
      cash = request.cash().map(c -> RequestParser.cash("--cash", c)).orElse(config.startingCash());
      if (request.allowShort() && !request.margin()) {
        throw new InvalidRequestException("--allow-short", "needs --margin (short selling is done on margin)");
      }
    } catch (InvalidRequestException e) {
      System.err.println("thortrading: " + e.getMessage());
      return 2;
    }
    try (EmbeddedServices servers = EmbeddedServices.startPostgresOnly(config)) {
      Vertx vertx = Vertx.vertx();
      try {
        Pool pool = PgBuilder.pool().connectingTo(servers.pgUrl()).using(vertx).build();
        AccountsSchema.prepare(vertx, pool, servers.pgUrl(), config.startingCash()).await(60, TimeUnit.SECONDS);
        boolean created = new TradingStore().createAccount(pool, id, cash, request.margin(), request.allowShort())
            .await(30, TimeUnit.SECONDS);
        if (!created) {
          System.err.println("thortrading: account " + id + " already exists");
          return 1;
        }
        out.println("Created " + (request.margin() ? "margin" : "cash") + " account " + id
            + (request.allowShort() ? " (short selling allowed)" : "") + " with " + Money.text(cash) + " cash in "
            + servers.pgUrl());
        return 0;
      } finally {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      System.err.println("thortrading: cannot create account " + id + ": " + e.getMessage());
      return 1;
    }
  }
}
