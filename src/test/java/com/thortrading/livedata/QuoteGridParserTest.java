package com.thortrading.livedata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QuoteGridParserTest {

  private static final Instant NOW = Instant.parse("2025-12-08T18:30:00Z");
  private final QuoteGridParser parser = new QuoteGridParser("RTD.xlsx!Quotes");

  private static List<Object> row(Object... cells) {
    return Arrays.asList(cells);
  }

  @Test
  void headerLabelsMapCaseInsensitivelyToTheDesignFields() {
    List<List<Object>> grid = List.of(
        row("Symbol", "LAST", "bid", "Ask", "Mark", "Open", "High", "Low", "Close", "Volume", "Net Change",
            "% Change", "Bid Size", "Ask Size", "Implied Volatility"),
        row(" vff ", 3.0, 2.95, 3.05, 3.0, 2.8, 3.1, 2.75, 2.9, 123456.0, 0.1, "3.45%", 10.0, 12.0, 0.25));

    List<Quote> quotes = parser.parse(grid, NOW);

    assertThat(quotes).hasSize(1);
    Quote vff = quotes.get(0);
    assertThat(vff.symbol()).isEqualTo("VFF");
    assertThat(vff.timestamp()).isEqualTo(NOW);
    assertThat(vff.fields()).containsExactly(
        Map.entry("last", "3.00"), Map.entry("bid", "2.95"), Map.entry("ask", "3.05"), Map.entry("mark", "3.00"),
        Map.entry("open", "2.80"), Map.entry("high", "3.10"), Map.entry("low", "2.75"), Map.entry("close", "2.90"),
        Map.entry("volume", "123456"), Map.entry("net_change", "0.10"), Map.entry("percent_change", "3.45"),
        Map.entry("bid_size", "10"), Map.entry("ask_size", "12"), Map.entry("implied_volatility", "0.25"));
  }

  @Test
  void thinkorswimFieldNamesAndCommonAliasesAreRecognised() {
    assertThat(QuoteField.fromHeader("NET_CHANGE")).isEqualTo("net_change");
    assertThat(QuoteField.fromHeader("PERCENT_CHANGE")).isEqualTo("percent_change");
    assertThat(QuoteField.fromHeader("%Change")).isEqualTo("percent_change");
    assertThat(QuoteField.fromHeader("Net Chng")).isEqualTo("net_change");
    assertThat(QuoteField.fromHeader("BID_SIZE")).isEqualTo("bid_size");
    assertThat(QuoteField.fromHeader("52High")).isEqualTo("high_52");
    assertThat(QuoteField.fromHeader("LASTX")).isEqualTo("last");
    assertThat(QuoteField.fromHeader("Ticker")).isEqualTo("symbol");
    assertThat(QuoteField.fromHeader("  Some Custom-Column  ")).isEqualTo("some_custom_column");
  }

  @Test
  void missingCellsAreLeftOutNeverZero() {
    List<List<Object>> grid = List.of(
        row("Symbol", "Last", "Bid", "Ask", "Close"),
        row("AAPL", "Loading...", 0.0, new ExcelError(0x800A07FA), null));

    Quote aapl = parser.parse(grid, NOW).get(0);

    assertThat(aapl.fields()).isEmpty();
    assertThat(aapl.decimal("last")).isEmpty();
  }

  @Test
  void rowsWithoutASymbolAreSkippedAndShortRowsRead() {
    List<List<Object>> grid = List.of(
        row("Symbol", "Last", "Bid"),
        row(null, 1.0, 2.0),
        row("  ", 1.0, 2.0),
        row("#N/A", 1.0, 2.0),
        row("msft", 421.3),
        row());

    List<Quote> quotes = parser.parse(grid, NOW);

    assertThat(quotes).extracting(Quote::symbol).containsExactly("MSFT");
    assertThat(quotes.get(0).fields()).containsExactly(Map.entry("last", "421.30"));
  }

  @Test
  void headerIsTheFirstNonBlankRow() {
    List<List<Object>> grid = List.of(row(null, null), row("", "  "), row("Symbol", "Last"), row("SPY", 521.4));

    assertThat(parser.parse(grid, NOW)).extracting(Quote::symbol).containsExactly("SPY");
  }

  @Test
  void gridWithoutASymbolHeaderIsAnErrorNamingTheSheet() {
    List<List<Object>> grid = List.of(row("AAPL", 189.5), row("MSFT", 421.3));

    assertThatThrownBy(() -> parser.parse(grid, NOW))
        .isInstanceOf(QuoteSourceException.class)
        .hasMessageContaining("RTD.xlsx!Quotes")
        .hasMessageContaining("no Symbol column");
  }

  @Test
  void emptyGridIsAnErrorNamingTheSheet() {
    assertThatThrownBy(() -> parser.parse(List.of(row((Object) null)), NOW))
        .isInstanceOf(QuoteSourceException.class)
        .hasMessageContaining("RTD.xlsx!Quotes is empty");
  }

  @Test
  void oneByOneGridHoldingOnlyTheHeaderGivesNoQuotes() {
    assertThat(parser.parse(List.of(row("Symbol")), NOW)).isEmpty();
  }

  @Test
  void oneByOneGridWithoutHeaderIsAnError() {
    assertThatThrownBy(() -> parser.parse(List.of(row(189.5)), NOW)).hasMessageContaining("no Symbol column");
  }

  @Test
  void firstPresentOfTwoColumnsWithTheSameFieldWins() {
    List<List<Object>> grid = List.of(row("Symbol", "Last", "LASTX"), row("X", 1.0, "2"), row("/ZN", 0.0, "111'16"),
        row("/ZB", "N/A", "118-08+"));

    List<Quote> quotes = parser.parse(grid, NOW);

    assertThat(quotes.get(0).fields()).containsExactly(Map.entry("last", "1.00"));
    assertThat(quotes.get(1).fields()).containsExactly(Map.entry("last", "0.00"));
    assertThat(quotes.get(2).fields()).containsExactly(Map.entry("last", "118.265625"));
  }
}
