package com.thortrading.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.thortrading.accounts.Instruments;
import com.thortrading.accounts.LedgerVerifier;
import com.thortrading.accounts.TradingStore;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;

/** The ledger audit as a test assertion: every account's cash and positions agree with its fills. */
public final class Ledgers {

  private Ledgers() {
  }

  public static void assertBooksAgree(Pool pool) throws java.util.concurrent.TimeoutException {
    LedgerVerifier.Report report = LedgerVerifier.all(pool, new TradingStore(), Instruments.defaults())
        .await(30, TimeUnit.SECONDS);
    assertThat(report.violations()).as(report.text()).isEmpty();
  }
}
