package com.thortrading.testsupport;

import com.thortrading.app.EmbeddedRedis;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.testcontainers.containers.wait.strategy.Wait;
import redis.clients.jedis.Jedis;

/**
 * A real Redis server for one test class, on a free port: the embedded server the default run uses, or with
 * {@code -Pcontainers} a container of the compose file's Redis image ({@link TestServers}).
 */
public final class RedisServerExtension implements BeforeAllCallback, AfterAllCallback {

  private EmbeddedRedis redis;
  private ContainerServer container;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (TestServers.containers()) {
      // As the embedded one: no snapshot, no append-only file, so a restart starts empty.
      container = new ContainerServer(TestServers.composeImage("redis"), 6379, Map.of(),
          new String[] {"redis-server", "--save", "", "--appendonly", "no"},
          Wait.forLogMessage(".*Ready to accept connections.*", 1),
          port -> () -> {
            try (Jedis jedis = new Jedis("127.0.0.1", port)) {
              return "PONG".equals(jedis.ping());
            }
          });
    } else {
      redis = EmbeddedRedis.start(0);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (redis != null) { // null when another extension's start failed first
      redis.close();
    }
    if (container != null) {
      container.close();
    }
  }

  public String url() {
    return "redis://127.0.0.1:" + port();
  }

  public int port() {
    return container != null ? container.port() : redis.port();
  }

  /** A plain, blocking Redis client: checks what the service wrote without going through its code. */
  public Jedis jedis() {
    return new Jedis("127.0.0.1", port());
  }

  public void stop() {
    if (container != null) {
      container.stop();
    } else {
      redis.stop();
    }
  }

  public void restart() throws Exception {
    if (container != null) {
      container.stop();
      container.start();
    } else {
      redis.restart();
    }
  }

  /** Empties the database between tests. */
  public void flush() {
    try (Jedis jedis = jedis()) {
      jedis.flushAll();
    }
  }
}
