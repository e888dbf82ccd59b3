package com.thortrading.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
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

  private Run main(Map<String, String> env, String... args) throws IOException, InterruptedException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    command.addAll(List.of(args));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("THOR_"));
    builder.environment().putAll(env);
    builder.environment().put("THOR_DATA_DIR", dataDir.toString());
    Process process = builder.start();
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
  void helpListsTheSettingsAndExitsCleanly() throws Exception {
    Run run = main(Map.of(), "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.stdout()).contains("--redis-url", "THOR_REDIS_URL", "--source", "THOR_POLL_INTERVAL_MS");
  }
}
