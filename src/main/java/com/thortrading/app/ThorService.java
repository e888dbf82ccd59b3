package com.thortrading.app;

import com.thortrading.accounts.AccountTokensVerticle;
import com.thortrading.accounts.AccountsSchema;
import com.thortrading.accounts.OrderEventsOutbox;
import com.thortrading.accounts.TokenSecrets;
import com.thortrading.accounts.TokenStore;
import com.thortrading.accounts.EngineOptions;
import com.thortrading.accounts.Instruments;
import com.thortrading.accounts.OrderEngine;
import com.thortrading.accounts.OrderEngineVerticle;
import com.thortrading.accounts.BatchSizes;
import com.thortrading.accounts.OrderMatchingVerticle;
import com.thortrading.accounts.TradingStore;
import com.thortrading.livedata.ExcelQuoteSource;
import com.thortrading.livedata.IngestLeaderVerticle;
import com.thortrading.livedata.IngestRole;
import com.thortrading.livedata.LatestQuotes;
import com.thortrading.livedata.LiveDataRedis;
import com.thortrading.livedata.QuotePollerVerticle;
import com.thortrading.livedata.QuoteSource;
import com.thortrading.livedata.QuoteSourceException;
import com.thortrading.livedata.QuoteSourceStatus;
import com.thortrading.livedata.RedisPublisherVerticle;
import com.thortrading.livedata.RedisSubscriberVerticle;
import com.thortrading.livedata.ReplayQuoteSource;
import com.thortrading.livedata.SimulatedQuoteSource;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.security.SecureRandom;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole service in one process: its servers (external or embedded), its clients, and its verticles.
 *
 * <p>{@link #start} blocks until everything is up or fails with one line that says why; call it from
 * {@code main} or a test thread, never from an event loop.
 */
public final class ThorService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ThorService.class);

  private final Vertx vertx;
  private final EmbeddedServices servers;
  private final int httpPort;
  private final LatestQuotes latestQuotes;

  private final Optional<String> pageToken;

  private ThorService(Vertx vertx, EmbeddedServices servers, int httpPort, Optional<String> pageToken,
      LatestQuotes latestQuotes) {
    this.pageToken = pageToken;
    this.latestQuotes = latestQuotes;
    this.vertx = vertx;
    this.servers = servers;
    this.httpPort = httpPort;
  }

  public static ThorService start(ThorConfig config) throws Exception {
    return start(config, Clock.systemUTC());
  }

  /** Like {@link #start(ThorConfig)}, reading time from {@code clock} everywhere. */
  public static ThorService start(ThorConfig config, Clock clock) throws Exception {
    // Before any server starts: a bad table stops start-up at once.
    Instruments instruments = config.roles().contains(Role.ENGINE) ? instruments(config) : Instruments.defaults();
    EmbeddedServices servers = EmbeddedServices.start(config);
    // Each instance its own meter registry: several nodes may share a JVM (tests), each scraped on its own.
    String meters = "thortrading-" + UUID.randomUUID();
    Vertx vertx;
    try {
      vertx = createVertx(config, meters);
    } catch (Exception e) {
      servers.close();
      throw new StartupException("Cannot join the cluster " + config.cluster().map(ClusterSettings::name).orElse("")
          + " (" + e.getMessage() + "); check THOR_CLUSTER_HOST and THOR_CLUSTER_MEMBERS");
    }
    try {
      Set<Role> roles = config.roles();
      RedisOptions redisOptions = redisOptions(servers.redisUrl());
      LiveDataRedis liveData = new LiveDataRedis(Redis.createClient(vertx, redisOptions), config.historyLength());
      mustReach("Redis", servers.redisUrl(), Setting.REDIS_URL, liveData.ping());
      Pool pg = null;
      if (roles.contains(Role.ENGINE) || roles.contains(Role.WEB)) {
        pg = PgBuilder.pool()
            .with(new PoolOptions().setMaxSize(config.pgPoolSize()).setMaxWaitQueueSize(512)
                .setConnectionTimeout(5).setConnectionTimeoutUnit(TimeUnit.SECONDS))
            // Prepared once per connection, not parsed and planned by PostgreSQL on every execution.
            .connectingTo(PgConnectOptions.fromUri(servers.pgUrl()).setCachePreparedStatements(true))
            .using(vertx)
            .build();
        mustReach("PostgreSQL", servers.pgUrl(), Setting.PG_URL, pg.query("SELECT 1").execute().mapEmpty());
      }

      TokenStore tokens = new TokenStore(new TokenSecrets(new SecureRandom()));
      // The node's newest quote per symbol: written by its one subscriber, read by its fan-out instances.
      LatestQuotes latestQuotes = new LatestQuotes();
      Optional<String> pageToken = Optional.empty();
      if (roles.contains(Role.ENGINE)) {
        AccountsSchema.prepare(vertx, pg, servers.pgUrl(), config.startingCash()).await();
        operatorToken(config, pg, tokens);
        if (servers.pgEmbedded()) {
          pageToken = Optional.of(DefaultRunToken.ensure(config.dataDir(), pg, tokens));
        }
        TradingStore store = new TradingStore(clock);
        OrderEngine engine = new OrderEngine(pg, store, liveData, latestQuotes,
            new EngineOptions(config.maxQuoteAge(), config.symbolWhitelist(), clock,
            config.limitWithoutQuote(), instruments, config.marketFill()), tokens,
            new BatchSizes(BackendRegistries.getNow(meters)));
        OrderEventsOutbox outbox = new OrderEventsOutbox(pg, store);
        vertx.deployVerticle(outbox).await();
        vertx.deployVerticle(new OrderEngineVerticle(engine, outbox)).await();
        vertx.deployVerticle(new AccountTokensVerticle(pg, store, tokens)).await();
        OrderMatchingVerticle matcher = new OrderMatchingVerticle(engine, config.session(), clock, outbox);
        vertx.deployVerticle(matcher).await();
        io.micrometer.core.instrument.Gauge.builder("thortrading_matcher_working_orders", matcher.bookSize())
            .description("Working orders in this node's matcher book; compare with the WORKING orders in PostgreSQL")
            .register(BackendRegistries.getNow(meters));
      }
      if (roles.contains(Role.ENGINE) || roles.contains(Role.WEB)) {
        // One subscriber per node: it feeds this node's matcher and fan-out, local only.
        vertx.deployVerticle(new RedisSubscriberVerticle(redisOptions, latestQuotes, liveData)).await();
      }
      String quotes = "none (no ingest role)";
      Optional<QuoteSourceStatus> sourceStatus = Optional.empty();
      Optional<IngestRole> ingest = Optional.empty();
      if (roles.contains(Role.INGEST)) {
        QuoteSource source = quoteSource(config);
        IngestRole role = new IngestRole(nodeName());
        ingest = Optional.of(role);
        vertx.deployVerticle(new RedisPublisherVerticle(liveData, role,
            new com.thortrading.livedata.BarBuilder(config.session().zone()))).await();
        QuoteSourceStatus status = new QuoteSourceStatus();
        sourceStatus = Optional.of(status);
        try {
          // Only the holder of the ingest lease polls; this node may stand by until another one ends.
          vertx.deployVerticle(new IngestLeaderVerticle(liveData, role, config.ingestTakeover(),
              () -> new QuotePollerVerticle(source, config.pollInterval(), config.sourceReadTimeout(), clock, status)))
              .await();
        } catch (QuoteSourceException e) {
          throw new StartupException(e.getMessage());
        }
        quotes = source.describe() + " every " + config.pollInterval().toMillis() + " ms";
      }
      int httpPort = -1;
      if (roles.contains(Role.WEB)) {
        WebShared shared = WebShared.create(pg, config.edge(), config.fanout(), latestQuotes, BackendRegistries.getNow(meters), clock);
        java.util.List<HttpServerVerticle> instances = new java.util.concurrent.CopyOnWriteArrayList<>();
        Pool httpPg = pg;
        Optional<QuoteSourceStatus> status = sourceStatus;
        Optional<IngestRole> ingestRole = ingest;
        try {
          // Several instances, one port: Vert.x hands each new connection to the next instance's event loop.
          vertx.deployVerticle(() -> {
            HttpServerVerticle http = new HttpServerVerticle(config.httpHost(), config.httpPort(), liveData, httpPg,
                config.startingCash(), shared, BackendRegistries.getNow(meters), meters, config.edge(), clock,
                status, ingestRole);
            instances.add(http);
            return http;
          }, new DeploymentOptions().setInstances(config.httpInstances())).await();
        } catch (Exception e) {
          throw new StartupException("Cannot serve HTTP on " + config.httpHost() + ":" + config.httpPort() + " ("
              + e.getMessage() + "); set THOR_HTTP_PORT to a free port");
        }
        httpPort = instances.get(0).actualPort();
      }
      ThorService service = new ThorService(vertx, servers, httpPort, pageToken, latestQuotes);
      String link = pageToken.map(t -> "#token=" + t).orElse(" (sign in with an account's token)");
      LOG.info("ThorTrading is up{}. Web UI: {}{} | Redis: {}{} | PostgreSQL: {}{} | Quotes: {}",
          config.cluster().map(c -> " (" + roles + " in cluster " + c.name() + ")").orElse(""),
          httpPort < 0 ? "none (no web role)" : "http://" + ("0.0.0.0".equals(config.httpHost()) ? "localhost"
              : config.httpHost()) + ":" + httpPort + "/" + link,
          httpPort < 0 ? "" : " (" + config.httpInstances() + " event loop" + (config.httpInstances() == 1 ? "" : "s") + ")",
          servers.redisUrl(), servers.redisEmbedded() ? " (embedded)" : "",
          servers.pgUrl(), servers.pgEmbedded() ? " (embedded)" : "", quotes);
      return service;
    } catch (Exception | Error e) {
      vertx.close().await();
      servers.close();
      throw e;
    }
  }

  /**
   * With {@code THOR_ADMIN_TOKEN} set, it alone is the operator's token (a generated one is revoked); without it,
   * one is generated at first start and logged this once.
   */
  private static void operatorToken(ThorConfig config, Pool pg, TokenStore tokens) {
    if (config.edge().operatorToken().isPresent()) {
      if (tokens.revokeGeneratedOperatorTokens(pg).await() > 0) {
        LOG.info("THOR_ADMIN_TOKEN is set: the generated operator token no longer works");
      }
      return;
    }
    tokens.generateOperatorToken(pg).await().ifPresent(secret -> LOG.warn("Operator token, shown this once (it acts on "
        + "every account; keep it secret): {} -- or choose your own: set THOR_ADMIN_TOKEN (32+ characters), "
        + "and this one stops working", secret));
  }

  /** The instruments table: the jar's, or THOR_INSTRUMENTS_FILE's, read once at start (a bad one stops it). */
  static Instruments instruments(ThorConfig config) {
    if (config.instrumentsFile().isEmpty()) {
      return Instruments.defaults();
    }
    Path file = config.instrumentsFile().get();
    try {
      return Instruments.parse(new com.fasterxml.jackson.databind.ObjectMapper().readTree(file.toFile()),
          file.toString());
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new StartupException("Cannot use " + Setting.INSTRUMENTS_FILE.env() + "=" + file + ": " + e.getMessage());
    }
  }

  private static Vertx createVertx(ThorConfig config, String meters) throws Exception {
    VertxOptions options = new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
        .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true))
        .setJvmMetricsEnabled(true)
        .setRegistryName(meters)
        .setEnabled(true))
        // Native epoll where Netty's library loads (Linux x86-64), else NIO: on this project's machine it served
        // 14-32% more orders at 1 and 8 clients, system calls being most of an event loop's time there.
        .setPreferNativeTransport(true);
    if (config.cluster().isEmpty()) {
      return withTransportLogged(Vertx.builder().with(options).build());
    }
    ClusterSettings cluster = config.cluster().get();
    options.getEventBusOptions().setHost(cluster.host());
    return withTransportLogged(Vertx.builder().with(options).withClusterManager(cluster.clusterManager())
        .buildClustered().await(60, TimeUnit.SECONDS));
  }

  /** Says which network transport the node runs on, and why not the native one when it cannot. */
  private static Vertx withTransportLogged(Vertx vertx) {
    if (vertx.isNativeTransportEnabled()) {
      LOG.info("Network transport: native epoll");
    } else {
      Throwable cause = vertx.unavailableNativeTransportCause();
      LOG.info("Network transport: Java NIO (native epoll unavailable here: {})",
          cause == null ? "no native transport for this platform on the classpath" : cause.toString());
    }
    return vertx;
  }

  /** This process in the ingest lease: host and pid, and a few random characters (several nodes may share a JVM). */
  private static String nodeName() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "localhost";
    }
    return host + "/" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 4);
  }

  static RedisOptions redisOptions(String url) {
    RedisOptions options = new RedisOptions().setConnectionString(url).setMaxPoolSize(8).setMaxPoolWaiting(256);
    options.getNetClientOptions().setConnectTimeout(3_000);
    return options;
  }

  static QuoteSource quoteSource(ThorConfig config) {
    return switch (config.source()) {
      case SIM -> new SimulatedQuoteSource(config.symbols(), config.simSeed(), config.simChangeProbability());
      case REPLAY -> new ReplayQuoteSource(config.replayFile().orElseThrow(), config.replaySpeed(), config.replayLoop());
      case EXCEL -> ExcelQuoteSource.withJacob(config.excelWorkbook(), config.excelSheet(), config.jacobDllPath());
    };
  }

  private static void mustReach(String what, String url, Setting setting, Future<Void> probe) {
    try {
      probe.await(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new StartupException("Cannot reach " + what + " at " + url + " (" + setting.env() + "): "
          + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    }
  }

  public Vertx vertx() {
    return vertx;
  }

  /** The node's newest quote per symbol, as its Redis subscriber received them. */
  public LatestQuotes latestQuotes() {
    return latestQuotes;
  }

  public int httpPort() {
    return httpPort;
  }

  /** The default run's token of account {@code paper} (embedded PostgreSQL only), as in the logged page link. */
  public Optional<String> pageToken() {
    return pageToken;
  }

  public String redisUrl() {
    return servers.redisUrl();
  }

  public String pgUrl() {
    return servers.pgUrl();
  }

  @Override
  public void close() {
    try {
      vertx.close().await(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.warn("Vert.x did not close cleanly: {}", e.getMessage());
    } finally {
      servers.close();
    }
  }
}
