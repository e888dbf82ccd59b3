package com.thortrading.app;

import com.thortrading.accounts.AccessPolicy;
import com.thortrading.accounts.AccountIds;
import com.thortrading.accounts.RateLimiter;
import com.thortrading.accounts.TokenAuthenticator;
import com.thortrading.accounts.TokenSecrets;
import com.thortrading.accounts.TokenStore;
import com.thortrading.livedata.LatestQuotes;
import com.thortrading.stream.FanoutNode;
import com.thortrading.stream.FanoutOptions;
import com.thortrading.trades.ApiGuard;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.sqlclient.Pool;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;

/**
 * What the HTTP instances of one node share: the token cache, the rate limits and the fan-out's node-wide socket
 * counts. Shared so that N instances give a client one budget, not N, and the node's caps hold across them.
 */
record WebShared(AccessPolicy policy, TokenAuthenticator authenticator, ApiGuard guard, FanoutNode fanout) {

  static WebShared create(Pool pg, EdgeOptions edge, FanoutOptions fanout, LatestQuotes latest, MeterRegistry meters,
      Clock clock) {
    AccessPolicy policy = new AccessPolicy(AccountIds.DEFAULT);
    TokenAuthenticator authenticator = new TokenAuthenticator(pg, new TokenStore(new TokenSecrets(new SecureRandom())),
        edge.operatorToken(), edge.metricsToken(), clock, Duration.ofSeconds(1),
        new RateLimiter(edge.authFailuresPerMinute() / 60.0, 10, System::nanoTime, 100_000));
    ApiGuard guard = new ApiGuard(policy, authenticator, new RateLimiter(edge.orderRatePerSecond(),
        2.0 * edge.orderRatePerSecond(), System::nanoTime, 100_000));
    return new WebShared(policy, authenticator, guard, new FanoutNode(fanout, latest, meters));
  }
}
