package com.thortrading.accounts;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;

/** Runs {@link AccountAudit} over every account in PostgreSQL: what {@code thortrading verify} prints. */
public final class LedgerVerifier {

  private LedgerVerifier() {
  }

  /** The audit of every account: the violations, and a summary line. */
  public record Report(int accounts, int orders, int fills, List<String> violations) {
    public String text() {
      String summary = "Checked " + accounts + " accounts, " + orders + " orders, " + fills + " fills: ";
      return violations.isEmpty() ? summary + "the books agree"
          : String.join("\n", violations) + "\n" + summary + violations.size() + " violations";
    }
  }

  /** Audits every account in the database, one account at a time. */
  public static Future<Report> all(Pool pool, TradingStore store, Instruments instruments) {
    return store.accounts(pool).compose(all -> {
      Future<Report> report = Future.succeededFuture(new Report(0, 0, 0, new ArrayList<>()));
      for (Account a : all) {
        report = report.compose(sofar -> Future.all(store.positions(pool, a.id()),
            store.allOrders(pool, a.id()), store.fills(pool, a.id())).map(books -> {
              List<Order> orders = books.resultAt(1);
              List<AccountAudit.Fill> fills = books.resultAt(2);
              sofar.violations().addAll(AccountAudit.check(a, books.resultAt(0), orders, fills, instruments));
              return new Report(sofar.accounts() + 1, sofar.orders() + orders.size(), sofar.fills() + fills.size(),
                  sofar.violations());
            }));
      }
      return report;
    });
  }

}
