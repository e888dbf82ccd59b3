package com.thortrading.stream;

import com.thortrading.accounts.AccessPolicy;
import com.thortrading.accounts.AccessPolicy.Action;
import com.thortrading.accounts.Principal;
import com.thortrading.accounts.TokenAuthenticator;
import com.thortrading.accounts.TokenSecrets;
import io.vertx.core.Future;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who a bridge socket is and what it may follow: the same tokens and the same {@link AccessPolicy} as the REST
 * API. The official JS client sends the token in every frame's headers ({@code eb.defaultHeaders =
 * {authorization: 'Bearer …'}}); a non-browser client may instead send it when it opens the socket.
 */
public final class BridgeAccess {

  private final AccessPolicy policy;
  private final TokenAuthenticator authenticator;

  public BridgeAccess(AccessPolicy policy, TokenAuthenticator authenticator) {
    this.policy = policy;
    this.authenticator = authenticator;
  }

  /** The bearer token of a frame, else of the socket's opening request; empty when neither carries one. */
  public static Optional<String> token(Map<String, String> frameHeaders, Map<String, String> socketHeaders) {
    String header = frameHeaders.get("authorization");
    if (header == null) {
      header = socketHeaders.get("authorization");
    }
    if (header == null) {
      return Optional.empty();
    }
    // Present but malformed: refused like an unknown token.
    return Optional.of(TokenSecrets.bearer(header).orElse(""));
  }

  public Future<TokenAuthenticator.Outcome> authenticate(String token, String remote) {
    return authenticator.authenticate(token, remote);
  }

  /** Whether this principal may follow this address. */
  public boolean mayFollow(Principal who, BridgeAddress address) {
    Action action = address instanceof BridgeAddress.OrderEvents ? Action.FOLLOW_ORDER_EVENTS : Action.FOLLOW_QUOTES;
    Optional<String> account = address instanceof BridgeAddress.OrderEvents e ? Optional.of(e.account()) : Optional.empty();
    return policy.decide(Optional.of(who), action, account) == AccessPolicy.Decision.ALLOW;
  }

  /** Which of these tokens are still live, so sockets of revoked ones can be closed. */
  public Future<Set<Long>> live(Collection<Long> tokenIds) {
    return authenticator.live(tokenIds);
  }
}
