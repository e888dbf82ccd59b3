package com.thortrading.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir
  Path dir;

  private static ThorConfig load(Map<String, String> env, String... args) {
    return new ConfigLoader(env).load(args, new PrintWriter(new StringWriter())).orElseThrow();
  }

  @Test
  void defaultsRunEverythingLocallyWithTheSimulator() {
    ThorConfig config = load(Map.of());

    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.redisUrl()).isEmpty();
    assertThat(config.pgUrl()).isEmpty();
    assertThat(config.source()).isEqualTo(ThorConfig.SourceKind.SIM);
    assertThat(config.pollInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.symbols()).hasSize(13).contains("AAPL", "MSFT", "SPY", "/ES", "$SPX", ".SPY271217C520");
  }

  @Test
  void fileThenEnvironmentThenOptionsOverrideEachOther() throws Exception {
    Path file = Files.writeString(dir.resolve("thor.json"),
        "{\"http_port\": 9001, \"poll_interval_ms\": 250, \"symbols\": \"aapl, msft\", \"redis_url\": \"redis://file:1\"}");

    ThorConfig fileOnly = load(Map.of(), "--conf", file.toString());
    assertThat(fileOnly.httpPort()).isEqualTo(9001);
    assertThat(fileOnly.pollInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(fileOnly.symbols()).containsExactly("AAPL", "MSFT");

    ThorConfig withEnv = load(Map.of("THOR_HTTP_PORT", "9002", "THOR_REDIS_URL", "redis://env:6379"),
        "--conf", file.toString());
    assertThat(withEnv.httpPort()).isEqualTo(9002);
    assertThat(withEnv.redisUrl()).contains("redis://env:6379");
    assertThat(withEnv.pollInterval()).isEqualTo(Duration.ofMillis(250));

    ThorConfig withOption = load(Map.of("THOR_HTTP_PORT", "9002"), "--conf", file.toString(), "--http-port", "9003");
    assertThat(withOption.httpPort()).isEqualTo(9003);
  }

  @Test
  void everyFixedEnvironmentNameIsRead(@TempDir Path replayDir) {
    ThorConfig config = load(Map.of(
        "THOR_REDIS_URL", "redis://127.0.0.1:6379",
        "THOR_PG_URL", "postgresql://user:pass@127.0.0.1:5432/thor",
        "THOR_HTTP_PORT", "8181",
        "THOR_SOURCE", "replay",
        "THOR_POLL_INTERVAL_MS", "500",
        "THOR_REPLAY_FILE", replayDir.resolve("day.csv").toString(),
        "THOR_SYMBOLS", "SPY,/ES"));

    assertThat(config.redisUrl()).contains("redis://127.0.0.1:6379");
    assertThat(config.pgUrl()).contains("postgresql://user:pass@127.0.0.1:5432/thor");
    assertThat(config.httpPort()).isEqualTo(8181);
    assertThat(config.source()).isEqualTo(ThorConfig.SourceKind.REPLAY);
    assertThat(config.pollInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.replayFile()).contains(replayDir.resolve("day.csv"));
    assertThat(config.symbols()).containsExactly("SPY", "/ES");
  }

  @Test
  void badValuesNameTheSettingWhereItCameFromAndWhatIsExpected() {
    assertThatThrownBy(() -> load(Map.of("THOR_REDIS_URL", "localhost:6379")))
        .isInstanceOf(ConfigException.class)
        .hasMessage("Bad THOR_REDIS_URL 'localhost:6379': must be a URL such as redis://127.0.0.1:6379");
    assertThatThrownBy(() -> load(Map.of("THOR_PG_URL", "mysql://x/y")))
        .hasMessageStartingWith("Bad THOR_PG_URL 'mysql://x/y'").hasMessageContaining("postgresql://");
    assertThatThrownBy(() -> load(Map.of(), "--http-port", "99999"))
        .hasMessage("Bad --http-port '99999': must be a whole number from 0 to 65535");
    assertThatThrownBy(() -> load(Map.of("THOR_SOURCE", "bloomberg")))
        .hasMessage("Bad THOR_SOURCE 'bloomberg': must be one of sim, replay, excel");
    assertThatThrownBy(() -> load(Map.of("THOR_POLL_INTERVAL_MS", "fast")))
        .hasMessageContaining("THOR_POLL_INTERVAL_MS").hasMessageContaining("whole number from 10");
    assertThatThrownBy(() -> load(Map.of("THOR_SYMBOLS", "AAPL,bad symbol!")))
        .hasMessageContaining("THOR_SYMBOLS").hasMessageContaining("'BAD SYMBOL!' is not a symbol");
    assertThatThrownBy(() -> load(Map.of("THOR_SOURCE", "replay")))
        .hasMessageContaining("THOR_SOURCE=replay needs a file").hasMessageContaining("THOR_REPLAY_FILE");
  }

  @Test
  void anOperatorTokenTooShortOrWithOddCharactersStopsStartUpWithoutEchoingIt() {
    assertThatThrownBy(() -> load(Map.of("THOR_ADMIN_TOKEN", "short-secret")))
        .isInstanceOf(ConfigException.class).hasMessageStartingWith("Bad THOR_ADMIN_TOKEN: a token must be 32")
        .hasMessageNotContaining("short-secret");
    assertThatThrownBy(() -> load(Map.of("THOR_METRICS_TOKEN", "a token with spaces in it, thirty-two+")))
        .hasMessageStartingWith("Bad THOR_METRICS_TOKEN").hasMessageNotContaining("spaces");
    assertThatThrownBy(() -> load(Map.of("THOR_ALLOWED_ORIGINS", "https://ok.example,*")))
        .hasMessageContaining("THOR_ALLOWED_ORIGINS").hasMessageContaining("'*' is not an origin");
    assertThat(load(Map.of("THOR_ADMIN_TOKEN", "x".repeat(32))).edge().operatorToken()).contains("x".repeat(32));
    assertThat(load(Map.of()).edge().operatorToken()).isEmpty();
  }

  @Test
  void badFileContentsNameTheFile() throws Exception {
    Path unknownKey = Files.writeString(dir.resolve("a.json"), "{\"http_prot\": 1}");
    Path notJson = Files.writeString(dir.resolve("b.json"), "http_port=1");
    Path badValue = Files.writeString(dir.resolve("c.json"), "{\"http_port\": \"x\"}");

    assertThatThrownBy(() -> load(Map.of(), "--conf", unknownKey.toString()))
        .hasMessageContaining("Unknown setting 'http_prot'").hasMessageContaining("a.json");
    assertThatThrownBy(() -> load(Map.of(), "--conf", notJson.toString()))
        .hasMessageContaining("not JSON").hasMessageContaining("b.json");
    assertThatThrownBy(() -> load(Map.of(), "--conf", badValue.toString()))
        .hasMessageStartingWith("Bad http_port in " + badValue);
    assertThatThrownBy(() -> load(Map.of(), "--conf", dir.resolve("none.json").toString()))
        .hasMessageContaining("no such readable file");
  }

  @Test
  void unknownOptionIsOneLineWithAHint() {
    assertThatThrownBy(() -> load(Map.of(), "--redis", "x"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("--redis").hasMessageEndingWith("(see --help)");
  }

  @Test
  void helpListsEveryOptionWithItsEnvironmentVariable() {
    StringWriter text = new StringWriter();
    Optional<ThorConfig> config = new ConfigLoader(Map.of()).load(new String[] {"--help"}, new PrintWriter(text));

    assertThat(config).isEmpty();
    for (Setting s : Setting.values()) {
      assertThat(text.toString()).contains(s.option()).contains(s.env());
    }
    assertThat(text.toString()).contains("--conf");
  }
}
