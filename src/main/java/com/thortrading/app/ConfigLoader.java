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

  /** What the command line asks for: run the service, or run one operator command and exit. */
  public record Launch(ThorConfig config, Optional<Command> command) {
  }

  /** An operator command that works on the database directly and exits. */
  public sealed interface Command permits NewAccount, NewToken, ListTokens, RevokeToken, Verify {
  }

  /** {@code verify}: audits every account's books against its fills. */
  public record Verify() implements Command {
  }

  /** {@code accounts create --id ID [--cash AMOUNT] [--margin] [--allow-short]}. */
  public record NewAccount(String id, Optional<String> cash, boolean margin, boolean allowShort) implements Command {
  }

  /** {@code tokens create --account ID [--label TEXT]}. */
  public record NewToken(String account, String label) implements Command {
  }

  /** {@code tokens list --account ID}. */
  public record ListTokens(String account) implements Command {
  }

  /** {@code tokens revoke --account ID --token-id N}. */
  public record RevokeToken(String account, String tokenId) implements Command {
  }

  /** The configuration, or empty when {@code --help} or {@code --version} was answered on {@code out}. */
  public Optional<ThorConfig> load(String[] args, PrintWriter out) {
    return launch(args, out).map(Launch::config);
  }

  /** Like {@link #load}, with the {@code accounts create} subcommand when it was given. */
  public Optional<Launch> launch(String[] args, PrintWriter out) {
    CommandLine cli = new CommandLine(commandSpec());
    cli.setOut(out);
    ParseResult parsed;
    try {
      parsed = cli.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      throw new ConfigException(e.getMessage() + " (see --help)");
    }
    if (CommandLine.printHelpIfRequested(parsed)) {
      return Optional.empty();
    }
    Optional<Command> command = command(parsed);
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
    return Optional.of(new Launch(ThorConfig.from(values), command));
  }

  private static Optional<Command> command(ParseResult parsed) {
    ParseResult group = parsed.subcommand();
    if (group == null) {
      return Optional.empty();
    }
    if (group.commandSpec().name().equals("verify")) {
      return Optional.of(new Verify());
    }
    ParseResult sub = group.subcommand();
    if (sub == null) {
      throw new ConfigException(group.commandSpec().name().equals("accounts")
          ? "accounts needs a command: accounts create --id ID [--cash AMOUNT]"
          : "tokens needs a command: tokens create|list|revoke --account ID (see tokens --help)");
    }
    String name = group.commandSpec().name() + " " + sub.commandSpec().name();
    return Optional.of(switch (name) {
      case "accounts create" -> new NewAccount(sub.matchedOptionValue("--id", ""),
          Optional.ofNullable(sub.<String>matchedOptionValue("--cash", null)),
          sub.hasMatchedOption("--margin"), sub.hasMatchedOption("--allow-short"));
      case "tokens create" -> new NewToken(sub.matchedOptionValue("--account", ""), sub.matchedOptionValue("--label", ""));
      case "tokens list" -> new ListTokens(sub.matchedOptionValue("--account", ""));
      case "tokens revoke" -> new RevokeToken(sub.matchedOptionValue("--account", ""),
          sub.matchedOptionValue("--token-id", ""));
      default -> throw new IllegalStateException("no such command: " + name);
    });
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
    CommandSpec create = CommandSpec.create().name("create");
    create.mixinStandardHelpOptions(true);
    create.usageMessage().description("Creates a paper account in the configured PostgreSQL and exits.",
        "With the embedded PostgreSQL, stop the service first (or use POST /api/accounts while it runs).");
    create.addOption(OptionSpec.builder("--id").paramLabel("ID").type(String.class).required(true)
        .description("Account id: 1 to 48 lower-case letters, digits, '-' or '_'").build());
    create.addOption(OptionSpec.builder("--cash").paramLabel("AMOUNT").type(String.class)
        .description("Starting cash (default: the starting_cash setting)").build());
    create.addOption(OptionSpec.builder("--margin").type(boolean.class)
        .description("A margin account (Reg T buying power) instead of a cash account").build());
    create.addOption(OptionSpec.builder("--allow-short").type(boolean.class)
        .description("Allow short selling (needs --margin)").build());
    CommandSpec accounts = CommandSpec.create().name("accounts");
    accounts.mixinStandardHelpOptions(true);
    accounts.usageMessage().description("Manages paper accounts.");
    accounts.addSubcommand("create", new CommandLine(create));
    spec.addSubcommand("accounts", new CommandLine(accounts));

    CommandSpec tokens = CommandSpec.create().name("tokens");
    tokens.mixinStandardHelpOptions(true);
    tokens.usageMessage().description("Manages an account's API tokens in the configured PostgreSQL.",
        "With the embedded PostgreSQL, stop the service first (or use /api/accounts/{id}/tokens while it runs).");
    CommandSpec tokenCreate = tokenCommand("create", "Creates a token and prints it (shown this once).");
    tokenCreate.addOption(OptionSpec.builder("--label").paramLabel("TEXT").type(String.class)
        .description("What the token is for, at most 64 characters").build());
    CommandSpec tokenList = tokenCommand("list", "Lists the account's tokens (never their secrets).");
    CommandSpec tokenRevoke = tokenCommand("revoke", "Revokes a token: it stops working at once.");
    tokenRevoke.addOption(OptionSpec.builder("--token-id").paramLabel("N").type(String.class).required(true)
        .description("The token's id, as tokens list shows it").build());
    tokens.addSubcommand("create", new CommandLine(tokenCreate));
    tokens.addSubcommand("list", new CommandLine(tokenList));
    tokens.addSubcommand("revoke", new CommandLine(tokenRevoke));
    spec.addSubcommand("tokens", new CommandLine(tokens));

    CommandSpec verify = CommandSpec.create().name("verify");
    verify.mixinStandardHelpOptions(true);
    verify.usageMessage().description("Audits every account in the configured PostgreSQL: cash, positions and "
        + "filled quantities against the fills, no negative cash or forbidden shorts, working orders within what the "
        + "account holds. Prints each violation; exits 1 if there is one, 0 if the books agree.");
    spec.addSubcommand("verify", new CommandLine(verify));
    return spec;
  }

  private static CommandSpec tokenCommand(String name, String description) {
    CommandSpec command = CommandSpec.create().name(name);
    command.mixinStandardHelpOptions(true);
    command.usageMessage().description(description);
    command.addOption(OptionSpec.builder("--account").paramLabel("ID").type(String.class).required(true)
        .description("The account the token belongs to").build());
    return command;
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
