package com.thortrading.livedata;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SimulatedQuoteSourceTest {

  private static final List<String> SYMBOLS = List.of("AAPL", "msft", "/ES", "$SPX", "ZZZZ");

  @Test
  void sameSeedGivesTheSameDay() {
    SimulatedQuoteSource a = new SimulatedQuoteSource(SYMBOLS, 7, 0.7);
    SimulatedQuoteSource b = new SimulatedQuoteSource(SYMBOLS, 7, 0.7);
    for (int i = 0; i < 50; i++) {
      Instant now = Instant.ofEpochSecond(i);
      assertThat(a.poll(now)).isEqualTo(b.poll(now));
    }
  }

  @Test
  void everyPollQuotesEverySymbolWithAConsistentBook() {
    SimulatedQuoteSource sim = new SimulatedQuoteSource(SYMBOLS, 42, 0.7);
    Set<String> lastPrices = new HashSet<>();
    for (int i = 0; i < 500; i++) {
      List<Quote> quotes = sim.poll(Instant.ofEpochSecond(i));
      assertThat(quotes).extracting(Quote::symbol).containsExactly("AAPL", "MSFT", "/ES", "$SPX", "ZZZZ");
      for (Quote q : quotes) {
        BigDecimal last = q.decimal("last").orElseThrow();
        BigDecimal high = q.decimal("high").orElseThrow();
        BigDecimal low = q.decimal("low").orElseThrow();
        assertThat(last).isPositive().isBetween(low, high);
        assertThat(q.decimal("net_change")).contains(last.subtract(q.decimal("close").orElseThrow()));
        if (q.symbol().startsWith("$")) {
          assertThat(q.fields()).doesNotContainKeys("bid", "ask", "volume"); // an index has no book
        } else {
          BigDecimal bid = q.decimal("bid").orElseThrow();
          BigDecimal ask = q.decimal("ask").orElseThrow();
          assertThat(bid).isLessThan(ask).isLessThanOrEqualTo(last);
          assertThat(ask).isGreaterThanOrEqualTo(last);
          assertThat(q.decimal("volume").orElseThrow()).isPositive();
        }
        if (q.symbol().startsWith("/")) {
          assertThat(last.remainder(new BigDecimal("0.25"))).isZero(); // futures move in their tick
        }
      }
      lastPrices.add(quotes.get(0).fields().get("last"));
    }
    assertThat(lastPrices).as("the price walks").hasSizeGreaterThan(20);
  }

  @Test
  void changeProbabilityZeroFreezesTheMarket() {
    SimulatedQuoteSource sim = new SimulatedQuoteSource(SYMBOLS, 1, 0.0);
    List<Quote> first = sim.poll(Instant.ofEpochSecond(1));
    List<Quote> later = sim.poll(Instant.ofEpochSecond(2));
    for (int i = 0; i < first.size(); i++) {
      assertThat(later.get(i).sameValuesAs(first.get(i))).isTrue();
    }
  }

  @Test
  void volumeOnlyGrows() {
    SimulatedQuoteSource sim = new SimulatedQuoteSource(List.of("AAPL"), 3, 1.0);
    BigDecimal previous = BigDecimal.ZERO;
    for (int i = 0; i < 100; i++) {
      BigDecimal volume = sim.poll(Instant.ofEpochSecond(i)).get(0).decimal("volume").orElseThrow();
      assertThat(volume).isGreaterThanOrEqualTo(previous);
      previous = volume;
    }
  }
}
