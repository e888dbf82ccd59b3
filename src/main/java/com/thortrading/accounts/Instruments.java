package com.thortrading.accounts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells what a symbol is from its shape (the grammar Thinkorswim quotes: /ES, .AAPL260116C190, $SPX, EUR/USD,
 * AAPL) and looks up what the shape cannot say (a future's multiplier, tick and margin) in a table of contract
 * specifications; an unknown future root is refused, never guessed.
 */
public final class Instruments {

  /** The table on the classpath; {@code THOR_INSTRUMENTS_FILE} may name another. */
  public static final String DEFAULT_TABLE = "conf/instruments.json";

  private static final Pattern FUTURE = Pattern.compile("/([A-Z0-9]+?)(?::[A-Z]{2,8})?");
  /** A contract month: root, month code, year (ESZ25, ESZ5). */
  private static final Pattern CONTRACT_MONTH = Pattern.compile("([A-Z0-9]+?)[FGHJKMNQUVXZ][0-9]{1,2}");
  private static final Pattern OPTION = Pattern.compile("\\.[A-Z]{1,6}[0-9]{6}[CP][0-9]{1,6}(?:\\.[0-9]{1,3})?");
  private static final Pattern FOREX = Pattern.compile("[A-Z]{3}/[A-Z]{3}");

  /** The outcome of a lookup: the instrument, or why there is none. */
  public sealed interface Lookup permits Known, Unknown {
  }

  public record Known(Instrument instrument) implements Lookup {
  }

  /** @param message for the client, naming the symbol and what to do */
  public record Unknown(String message) implements Lookup {
  }

  private record Spec(BigDecimal multiplier, BigDecimal tick, Optional<BigDecimal> subDollarTick,
      Optional<BigDecimal> initialMargin) {
  }

  private final Spec equity;
  private final Spec option;
  private final Spec index;
  private final Spec forex;
  private final Map<String, Spec> futures;

  private Instruments(Spec equity, Spec option, Spec index, Spec forex, Map<String, Spec> futures) {
    this.equity = equity;
    this.option = option;
    this.index = index;
    this.forex = forex;
    this.futures = Map.copyOf(futures);
  }

  /** The table shipped in the jar. */
  public static Instruments defaults() {
    try (InputStream in = Instruments.class.getClassLoader().getResourceAsStream(DEFAULT_TABLE)) {
      if (in == null) {
        throw new IllegalStateException(DEFAULT_TABLE + " is missing from the classpath");
      }
      return parse(new ObjectMapper().readTree(in), DEFAULT_TABLE);
    } catch (IOException e) {
      throw new IllegalStateException("Cannot read " + DEFAULT_TABLE + ": " + e.getMessage(), e);
    }
  }

  /**
   * A table in the shipped file's shape; a bad entry fails with its place named.
   *
   * @param origin where the table came from, for the error
   */
  public static Instruments parse(JsonNode table, String origin) {
    Map<String, Spec> futures = new HashMap<>();
    table.path("futures").fields().forEachRemaining(e -> futures.put(e.getKey(),
        spec(e.getValue(), origin + " futures." + e.getKey(), true)));
    return new Instruments(spec(table.path("equity"), origin + " equity", false),
        spec(table.path("option"), origin + " option", false), spec(table.path("index"), origin + " index", false),
        spec(table.path("forex"), origin + " forex", false), futures);
  }

  private static Spec spec(JsonNode node, String where, boolean future) {
    try {
      BigDecimal multiplier = new BigDecimal(node.path("multiplier").asText(""));
      BigDecimal tick = new BigDecimal(node.path("tick").asText(""));
      Optional<BigDecimal> subDollar = node.hasNonNull("sub_dollar_tick")
          ? Optional.of(new BigDecimal(node.get("sub_dollar_tick").asText())) : Optional.empty();
      Optional<BigDecimal> margin = future ? Optional.of(new BigDecimal(node.path("initial_margin").asText("")))
          : Optional.empty();
      if (multiplier.signum() <= 0 || tick.signum() <= 0 || margin.filter(m -> m.signum() < 0).isPresent()) {
        throw new NumberFormatException("not positive");
      }
      return new Spec(multiplier, tick, subDollar, margin);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(where + ": multiplier, tick" + (future ? " and initial_margin" : "")
          + " must be positive decimal numbers written as strings");
    }
  }

  /** What a normalized symbol is; an unknown future root is {@link Unknown}. */
  public Lookup lookup(String symbol) {
    if (symbol.startsWith("/")) {
      return future(symbol);
    }
    if (OPTION.matcher(symbol).matches()) {
      return known(symbol, InstrumentType.OPTION, option);
    }
    if (symbol.startsWith("$")) {
      return known(symbol, InstrumentType.INDEX, index);
    }
    if (FOREX.matcher(symbol).matches()) {
      return known(symbol, InstrumentType.FOREX, forex);
    }
    return known(symbol, InstrumentType.EQUITY, equity);
  }

  /**
   * The instrument to value a held position or a booked fill with. A symbol that is no longer in the table (its
   * root removed since it was traded) counts as an equity, multiplier 1: a position is never dropped from the
   * books for want of a specification, and the order path refuses such symbols before anything is booked.
   */
  public Instrument contract(String symbol) {
    Lookup lookup = lookup(symbol);
    return lookup instanceof Known known ? known.instrument()
        : new Instrument(symbol, InstrumentType.EQUITY, equity.multiplier(), equity.tick(), equity.subDollarTick(),
            Optional.empty());
  }

  private Lookup future(String symbol) {
    Matcher shape = FUTURE.matcher(symbol);
    if (!shape.matches()) {
      return new Unknown(symbol + " is not a future symbol (/ROOT, /ROOTZ25 or /ROOT:EXCHANGE)");
    }
    String body = shape.group(1);
    Spec spec = futures.get(body);
    if (spec == null) {
      Matcher month = CONTRACT_MONTH.matcher(body);
      if (month.matches()) {
        spec = futures.get(month.group(1));
      }
    }
    if (spec == null) {
      return new Unknown("No contract specification for the future " + symbol + ": its multiplier, tick and margin "
          + "are not guessed; add its root to the instruments table (THOR_INSTRUMENTS_FILE)");
    }
    return known(symbol, InstrumentType.FUTURE, spec);
  }

  private static Lookup known(String symbol, InstrumentType type, Spec spec) {
    return new Known(new Instrument(symbol, type, spec.multiplier(), spec.tick(), spec.subDollarTick(),
        spec.initialMargin()));
  }
}
