package com.thortrading.livedata;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LatestQuotesTest {

  private static final Instant T0 = Instant.parse("2026-01-05T15:00:00Z");

  private static Quote quote(String symbol, String last, Instant at) {
    return new Quote(symbol, Map.of("last", last), at);
  }

  private static LiveQuote live(String symbol, String last, Instant at) {
    Quote quote = quote(symbol, last, at);
    return new LiveQuote(quote, QuoteJson.toJson(quote));
  }

  @Test
  void itStandsInForTheHashOnlyOnceSeededAndUntilTheSubscriptionIsLost() {
    LatestQuotes latest = new LatestQuotes();
    latest.received("AAPL", live("AAPL", "1.00", T0));
    assertThat(latest.complete()).as("received quotes alone miss the symbols that have not moved").isFalse();

    latest.seed(List.of(quote("MSFT", "2.00", T0)));
    assertThat(latest.complete()).isTrue();
    assertThat(latest.quotes().get("MSFT").field("last")).contains("2.00");

    latest.incomplete();
    assertThat(latest.complete()).isFalse();
  }

  @Test
  void aSeedNeverReplacesANewerQuoteReceivedMeanwhileButReplacesAnOlderOne() {
    LatestQuotes latest = new LatestQuotes();
    latest.received("AAPL", live("AAPL", "1.10", T0.plusSeconds(2)));
    latest.received("MSFT", live("MSFT", "2.00", T0));

    List<LiveQuote> taken = latest.seed(List.of(quote("AAPL", "1.00", T0.plusSeconds(1)),
        quote("MSFT", "2.20", T0.plusSeconds(1)), quote("TSLA", "3.00", T0)));

    // What the node's consumers have not been handed: to be handed on.
    assertThat(taken).extracting(q -> q.quote().symbol()).containsExactly("MSFT", "TSLA");
    assertThat(latest.quotes().get("AAPL").field("last")).contains("1.10");
    assertThat(latest.quotes().get("MSFT").field("last")).contains("2.20");
    assertThat(latest.quotes().get("TSLA").field("last")).contains("3.00");
    assertThat(latest.quotes().get("NONE")).isNull();
    assertThat(latest.quotes()).containsOnlyKeys("AAPL", "MSFT", "TSLA");
  }

  @Test
  void theViewFollowsEveryQuoteReceivedWithoutACopy() {
    LatestQuotes latest = new LatestQuotes();
    Map<String, Quote> view = latest.quotes();
    latest.received("AAPL", live("AAPL", "1.00", T0));
    LiveQuote newer = live("AAPL", "1.01", T0.plusMillis(1));
    latest.received("AAPL", newer);

    assertThat(view.get("AAPL").field("last")).contains("1.01");
    assertThat(latest.overtaken("AAPL", newer)).isFalse();
    assertThat(latest.overtaken("AAPL", live("AAPL", "1.00", T0))).isTrue();
  }
}
