package com.thortrading.accounts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.thortrading.testsupport.PostgresServerExtension;
import io.vertx.pgclient.PgConnectOptions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The rules the database enforces by itself, whatever code writes to it. */
class SchemaConstraintsTest {

  @RegisterExtension
  static final PostgresServerExtension PG = new PostgresServerExtension();

  @BeforeAll
  static void migrate() {
    AccountsSchema.migrate(PG.url());
    AccountsSchema.migrate(PG.url()); // a second start finds nothing to do
  }

  private static Connection jdbc() throws SQLException {
    PgConnectOptions o = PgConnectOptions.fromUri(PG.url());
    return DriverManager.getConnection("jdbc:postgresql://" + o.getHost() + ":" + o.getPort() + "/" + o.getDatabase(),
        o.getUser(), o.getPassword());
  }

  private static String sqlState(String sql) throws SQLException {
    try (Connection c = jdbc(); Statement s = c.createStatement()) {
      SQLException e = catchThrowableOfType(SQLException.class, () -> s.execute(sql));
      return e == null ? "no error" : e.getSQLState();
    }
  }

  private static void exec(String sql) throws SQLException {
    try (Connection c = jdbc(); Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  @Test
  void theDatabaseChecksAccountIdsByTheSameRuleAsTheCode() throws SQLException {
    try (Connection c = jdbc(); Statement s = c.createStatement();
        var rows = s.executeQuery("SELECT pg_get_constraintdef(oid) FROM pg_constraint "
            + "WHERE conrelid = 'accounts'::regclass AND contype = 'c' AND pg_get_constraintdef(oid) LIKE '%id ~%'")) {
      assertThat(rows.next()).as("a CHECK on accounts.id").isTrue();
      assertThat(rows.getString(1)).contains("'^" + AccountIds.REGEX + "$'");
    }
    for (String id : new String[] {"a", "paper", "desk-7_b", "x".repeat(48), "", "-a", "Paper", "a b", "x".repeat(49)}) {
      String state = sqlState("INSERT INTO accounts (id, cash, starting_cash) VALUES ('" + id + "', 0, 0)");
      assertThat(state).as("id '%s'", id).isEqualTo(AccountIds.isValid(id) ? "no error" : "23514");
    }
  }

  @Test
  void cashAccountCannotHaveNegativeCashButAMarginAccountCan() throws SQLException {
    assertThat(sqlState("INSERT INTO accounts (id, cash, starting_cash) VALUES ('neg', -0.01, 0)")).isEqualTo("23514");
    exec("INSERT INTO accounts (id, cash, starting_cash, margin_enabled) VALUES ('margin1', -10, 0, true)");
    exec("INSERT INTO accounts (id, cash, starting_cash) VALUES ('cash1', 10, 10)");
    assertThat(sqlState("UPDATE accounts SET cash = -1 WHERE id = 'cash1'")).isEqualTo("23514");
    assertThat(sqlState("INSERT INTO accounts (id, cash, starting_cash, allow_short) VALUES ('s', 0, 0, true)"))
        .as("shorting needs margin").isEqualTo("23514");
  }

  @Test
  void cashAccountCannotHoldAShortPosition() throws SQLException {
    exec("INSERT INTO accounts (id, cash, starting_cash) VALUES ('cash2', 10, 10)");
    exec("INSERT INTO accounts (id, cash, starting_cash, margin_enabled, allow_short) VALUES ('short2', 10, 10, true, true)");
    exec("INSERT INTO positions (account_id, symbol, quantity, average_cost) VALUES ('cash2', 'X', 5, 1)");
    assertThat(sqlState("UPDATE positions SET quantity = -1 WHERE account_id = 'cash2'")).isEqualTo("23514");
    exec("INSERT INTO positions (account_id, symbol, quantity, average_cost) VALUES ('short2', 'X', -5, 1)");
  }

  @Test
  void ordersNeedAPositiveQuantityAndAUniqueClientOrderId() throws SQLException {
    exec("INSERT INTO accounts (id, cash, starting_cash) VALUES ('cash3', 10, 10)");
    String insert = "INSERT INTO orders (account_id, client_order_id, symbol, side, quantity, order_type, tif, status) "
        + "VALUES ('cash3', %s, 'X', 'BUY', %d, 'MKT', 'DAY', 'NEW')";
    assertThat(sqlState(insert.formatted("NULL", 0))).isEqualTo("23514");
    exec(insert.formatted("'c-1'", 1));
    assertThat(sqlState(insert.formatted("'c-1'", 1))).isEqualTo("23505");
    exec(insert.formatted("NULL", 1));
    exec(insert.formatted("NULL", 1)); // no id, no uniqueness
    assertThat(sqlState(insert.formatted("'" + "x".repeat(49) + "'", 1))).isEqualTo("23514");
    try (Connection c = jdbc(); Statement s = c.createStatement()) {
      // Orders without a client_order_id are not in the unique index, and the lookup by one still uses it.
      s.execute("SET enable_seqscan = off");
      var plan = s.executeQuery("EXPLAIN SELECT id FROM orders WHERE account_id = 'cash3' AND client_order_id = 'c-1'");
      StringBuilder text = new StringBuilder();
      while (plan.next()) {
        text.append(plan.getString(1)).append('\n');
      }
      assertThat(text).contains("one_order_per_client_order_id");
      var indexed = s.executeQuery("SELECT pg_get_indexdef('one_order_per_client_order_id'::regclass)");
      indexed.next();
      assertThat(indexed.getString(1)).endsWith("WHERE (client_order_id IS NOT NULL)");
    }
    assertThat(sqlState("INSERT INTO orders (account_id, symbol, side, quantity, order_type, tif, status) "
        + "VALUES ('cash3', 'X', 'BUY', 1, 'MKT', 'DAY', 'REJECTED')")).as("a rejection needs its reason").isEqualTo("23514");
  }
}
