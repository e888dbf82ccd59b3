package com.thortrading.app;

import java.io.IOException;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis and PostgreSQL the service uses: the configured external servers, or embedded ones started here for
 * each kind whose URL is not set.
 */
public final class EmbeddedServices implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedServices.class);

  private final EmbeddedRedis redis;
  private final EmbeddedPg pg;
  private final String redisUrl;
  private final String pgUrl;

  private EmbeddedServices(EmbeddedRedis redis, EmbeddedPg pg, String redisUrl, String pgUrl) {
    this.redis = redis;
    this.pg = pg;
    this.redisUrl = redisUrl;
    this.pgUrl = pgUrl;
  }

  /** Blocking: starts what is missing (seconds for PostgreSQL's first initdb). Call it off any event loop. */
  public static EmbeddedServices start(ThorConfig config) throws IOException {
    return start(config, true);
  }

  /** For commands that need only the database (account creation): Redis is neither started nor known. */
  public static EmbeddedServices startPostgresOnly(ThorConfig config) throws IOException {
    return start(config, false);
  }

  private static EmbeddedServices start(ThorConfig config, boolean needRedis) throws IOException {
    EmbeddedRedis redis = null;
    EmbeddedPg pg = null;
    try {
      if (needRedis && config.redisUrl().isEmpty()) {
        LOG.info("No THOR_REDIS_URL: starting an embedded Redis");
        redis = EmbeddedRedis.start(config.embeddedRedisPort());
      }
      if (config.pgUrl().isEmpty()) {
        Path data = config.dataDir().resolve("postgres");
        LOG.info("No THOR_PG_URL: starting an embedded PostgreSQL with its data in {}", data.toAbsolutePath());
        pg = EmbeddedPg.start(config.embeddedPgPort(), data);
      }
    } catch (IOException | RuntimeException e) {
      if (redis != null) {
        redis.close();
      }
      throw e;
    }
    String redisUrl = redis != null ? redis.url() : config.redisUrl().orElse(null);
    String pgUrl = pg != null ? pg.url() : config.pgUrl().orElseThrow();
    return new EmbeddedServices(redis, pg, redisUrl, pgUrl);
  }

  public String redisUrl() {
    return redisUrl;
  }

  public String pgUrl() {
    return pgUrl;
  }

  public boolean redisEmbedded() {
    return redis != null;
  }

  public boolean pgEmbedded() {
    return pg != null;
  }

  @Override
  public void close() {
    if (redis != null) {
      redis.close();
    }
    if (pg != null) {
      try {
        pg.close();
      } catch (IOException e) {
        LOG.warn("Embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
      }
    }
  }
}
