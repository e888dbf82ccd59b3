package com.thortrading.livedata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuoteJsonTest {

  @Test
  void writesTheDesignsShapeWithStringPricesAndUtcTimestamp() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("last", "3.00");
    fields.put("bid", "2.95");
    fields.put("volume", "123456");
    Quote quote = new Quote("VFF", fields, Instant.parse("2025-12-08T18:30:00.123456Z"));

    assertThat(QuoteJson.toJson(quote)).isEqualTo(
        "{\"symbol\":\"VFF\",\"last\":\"3.00\",\"bid\":\"2.95\",\"volume\":\"123456\","
            + "\"timestamp\":\"2025-12-08T18:30:00.123Z\"}");
  }

  @Test
  void fieldsNamedLikeTheSymbolOrTheTimestampDoNotWriteAKeyTwice() {
    Map<String, String> fields = new LinkedHashMap<>();
    fields.put("symbol", "OTHER");
    fields.put("last", "1.00");
    fields.put("timestamp", "yesterday");
    Quote quote = new Quote("VFF", fields, Instant.parse("2025-12-08T18:30:00Z"));

    assertThat(QuoteJson.toJson(quote)).isEqualTo(
        "{\"symbol\":\"VFF\",\"last\":\"1.00\",\"timestamp\":\"2025-12-08T18:30:00Z\"}");
  }

  @Test
  void readsBackWhatItWroteAndToleratesNumbersFromOtherWriters() {
    Quote quote = QuoteJson.fromJson(
        "{\"symbol\":\"vff\",\"last\":3.10,\"bid\":\"2.95\",\"ask\":null,\"timestamp\":\"2025-12-08T18:30:00Z\"}");

    assertThat(quote.symbol()).isEqualTo("VFF");
    assertThat(quote.fields()).containsExactly(Map.entry("last", "3.10"), Map.entry("bid", "2.95"));
    assertThat(quote.timestamp()).isEqualTo(Instant.parse("2025-12-08T18:30:00Z"));
    assertThat(QuoteJson.fromJson(QuoteJson.toJson(quote))).isEqualTo(quote);
  }

  @Test
  void somethingThatIsNotAQuoteIsRefused() {
    assertThatThrownBy(() -> QuoteJson.fromJson("[1,2]")).hasMessageContaining("not a quote");
    assertThatThrownBy(() -> QuoteJson.fromJson("{\"last\":\"1\"}")).hasMessageContaining("not a quote");
    assertThatThrownBy(() -> QuoteJson.fromJson("{oops")).hasMessageContaining("not a quote");
    // One object and nothing after it: the fan-out writes a quote's text through as a frame's body.
    assertThatThrownBy(() -> QuoteJson.fromJson("{\"symbol\":\"A\"} {}")).hasMessageContaining("not a quote");
  }

  @Test
  void aBatchIsWrittenQuoteByQuoteAsUtf8OfTheDesignsShape() throws Exception {
    Instant t0 = Instant.parse("2025-12-08T18:30:00Z");
    java.util.List<Quote> quotes = java.util.List.of(
        new Quote("A", Map.of("last", "1.00"), t0),
        new Quote("B\"Q", Map.of("note", "back\\slash \u0001 \"quoted\" caf\u00e9 \u20ac \uD83D\uDE80"),
            t0.plusNanos(300_000)),
        new Quote("C", Map.of(), Instant.parse("2025-12-08T18:30:02Z")),
        // Back to the first millisecond after another: a timestamp formatted once is not kept past its run.
        new Quote("D", Map.of("last", "2.00"), t0.plusMillis(1)),
        new Quote("E", Map.of("last", "3.00"), t0));

    java.util.List<byte[]> batch = QuoteJson.toUtf8(quotes);

    // The oracle: Jackson writing each quote's map, not the code under test.
    com.fasterxml.jackson.databind.ObjectMapper plain = new com.fasterxml.jackson.databind.ObjectMapper();
    assertThat(batch).hasSize(quotes.size());
    for (int i = 0; i < quotes.size(); i++) {
      Quote quote = quotes.get(i);
      Map<String, String> shape = new LinkedHashMap<>();
      shape.put("symbol", quote.symbol());
      shape.putAll(quote.fields());
      shape.put("timestamp", quote.timestamp().truncatedTo(java.time.temporal.ChronoUnit.MILLIS).toString());
      String text = new String(batch.get(i), java.nio.charset.StandardCharsets.UTF_8);
      assertThat(text).isEqualTo(plain.writeValueAsString(shape)).isEqualTo(QuoteJson.toJson(quote));
      assertThat(QuoteJson.fromJson(text)).isEqualTo(new Quote(quote.symbol(), quote.fields(),
          quote.timestamp().truncatedTo(java.time.temporal.ChronoUnit.MILLIS)));
    }
    assertThat(new String(batch.get(1), java.nio.charset.StandardCharsets.UTF_8))
        .endsWith("\"timestamp\":\"2025-12-08T18:30:00Z\"}");
    assertThat(new String(batch.get(3), java.nio.charset.StandardCharsets.UTF_8))
        .isEqualTo("{\"symbol\":\"D\",\"last\":\"2.00\",\"timestamp\":\"2025-12-08T18:30:00.001Z\"}");
    assertThat(new String(batch.get(4), java.nio.charset.StandardCharsets.UTF_8)).endsWith("\"2025-12-08T18:30:00Z\"}");
    // A character beyond the BMP is its 4 UTF-8 bytes, not a pair of escapes.
    assertThat(new String(batch.get(1), java.nio.charset.StandardCharsets.UTF_8)).contains("\u20ac \uD83D\uDE80\"");
  }
}
