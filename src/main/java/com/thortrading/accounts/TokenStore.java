package com.thortrading.accounts;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/** All SQL of API tokens ({@code api_tokens}), in one place. */
public final class TokenStore {

  private static final String COLUMNS = "id, account_id, admin, label, hint, created_at, last_used_at, revoked_at";

  private final TokenSecrets secrets;

  public TokenStore(TokenSecrets secrets) {
    this.secrets = secrets;
  }

  /** A new token of an account; the secret is in the result and nowhere else. */
  public Future<ApiToken.Created> create(SqlClient client, String account, String label) {
    String secret = secrets.generate();
    return client.preparedQuery("INSERT INTO api_tokens (account_id, label, token_hash, hint) VALUES ($1, $2, $3, $4) "
            + "RETURNING " + COLUMNS)
        .execute(Tuple.of(account, label, io.vertx.core.buffer.Buffer.buffer(TokenSecrets.hash(secret)),
            TokenSecrets.hint(secret)))
        .map(rows -> new ApiToken.Created(token(rows.iterator().next()), secret));
  }

  /** An account's tokens, oldest first, revoked ones included (they say when). */
  public Future<List<ApiToken>> list(SqlClient client, String account) {
    return client.preparedQuery("SELECT " + COLUMNS + " FROM api_tokens WHERE account_id = $1 ORDER BY id")
        .execute(Tuple.of(account)).map(rows -> {
          List<ApiToken> tokens = new ArrayList<>();
          rows.forEach(row -> tokens.add(token(row)));
          return tokens;
        });
  }

  /** Revokes one of an account's tokens; empty when the account has no such token. Revoking twice is harmless. */
  public Future<Optional<ApiToken>> revoke(SqlClient client, String account, long tokenId) {
    return client.preparedQuery("UPDATE api_tokens SET revoked_at = COALESCE(revoked_at, now()) "
            + "WHERE id = $1 AND account_id = $2 RETURNING " + COLUMNS)
        .execute(Tuple.of(tokenId, account))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(token(rows.iterator().next())));
  }

  /** The token with this hash, revoked or not. */
  public Future<Optional<ApiToken>> byHash(SqlClient client, byte[] hash) {
    return client.preparedQuery("SELECT " + COLUMNS + " FROM api_tokens WHERE token_hash = $1")
        .execute(Tuple.of(io.vertx.core.buffer.Buffer.buffer(hash)))
        .map(rows -> rows.size() == 0 ? Optional.empty() : Optional.of(token(rows.iterator().next())));
  }

  /** Records that a token was used; callers do it at most about once a minute per token. */
  public Future<Void> touch(SqlClient client, long tokenId) {
    return client.preparedQuery("UPDATE api_tokens SET last_used_at = now() WHERE id = $1")
        .execute(Tuple.of(tokenId)).mapEmpty();
  }

  /** Which of these token ids are still live (exist and are not revoked). */
  public Future<Set<Long>> live(SqlClient client, Collection<Long> ids) {
    return client.preparedQuery("SELECT id FROM api_tokens WHERE id = ANY($1) AND revoked_at IS NULL")
        .execute(Tuple.tuple().addArrayOfLong(ids.toArray(new Long[0]))).map(rows -> {
          Set<Long> live = new HashSet<>();
          rows.forEach(row -> live.add(row.getLong("id")));
          return live;
        });
  }

  /**
   * Makes the operator's generated token unless a live one exists; the secret when this call made it. Safe when
   * several nodes start at once: a unique index lets only one of them in.
   */
  public Future<Optional<String>> generateOperatorToken(SqlClient client) {
    String secret = secrets.generate();
    return client.preparedQuery("INSERT INTO api_tokens (admin, label, token_hash, hint) VALUES (TRUE, $1, $2, $3) "
            + "ON CONFLICT DO NOTHING")
        .execute(Tuple.of("operator (generated)", io.vertx.core.buffer.Buffer.buffer(TokenSecrets.hash(secret)),
            TokenSecrets.hint(secret)))
        .map(rows -> rows.rowCount() == 1 ? Optional.of(secret) : Optional.empty());
  }

  /** Revokes the generated operator token (when {@code THOR_ADMIN_TOKEN} takes over); how many were live. */
  public Future<Integer> revokeGeneratedOperatorTokens(SqlClient client) {
    return client.query("UPDATE api_tokens SET revoked_at = now() WHERE admin AND revoked_at IS NULL").execute()
        .map(rows -> rows.rowCount());
  }

  private static ApiToken token(Row row) {
    return new ApiToken(row.getLong("id"), Optional.ofNullable(row.getString("account_id")),
        row.getBoolean("admin"), row.getString("label"), row.getString("hint"),
        row.getOffsetDateTime("created_at").toInstant(),
        Optional.ofNullable(row.getOffsetDateTime("last_used_at")).map(OffsetDateTime::toInstant),
        Optional.ofNullable(row.getOffsetDateTime("revoked_at")).map(OffsetDateTime::toInstant));
  }
}
