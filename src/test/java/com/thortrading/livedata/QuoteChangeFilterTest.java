package com.thortrading.livedata;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuoteChangeFilterTest {

  private static Quote quote(String symbol, String last, long second) {
    return new Quote(symbol, Map.of("last", last), Instant.ofEpochSecond(second));
  }

  @Test
  void firstPollPassesEverythingThenOnlyChangedValues() {
    QuoteChangeFilter filter = new QuoteChangeFilter();

    assertThat(filter.changed(List.of(quote("A", "1.00", 1), quote("B", "2.00", 1)))).hasSize(2);
    // Same values read a second later: nothing to publish.
    assertThat(filter.changed(List.of(quote("A", "1.00", 2), quote("B", "2.00", 2)))).isEmpty();
    assertThat(filter.changed(List.of(quote("A", "1.01", 3), quote("B", "2.00", 3))))
        .extracting(Quote::symbol).containsExactly("A");
  }

  @Test
  void aFieldThatAppearsOrDisappearsIsAChange() {
    QuoteChangeFilter filter = new QuoteChangeFilter();
    filter.changed(List.of(quote("A", "1.00", 1)));

    assertThat(filter.changed(List.of(new Quote("A", Map.of("last", "1.00", "bid", "0.99"), Instant.EPOCH))))
        .hasSize(1);
    assertThat(filter.changed(List.of(quote("A", "1.00", 2)))).hasSize(1);
  }
}
