package com.thortrading.accounts;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a bearer token into the {@link Principal} it acts as, for REST and the streaming bridge alike.
 *
 * <p>A verified token is remembered for at most {@code ttl} (one second by default), so a busy client costs the
 * database one lookup a second per node and a revocation is honoured everywhere within that second, even on a node
 * that missed the revocation message; the message makes it immediate where it arrives. Unknown tokens are never
 * remembered, so guessing cannot fill the cache.
 */
public final class TokenAuthenticator {

  private static final Logger LOG = LoggerFactory.getLogger(TokenAuthenticator.class);
  private static final int MAX_CACHED = 10_000;
  private static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

  private final Pool pool;
  private final TokenStore store;
  private final Optional<byte[]> operatorHash;
  private final Optional<byte[]> metricsHash;
  private final Clock clock;
  private final Duration ttl;
  private final ConcurrentHashMap<ByteBuffer, Cached> cache = new ConcurrentHashMap<>();

  private final RateLimiter failures;

  private record Cached(Principal principal, Instant expires) {
  }

  /** What a presented token comes to. */
  public sealed interface Outcome permits Verified, Refused, Throttled {
  }

  /** The token is live: act as {@code principal}. */
  public record Verified(Principal principal) implements Outcome {
  }

  /** Malformed, unknown or revoked (which of them is not told to the client). */
  public record Refused() implements Outcome {
  }

  /** Too many refused tokens from this address lately: try again after {@code retryAfter}. */
  public record Throttled(Duration retryAfter) implements Outcome {
  }

  /**
   * @param operatorToken {@code THOR_ADMIN_TOKEN} when set; the generated operator token is then not accepted
   * @param metricsToken {@code THOR_METRICS_TOKEN} when set
   */
  public TokenAuthenticator(Pool pool, TokenStore store, Optional<String> operatorToken, Optional<String> metricsToken,
      Clock clock, Duration ttl, RateLimiter failures) {
    this.failures = failures;
    this.pool = pool;
    this.store = store;
    this.operatorHash = operatorToken.map(TokenSecrets::hash);
    this.metricsHash = metricsToken.map(TokenSecrets::hash);
    this.clock = clock;
    this.ttl = ttl;
  }

  /**
   * Checks a token presented from {@code remote} (an address), slowing down an address that keeps presenting
   * bad ones: past the limiter's burst it is {@link Throttled} before its token is even looked at. Fails when
   * PostgreSQL cannot say.
   */
  public Future<Outcome> authenticate(String token, String remote) {
    long wait = failures.waitNanos(remote);
    if (wait > 0) {
      return Future.succeededFuture(new Throttled(Duration.ofNanos(wait)));
    }
    return lookup(token).map(found -> {
      if (found.principal().isPresent()) {
        return new Verified(found.principal().get());
      }
      // A revoked token was real: a page or bot still holding it is no one guessing, so it is not counted.
      if (!found.known()) {
        failures.acquire(remote);
      }
      return new Refused();
    });
  }

  /** What a lookup found: the principal when the token is live, and whether the token exists at all. */
  private record Lookup(Optional<Principal> principal, boolean known) {
  }

  /** The principal, or empty when the token is malformed, unknown or revoked; fails when PostgreSQL cannot say. */
  public Future<Optional<Principal>> principal(String token) {
    return lookup(token).map(Lookup::principal);
  }

  private Future<Lookup> lookup(String token) {
    if (!TokenSecrets.wellFormed(token)) {
      return Future.succeededFuture(new Lookup(Optional.empty(), false));
    }
    byte[] hash = TokenSecrets.hash(token);
    if (operatorHash.isPresent() && TokenSecrets.sameHash(operatorHash.get(), hash)) {
      return Future.succeededFuture(new Lookup(Optional.of(Principal.admin(0)), true));
    }
    if (metricsHash.isPresent() && TokenSecrets.sameHash(metricsHash.get(), hash)) {
      return Future.succeededFuture(new Lookup(Optional.of(Principal.metrics()), true));
    }
    ByteBuffer key = ByteBuffer.wrap(hash);
    Instant now = clock.instant();
    Cached cached = cache.get(key);
    if (cached != null && now.isBefore(cached.expires())) {
      return Future.succeededFuture(new Lookup(Optional.of(cached.principal()), true));
    }
    return store.byHash(pool, hash).map(found -> {
      Optional<Principal> principal = found.filter(t -> !t.revoked())
          // With THOR_ADMIN_TOKEN set, it alone is the operator's token.
          .filter(t -> !(t.admin() && operatorHash.isPresent()))
          .map(t -> t.admin() ? Principal.admin(t.id()) : Principal.account(t.id(), t.account().orElseThrow()));
      if (principal.isEmpty()) {
        cache.remove(key);
        return new Lookup(principal, found.isPresent());
      }
      remember(key, new Cached(principal.get(), now.plus(ttl)));
      ApiToken t = found.get();
      if (t.lastUsedAt().map(at -> at.plus(TOUCH_EVERY).isBefore(now)).orElse(true)) {
        store.touch(pool, t.id()).onFailure(e -> LOG.debug("Could not record use of token {}: {}", t.id(), e.getMessage()));
      }
      return new Lookup(principal, true);
    });
  }

  /** Forgets a revoked token at once (the revocation message), instead of at the end of its cache second. */
  public void forget(long tokenId) {
    cache.values().removeIf(c -> c.principal().tokenId() == tokenId);
  }

  /** Which of these token ids are still live; the bridge asks it to close the sockets of revoked tokens. */
  public Future<Set<Long>> live(Collection<Long> tokenIds) {
    return store.live(pool, tokenIds);
  }

  private void remember(ByteBuffer key, Cached entry) {
    if (cache.size() >= MAX_CACHED) {
      Instant now = clock.instant();
      cache.values().removeIf(c -> !now.isBefore(c.expires()));
      if (cache.size() >= MAX_CACHED) {
        cache.clear();
      }
    }
    cache.put(key, entry);
  }
}
