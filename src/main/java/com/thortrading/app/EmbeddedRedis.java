package com.thortrading.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import redis.embedded.RedisServer;

/** A real Redis server from the embedded-redis artifact, on loopback; for the default run and for tests. */
public final class EmbeddedRedis implements AutoCloseable {

  private final int port;
  private RedisServer server;

  private EmbeddedRedis(int port) {
    this.port = port;
  }

  /** Starts Redis on {@code port}, or on a free port when it is 0. */
  public static EmbeddedRedis start(int port) throws IOException {
    EmbeddedRedis redis = new EmbeddedRedis(port == 0 ? freePort() : port);
    redis.startServer();
    return redis;
  }

  private void startServer() throws IOException {
    server = RedisServer.newRedisServer()
        .port(port)
        .bind("127.0.0.1")
        .setting("save \"\"") // quotes are republished every poll: no snapshot files in the working directory
        .setting("appendonly no")
        .build();
    server.start();
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  /** Stops the server; {@link #restart} brings it back on the same port. */
  public void stop() {
    try {
      if (server != null) {
        server.stop();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public void restart() throws IOException {
    stop();
    startServer();
  }

  @Override
  public void close() {
    stop();
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    }
  }
}
