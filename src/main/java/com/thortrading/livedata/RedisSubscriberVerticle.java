package com.thortrading.livedata;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens to every quote channel in Redis and re-publishes each quote on this node's event bus at
 * {@code quotes.<SYMBOL>}, local only, so a cluster never delivers one quote twice.
 *
 * <p>The Redis client never reconnects by itself: when the connection ends or fails this verticle connects
 * again with capped backoff and subscribes again. Only (P)SUBSCRIBE ever goes over this connection, which keeps
 * it safe on RESP2 servers (the Windows Redis 5), where a reply and a message cannot be told apart.
 * Quotes published while disconnected are not replayed; consumers re-read the latest hash for a snapshot. A
 * connection that stops answering its keepalive is dropped like one that ended.
 *
 * <p>The verticle is up (deployed, or {@link #subscribed()} again after a reconnect) only once Redis has confirmed
 * the PSUBSCRIBE: the client completes the command when it is written, and a quote published between the write
 * and Redis acting on it would be missed by a node that already says it listens.
 */
public final class RedisSubscriberVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(RedisSubscriberVerticle.class);
  private static final DeliveryOptions LOCAL = new DeliveryOptions().setLocalOnly(true);

  private final RedisOptions options;
  private final Backoff backoff;
  private final LatestQuotes latest;
  /** Where {@link #latest} is seeded from once subscribed; empty: never seeded, so never complete. */
  private final Optional<LiveDataRedis> seedFrom;
  private static final Duration SEED_RETRY = Duration.ofSeconds(1);
  private Redis client;
  private RedisConnection connection;
  private boolean stopping;
  private volatile boolean subscribed;
  /** Completed by Redis's {@code psubscribe} reply on the current connection. */
  private Promise<Void> confirmed;
  private static final Duration CONFIRM_TIMEOUT = Duration.ofSeconds(5);
  /** How often the connection is asked to answer, and how long it has to: a silent one is taken for dead. */
  static final Duration KEEPALIVE = Duration.ofSeconds(5);
  private final Duration keepalive;
  /** Completed by Redis's answer to the last keepalive on the current connection. */
  private Promise<Void> probe;

  public RedisSubscriberVerticle(RedisOptions options, Backoff backoff, LatestQuotes latest,
      Optional<LiveDataRedis> seedFrom, Duration keepalive) {
    this.options = options;
    this.backoff = backoff;
    this.latest = latest;
    this.seedFrom = seedFrom;
    this.keepalive = keepalive;
  }

  public RedisSubscriberVerticle(RedisOptions options, Backoff backoff, LatestQuotes latest,
      Optional<LiveDataRedis> seedFrom) {
    this(options, backoff, latest, seedFrom, KEEPALIVE);
  }

  public RedisSubscriberVerticle(RedisOptions options, Backoff backoff, LatestQuotes latest) {
    this(options, backoff, latest, Optional.empty());
  }

  public RedisSubscriberVerticle(RedisOptions options, LatestQuotes latest) {
    this(options, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5)), latest);
  }

  /** A subscriber that also keeps {@code latest} complete, seeding it from {@code liveData}'s hash when subscribed. */
  public RedisSubscriberVerticle(RedisOptions options, LatestQuotes latest, LiveDataRedis liveData) {
    this(options, new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5)), latest, Optional.of(liveData));
  }

  @Override
  public Future<?> start() {
    LiveQuote.registerCodec(vertx.eventBus());
    // Up once subscribed and, when it can be, seeded: a seed that fails now is tried again, not a failed start.
    return subscribe().compose(v -> seed().recover(e -> Future.succeededFuture()));
  }

  /**
   * Reads the whole hash once the subscription is confirmed, so symbols that have not moved since are in the copy
   * too; from then on every change arrives here. Tried again while subscribed until it works.
   */
  private Future<Void> seed() {
    if (seedFrom.isEmpty()) {
      return Future.succeededFuture();
    }
    RedisConnection seededFor = connection;
    return seedFrom.get().getLatestQuotes().onComplete(done -> {
      if (stopping || connection != seededFor || !subscribed) {
        return; // the subscription it was for is gone: the next one seeds again
      }
      if (done.succeeded()) {
        // Quotes published while this node was not listening, now in the copy: handed on like any other, so the
        // fan-out and the matcher see them too (and a quote the fan-out skipped as overtaken has its successor).
        latest.seed(done.result()).forEach(quote -> vertx.eventBus()
            .publish(QuoteAddresses.quotes(quote.quote().symbol()), quote, LOCAL));
      } else {
        LOG.warn("Reading {} to seed this node's quote copy failed ({}); again in {}", LiveDataRedis.LATEST_QUOTES_KEY,
            done.cause().getMessage(), SEED_RETRY);
        vertx.setTimer(SEED_RETRY.toMillis(), t -> seed());
      }
    }).mapEmpty();
  }

  private Future<Void> subscribe() {
    client = Redis.createClient(vertx, options);
    return client.connect().compose(conn -> {
      connection = conn;
      conn.handler(this::onMessage);
      conn.endHandler(v -> lost(conn, "connection closed"));
      conn.exceptionHandler(e -> lost(conn, e.getMessage()));
      Promise<Void> confirmation = Promise.promise();
      confirmed = confirmation;
      long timer = vertx.setTimer(CONFIRM_TIMEOUT.toMillis(), t -> confirmation.tryFail(
          "Redis did not confirm PSUBSCRIBE " + LiveDataRedis.QUOTE_CHANNEL_PATTERN + " within " + CONFIRM_TIMEOUT));
      return conn.send(Request.cmd(Command.PSUBSCRIBE).arg(LiveDataRedis.QUOTE_CHANNEL_PATTERN))
          .compose(written -> confirmation.future())
          .onComplete(done -> vertx.cancelTimer(timer))
          .onFailure(e -> {
            connection = null;
            conn.close();
          });
    }).onSuccess(v -> {
      if (backoff.failures() > 0) {
        LOG.info("Redis subscription to {} restored", LiveDataRedis.QUOTE_CHANNEL_PATTERN);
      }
      subscribed = true;
      backoff.reset();
      keepAlive(connection);
    });
  }

  /**
   * Asks Redis, every {@link #keepalive}, to confirm the subscription again (PSUBSCRIBE of the same pattern: Redis
   * answers and nothing else changes, and it is still the only command this connection carries). A connection that
   * does not answer within the next interval is half-open (the network went away without a reset): quotes have
   * stopped without a word, so it is dropped, the node's quote copy is no longer trusted, and a new one is taken.
   */
  private void keepAlive(RedisConnection conn) {
    probe = null;
    vertx.setPeriodic(keepalive.toMillis(), timer -> {
      if (conn != connection || stopping) {
        vertx.cancelTimer(timer);
        return;
      }
      if (probe != null && !probe.future().isComplete()) {
        vertx.cancelTimer(timer);
        lost(conn, "no answer to a keepalive within " + keepalive.toMillis() + " ms");
        conn.close();
        return;
      }
      probe = Promise.promise();
      conn.send(Request.cmd(Command.PSUBSCRIBE).arg(LiveDataRedis.QUOTE_CHANNEL_PATTERN));
    });
  }

  private void onMessage(Response message) {
    if (message.size() == 3 && "psubscribe".equals(message.get(0).toString())) {
      if (confirmed != null) {
        confirmed.tryComplete();
      }
      if (probe != null) {
        probe.tryComplete();
      }
      return;
    }
    if (message.size() < 4 || !"pmessage".equals(message.get(0).toString())) {
      return; // anything else
    }
    Optional<String> symbol = LiveDataRedis.symbolOfChannel(message.get(2).toString());
    if (symbol.isEmpty()) {
      return;
    }
    String json = message.get(3).toString();
    Quote quote;
    try {
      quote = QuoteJson.fromJson(json);
    } catch (IllegalArgumentException notAQuote) {
      LOG.debug("Ignoring a message on {} that is not a quote: {}", message.get(2), notAQuote.getMessage());
      return;
    }
    // Parsed once here for every consumer on this node, and passed with its text, by reference. Recorded as the
    // newest before it is published, so a consumer still holding an older one knows this one is behind it.
    LiveQuote live = new LiveQuote(quote, json);
    latest.received(symbol.get(), live);
    vertx.eventBus().publish(QuoteAddresses.quotes(symbol.get()), live, LOCAL);
  }

  private void lost(RedisConnection conn, String why) {
    if (conn != connection || stopping) {
      return; // a stale connection's late event, or our own close
    }
    connection = null;
    subscribed = false;
    latest.incomplete();
    LOG.warn("Redis subscription lost ({}); reconnecting", why);
    client.close();
    retry();
  }

  private void retry() {
    if (stopping) {
      return;
    }
    vertx.setTimer(backoff.nextDelay().toMillis(), t -> {
      if (stopping) {
        return;
      }
      subscribe().onSuccess(v -> seed()).onFailure(e -> {
        LOG.debug("Redis reconnect failed: {}", e.getMessage());
        connection = null;
        client.close();
        retry();
      });
    });
  }

  /** Whether the subscription is up right now. */
  public boolean subscribed() {
    return subscribed;
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    LiveQuote.unregisterCodec(vertx.eventBus());
    if (connection != null) {
      connection.close();
    }
    return client == null ? Future.succeededFuture() : client.close();
  }
}
