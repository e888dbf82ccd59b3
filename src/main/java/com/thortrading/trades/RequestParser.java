package com.thortrading.trades;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.thortrading.accounts.AccountIds;
import com.thortrading.accounts.OrderRequest;
import com.thortrading.accounts.OrderType;
import com.thortrading.accounts.Side;
import com.thortrading.accounts.TimeInForce;
import com.thortrading.livedata.QuoteSymbols;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns request bodies into well-formed requests, or says what is wrong with each field: missing, wrong type,
 * not positive, too many decimals, unknown. Numbers are read as exact decimals, never as doubles.
 */
public final class RequestParser {

  /** The most decimals a price may carry: enough for Treasury 32nds (111.515625) and sub-penny stocks. */
  public static final int MAX_PRICE_DECIMALS = 6;
  private static final BigDecimal MAX_PRICE = new BigDecimal("1000000000");
  private static final long MAX_QUANTITY = 1_000_000_000L;
  private static final int MAX_CLIENT_ORDER_ID = 48;

  private static final Set<String> ORDER_FIELDS = Set.of("account", "symbol", "side", "quantity", "order_type",
      "limit_price", "stop_price", "tif", "client_order_id");
  private static final Set<String> ACCOUNT_FIELDS = Set.of("id", "cash", "margin_enabled", "allow_short");
  private static final Set<String> TOKEN_FIELDS = Set.of("label");
  private static final int MAX_LABEL = 64;
  private static final int MAX_BODY_CHARS = 16 * 1024;
  private static final Set<String> REPLACE_FIELDS = Set.of("quantity", "limit_price", "stop_price");

  /** Digits a number may have, and how far its decimal point may move: far past any price, and cheap to handle. */
  private static final int MAX_DIGITS = 30;
  private static final int MAX_SCALE = 30;

  private static final ObjectMapper JSON = new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
      .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
          .maxNestingDepth(16).maxNumberLength(64).maxStringLength(MAX_BODY_CHARS).build())
      .build())
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
      .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  private RequestParser() {
  }

  /** A new order from {@code POST /api/trades/orders/active}, for the default account when it names none. */
  public static OrderRequest order(String body) {
    return order(body, AccountIds.DEFAULT);
  }

  /** A new order; {@code defaultAccount} when the body names no {@code account}. */
  public static OrderRequest order(String body, String defaultAccount) {
    JsonNode json = object(body, ORDER_FIELDS);
    Fields f = new Fields(json);
    String account = f.optionalText("account").map(a -> accountId(f, "account", a))
        .orElse(defaultAccount);
    String symbol = f.requiredText("symbol").map(s -> symbol(f, s)).orElse(null);
    Side side = f.requiredText("side").flatMap(s -> f.choice("side", s, Side.class)).orElse(null);
    long quantity = f.quantity("quantity");
    OrderType type = f.requiredText("order_type").flatMap(s -> f.choice("order_type", s, OrderType.class)).orElse(null);
    Optional<BigDecimal> limit = f.price("limit_price");
    Optional<BigDecimal> stop = f.price("stop_price");
    TimeInForce tif = f.optionalText("tif").flatMap(s -> f.choice("tif", s, TimeInForce.class)).orElse(TimeInForce.DAY);
    Optional<String> clientOrderId = f.optionalText("client_order_id").map(id -> clientOrderId(f, id));
    if (type != null) {
      f.priceFitsType("limit_price", limit, type.needsLimit(), type);
      f.priceFitsType("stop_price", stop, type.needsStop(), type);
    }
    f.throwIfAny();
    return new OrderRequest(account, symbol, side, quantity, type, limit, stop, tif, clientOrderId);
  }

  /** A replacement from {@code PATCH /api/trades/orders/{id}}: a new quantity and/or prices, at least one. */
  public record Replacement(Optional<Long> quantity, Optional<BigDecimal> limitPrice, Optional<BigDecimal> stopPrice) {
  }

  public static Replacement replacement(String body) {
    JsonNode json = object(body, REPLACE_FIELDS);
    Fields f = new Fields(json);
    Optional<Long> quantity = json.hasNonNull("quantity") ? Optional.of(f.quantity("quantity")) : Optional.empty();
    Optional<BigDecimal> limit = f.price("limit_price");
    Optional<BigDecimal> stop = f.price("stop_price");
    if (quantity.isEmpty() && limit.isEmpty() && stop.isEmpty()) {
      f.error("body", "must change at least one of quantity, limit_price, stop_price");
    }
    f.throwIfAny();
    return new Replacement(quantity, limit, stop);
  }

  /** A new account from {@code POST /api/accounts}: its id, and its cash (the configured default when absent). */
  public record NewAccount(String id, Optional<BigDecimal> cash, boolean marginEnabled, boolean allowShort) {
    public NewAccount(String id, Optional<BigDecimal> cash) {
      this(id, cash, false, false);
    }
  }

  public static NewAccount account(String body) {
    Fields f = new Fields(object(body, ACCOUNT_FIELDS));
    String id = f.requiredText("id").map(a -> accountId(f, "id", a)).orElse(null);
    Optional<BigDecimal> cash = f.amount("cash");
    boolean margin = f.flag("margin_enabled");
    boolean allowShort = f.flag("allow_short");
    if (allowShort && !margin) {
      f.error("allow_short", "needs margin_enabled: true (short selling is done on margin)");
    }
    f.throwIfAny();
    return new NewAccount(id, cash, margin, allowShort);
  }

  /** The label of a new token ({@code POST /api/accounts/{id}/tokens}); an empty body means no label. */
  public static String tokenLabel(String body) {
    if (body == null || body.isBlank()) {
      return "";
    }
    Fields f = new Fields(object(body, TOKEN_FIELDS));
    String label = f.optionalText("label").orElse("");
    if (label.length() > MAX_LABEL || label.codePoints().anyMatch(Character::isISOControl)) {
      f.error("label", "must be at most " + MAX_LABEL + " printable characters");
    }
    f.throwIfAny();
    return label;
  }

  /** An account id from a URL or a query: lower-case letters, digits, '-' and '_'. */
  public static String accountId(String field, String raw) {
    Fields f = new Fields(null);
    String id = accountId(f, field, raw);
    f.throwIfAny();
    return id;
  }

  /** A cash amount given as text (the command line): not negative, at most 2 decimals. */
  public static BigDecimal cash(String field, String text) {
    Fields f = new Fields(JsonNodeFactory.instance.objectNode().put(field, text));
    BigDecimal cash = f.amount(field).orElse(null);
    f.throwIfAny();
    return cash;
  }

  private static String accountId(Fields f, String field, String raw) {
    String id = AccountIds.normalize(raw);
    if (!AccountIds.isValid(id)) {
      id = "";
      f.error(field, AccountIds.RULE_IN_WORDS);
    }
    return id;
  }

  private static String symbol(Fields f, String raw) {
    String symbol = QuoteSymbols.normalize(raw);
    if (!QuoteSymbols.isValid(symbol)) {
      f.error("symbol", ClientText.quoted(raw) + " is not a symbol: " + QuoteSymbols.GRAMMAR_IN_WORDS);
    }
    return symbol;
  }

  private static String clientOrderId(Fields f, String id) {
    if (id.length() > MAX_CLIENT_ORDER_ID) {
      f.error("client_order_id", "must be at most " + MAX_CLIENT_ORDER_ID + " characters (got " + id.length() + ")");
    } else if (id.isEmpty() || id.chars().anyMatch(Character::isISOControl)) {
      f.error("client_order_id", "must be 1 to 48 printable characters");
    }
    return id;
  }

  private static JsonNode object(String body, Set<String> known) {
    if (body == null || body.isBlank()) {
      throw new InvalidRequestException("body", "is required: send a JSON object");
    }
    JsonNode json;
    try {
      json = JSON.readTree(body);
    } catch (JsonProcessingException e) {
      String why = String.valueOf(e.getOriginalMessage());
      throw new InvalidRequestException("body", "is not valid JSON (" + (why.length() > 160 ? why.substring(0, 160)
          + "..." : why) + ")");
    }
    if (json == null || !json.isObject()) {
      throw new InvalidRequestException("body", "must be a JSON object");
    }
    List<FieldError> unknown = new ArrayList<>();
    for (Iterator<String> names = json.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!known.contains(name)) {
        unknown.add(new FieldError(name, "is not a known field (known: " + String.join(", ", known.stream().sorted().toList()) + ")"));
      }
    }
    if (!unknown.isEmpty()) {
      throw new InvalidRequestException(unknown);
    }
    return json;
  }

  /** A client_order_id from a query: 1 to 48 printable characters. */
  public static String clientOrderId(String raw) {
    Fields f = new Fields(null);
    String id = raw.length() > MAX_CLIENT_ORDER_ID || !ClientText.isClean(raw) ? null : raw;
    if (id == null) {
      f.error("client_order_id", "must be 1 to " + MAX_CLIENT_ORDER_ID + " printable characters (got " + ClientText.quoted(raw) + ")");
    } else {
      clientOrderId(f, id);
    }
    f.throwIfAny();
    return id;
  }

  /** A symbol from a URL or a query, normalized; 400 unless it follows the grammar. */
  public static String symbol(String raw) {
    Fields f = new Fields(null);
    String symbol = symbol(f, raw);
    f.throwIfAny();
    return symbol;
  }

  /** A positive id from a URL: ASCII digits only (Long.parseLong would take other scripts' digits too). */
  public static long positiveId(String field, String text) {
    if (text != null && text.matches("[0-9]{1,18}")) {
      long id = Long.parseLong(text);
      if (id > 0) {
        return id;
      }
    }
    throw new InvalidRequestException(field, "must be a positive whole number (got " + ClientText.quoted(text) + ")");
  }

  /** A whole number from a query, within bounds (no upper one shown when it is Long.MAX_VALUE): ASCII digits only. */
  public static long boundedLong(String field, String text, long min, long max) {
    String t = text.strip();
    if (t.matches("[0-9]{1,18}")) {
      long n = Long.parseLong(t);
      if (n >= min && n <= max) {
        return n;
      }
    }
    throw new InvalidRequestException(field, "must be a whole number from " + min
        + (max == Long.MAX_VALUE ? " on" : " to " + max) + " (got " + ClientText.quoted(text) + ")");
  }

  /** Like {@link #boundedLong}, for an int. */
  public static int boundedInt(String field, String text, int min, int max) {
    return (int) boundedLong(field, text, min, max);
  }

  /** Reads fields and collects every error, so one reply names all that is wrong. */
  private static final class Fields {
    private final JsonNode json;
    private final List<FieldError> errors = new ArrayList<>();

    Fields(JsonNode json) {
      this.json = json;
    }

    void error(String field, String reason) {
      errors.add(new FieldError(field, reason));
    }

    void throwIfAny() {
      if (!errors.isEmpty()) {
        throw new InvalidRequestException(errors);
      }
    }

    private JsonNode node(String field) {
      JsonNode node = json.get(field);
      return node == null || node.isNull() ? null : node;
    }

    Optional<String> requiredText(String field) {
      JsonNode node = node(field);
      if (node == null) {
        error(field, "is required");
        return Optional.empty();
      }
      return text(field, node);
    }

    Optional<String> optionalText(String field) {
      JsonNode node = node(field);
      return node == null ? Optional.empty() : text(field, node);
    }

    private Optional<String> text(String field, JsonNode node) {
      if (!node.isTextual()) {
        error(field, "must be a string");
        return Optional.empty();
      }
      if (node.textValue().isBlank()) {
        error(field, "must not be empty");
        return Optional.empty();
      }
      if (!ClientText.isClean(node.textValue())) {
        error(field, "must not contain control characters or unpaired surrogates (got " + ClientText.quoted(node.textValue()) + ")");
        return Optional.empty();
      }
      return Optional.of(node.textValue());
    }

    <E extends Enum<E>> Optional<E> choice(String field, String text, Class<E> type) {
      try {
        return Optional.of(Enum.valueOf(type, text.strip().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        List<String> names = new ArrayList<>();
        for (E constant : type.getEnumConstants()) {
          names.add(constant.name());
        }
        error(field, "must be one of " + String.join(", ", names) + " (got " + ClientText.quoted(text) + ")");
        return Optional.empty();
      }
    }

    boolean flag(String field) {
      JsonNode node = node(field);
      if (node == null) {
        return false;
      }
      if (!node.isBoolean()) {
        error(field, "must be true or false");
        return false;
      }
      return node.booleanValue();
    }

    long quantity(String field) {
      JsonNode node = node(field);
      if (node == null) {
        error(field, "is required");
        return 0;
      }
      BigDecimal value = number(node);
      if (value == null) {
        error(field, "must be a positive whole number (got " + ClientText.quoted(node) + ")");
        return 0;
      }
      if (!bounded(value)) {
        error(field, "must be at most " + MAX_QUANTITY + " (got " + ClientText.quoted(node) + ")");
        return 0;
      }
      if (value.signum() <= 0) {
        error(field, "must be positive (got " + value.toPlainString() + ")");
        return 0;
      }
      if (value.stripTrailingZeros().scale() > 0) {
        error(field, "must be a whole number of shares (got " + value.toPlainString() + ")");
        return 0;
      }
      if (value.compareTo(BigDecimal.valueOf(MAX_QUANTITY)) > 0) {
        error(field, "must be at most " + MAX_QUANTITY);
        return 0;
      }
      return value.longValueExact();
    }

    Optional<BigDecimal> price(String field) {
      Optional<BigDecimal> value = decimal(field, "a positive price");
      value.ifPresent(v -> {
        if (v.signum() <= 0) {
          error(field, "must be positive (got " + v.toPlainString() + ")");
        } else if (v.stripTrailingZeros().scale() > MAX_PRICE_DECIMALS) {
          error(field, "has too many decimals (at most " + MAX_PRICE_DECIMALS + ", got " + v.toPlainString() + ")");
        } else if (v.compareTo(MAX_PRICE) >= 0) {
          error(field, "must be below " + MAX_PRICE.toPlainString());
        }
      });
      return value;
    }

    Optional<BigDecimal> amount(String field) {
      Optional<BigDecimal> value = decimal(field, "an amount");
      value.ifPresent(v -> {
        if (v.signum() < 0) {
          error(field, "must not be negative (got " + v.toPlainString() + ")");
        } else if (v.stripTrailingZeros().scale() > 2) {
          error(field, "has too many decimals (at most 2, got " + v.toPlainString() + ")");
        } else if (v.compareTo(MAX_PRICE.multiply(MAX_PRICE)) >= 0) {
          error(field, "is too large");
        }
      });
      return value;
    }

    private Optional<BigDecimal> decimal(String field, String what) {
      JsonNode node = node(field);
      if (node == null) {
        return Optional.empty();
      }
      BigDecimal value = number(node);
      if (value == null) {
        error(field, "must be " + what + " as a decimal string or number (got " + ClientText.quoted(node) + ")");
        return Optional.empty();
      }
      if (!bounded(value)) {
        // Checked before anything else touches the number: 1e-999999999 is cheap to hold, ruinous to print.
        error(field, "must be " + what + " of at most " + MAX_DIGITS + " digits and " + MAX_SCALE
            + " decimals (got " + ClientText.quoted(node) + ")");
        return Optional.empty();
      }
      return Optional.of(value);
    }

    void priceFitsType(String field, Optional<BigDecimal> price, boolean needed, OrderType type) {
      if (needed && price.isEmpty() && errors.stream().noneMatch(e -> e.field().equals(field))) {
        error(field, "is required for " + type + " orders");
      } else if (!needed && price.isPresent()) {
        error(field, "is not allowed on " + type + " orders");
      }
    }

    private static boolean bounded(BigDecimal value) {
      return value.precision() <= MAX_DIGITS && value.scale() <= MAX_SCALE && value.scale() >= -MAX_SCALE;
    }

    /** A JSON number or a decimal string, exactly; null when it is neither. */
    private static BigDecimal number(JsonNode node) {
      if (node.isNumber()) {
        return node.decimalValue();
      }
      if (node.isTextual() && node.textValue().length() <= 64
          && node.textValue().strip().matches("[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)")) {
        return new BigDecimal(node.textValue().strip());
      }
      return null;
    }
  }
}
