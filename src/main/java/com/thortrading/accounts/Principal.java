package com.thortrading.accounts;

import java.util.Objects;
import java.util.Optional;

/**
 * Who a request acts as, once its token is verified.
 *
 * @param tokenId the token's id in {@code api_tokens}; 0 for the configured operator and metrics tokens
 * @param role what kind of token it is
 * @param account the account an {@link Role#ACCOUNT} token belongs to; empty for the others
 */
public record Principal(long tokenId, Role role, Optional<String> account) {

  /** The kinds of token. */
  public enum Role {
    /** The operator ({@code THOR_ADMIN_TOKEN} or the generated one): acts on any account. */
    ADMIN,
    /** One account's token: sees and touches that account only. */
    ACCOUNT,
    /** {@code THOR_METRICS_TOKEN}: reads {@code /metrics}, nothing else. */
    METRICS
  }

  public Principal {
    Objects.requireNonNull(role);
    Objects.requireNonNull(account);
    if ((role == Role.ACCOUNT) != account.isPresent()) {
      throw new IllegalArgumentException("an account token names its account, and only it does");
    }
  }

  public static Principal admin(long tokenId) {
    return new Principal(tokenId, Role.ADMIN, Optional.empty());
  }

  public static Principal account(long tokenId, String account) {
    return new Principal(tokenId, Role.ACCOUNT, Optional.of(account));
  }

  public static Principal metrics() {
    return new Principal(0, Role.METRICS, Optional.empty());
  }

  public boolean admin() {
    return role == Role.ADMIN;
  }
}
