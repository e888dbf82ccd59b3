package com.thortrading.livedata;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A bar's JSON, in one place: {@code {"symbol":"AAPL","start":"...Z","interval":"1m","open":"189.50",...,
 * "volume":"1200","day_volume":"53100"}}. Prices and volumes are strings, as in the quotes, so they never pass through
 * a double; {@code day_volume} (the day's cumulative volume at the bar's last quote) is there when the feed gave one.
 */
public final class BarJson {

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private BarJson() {
  }

  /** "1m", "5m", "15m". */
  public static String interval(Duration interval) {
    return interval.toMinutes() + "m";
  }

  public static String toJson(Bar bar) {
    StringWriter out = new StringWriter(160);
    try (JsonGenerator json = MAPPER.getFactory().createGenerator(out)) {
      json.writeStartObject();
      json.writeStringField("symbol", bar.symbol());
      json.writeStringField("start", bar.start().toString());
      json.writeStringField("interval", interval(bar.interval()));
      json.writeStringField("open", bar.open().toPlainString());
      json.writeStringField("high", bar.high().toPlainString());
      json.writeStringField("low", bar.low().toPlainString());
      json.writeStringField("close", bar.close().toPlainString());
      json.writeStringField("volume", bar.volume().toPlainString());
      if (bar.dayVolume().isPresent()) {
        json.writeStringField("day_volume", bar.dayVolume().get().toPlainString());
      }
      json.writeEndObject();
    } catch (IOException impossible) {
      throw new IllegalStateException("cannot write bar " + bar.symbol(), impossible);
    }
    return out.toString();
  }

  public static Bar fromJson(String text) {
    try {
      JsonNode node = MAPPER.readTree(text);
      String interval = node.path("interval").asText();
      return new Bar(node.path("symbol").asText(), Instant.parse(node.path("start").asText()),
          Duration.ofMinutes(Long.parseLong(interval.substring(0, interval.length() - 1))),
          new BigDecimal(node.path("open").asText()), new BigDecimal(node.path("high").asText()),
          new BigDecimal(node.path("low").asText()), new BigDecimal(node.path("close").asText()),
          new BigDecimal(node.path("volume").asText()),
          node.hasNonNull("day_volume") ? Optional.of(new BigDecimal(node.get("day_volume").asText()))
              : Optional.empty());
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not a bar: " + e.getMessage());
    }
  }
}
