package com.thortrading.testsupport;

import com.thortrading.app.EmbeddedPg;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real PostgreSQL server for one test class, which a test can stop and start again on the same port with the
 * same data, as an outage would, or freeze: the embedded server the default run uses, or with {@code -Pcontainers}
 * a container of the compose file's PostgreSQL image ({@link TestServers}).
 */
public final class PostgresServerExtension implements BeforeAllCallback, AfterAllCallback {

  private Path dataDir;
  private EmbeddedPg pg;
  private int port;
  private ContainerServer container;

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    if (TestServers.containers()) {
      // The same URL as the embedded server's: user postgres, database postgres, no password.
      container = new ContainerServer(TestServers.composeImage("postgres"), 5432,
          java.util.Map.of("POSTGRES_HOST_AUTH_METHOD", "trust"), new String[0],
          // The image starts a server to initialise the database, stops it, and starts the real one.
          org.testcontainers.containers.wait.strategy.Wait.forLogMessage(
              ".*database system is ready to accept connections.*", 2),
          hostPort -> () -> {
            try (java.sql.Connection c = java.sql.DriverManager.getConnection(
                "jdbc:postgresql://127.0.0.1:" + hostPort + "/postgres", "postgres", "")) {
              return c.isValid(2);
            }
          });
      port = container.port();
      return;
    }
    dataDir = Files.createTempDirectory("thor-test-pg");
    pg = EmbeddedPg.start(0, dataDir);
    port = pg.port();
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (pg != null) {
      pg.close();
    }
    if (container != null) {
      container.close();
    }
  }

  public String url() {
    return "postgresql://postgres@127.0.0.1:" + port + "/postgres";
  }

  public void stop() throws Exception {
    if (container != null) {
      container.stop();
      return;
    }
    pg.close();
    pg = null;
  }

  public void start() throws Exception {
    if (container != null) {
      container.start();
      return;
    }
    pg = EmbeddedPg.start(port, dataDir);
  }

  /**
   * Freezes the server as a stalled disk or a hung VM would: SIGSTOP to its postmaster and every backend. The
   * connections stay open and every statement simply waits.
   */
  public void pause() throws Exception {
    if (container != null) {
      container.pause();
      return;
    }
    signal("-STOP");
    // A backend the postmaster forked between the listing and the signal (a connection being opened) would go on
    // serving: list again now that the postmaster is stopped and cannot fork, and stop those too.
    signal("-STOP");
  }

  /** Lets a paused server run again (SIGCONT). */
  public void resume() throws Exception {
    if (container != null) {
      container.resume();
      return;
    }
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
