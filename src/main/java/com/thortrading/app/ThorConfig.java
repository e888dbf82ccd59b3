package com.thortrading.app;

import com.thortrading.accounts.FillPriceRule;
import com.thortrading.accounts.SessionClock;
import com.thortrading.accounts.TokenSecrets;
import com.thortrading.livedata.QuoteSymbols;
import com.thortrading.stream.FanoutOptions;
import java.math.BigDecimal;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The service's validated configuration; built only through {@link #from}, which names any bad value. */
public record ThorConfig(
    Set<Role> roles,
    Optional<ClusterSettings> cluster,
    int httpPort,
    String httpHost,
    int httpInstances,
    Optional<String> redisUrl,
    Optional<String> pgUrl,
    int pgPoolSize,
    SourceKind source,
    Duration pollInterval,
    Duration sourceReadTimeout,
    Duration ingestTakeover,
    List<String> symbols,
    long simSeed,
    double simChangeProbability,
    Optional<Path> replayFile,
    double replaySpeed,
    boolean replayLoop,
    String excelWorkbook,
    String excelSheet,
    String jacobDllPath,
    FanoutOptions fanout,
    EdgeOptions edge,
    int historyLength,
    SessionClock session,
    Duration maxQuoteAge,
    boolean symbolWhitelist,
    Optional<Path> instrumentsFile,
    FillPriceRule.LimitWithoutQuote limitWithoutQuote,
    FillPriceRule.MarketFill marketFill,
    BigDecimal startingCash,
    Path dataDir,
    int embeddedRedisPort,
    int embeddedPgPort) {

  /** Where quotes come from. */
  public enum SourceKind { SIM, REPLAY, EXCEL }

  /** A setting's text and where it came from ("THOR_HTTP_PORT", "--http-port", "http_port in my.json"). */
  public record Value(String text, String origin) {
  }

  /** 0 means one per core. */
  private static int instances(int configured) {
    return configured > 0 ? configured : Math.min(64, Runtime.getRuntime().availableProcessors());
  }

  public static ThorConfig from(Map<Setting, Value> values) {
    Reader r = new Reader(values);
    SourceKind source = r.choice(Setting.SOURCE, SourceKind.class);
    Optional<String> replayFile = r.optionalText(Setting.REPLAY_FILE);
    if (source == SourceKind.REPLAY && replayFile.isEmpty()) {
      throw new ConfigException(r.origin(Setting.SOURCE) + "=replay needs a file to replay: set "
          + Setting.REPLAY_FILE.env() + " (or " + Setting.REPLAY_FILE.option() + ")");
    }
    Set<Role> roles = r.roles(Setting.ROLES);
    Optional<ClusterSettings> cluster = r.bool(Setting.CLUSTER)
        ? Optional.of(new ClusterSettings(r.text(Setting.CLUSTER_NAME), r.text(Setting.CLUSTER_HOST),
            r.integer(Setting.CLUSTER_PORT, 1, 65535), r.list(Setting.CLUSTER_MEMBERS)))
        : Optional.empty();
    if (cluster.isEmpty() && roles.size() < Role.values().length) {
      throw new ConfigException(r.origin(Setting.ROLES) + " runs only part of the service; that needs the other "
          + "parts on other nodes: set " + Setting.CLUSTER.env() + "=true");
    }
    if (cluster.isPresent() && (r.optionalText(Setting.REDIS_URL).isEmpty() || r.optionalText(Setting.PG_URL).isEmpty())) {
      throw new ConfigException("A cluster's nodes share one Redis and one PostgreSQL: set " + Setting.REDIS_URL.env()
          + " and " + Setting.PG_URL.env() + " (embedded servers are for a single process)");
    }
    return new ThorConfig(
        roles,
        cluster,
        r.integer(Setting.HTTP_PORT, 0, 65535),
        r.text(Setting.HTTP_HOST),
        instances(r.integer(Setting.HTTP_INSTANCES, 0, 64)),
        r.optionalText(Setting.REDIS_URL).map(url -> r.url(Setting.REDIS_URL, url, Set.of("redis", "rediss"))),
        r.optionalText(Setting.PG_URL).map(url -> r.url(Setting.PG_URL, url, Set.of("postgresql", "postgres"))),
        r.integer(Setting.PG_POOL_SIZE, 1, 200),
        source,
        Duration.ofMillis(r.integer(Setting.POLL_INTERVAL_MS, 10, 3_600_000)),
        Duration.ofMillis(r.integer(Setting.SOURCE_READ_TIMEOUT_MS, 100, 600_000)),
        Duration.ofMillis(r.integer(Setting.INGEST_TAKEOVER_MS, 1_000, 600_000)),
        r.symbols(Setting.SYMBOLS),
        r.longInteger(Setting.SIM_SEED),
        r.fraction(Setting.SIM_CHANGE_PROBABILITY),
        replayFile.map(Path::of),
        r.positive(Setting.REPLAY_SPEED),
        r.bool(Setting.REPLAY_LOOP),
        r.text(Setting.EXCEL_WORKBOOK),
        r.text(Setting.EXCEL_SHEET),
        r.optionalText(Setting.JACOB_DLL_PATH).orElse(""),
        new FanoutOptions(
            r.integer(Setting.FANOUT_MAX_REGISTRATIONS, 1, 100_000),
            r.integer(Setting.FANOUT_MAX_FRAME_BYTES, 256, 1_048_576),
            FanoutOptions.defaults().maxAddressLength(),
            FanoutOptions.defaults().maxViolations(),
            r.integer(Setting.FANOUT_MAX_IN_FLIGHT, 1, 100_000),
            Duration.ofMillis(r.integer(Setting.FANOUT_MAX_BEHIND_MS, 100, 3_600_000)),
            r.integer(Setting.FANOUT_RATE_PER_SECOND, 0, 1000),
            Duration.ofMillis(r.integer(Setting.FANOUT_IDLE_TIMEOUT_MS, 1000, 3_600_000)),
            r.integer(Setting.FANOUT_MAX_SOCKETS, 1, 10_000_000),
            r.integer(Setting.FANOUT_MAX_SOCKETS_PER_TOKEN, 1, 1_000_000),
            Duration.ofMillis(r.integer(Setting.FANOUT_SKIP_OVERTAKEN_MS, 1, 3_600_000))),
        new EdgeOptions(r.secret(Setting.ADMIN_TOKEN), r.secret(Setting.METRICS_TOKEN), r.origins(Setting.ALLOWED_ORIGINS),
            r.integer(Setting.ORDER_RATE_PER_SECOND, 1, 1_000_000),
            r.integer(Setting.AUTH_FAILURES_PER_MINUTE, 1, 1_000_000),
            Duration.ofMillis(r.integer(Setting.ENGINE_TIMEOUT_MS, 2_000, 600_000))),
        r.integer(Setting.HISTORY_LENGTH, 0, 10_000_000),
        new SessionClock(r.time(Setting.SESSION_CLOSE), r.zone(Setting.SESSION_ZONE)),
        Duration.ofMillis(r.integer(Setting.MAX_QUOTE_AGE_MS, 0, Integer.MAX_VALUE)),
        r.bool(Setting.SYMBOL_WHITELIST),
        r.optionalText(Setting.INSTRUMENTS_FILE).map(Path::of),
        r.choice(Setting.LIMIT_WITHOUT_QUOTE, FillPriceRule.LimitWithoutQuote.class),
        r.choice(Setting.MARKET_FILL, FillPriceRule.MarketFill.class),
        r.amount(Setting.STARTING_CASH),
        Path.of(r.text(Setting.DATA_DIR)),
        r.integer(Setting.EMBEDDED_REDIS_PORT, 0, 65535),
        r.integer(Setting.EMBEDDED_PG_PORT, 0, 65535));
  }

  /** Typed reads that fail with one line naming the setting, its origin, the value and what is expected. */
  private static final class Reader {
    private final Map<Setting, Value> values;

    Reader(Map<Setting, Value> values) {
      this.values = new EnumMap<>(Setting.class);
      this.values.putAll(values);
    }

    String origin(Setting s) {
      return value(s).origin();
    }

    private Value value(Setting s) {
      Value v = values.get(s);
      if (v == null) {
        throw new ConfigException("Setting " + s.key() + " has no value (set " + s.env() + ")");
      }
      return v;
    }

    private ConfigException bad(Setting s, String expected) {
      Value v = value(s);
      return new ConfigException("Bad " + v.origin() + " '" + v.text() + "': " + expected);
    }

    String text(Setting s) {
      String text = value(s).text().strip();
      if (text.isEmpty()) {
        throw bad(s, "must not be empty");
      }
      return text;
    }

    Optional<String> optionalText(Setting s) {
      Value v = values.get(s);
      return v == null || v.text().isBlank() ? Optional.empty() : Optional.of(v.text().strip());
    }

    int integer(Setting s, int min, int max) {
      try {
        int n = Integer.parseInt(value(s).text().strip());
        if (n >= min && n <= max) {
          return n;
        }
      } catch (NumberFormatException notInt) {
        // reported below
      }
      throw bad(s, "must be a whole number from " + min + " to " + max);
    }

    long longInteger(Setting s) {
      try {
        return Long.parseLong(value(s).text().strip());
      } catch (NumberFormatException e) {
        throw bad(s, "must be a whole number");
      }
    }

    double fraction(Setting s) {
      double d = number(s);
      if (d < 0 || d > 1) {
        throw bad(s, "must be a number from 0 to 1");
      }
      return d;
    }

    double positive(Setting s) {
      double d = number(s);
      if (!(d > 0) || Double.isInfinite(d)) {
        throw bad(s, "must be a number above 0");
      }
      return d;
    }

    private double number(Setting s) {
      try {
        return Double.parseDouble(value(s).text().strip());
      } catch (NumberFormatException e) {
        throw bad(s, "must be a number");
      }
    }

    BigDecimal amount(Setting s) {
      try {
        BigDecimal amount = new BigDecimal(value(s).text().strip());
        if (amount.signum() >= 0 && amount.stripTrailingZeros().scale() <= 2) {
          return amount.setScale(2, java.math.RoundingMode.UNNECESSARY);
        }
      } catch (NumberFormatException | ArithmeticException notAnAmount) {
        // reported below
      }
      throw bad(s, "must be an amount of money such as 100000.00 (not negative, at most 2 decimals)");
    }

    java.time.LocalTime time(Setting s) {
      try {
        return java.time.LocalTime.parse(value(s).text().strip());
      } catch (java.time.format.DateTimeParseException e) {
        throw bad(s, "must be a time of day such as 16:00");
      }
    }

    java.time.ZoneId zone(Setting s) {
      try {
        return java.time.ZoneId.of(value(s).text().strip());
      } catch (java.time.DateTimeException e) {
        throw bad(s, "must be a time zone such as America/New_York");
      }
    }

    Set<Role> roles(Setting s) {
      Set<Role> roles = java.util.EnumSet.noneOf(Role.class);
      for (String name : list(s)) {
        try {
          roles.add(Role.valueOf(name.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw bad(s, "'" + name + "' is not a role: use ingest, engine and/or web");
        }
      }
      if (roles.isEmpty()) {
        throw bad(s, "must name at least one of ingest, engine, web");
      }
      return java.util.Collections.unmodifiableSet(roles);
    }

    /** A token setting: empty, or at least 32 token characters. The value itself is never printed. */
    Optional<String> secret(Setting s) {
      Optional<String> token = optionalText(s);
      if (token.isPresent() && (token.get().length() < TokenSecrets.MIN_OPERATOR_TOKEN_LENGTH
          || !TokenSecrets.wellFormed(token.get()))) {
        throw new ConfigException("Bad " + origin(s) + ": a token must be " + TokenSecrets.MIN_OPERATOR_TOKEN_LENGTH
            + " to " + TokenSecrets.MAX_TOKEN_LENGTH + " characters of A-Z a-z 0-9 - . _ ~ + / "
            + "(e.g. the output of: openssl rand -base64 33); got " + token.get().length() + " characters");
      }
      return token;
    }

    List<String> origins(Setting s) {
      List<String> origins = list(s);
      for (String o : origins) {
        if (OriginPolicy.normalize(o).isEmpty()) {
          throw bad(s, "'" + o + "' is not an origin: write scheme://host[:port], e.g. https://desk.example.com");
        }
      }
      return origins;
    }

    List<String> list(Setting s) {
      return java.util.Arrays.stream(value(s).text().split(",")).map(String::strip).filter(x -> !x.isEmpty()).toList();
    }

    boolean bool(Setting s) {
      return switch (value(s).text().strip().toLowerCase(Locale.ROOT)) {
        case "true", "yes", "1", "on" -> true;
        case "false", "no", "0", "off" -> false;
        default -> throw bad(s, "must be true or false");
      };
    }

    <E extends Enum<E>> E choice(Setting s, Class<E> type) {
      String text = value(s).text().strip().toUpperCase(Locale.ROOT);
      try {
        return Enum.valueOf(type, text);
      } catch (IllegalArgumentException e) {
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
          names.add(constant.name().toLowerCase(Locale.ROOT));
        }
        throw bad(s, "must be one of " + String.join(", ", names));
      }
    }

    List<String> symbols(Setting s) {
      List<String> symbols = new ArrayList<>();
      for (String part : value(s).text().split(",")) {
        String symbol = QuoteSymbols.normalize(part);
        if (symbol.isEmpty()) {
          continue;
        }
        if (!QuoteSymbols.isValid(symbol)) {
          throw bad(s, "'" + symbol + "' is not a symbol (letters, digits and . / $ : _ - & only)");
        }
        if (!symbols.contains(symbol)) {
          symbols.add(symbol);
        }
      }
      if (symbols.isEmpty()) {
        throw bad(s, "must list at least one symbol, e.g. AAPL,MSFT,/ES");
      }
      return List.copyOf(symbols);
    }

    String url(Setting s, String text, Set<String> schemes) {
      String example = schemes.contains("redis") ? "redis://127.0.0.1:6379"
          : "postgresql://user:pass@127.0.0.1:5432/thor";
      try {
        URI uri = new URI(text);
        if (uri.getScheme() == null || !schemes.contains(uri.getScheme().toLowerCase(Locale.ROOT))) {
          throw bad(s, "must be a URL such as " + example);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
          throw bad(s, "has no host; expected a URL such as " + example);
        }
        if (uri.getPort() > 65535) {
          throw bad(s, "has a port above 65535");
        }
        return text;
      } catch (URISyntaxException e) {
        throw bad(s, "is not a URL (" + e.getReason() + "); expected one such as " + example);
      }
    }
  }
}
