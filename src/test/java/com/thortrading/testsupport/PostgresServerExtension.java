package com.thortrading.testsupport;

import com.thortrading.app.EmbeddedPg;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server for one test class (the embedded server the default run uses), which a test can
 * stop and start again on the same port with the same data, as an outage would.
 */
public final class PostgresServerExtension implements BeforeAllCallback, AfterAllCallback {

  private Path dataDir;
  private EmbeddedPg pg;
  private int port;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    dataDir = Files.createTempDirectory("thor-test-pg");
    pg = EmbeddedPg.start(0, dataDir);
    port = pg.port();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (pg != null) {
      pg.close();
    }
  }

  public String url() {
    return "postgresql://postgres@127.0.0.1:" + port + "/postgres";
  }

  public void stop() throws Exception {
    pg.close();
    pg = null;
  }

  public void start() throws Exception {
    pg = EmbeddedPg.start(port, dataDir);
  }
}
