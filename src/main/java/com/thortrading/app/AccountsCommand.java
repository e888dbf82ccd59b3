package com.thortrading.app;

import com.thortrading.accounts.Instruments;
import com.thortrading.accounts.LedgerVerifier;
import com.thortrading.accounts.AccountsSchema;
import com.thortrading.accounts.ApiToken;
import com.thortrading.accounts.Money;
import com.thortrading.accounts.TokenSecrets;
import com.thortrading.accounts.TokenStore;
import com.thortrading.accounts.TradingStore;
import com.thortrading.trades.InvalidRequestException;
import com.thortrading.trades.RequestParser;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * The operator's commands that work on the database and exit: {@code accounts create}, {@code tokens create},
 * {@code tokens list}, {@code tokens revoke}.
 */
final class AccountsCommand {

  private final TradingStore accounts = new TradingStore();
  private final TokenStore tokens = new TokenStore(new TokenSecrets(new SecureRandom()));

  private AccountsCommand() {
  }

  /** What a command prints, and its exit code (0 done, 1 refused by what the database holds). */
  private record Result(int exitCode, String text) {
  }

  /** The process exit code: 0 done, 1 not (the reason on stderr), 2 bad arguments. */
  static int run(ThorConfig config, ConfigLoader.Command command, PrintWriter out) {
    AccountsCommand commands = new AccountsCommand();
    BiFunction<Pool, String, Future<Result>> action;
    String account;
    try {
      if (command instanceof ConfigLoader.Verify) {
        account = "(every account)";
        action = (pool, url) -> commands.verify(pool, ThorService.instruments(config));
      } else if (command instanceof ConfigLoader.NewAccount a) {
        account = RequestParser.accountId("--id", a.id());
        BigDecimal cash = a.cash().map(c -> RequestParser.cash("--cash", c)).orElse(config.startingCash());
        if (a.allowShort() && !a.margin()) {
          throw new InvalidRequestException("--allow-short", "needs --margin (short selling is done on margin)");
        }
        action = (pool, url) -> commands.createAccount(pool, url, a, cash);
      } else if (command instanceof ConfigLoader.NewToken t) {
        account = RequestParser.accountId("--account", t.account());
        String label = RequestParser.tokenLabel(new io.vertx.core.json.JsonObject().put("label", t.label()).encode());
        action = (pool, url) -> commands.createToken(pool, t.account().strip(), label);
      } else if (command instanceof ConfigLoader.ListTokens l) {
        account = RequestParser.accountId("--account", l.account());
        action = (pool, url) -> commands.listTokens(pool, l.account().strip());
      } else {
        ConfigLoader.RevokeToken r = (ConfigLoader.RevokeToken) command;
        account = RequestParser.accountId("--account", r.account());
        long tokenId = tokenId(r.tokenId());
        action = (pool, url) -> commands.revokeToken(pool, r.account().strip(), tokenId);
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
        Result result = action.apply(pool, servers.pgUrl()).await(30, TimeUnit.SECONDS);
        boolean report = result.exitCode() == 0 || command instanceof ConfigLoader.Verify;
        (report ? out : new PrintWriter(System.err, true)).println(report ? result.text() : "thortrading: " + result.text());
        return result.exitCode();
      } finally {
        vertx.close().await(30, TimeUnit.SECONDS);
      }
    } catch (Exception e) {
      System.err.println("thortrading: cannot work on account " + account + ": " + e.getMessage());
      return 1;
    }
  }

  private static long tokenId(String text) {
    try {
      long id = Long.parseLong(text.strip());
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new InvalidRequestException("--token-id", "must be a positive whole number (got '" + text + "')");
  }

  private Future<Result> createAccount(Pool pool, String url, ConfigLoader.NewAccount request, BigDecimal cash) {
    String id = request.id().strip().toLowerCase(java.util.Locale.ROOT);
    return pool.withTransaction(conn -> accounts.createAccount(conn, id, cash, request.margin(), request.allowShort())
        .compose(created -> created ? tokens.create(conn, id, "first token").map(Optional::of)
            : Future.succeededFuture(Optional.<ApiToken.Created>empty())))
        .map(token -> token.isEmpty() ? new Result(1, "account " + id + " already exists")
            : new Result(0, "Created " + (request.margin() ? "margin" : "cash") + " account " + id
                + (request.allowShort() ? " (short selling allowed)" : "") + " with " + Money.text(cash) + " cash in "
                + url + "\n" + shown(token.get())));
  }

  private Future<Result> verify(Pool pool, Instruments instruments) {
    return LedgerVerifier.all(pool, accounts, instruments).map(report -> new Result(report.violations().isEmpty() ? 0 : 1,
        report.text()));
  }

  private Future<Result> createToken(Pool pool, String account, String label) {
    return ifAccountExists(pool, account, () -> tokens.create(pool, account, label).map(t -> new Result(0, shown(t))));
  }

  private Future<Result> listTokens(Pool pool, String account) {
    return ifAccountExists(pool, account, () -> tokens.list(pool, account).map(list -> {
      StringBuilder text = new StringBuilder(String.format("%-8s %-10s %-24s %-24s %-24s %s",
          "ID", "HINT", "CREATED", "LAST USED", "REVOKED", "LABEL"));
      list.forEach(t -> text.append('\n').append(String.format("%-8d %-10s %-24s %-24s %-24s %s", t.id(), t.hint(),
          t.createdAt(), t.lastUsedAt().map(Instant::toString).orElse("-"),
          t.revokedAt().map(Instant::toString).orElse("-"), t.label())));
      return new Result(0, text.toString());
    }));
  }

  private Future<Result> revokeToken(Pool pool, String account, long tokenId) {
    return ifAccountExists(pool, account, () -> tokens.revoke(pool, account, tokenId).map(revoked -> revoked
        .map(t -> new Result(0, "Revoked token " + tokenId + " (" + t.hint() + "...) of account " + account))
        .orElseGet(() -> new Result(1, "account " + account + " has no token " + tokenId))));
  }

  private Future<Result> ifAccountExists(Pool pool, String account, java.util.function.Supplier<Future<Result>> then) {
    return accounts.account(pool, account).compose(found -> found.isPresent() ? then.get()
        : Future.succeededFuture(new Result(1, "no account named " + account)));
  }

  private static String shown(ApiToken.Created token) {
    return "Token " + token.token().id() + " of account " + token.token().account().orElse("?") + " (shown this once, "
        + "keep it secret): " + token.secret();
  }
}
