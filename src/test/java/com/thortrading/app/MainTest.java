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
import java.nio.file.attribute.PosixFilePermissions;
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
  void aBadInstrumentsTableStopsStartUpWithOneLineNamingTheEntry() throws Exception {
    Path table = dataDir.resolve("instruments.json");
    Files.writeString(table, "{\"equity\":{\"multiplier\":\"1\",\"tick\":\"0.01\"},\"option\":{\"multiplier\":\"100\","
        + "\"tick\":\"0.01\"},\"index\":{\"multiplier\":\"1\",\"tick\":\"0.01\"},\"forex\":{\"multiplier\":\"1\","
        + "\"tick\":\"0.00001\"},\"futures\":{\"ZZ\":{\"multiplier\":\"10\",\"tick\":\"0.5\"}}}");
    Run run = main(Map.of("THOR_INSTRUMENTS_FILE", table.toString()));

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.stderr().strip().lines()).hasSize(1).first().asString()
        .startsWith("thortrading: Cannot use THOR_INSTRUMENTS_FILE=" + table + ": " + table + " futures.ZZ:")
        .contains("initial_margin");
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
    Path secondLog = dataDir.resolve("run2.log");
    String token = defaultRun(port, log, List.of("-Xlog:class+load=info"));
    String output = Files.readString(log);
    assertThat(output).contains("ThorTrading is up. Web UI: http://127.0.0.1:" + port + "/#token=thor_")
        .contains("(embedded) | PostgreSQL: postgresql://").contains("Quotes: sim (13 symbols) every 1000 ms");
    assertThat(output).as("the sim run never loads JACOB").doesNotContain("com.jacob");
    assertThat(output).as("the operator token is shown once").contains("Operator token, shown this once");
    Path kept = dataDir.resolve("paper.token");
    assertThat(Files.readString(kept).strip()).isEqualTo(token);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(kept))).isEqualTo("rw-------");

    // The next default run keeps the same link, and says nothing more of the operator token.
    assertThat(defaultRun(port, secondLog, List.of())).isEqualTo(token);
    assertThat(Files.readString(secondLog)).doesNotContain("Operator token, shown this once");
  }

  /** Starts the default run, checks the link's token signs in and no token gets nothing, stops it; the token. */
  private String defaultRun(int port, Path log, List<String> jvmOptions) throws Exception {
    Process process = mainProcess(Map.of(), jvmOptions, "--http-port", String.valueOf(port))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest health = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
          .timeout(Duration.ofSeconds(5)).build();
      try {
        await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
            .until(() -> http.send(health, HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
      } catch (org.awaitility.core.ConditionTimeoutException notHealthy) {
        // The run's log is in a temporary directory that goes with the test: say what it said.
        // Without the JVM's own class-load lines, which one of the runs asks for.
        String said = String.join("\n", Files.readAllLines(log).stream().filter(l -> !l.startsWith("[")).toList());
        throw new AssertionError("the default run was not healthy within 60 s (alive: " + process.isAlive()
            + "); the end of its log:\n" + said.substring(Math.max(0, said.length() - 6000)), notHealthy);
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(log).contains("ThorTrading is up"));
      java.util.regex.Matcher link = java.util.regex.Pattern.compile("#token=(thor_[A-Za-z0-9_-]+)")
          .matcher(Files.readString(log));
      assertThat(link.find()).as("the log has a sign-in link").isTrue();
      String token = link.group(1);
      HttpRequest whoami = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/whoami")).build();
      assertThat(http.send(whoami, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
      HttpResponse<String> signedIn = http.send(HttpRequest.newBuilder(whoami.uri())
          .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(signedIn.statusCode()).isEqualTo(200);
      assertThat(signedIn.body()).contains("\"account\":\"paper\"");
      return token;
    } finally {
      process.destroy(); // SIGTERM: the shutdown hook stops Vert.x and both embedded servers
      assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("stopped on SIGTERM").isTrue();
    }
  }

  @Test
  void verifyExitsZeroWhenTheBooksAgreeAndOneNamingEachViolation() throws Exception {
    try (EmbeddedPg pg = EmbeddedPg.start(0, null)) {
      Map<String, String> env = Map.of("THOR_PG_URL", pg.url());
      assertThat(main(env, "accounts", "create", "--id", "audited", "--cash", "500").exitCode()).isZero();

      Run clean = main(env, "verify");
      assertThat(clean.exitCode()).isZero();
      assertThat(clean.stdout()).contains("Checked 2 accounts, 0 orders, 0 fills: the books agree");

      try (var db = java.sql.DriverManager.getConnection(pg.url().replace("postgresql://postgres@", "jdbc:postgresql://"),
          "postgres", "")) {
        db.createStatement().executeUpdate("UPDATE accounts SET cash = 1000000 WHERE id = 'audited'");
      }
      Run minted = main(env, "verify");
      assertThat(minted.exitCode()).isEqualTo(1);
      assertThat(minted.stdout()).contains("account audited: cash is 1000000.00 but its fills make it 500.00")
          .contains("1 violations");
    }
  }

  @Test
  void tokensAreMadeListedAndRevokedFromTheCommandLine() throws Exception {
    try (EmbeddedPg pg = EmbeddedPg.start(0, null)) {
      Map<String, String> env = Map.of("THOR_PG_URL", pg.url());
      Run account = main(env, "accounts", "create", "--id", "erin");
      assertThat(account.stdout()).containsPattern("Token \\d+ of account erin \\(shown this once, keep it secret\\): "
          + "thor_[A-Za-z0-9_-]{43}");

      Run created = main(env, "tokens", "create", "--account", "erin", "--label", "trading bot");
      assertThat(created.exitCode()).isZero();
      java.util.regex.Matcher made = java.util.regex.Pattern.compile("Token (\\d+) of account erin .*: (thor_\\S+)")
          .matcher(created.stdout());
      assertThat(made.find()).isTrue();

      Run listed = main(env, "tokens", "list", "--account", "erin");
      assertThat(listed.exitCode()).isZero();
      assertThat(listed.stdout()).contains("trading bot").contains("first token").doesNotContain(made.group(2))
          .contains(made.group(2).substring(0, 9));

      Run revoked = main(env, "tokens", "revoke", "--account", "erin", "--token-id", made.group(1));
      assertThat(revoked.exitCode()).isZero();
      assertThat(revoked.stdout()).contains("Revoked token " + made.group(1));
      assertThat(main(env, "tokens", "list", "--account", "erin").stdout().lines()
          .filter(l -> l.startsWith(made.group(1) + " ")).findFirst().orElseThrow().split("\\s+")[4])
          .as("the REVOKED column").startsWith("20");

      Run otherAccount = main(env, "tokens", "revoke", "--account", "paper", "--token-id", made.group(1));
      assertThat(otherAccount.exitCode()).isEqualTo(1);
      assertThat(otherAccount.stderr().strip()).isEqualTo("thortrading: account paper has no token " + made.group(1));
      Run nobody = main(env, "tokens", "list", "--account", "nobody");
      assertThat(nobody.exitCode()).isEqualTo(1);
      assertThat(nobody.stderr().strip()).isEqualTo("thortrading: no account named nobody");
      Run badId = main(env, "tokens", "revoke", "--account", "erin", "--token-id", "x");
      assertThat(badId.exitCode()).isEqualTo(2);
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
