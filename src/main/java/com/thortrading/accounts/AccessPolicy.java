package com.thortrading.accounts;

import java.util.Optional;

/**
 * The one place that decides who may do what: REST routes and the streaming bridge both ask it.
 *
 * <p>The operator may do anything; an account's token may read quotes and act on its own account only; the
 * metrics token may read metrics only. Nobody without a verified token may do anything.
 */
public final class AccessPolicy {

  /** What a client asks to do. */
  public enum Action {
    READ_QUOTES(Scope.ANY_TOKEN),
    FOLLOW_QUOTES(Scope.ANY_TOKEN),
    READ_ACCOUNT(Scope.OWN_ACCOUNT),
    TRADE(Scope.OWN_ACCOUNT),
    LIST_ORDERS(Scope.OWN_ACCOUNT),
    FOLLOW_ORDER_EVENTS(Scope.OWN_ACCOUNT),
    MANAGE_TOKENS(Scope.OWN_ACCOUNT),
    CREATE_ACCOUNT(Scope.OPERATOR),
    READ_METRICS(Scope.METRICS);

    private final Scope scope;

    Action(Scope scope) {
      this.scope = scope;
    }
  }

  private enum Scope { ANY_TOKEN, OWN_ACCOUNT, OPERATOR, METRICS }

  /** The answer. */
  public enum Decision { ALLOW, UNAUTHENTICATED, FORBIDDEN }

  /** Account orders go to when the operator names none (the design's default account). */
  private final String defaultAccount;

  public AccessPolicy(String defaultAccount) {
    this.defaultAccount = defaultAccount;
  }

  /**
   * May {@code who} do {@code action} to {@code account}?
   *
   * @param account the account acted on; empty when the action names none (it then means the token's own)
   */
  public Decision decide(Optional<Principal> who, Action action, Optional<String> account) {
    if (who.isEmpty()) {
      return Decision.UNAUTHENTICATED;
    }
    Principal p = who.get();
    if (p.role() == Principal.Role.METRICS) {
      return action.scope == Scope.METRICS ? Decision.ALLOW : Decision.FORBIDDEN;
    }
    if (p.admin()) {
      return Decision.ALLOW;
    }
    return switch (action.scope) {
      case ANY_TOKEN -> Decision.ALLOW;
      case OWN_ACCOUNT -> account.isEmpty() || account.equals(p.account()) ? Decision.ALLOW : Decision.FORBIDDEN;
      case OPERATOR, METRICS -> Decision.FORBIDDEN;
    };
  }

  /** The account an action acts on when the request names none: the token's own, or for the operator the default. */
  public String actingAccount(Principal who, Optional<String> requested) {
    return requested.or(who::account).orElse(defaultAccount);
  }

  /**
   * The account whose orders a token may reach by id: its own, or every account for the operator. An order of
   * another account then looks exactly like one that does not exist.
   */
  public Optional<String> orderScope(Principal who) {
    return who.admin() ? Optional.empty() : who.account().or(() -> Optional.of(""));
  }
}
