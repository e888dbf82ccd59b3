package com.thortrading.testsupport;

import com.thortrading.app.EmbeddedRedis;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import redis.clients.jedis.Jedis;

/** A real Redis server for one test class (the embedded server the default run uses), on a free port. */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {

  private EmbeddedRedis redis;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    redis = EmbeddedRedis.start(0);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (redis != null) { // null when another extension's start failed first
      redis.close();
    }
  }

  public String url() {
    return redis.url();
  }

  public int port() {
    return redis.port();
  }

  /** A plain, blocking Redis client: checks what the service wrote without going through its code. */
  public Jedis jedis() {
    return new Jedis("127.0.0.1", redis.port());
  }

  public void stop() {
    redis.stop();
  }

  public void restart() throws Exception {
    redis.restart();
  }

  /** Empties the database between tests. */
  public void flush() {
    try (Jedis jedis = jedis()) {
      jedis.flushAll();
    }
  }
}
