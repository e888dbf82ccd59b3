package com.thortrading.accounts;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * One API token as lists show it: never its secret, only the first characters ({@code hint}) to tell it apart.
 */
public record ApiToken(long id, Optional<String> account, boolean admin, String label, String hint, Instant createdAt,
    Optional<Instant> lastUsedAt, Optional<Instant> revokedAt) {

  public boolean revoked() {
    return revokedAt.isPresent();
  }

  /** The JSON of lists and replies; the one mapping of this type. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("token_id", String.valueOf(id));
    account.ifPresent(a -> json.put("account", a));
    if (admin) {
      json.put("admin", true);
    }
    return json.put("label", label).put("hint", hint).put("created_at", createdAt.toString())
        .put("last_used_at", lastUsedAt.map(Instant::toString).orElse(null))
        .put("revoked_at", revokedAt.map(Instant::toString).orElse(null));
  }

  /** A token just created: its description and, this once, its secret. */
  public record Created(ApiToken token, String secret) {
    public JsonObject toJson() {
      return token.toJson().put("token", secret);
    }
  }
}
