package com.thortrading.livedata;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The design's quote JSON, in one place: {@code {"symbol":"VFF","last":"3.00",...,"timestamp":"...Z"}}.
 *
 * <p>Every value is a string, as the original design stores them, so prices never pass through a double.
 * The timestamp is UTC ISO-8601 to the millisecond.
 */
public final class QuoteJson {

  // Numbers from other writers are read as BigDecimal: a price must never pass through a double.
  private static final ObjectMapper MAPPER =
      // No trailing tokens: a quote's text must be one JSON object, as the fan-out writes it through as is.
      // Written as UTF-8, a character beyond the BMP stays one 4-byte sequence, as a String writer kept it, instead
      // of the two escaped surrogate halves Jackson's UTF-8 writer makes by default.
      new ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
          .enable(com.fasterxml.jackson.core.json.JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8).build())
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  private QuoteJson() {
  }

  public static String toJson(Quote quote) {
    return new String(toUtf8(java.util.List.of(quote)).get(0), StandardCharsets.UTF_8);
  }

  /**
   * Each quote's JSON as UTF-8, exactly the bytes of {@link #toJson(Quote)}: what Redis is sent, so no String is
   * made only to be encoded again. One generator writes the whole batch, each quote cut off its buffer as it ends (a
   * generator per quote was most of the ingest's encoding time), and a timestamp is formatted once for a run of
   * quotes of the same millisecond, as a poll's quotes are.
   */
  public static java.util.List<byte[]> toUtf8(java.util.List<Quote> quotes) {
    java.util.List<byte[]> json = new java.util.ArrayList<>(quotes.size());
    ByteArrayBuilder out = new ByteArrayBuilder(256);
    Instant formatted = null;
    String timestamp = null;
    try (JsonGenerator generator = MAPPER.getFactory().createGenerator(out)) {
      // Nothing between root values: each quote is cut off the buffer on its own.
      generator.setRootValueSeparator(null);
      for (Quote quote : quotes) {
        Instant millis = quote.timestamp().truncatedTo(ChronoUnit.MILLIS);
        if (!millis.equals(formatted)) {
          formatted = millis;
          timestamp = millis.toString();
        }
        write(generator, quote, timestamp);
        generator.flush();
        json.add(out.toByteArray());
        out.reset();
      }
    } catch (IOException impossible) {
      throw new IllegalStateException("cannot write quotes", impossible);
    }
    return json;
  }

  private static void write(JsonGenerator json, Quote quote, String timestamp) throws IOException {
    json.writeStartObject();
    json.writeStringField(QuoteField.SYMBOL, quote.symbol());
    for (Map.Entry<String, String> field : quote.fields().entrySet()) {
      // The symbol and the timestamp are the quote's own; a field of either name would write a key twice.
      if (!QuoteField.SYMBOL.equals(field.getKey()) && !QuoteField.TIMESTAMP.equals(field.getKey())) {
        json.writeStringField(field.getKey(), field.getValue());
      }
    }
    json.writeStringField(QuoteField.TIMESTAMP, timestamp);
    json.writeEndObject();
  }

  /** Reads a quote written by {@link #toJson}, or by anything else that follows the design's shape. */
  public static Quote fromJson(String json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a quote: " + e.getOriginalMessage());
    }
    if (node == null || !node.isObject() || !node.path(QuoteField.SYMBOL).isTextual()) {
      throw new IllegalArgumentException("not a quote: expected an object with a symbol");
    }
    Map<String, String> fields = new LinkedHashMap<>();
    Instant timestamp = Instant.EPOCH;
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode value = field.getValue();
      switch (field.getKey()) {
        case QuoteField.SYMBOL -> { }
        case QuoteField.TIMESTAMP -> timestamp = parseTimestamp(value.asText());
        default -> {
          if (!value.isNull()) {
            fields.put(field.getKey(), value.isNumber() ? value.decimalValue().toPlainString() : value.asText());
          }
        }
      }
    }
    return new Quote(QuoteSymbols.normalize(node.get(QuoteField.SYMBOL).asText()), fields, timestamp);
  }

  private static Instant parseTimestamp(String text) {
    try {
      return Instant.parse(text);
    } catch (DateTimeParseException e) {
      return Instant.EPOCH;
    }
  }
}
