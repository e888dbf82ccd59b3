package com.thortrading.accounts;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.List;

/**
 * Creates, lists and revokes an account's API tokens on the event bus ({@link AccountAddresses}); announces each
 * revocation cluster-wide on {@link AccountAddresses#TOKEN_REVOKED} so every node forgets the token at once.
 */
public final class AccountTokensVerticle extends VerticleBase {

  private final Pool pool;
  private final TradingStore accounts;
  private final TokenStore tokens;

  public AccountTokensVerticle(Pool pool, TradingStore accounts, TokenStore tokens) {
    this.pool = pool;
    this.accounts = accounts;
    this.tokens = tokens;
  }

  @Override
  public Future<?> start() {
    var bus = vertx.eventBus();
    return Future.all(List.of(
        bus.<JsonObject>consumer(AccountAddresses.CREATE_TOKEN, m -> EngineRequests.handle(bus, m, true,
            body -> create(body.getString("account"), body.getString("label", "")), none -> { })).completion(),
        bus.<JsonObject>consumer(AccountAddresses.LIST_TOKENS, m -> EngineRequests.handle(bus, m,
            body -> list(body.getString("account")))).completion(),
        bus.<JsonObject>consumer(AccountAddresses.REVOKE_TOKEN, m -> EngineRequests.handle(bus, m, true,
            body -> revoke(body.getString("account"), body.getLong("token_id")), none -> { })).completion()));
  }

  private Future<EngineReply> create(String account, String label) {
    return ifAccountExists(account, () -> tokens.create(pool, account, label)
        .map(created -> EngineReply.of(EngineOutcome.ACCEPTED, created.toJson())));
  }

  private Future<EngineReply> list(String account) {
    return ifAccountExists(account, () -> tokens.list(pool, account).map(list -> {
      JsonArray json = new JsonArray();
      list.forEach(t -> json.add(t.toJson()));
      return EngineReply.of(EngineOutcome.OK, new JsonObject().put("tokens", json));
    }));
  }

  private Future<EngineReply> revoke(String account, long tokenId) {
    return ifAccountExists(account, () -> tokens.revoke(pool, account, tokenId).map(revoked -> {
      if (revoked.isEmpty()) {
        return EngineReply.error(EngineOutcome.NOT_FOUND, "TOKEN_NOT_FOUND",
            "Account " + account + " has no token " + tokenId);
      }
      vertx.eventBus().publish(AccountAddresses.TOKEN_REVOKED, new JsonObject().put("token_id", tokenId));
      return EngineReply.of(EngineOutcome.OK, new JsonObject().put("token", revoked.get().toJson()));
    }));
  }

  private Future<EngineReply> ifAccountExists(String account, java.util.function.Supplier<Future<EngineReply>> then) {
    return accounts.account(pool, account).compose(found -> found.isPresent() ? then.get()
        : Future.succeededFuture(EngineReply.error(EngineOutcome.NOT_FOUND, "ACCOUNT_NOT_FOUND",
            "No account named " + account)));
  }
}
