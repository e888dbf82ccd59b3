package com.thortrading;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The house reads top down: {@code app} wires, {@code trades} and {@code stream} face clients, {@code accounts}
 * decides, {@code livedata} feeds. A package may use another only through that package's contract (the types
 * listed here), and only downwards; a new crossing has to be added here, on purpose.
 */
class PackageBoundariesTest {

  private static final Path MAIN = Path.of("src/main/java/com/thortrading");

  /** What each package offers the others. */
  private static final Map<String, Set<String>> CONTRACTS = Map.of(
      "livedata", Set.of("Quote", "QuoteField", "QuoteJson", "QuoteSymbols", "QuoteAddresses", "LiveDataRedis",
          "LiveQuote", "LatestQuotes", "Bar", "BarBuilder", "BarJson"),
      "accounts", Set.of("OrderEngineClient", "AccountAddresses", "AccountIds", "OrderRequest", "EngineOutcome",
          "OrderStatus", "OrderType", "Side", "TimeInForce", "AccessPolicy", "Principal", "TokenAuthenticator",
          "TokenSecrets", "RateLimiter"));

  /** Which packages each may use (app, the wiring, may use every one). */
  private static final Map<String, Set<String>> MAY_USE = Map.of(
      "livedata", Set.of(),
      "accounts", Set.of("livedata"),
      "trades", Set.of("accounts", "livedata"),
      "stream", Set.of("accounts", "livedata"));

  private static final Pattern IMPORT = Pattern.compile("^import (?:static )?com\\.thortrading\\.(\\w+)\\.(\\w+)",
      Pattern.MULTILINE);

  @Test
  void packagesUseEachOtherOnlyDownwardsAndOnlyThroughContracts() throws IOException {
    List<String> crossings = new ArrayList<>();
    for (Map.Entry<String, Set<String>> entry : MAY_USE.entrySet()) {
      String from = entry.getKey();
      try (Stream<Path> files = Files.list(MAIN.resolve(from))) {
        for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
          Matcher m = IMPORT.matcher(Files.readString(file));
          while (m.find()) {
            String to = m.group(1);
            String type = m.group(2);
            if (to.equals(from)) {
              continue;
            }
            if (!entry.getValue().contains(to) || !CONTRACTS.getOrDefault(to, Set.of()).contains(type)) {
              crossings.add(from + "/" + file.getFileName() + " uses " + to + "." + type);
            }
          }
        }
      }
    }
    assertThat(crossings).as("uses of another package outside its contract").isEmpty();
  }

  @Test
  void theCheckSeesTheImports() throws IOException {
    // Guards the guard: the trades API does import from accounts, so the pattern must find those imports.
    Matcher m = IMPORT.matcher(Files.readString(MAIN.resolve("trades/TradesApi.java")));
    assertThat(m.find()).isTrue();
  }
}
