package com.thortrading.livedata;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatestQuoteBufferTest {

  private static Quote quote(String symbol, String last) {
    return new Quote(symbol, Map.of("last", last), Instant.EPOCH);
  }

  @Test
  void keepsOnlyTheNewestQuotePerSymbol() {
    LatestQuoteBuffer buffer = new LatestQuoteBuffer();
    for (int i = 0; i < 1000; i++) {
      buffer.offer(List.of(quote("A", "1." + i), quote("B", "2." + i)));
    }

    assertThat(buffer.size()).isEqualTo(2);
    assertThat(buffer.drain()).containsExactly(quote("A", "1.999"), quote("B", "2.999"));
    assertThat(buffer.isEmpty()).isTrue();
  }

  @Test
  void aFailedWriteIsRestoredUnlessSomethingNewerArrived() {
    LatestQuoteBuffer buffer = new LatestQuoteBuffer();
    buffer.offer(List.of(quote("A", "1.00"), quote("B", "2.00")));
    List<Quote> inFlight = buffer.drain();
    buffer.offer(List.of(quote("B", "2.50"), quote("C", "3.00")));

    buffer.restore(inFlight);

    assertThat(buffer.drain()).containsExactlyInAnyOrder(quote("A", "1.00"), quote("B", "2.50"), quote("C", "3.00"));
  }

  @Test
  void aBatchAloneGoesThroughAsItCameAndOneThatCatchesItUpMergesInArrivalOrder() {
    LatestQuoteBuffer buffer = new LatestQuoteBuffer();
    List<Quote> alone = List.of(quote("A", "1.00"), quote("B", "2.00"));
    buffer.offer(alone);
    assertThat(buffer.size()).isEqualTo(2);
    assertThat(buffer.drain()).isSameAs(alone);

    buffer.offer(List.of(quote("A", "1.00"), quote("B", "2.00"), quote("C", "3.00")));
    buffer.offer(List.of(quote("A", "1.10")));
    // A's newer quote came last: it is written last.
    assertThat(buffer.drain()).containsExactly(quote("B", "2.00"), quote("C", "3.00"), quote("A", "1.10"));
    assertThat(buffer.isEmpty()).isTrue();
    assertThat(buffer.drain()).isEmpty();
  }
}
