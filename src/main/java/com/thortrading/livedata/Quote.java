package com.thortrading.livedata;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One symbol's quote as read from a source: field name to normalized text, and when it was read.
 *
 * <p>The symbol is always trimmed and upper-case, however it was given. Values stay text (the design stores string prices) and are already normalized by {@link CellParser}:
 * numbers are plain decimal strings, so {@link #decimal(String)} never sees binary noise. A missing field is
 * absent from the map, never zero.
 */
public record Quote(String symbol, Map<String, String> fields, Instant timestamp) {

  public Quote {
    symbol = QuoteSymbols.normalize(Objects.requireNonNull(symbol, "symbol"));
    if (symbol.isEmpty()) {
      throw new IllegalArgumentException("symbol is blank");
    }
    Objects.requireNonNull(timestamp, "timestamp");
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
  }

  public Optional<String> field(String name) {
    return Optional.ofNullable(fields.get(name));
  }

  /** The field as a decimal, or empty when it is missing or not a number. */
  public Optional<BigDecimal> decimal(String name) {
    String value = fields.get(name);
    if (value == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(new BigDecimal(value));
    } catch (NumberFormatException notANumber) {
      return Optional.empty();
    }
  }

  /** True when both quotes carry the same symbol and values, whenever they were read. */
  public boolean sameValuesAs(Quote other) {
    return other != null && symbol.equals(other.symbol) && fields.equals(other.fields);
  }

  /**
   * The market time the quote stands for: its {@link QuoteField#RECORDED_AT} when it is a replayed one (and that
   * parses), else when it was read.
   */
  public Instant marketTime() {
    String recorded = fields.get(QuoteField.RECORDED_AT);
    if (recorded != null) {
      try {
        return Instant.parse(recorded);
      } catch (java.time.format.DateTimeParseException notATime) {
        return timestamp;
      }
    }
    return timestamp;
  }

  public Quote withTimestamp(Instant when) {
    return new Quote(symbol, fields, when);
  }
}
