package com.thortrading.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Builds the configuration from its layers: built-in defaults, then a {@code --conf} JSON file, then
 * {@code THOR_*} environment variables, then command-line options (picocli, so {@code --help} lists them all).
 */
public final class ConfigLoader {

  static final String DEFAULTS_RESOURCE = "conf/thortrading.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<String, String> environment;

  public ConfigLoader(Map<String, String> environment) {
    this.environment = environment;
  }

  /** The configuration, or empty when {@code --help} or {@code --version} was answered on {@code out}. */
  public Optional<ThorConfig> load(String[] args, PrintWriter out) {
    CommandLine cli = new CommandLine(commandSpec());
    ParseResult parsed;
    try {
      parsed = cli.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new ConfigException(e.getMessage() + " (see --help)");
    }
    if (cli.isUsageHelpRequested()) {
      cli.usage(out);
      return Optional.empty();
    }
    if (cli.isVersionHelpRequested()) {
      cli.printVersionHelp(out);
      return Optional.empty();
    }
    Map<Setting, ThorConfig.Value> values = new EnumMap<>(Setting.class);
    readJson(defaults(), "built-in default " + DEFAULTS_RESOURCE, values);
    if (parsed.hasMatchedOption("--conf")) {
      Path file = Path.of(parsed.<String>matchedOptionValue("--conf", ""));
      readJson(readFile(file), file.toString(), values);
    }
    for (Setting s : Setting.values()) {
      String fromEnv = environment.get(s.env());
      if (fromEnv != null) {
        values.put(s, new ThorConfig.Value(fromEnv, s.env()));
      }
    }
    for (Setting s : Setting.values()) {
      if (parsed.hasMatchedOption(s.option())) {
        values.put(s, new ThorConfig.Value(parsed.matchedOptionValue(s.option(), ""), s.option()));
      }
    }
    return Optional.of(ThorConfig.from(values));
  }

  static CommandSpec commandSpec() {
    CommandSpec spec = CommandSpec.create().name("thortrading").version("ThorTrading 0.1.0");
    spec.mixinStandardHelpOptions(true);
    spec.usageMessage()
        .description("Thinkorswim quotes to Redis, paper orders on PostgreSQL, live streaming to browsers.",
            "With nothing set it runs everything here: embedded Redis and PostgreSQL, simulated quotes, "
                + "the web UI on http://localhost:8080/.")
        .footer("", "Each option can also be set in the --conf JSON file (key = option without dashes, "
            + "with _ for -) or as an environment variable THOR_<KEY>, e.g. --redis-url = redis_url = THOR_REDIS_URL.",
            "Precedence: options > environment > --conf file > built-in defaults.");
    spec.addOption(OptionSpec.builder("--conf").paramLabel("FILE").type(String.class)
        .description("JSON file of settings overriding the built-in defaults").build());
    for (Setting s : Setting.values()) {
      spec.addOption(OptionSpec.builder(s.option()).paramLabel(s.label()).type(String.class)
          .description(s.description() + " [" + s.env() + "]").build());
    }
    return spec;
  }

  private static JsonNode defaults() {
    try (InputStream in = ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULTS_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULTS_RESOURCE + " is missing from the classpath");
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + DEFAULTS_RESOURCE, e);
    }
  }

  private static JsonNode readFile(Path file) {
    if (!Files.isReadable(file)) {
      throw new ConfigException("Bad --conf '" + file + "': no such readable file");
    }
    try {
      return JSON.readTree(file.toFile());
    } catch (IOException e) {
      throw new ConfigException("Bad --conf '" + file + "': not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
    }
  }

  private static void readJson(JsonNode root, String where, Map<Setting, ThorConfig.Value> into) {
    if (root == null || !root.isObject()) {
      throw new ConfigException("Bad configuration in " + where + ": expected a JSON object of settings");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      Setting setting = settingOfKey(entry.getKey())
          .orElseThrow(() -> new ConfigException("Unknown setting '" + entry.getKey() + "' in " + where
              + " (see --help for the settings)"));
      JsonNode value = entry.getValue();
      String text = value.isNull() ? "" : value.isTextual() ? value.textValue() : value.toString();
      into.put(setting, new ThorConfig.Value(text, setting.key() + " in " + where));
    }
  }

  private static Optional<Setting> settingOfKey(String key) {
    for (Setting s : Setting.values()) {
      if (s.key().equals(key)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
