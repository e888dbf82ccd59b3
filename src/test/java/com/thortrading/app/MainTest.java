package com.thortrading.app;

import static org.assertj.core.api.Assertions.assertThat;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Start-up as an operator sees it: a real JVM running Main, its exit code and what it prints. */
class MainTest {

  @TempDir
  Path dataDir;

  private record Run(int exitCode, String stdout, String stderr) {
  }

  private ProcessBuilder mainProcess(Map<String, String> env, List<String> jvmOptions, String... args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(jvmOptions);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("THOR_"));
    builder.environment().putAll(env);
    builder.environment().put("THOR_DATA_DIR", dataDir.toString());
    return builder;
  }

  private Run main(Map<String, String> env, String... args) throws IOException, InterruptedException {
    Process process = mainProcess(env, List.of(), args).start();
    process.getOutputStream().close();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("process ended").isTrue();
    return new Run(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void malformedRedisUrlStopsStartUpWithOneLineNamingIt() throws Exception {
    Run run = main(Map.of("THOR_REDIS_URL", "localhost:6379"));

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr().strip().lines()).containsExactly(
        "thortrading: Bad THOR_REDIS_URL 'localhost:6379': must be a URL such as redis://127.0.0.1:6379");
  }

  @Test
  void unreachableRedisStopsStartUpWithOneLineNamingIt() throws Exception {
    int closedPort = EmbeddedRedis.freePort();
    Run run = main(Map.of("THOR_REDIS_URL", "redis://127.0.0.1:" + closedPort,
        "THOR_PG_URL", "postgresql://postgres@127.0.0.1:" + closedPort + "/postgres"));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.stderr().strip().lines()).hasSize(1).first().asString()
        .startsWith("thortrading: Cannot reach Redis at redis://127.0.0.1:" + closedPort + " (THOR_REDIS_URL)");
  }

  @Test
  void defaultRunStartsEmbeddedServersServesHealthAndLoadsNothingOfJacob() throws Exception {
    int port = EmbeddedRedis.freePort();
    Path log = dataDir.resolve("run.log");
    Process process = mainProcess(Map.of(), List.of("-Xlog:class+load=info"), "--http-port", String.valueOf(port))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
          .timeout(Duration.ofSeconds(5)).build();
      await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
          .until(() -> http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
      String output = Files.readString(log);
      assertThat(output).contains("ThorTrading is up. Web UI: http://127.0.0.1:" + port + "/")
          .contains("(embedded) | PostgreSQL: postgresql://").contains("Quotes: sim (12 symbols) every 1000 ms");
      assertThat(output).as("the sim run never loads JACOB").doesNotContain("com.jacob");
    } finally {
      process.destroy(); // SIGTERM: the shutdown hook stops Vert.x and both embedded servers
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
    }
  }

  @Test
  void accountsCreateMakesAnAccountOnceAndSaysSo() throws Exception {
    try (EmbeddedPg pg = EmbeddedPg.start(0, null)) {
      Map<String, String> env = Map.of("THOR_PG_URL", pg.url());

      Run created = main(env, "accounts", "create", "--id", "alice", "--cash", "2500.50");
      Run again = main(env, "accounts", "create", "--id", "alice");
      Run bad = main(env, "accounts", "create", "--id", "alice", "--cash", "-5");

      assertThat(created.exitCode()).isZero();
      assertThat(created.stdout()).contains("Created cash account alice with 2500.50 cash");
      Run margin = main(env, "accounts", "create", "--id", "carol", "--margin", "--allow-short");
      assertThat(margin.stdout()).contains("Created margin account carol (short selling allowed) with 100000.00 cash");
      Run shortOnly = main(env, "accounts", "create", "--id", "dave", "--allow-short");
      assertThat(shortOnly.exitCode()).isEqualTo(2);
      assertThat(shortOnly.stderr().strip()).isEqualTo("thortrading: --allow-short: needs --margin (short selling is done on margin)");
      assertThat(again.exitCode()).isEqualTo(1);
      assertThat(again.stderr().strip()).isEqualTo("thortrading: account alice already exists");
      assertThat(bad.exitCode()).isEqualTo(2);
      assertThat(bad.stderr().strip()).isEqualTo("thortrading: --cash: must not be negative (got -5)");
    }
  }

  @Test
  void helpListsTheSettingsAndExitsCleanly() throws Exception {
    Run run = main(Map.of(), "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.stdout()).contains("--redis-url", "THOR_REDIS_URL", "--source", "THOR_POLL_INTERVAL_MS");
  }
}
