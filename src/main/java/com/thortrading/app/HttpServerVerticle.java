package com.thortrading.app;

import com.thortrading.accounts.AccessPolicy.Action;
import com.thortrading.accounts.AccountAddresses;
import com.thortrading.accounts.OrderEngineClient;
import com.thortrading.accounts.TokenAuthenticator;
import com.thortrading.livedata.LiveDataRedis;
import com.thortrading.stream.BridgeAccess;
import com.thortrading.trades.ApiError;
import com.thortrading.trades.ApiFailureHandler;
import com.thortrading.trades.ApiGuard;
import com.thortrading.trades.QuoteApi;
import java.time.Clock;
import java.util.Optional;
import com.thortrading.livedata.IngestRole;
import com.thortrading.livedata.QuoteSourceStatus;
import com.thortrading.trades.TradesApi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import com.thortrading.stream.FanoutOptions;
import com.thortrading.stream.SockJsFanout;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.sqlclient.Pool;
import java.math.BigDecimal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP server: the REST API, {@code /health}, and the web UI; every error is a JSON body, never a trace.
 */
public final class HttpServerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(HttpServerVerticle.class);
  private static final long HEALTH_TIMEOUT_MS = 2_000;

  private final String host;
  private final int port;
  private final LiveDataRedis redis;
  private final Pool pg;
  private final BigDecimal startingCash;
  private final WebShared shared;
  private final FanoutOptions fanoutOptions;
  private final MeterRegistry meters;
  private final String metersName;
  private final EdgeOptions edge;
  private final Clock clock;
  /** This node's quote source, when it polls one (ingest role): /health says when its reads are stuck. */
  private final Optional<QuoteSourceStatus> source;
  /** Whether this node polls (it holds the ingest lease) or stands by, for /health. */
  private final Optional<IngestRole> ingest;
  private HttpServer server;
  private SockJsFanout fanout;

  /**
   * One of the node's HTTP instances, each on its own event loop with its own fan-out; {@code shared} is what they
   * have in common. A {@code port} of 0 picks one free port that every instance shares.
   */
  HttpServerVerticle(String host, int port, LiveDataRedis redis, Pool pg, BigDecimal startingCash,
      WebShared shared, MeterRegistry meters, String metersName, EdgeOptions edge, Clock clock,
      Optional<QuoteSourceStatus> source, Optional<IngestRole> ingest) {
    this.shared = shared;
    this.fanoutOptions = shared.fanout().options();
    this.source = source;
    this.ingest = ingest;
    this.edge = edge;
    this.clock = clock;
    this.host = host;
    this.port = port;
    this.redis = redis;
    this.pg = pg;
    this.startingCash = startingCash;
    this.meters = meters;
    this.metersName = metersName;
  }

  @Override
  public Future<?> start() {
    TokenAuthenticator authenticator = shared.authenticator();
    // A revocation anywhere in the cluster: forget the token now rather than at the end of its cache second.
    vertx.eventBus().<JsonObject>consumer(AccountAddresses.TOKEN_REVOKED,
        m -> authenticator.forget(m.body().getLong("token_id", -1L)));
    ApiGuard guard = shared.guard();
    OriginPolicy origins = new OriginPolicy(edge.allowedOrigins());
    CrossOriginGate apiGate = new CrossOriginGate(origins, edge.allowedOrigins(), true);

    Router router = Router.router(vertx);
    // Separate routes: a body handler must be the first handler of its route.
    router.route("/api/*").handler(HttpServerVerticle::noForms);
    router.route("/eventbus/*").handler(HttpServerVerticle::noForms);
    router.route("/api/*").handler(TradesApi.bodyHandler())
        .handler(apiGate)
        .handler(guard.authenticate()).handler(ApiGuard.jsonBodies());
    router.routeWithRegex("/api/quotes(/.*)?").handler(ctx -> {
      guard.require(ctx, Action.READ_QUOTES, Optional.empty());
      ctx.next();
    });
    new QuoteApi(redis).mount(router);
    OrderEngineClient engine = new OrderEngineClient(vertx.eventBus(), edge.engineTimeout());
    new TradesApi(engine, startingCash, guard, clock).mount(router);
    // Created here so this instance's sockets, symbol index and consumers share its event loop.
    fanout = new SockJsFanout(vertx, shared.fanout(), redis, engine,
        new BridgeAccess(shared.policy(), authenticator));
    // SockJS's HTTP transports (xhr_send, jsonp_send) read their frames from the body: a browser behind a proxy
    // that blocks websockets falls back to them.
    router.route("/eventbus/*").handler(BodyHandler.create(false).setBodyLimit(4L * fanoutOptions.maxFrameBytes()))
        .handler(new CrossOriginGate(origins, edge.allowedOrigins(), false));
    router.route("/eventbus/*").subRouter(fanout.router());
    if (meters instanceof PrometheusMeterRegistry) {
      router.get("/metrics").handler(apiGate)
          .handler(guard.authenticate()).handler(ctx -> {
            guard.require(ctx, Action.READ_METRICS, Optional.empty());
            ctx.next();
          }).handler(PrometheusScrapingHandler.create(metersName));
    }
    HealthRoute health = new HealthRoute(vertx, HEALTH_TIMEOUT_MS)
        .check("redis", redis::ping)
        .check("postgres", () -> pg.query("SELECT 1").execute());
    // A standing-by node reads nothing, so its source can be neither stuck nor up: it says STANDBY, which is healthy.
    source.ifPresent(status -> health.state("source", () -> ingest.map(IngestRole::polling).orElse(true)
        ? status.current().state().name() : "STANDBY"));
    ingest.ifPresent(role -> health.detail("ingest", () -> new JsonObject().put("node", role.node())
        .put("polling", role.polling())
        .put("lease", role.lease().orElse(null))));
    router.get("/health").handler(health);
    router.route("/api/*").last().handler(ctx -> ctx.fail(new ApiError(404, "NOT_FOUND",
        "No such endpoint: " + ctx.request().method() + " " + ctx.request().path())));
    router.route("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars"));
    router.route().handler(StaticHandler.create("webroot"));
    router.route().last().handler(ctx -> ctx.fail(new ApiError(404, "NOT_FOUND", "Nothing at " + ctx.request().path())));
    router.route().failureHandler(new ApiFailureHandler());
    // Read-idle: a client that sends nothing (no pings) is dead or frozen. Only this drops a socket that stopped
    // reading, since its close frame waits behind the data it never took.
    // A websocket message may be a little over the largest frame the fan-out takes, so the fan-out sees it and
    // says frame_too_large; anything bigger is cut off by Vert.x, which the fan-out also answers with a close.
    int maxMessage = Math.max(2 * fanoutOptions.maxFrameBytes(), 8 * 1024);
    // No cleartext HTTP/2 (h2c): browsers never speak it and the balancer speaks HTTP/1.1, and a client that asked
    // to upgrade (Java's HttpClient does by default) sometimes got no answer on the upgraded connection with several
    // instances sharing the port, until the idle timeout closed it. Such a client is now answered in HTTP/1.1.
    HttpServerOptions options = new HttpServerOptions().setHttp2ClearTextEnabled(false)
        .setReadIdleTimeout((int) fanoutOptions.idleTimeout().toMillis()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
        .setMaxWebSocketMessageSize(maxMessage).setMaxWebSocketFrameSize(maxMessage);
    return vertx.createHttpServer(options).requestHandler(request -> {
          // A malformed escape (%ZZ) makes the router itself throw: answer it before the router sees it.
          if (BAD_ESCAPE.matcher(request.uri()).find()) {
            LOG.info("{} refused: 400 malformed escape in the path", request.method());
            request.response().setStatusCode(400).putHeader("content-type", "application/json")
                .end(new ApiError(400, "BAD_REQUEST", "The address has a malformed %-escape").body().encode());
            return;
          }
          router.handle(request);
        })
        // Connection-level garbage (broken chunking, a reset mid-request) is the client's business: no trace.
        .exceptionHandler(e -> LOG.debug("Connection error: {}", e.toString()))
        // Port -1: Vert.x picks one free port and shares it among the instances (0 would give each its own).
        .listen(port == 0 ? -1 : port, host).onSuccess(s -> server = s);
  }

  @Override
  public Future<?> stop() {
    if (fanout != null) {
      fanout.close();
    }
    return Future.succeededFuture();
  }

  /** The port actually bound: the configured one, or the one picked when it was 0. */
  public int actualPort() {
    return server.actualPort();
  }



  private static final java.util.regex.Pattern BAD_ESCAPE = java.util.regex.Pattern.compile("%(?![0-9A-Fa-f]{2})");

  /**
   * No route takes a form or a multipart body (SockJS's jsonp_send posts a form, and only POSTs it); refused before
   * the body handler, which would otherwise fail on a form sent with another method.
   */
  private static void noForms(RoutingContext ctx) {
    String type = String.valueOf(ctx.request().getHeader("content-type")).toLowerCase(java.util.Locale.ROOT).strip();
    boolean form = type.startsWith("application/x-www-form-urlencoded");
    boolean jsonpSend = form && ctx.request().method() == io.vertx.core.http.HttpMethod.POST
        && ctx.request().path().endsWith("/jsonp_send");
    if (type.startsWith("multipart/") || form && !jsonpSend) {
      ctx.fail(new com.thortrading.trades.ApiError(415, "UNSUPPORTED_MEDIA_TYPE",
          "Send the body as Content-Type: application/json"));
      return;
    }
    ctx.next();
  }

}
