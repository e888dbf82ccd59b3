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

  /**
   * Freezes the server as a stalled disk or a hung VM would: SIGSTOP to its postmaster and every backend. The
   * connections stay open and every statement simply waits.
   */
  public void pause() throws Exception {
    signal("-STOP");
    // A backend the postmaster forked between the listing and the signal (a connection being opened) would go on
    // serving: list again now that the postmaster is stopped and cannot fork, and stop those too.
    signal("-STOP");
  }

  /** Lets a paused server run again (SIGCONT). */
  public void resume() throws Exception {
    signal("-CONT");
  }

  private void signal(String which) throws Exception {
    String data = dataDir.toAbsolutePath().toString();
    java.util.List<ProcessHandle> postmasters = ProcessHandle.allProcesses()
        .filter(p -> p.info().commandLine().map(c -> c.contains("postgres") && c.contains(data)).orElse(false))
        .toList();
    if (postmasters.isEmpty()) {
      throw new IllegalStateException("no postgres process found for " + data);
    }
    java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of("kill", which));
    for (ProcessHandle postmaster : postmasters) {
      command.add(String.valueOf(postmaster.pid()));
      postmaster.descendants().forEach(d -> command.add(String.valueOf(d.pid())));
    }
    Process kill = new ProcessBuilder(command).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IllegalStateException("kill " + which + " failed");
    }
  }
}
