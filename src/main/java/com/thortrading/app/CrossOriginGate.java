package com.thortrading.app;

import com.thortrading.trades.ApiError;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;

/**
 * Keeps other sites' pages out: a request whose Origin is neither the service's own nor listed in
 * {@code THOR_ALLOWED_ORIGINS} gets 403 and no {@code Access-Control-Allow-*}; a listed origin gets its CORS
 * grant from vertx-web's {@link CorsHandler} (Authorization and Content-Type headers, no credentials: tokens are
 * never cookies). Same-origin requests and requests without an Origin pass untouched.
 */
final class CrossOriginGate implements Handler<RoutingContext> {

  private final OriginPolicy origins;
  private final CorsHandler cors;
  private final boolean withCors;

  /** @param withCors false for the SockJS endpoint, which answers CORS itself for the origins let through */
  CrossOriginGate(OriginPolicy origins, List<String> allowed, boolean withCors) {
    this.origins = origins;
    this.withCors = withCors;
    this.cors = CorsHandler.create();
    allowed.forEach(o -> cors.addOrigin(o.strip()));
    cors.allowedHeader("authorization").allowedHeader("content-type")
        .allowedMethod(HttpMethod.GET).allowedMethod(HttpMethod.POST).allowedMethod(HttpMethod.PATCH)
        .allowedMethod(HttpMethod.DELETE).exposedHeader("retry-after").exposedHeader("www-authenticate")
        .allowCredentials(false).maxAgeSeconds(600);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String origin = ctx.request().getHeader("origin");
    // The authority, not the Host header: over HTTP/2 (h2c) a request has only :authority.
    var authority = ctx.request().authority();
    String host = authority == null ? null : authority.port() < 0 ? authority.host() : authority.toString();
    if (origin == null || origins.isOwn(origin, host)) {
      ctx.next();
    } else if (origins.isListed(origin)) {
      if (withCors) {
        cors.handle(ctx);
      } else {
        ctx.next();
      }
    } else {
      ctx.fail(new ApiError(403, "ORIGIN_NOT_ALLOWED", "Pages from " + origin.replaceAll("[^\\x20-\\x7e]", "?")
          + " may not use this service; its operator can allow them in THOR_ALLOWED_ORIGINS"));
    }
  }
}
