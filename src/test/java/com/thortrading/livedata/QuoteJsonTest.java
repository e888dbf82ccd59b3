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
  void aBatchIsWrittenQuoteByQuoteExactlyAsEachAlone() {
    java.util.List<Quote> quotes = java.util.List.of(
        new Quote("A", Map.of("last", "1.00"), Instant.parse("2025-12-08T18:30:00Z")),
        new Quote("B\"Q", Map.of("note", "back\\slash \u0001 \"quoted\""), Instant.parse("2025-12-08T18:30:01.5Z")),
        new Quote("C", Map.of(), Instant.parse("2025-12-08T18:30:02Z")));

    java.util.List<String> batch = QuoteJson.toJson(quotes);

    assertThat(batch).hasSize(3);
    for (int i = 0; i < quotes.size(); i++) {
      assertThat(batch.get(i)).isEqualTo(QuoteJson.toJson(quotes.get(i)));
      assertThat(QuoteJson.fromJson(batch.get(i))).isEqualTo(quotes.get(i));
    }
    assertThat(batch.get(2)).isEqualTo("{\"symbol\":\"C\",\"timestamp\":\"2025-12-08T18:30:02Z\"}");
  }
}
