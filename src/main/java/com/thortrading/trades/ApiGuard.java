package com.thortrading.trades;

import com.thortrading.accounts.AccessPolicy;
import com.thortrading.accounts.AccessPolicy.Action;
import com.thortrading.accounts.Principal;
import com.thortrading.accounts.RateLimiter;
import com.thortrading.accounts.TokenAuthenticator;
import com.thortrading.accounts.TokenSecrets;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The API's door: who the caller is (its bearer token), whether it may do what a route does (asked of the
 * {@link AccessPolicy}, never decided here), how fast it may place orders, and that bodies are JSON.
 *
 * <p>Credentials travel only in the {@code Authorization} header, never in cookies, and a body must be
 * {@code application/json}: together they keep a page on another site from trading for a user who has ours
 * open, since a cross-site form or {@code text/plain} POST can carry neither.
 */
public final class ApiGuard {

  private static final String PRINCIPAL = "thortrading.principal";
  private static final Set<HttpMethod> WITH_BODY = Set.of(HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH);

  private final AccessPolicy policy;
  private final TokenAuthenticator authenticator;
  private final RateLimiter orderRate;

  public ApiGuard(AccessPolicy policy, TokenAuthenticator authenticator, RateLimiter orderRate) {
    this.policy = policy;
    this.authenticator = authenticator;
    this.orderRate = orderRate;
  }

  public AccessPolicy policy() {
    return policy;
  }

  /** Verifies the bearer token and remembers who the caller is; 401, 429 or 503 otherwise. */
  public Handler<RoutingContext> authenticate() {
    return ctx -> {
      var values = ctx.request().headers().getAll("authorization");
      if (values.isEmpty()) {
        ctx.fail(ApiError.unauthenticated("This needs a token: send Authorization: Bearer <token>", false));
        return;
      }
      String token = values.size() == 1 ? TokenSecrets.bearer(values.get(0)).orElse(null) : null;
      String remote = ctx.request().remoteAddress() == null ? "?" : ctx.request().remoteAddress().hostAddress();
      authenticator.authenticate(token == null ? "" : token, remote).onComplete(done -> {
        if (done.failed()) {
          ctx.fail(new ApiError(503, "SERVICE_UNAVAILABLE",
              "PostgreSQL cannot be reached, so the token cannot be checked; nothing was done, try again shortly"));
          return;
        }
        TokenAuthenticator.Outcome outcome = done.result();
        if (outcome instanceof TokenAuthenticator.Verified v) {
          ctx.put(PRINCIPAL, v.principal());
          ctx.next();
        } else if (outcome instanceof TokenAuthenticator.Throttled t) {
          ctx.fail(ApiError.tooMany("TOO_MANY_FAILED_AUTHENTICATIONS", "Too many bad tokens from this address",
              t.retryAfter().toNanos()));
        } else {
          ctx.fail(ApiError.unauthenticated(token == null
              ? "Authorization must be one header: Bearer <token>" : "The token is unknown or revoked", true));
        }
      });
    };
  }

  /**
   * 415 for a request with a body that is not {@code application/json} (UTF-8, the only charset JSON has); 400
   * for one whose bytes are not UTF-8 (decoding would silently turn them into replacement characters).
   */
  public static Handler<RoutingContext> jsonBodies() {
    return ctx -> {
      boolean hasBody = ctx.body() != null && ctx.body().length() > 0;
      if ((WITH_BODY.contains(ctx.request().method()) || hasBody) && !isJson(ctx.request().getHeader("content-type"))) {
        if (hasBody || WITH_BODY.contains(ctx.request().method()) && ctx.request().getHeader("content-type") != null) {
          ctx.fail(new ApiError(415, "UNSUPPORTED_MEDIA_TYPE", "Send the body as Content-Type: application/json"));
          return;
        }
      }
      if (hasBody && !utf8(ctx.body().buffer().getBytes())) {
        ctx.fail(new InvalidRequestException("body", "is not valid UTF-8"));
        return;
      }
      ctx.next();
    };
  }

  private static boolean utf8(byte[] bytes) {
    try {
      java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes));
      return true;
    } catch (java.nio.charset.CharacterCodingException e) {
      return false;
    }
  }

  /** The caller, after {@link #authenticate()}. */
  public static Principal principal(RoutingContext ctx) {
    Principal p = ctx.get(PRINCIPAL);
    if (p == null) {
      throw new IllegalStateException("route " + ctx.request().path() + " is not behind authenticate()");
    }
    return p;
  }

  /** Asks the policy; a refusal is a 403 that names the action, never whether the account exists. */
  public Principal require(RoutingContext ctx, Action action, Optional<String> account) {
    Principal p = principal(ctx);
    AccessPolicy.Decision decision = policy.decide(Optional.of(p), action, account);
    if (decision != AccessPolicy.Decision.ALLOW) {
      throw ApiError.forbidden("This token may not " + action.name().toLowerCase(Locale.ROOT).replace('_', ' ')
          + account.map(a -> " for account " + a).orElse(""));
    }
    return p;
  }

  /** The account the caller acts on when it names none: its own, or for the operator the default. */
  public String actingAccount(RoutingContext ctx) {
    return policy.actingAccount(principal(ctx), Optional.empty());
  }

  /** The only account whose orders the caller may reach by id (empty: any). */
  public Optional<String> orderScope(RoutingContext ctx) {
    return policy.orderScope(principal(ctx));
  }

  /** Forgets a token this node just revoked, so its very next request here is refused. */
  public void forget(long tokenId) {
    authenticator.forget(tokenId);
  }

  /** Counts an order-changing request against the caller's token: 429 past the rate. */
  public Handler<RoutingContext> orderRate() {
    return ctx -> {
      Principal p = principal(ctx);
      long wait = orderRate.acquire(p.role() + ":" + p.tokenId());
      if (wait > 0) {
        ctx.fail(ApiError.tooMany("RATE_LIMITED", "This token sends orders faster than its limit", wait));
        return;
      }
      ctx.next();
    };
  }

  static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String[] parts = contentType.split(";");
    if (!parts[0].strip().equalsIgnoreCase("application/json")) {
      return false;
    }
    for (int i = 1; i < parts.length; i++) {
      String[] param = parts[i].split("=", 2);
      if (param[0].strip().equalsIgnoreCase("charset")
          && (param.length < 2 || !param[1].strip().replace("\"", "").equalsIgnoreCase("utf-8"))) {
        return false;
      }
    }
    return true;
  }
}
