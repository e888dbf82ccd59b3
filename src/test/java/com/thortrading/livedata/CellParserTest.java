package com.thortrading.livedata;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CellParserTest {

  static Stream<Arguments> priceCells() {
    return Stream.of(
        // cell as COM or CSV gives it, normalized text (null = missing)
        Arguments.of(2.95, "2.95"),
        Arguments.of(0.1 + 0.2, "0.30"),
        Arguments.of(2.9500000000000002, "2.95"),
        Arguments.of(3.0, "3.00"),
        Arguments.of(1234.5678, "1234.5678"),
        Arguments.of(1e-7, "0.0000001"),
        Arguments.of("3.00", "3.00"),
        Arguments.of(" 2.95 ", "2.95"),
        Arguments.of("1,234.50", "1234.50"),
        Arguments.of("$1,234.5", "1234.50"),
        Arguments.of("+0.25", "0.25"),
        Arguments.of("-0.25", "-0.25"),
        Arguments.of("(1.25)", "-1.25"),
        Arguments.of("\u22121.25", "-1.25"),
        Arguments.of("111-16", "111.50"),
        Arguments.of("111'16", "111.50"),
        Arguments.of("111:16", "111.50"),
        Arguments.of("111-16+", "111.515625"),
        Arguments.of("111'162", "111.5078125"),
        Arguments.of("111'167", "111.5234375"),
        Arguments.of("111-00", "111.00"),
        Arguments.of("111-32", null),
        Arguments.of(42, "42.00"),
        Arguments.of(new BigDecimal("7.10"), "7.10"),
        Arguments.of(null, null),
        Arguments.of("", null),
        Arguments.of("   ", null),
        Arguments.of("Loading...", null),
        Arguments.of("loading", null),
        Arguments.of("N/A", null),
        Arguments.of("n/a", null),
        Arguments.of("#N/A", null),
        Arguments.of("#VALUE!", null),
        Arguments.of("#DIV/0!", null),
        Arguments.of("#NAME?", null),
        Arguments.of("#GETTING_DATA", null),
        Arguments.of(new ExcelError(0x800A07FA), null),
        Arguments.of(new ExcelError(0x800A07DF), null),
        Arguments.of("abc", null),
        Arguments.of("1.2.3", null),
        Arguments.of(Boolean.TRUE, null),
        Arguments.of(Double.NaN, null),
        Arguments.of(Double.POSITIVE_INFINITY, null));
  }

  @ParameterizedTest(name = "last cell {0} -> {1}")
  @MethodSource("priceCells")
  void priceCellsNormalizeOrCountAsMissing(Object cell, String expected) {
    assertThat(CellParser.parse(QuoteField.LAST, cell)).isEqualTo(Optional.ofNullable(expected));
  }

  @Test
  void zeroBidOrAskIsMissingButZeroChangeIsNot() {
    assertThat(CellParser.parse(QuoteField.BID, 0.0)).isEmpty();
    assertThat(CellParser.parse(QuoteField.ASK, "0")).isEmpty();
    assertThat(CellParser.parse(QuoteField.ASK, "0.00")).isEmpty();
    assertThat(CellParser.parse(QuoteField.NET_CHANGE, 0.0)).contains("0.00");
    assertThat(CellParser.parse(QuoteField.VOLUME, 0.0)).contains("0");
  }

  @Test
  void volumeKeepsWholeNumbersAndReadsSeparatorsAndSuffixes() {
    assertThat(CellParser.parse(QuoteField.VOLUME, 123456.0)).contains("123456");
    assertThat(CellParser.parse(QuoteField.VOLUME, "123,456")).contains("123456");
    assertThat(CellParser.parse(QuoteField.VOLUME, "1.2M")).contains("1200000");
    assertThat(CellParser.parse(QuoteField.VOLUME, "350K")).contains("350000");
    assertThat(CellParser.parse(QuoteField.VOLUME, 1e6)).contains("1000000");
  }

  @Test
  void percentSignIsDroppedAndTheNumberKeptInPercentUnits() {
    assertThat(CellParser.parse(QuoteField.PERCENT_CHANGE, "2.5%")).contains("2.5");
    assertThat(CellParser.parse(QuoteField.PERCENT_CHANGE, "-0.53%")).contains("-0.53");
    assertThat(CellParser.parse(QuoteField.PERCENT_CHANGE, "1,234.5%")).contains("1234.5");
  }

  @Test
  void textFieldsStayWordsAndUnknownColumnsKeepNumbersOrText() {
    assertThat(CellParser.parse(QuoteField.DESCRIPTION, "3M")).contains("3M");
    assertThat(CellParser.parse(QuoteField.DESCRIPTION, "Apple Inc")).contains("Apple Inc");
    assertThat(CellParser.parse(QuoteField.DESCRIPTION, "N/A")).isEmpty();
    assertThat(CellParser.parse("exchange", "NASDAQ")).contains("NASDAQ");
    assertThat(CellParser.parse("delta", 0.5123)).contains("0.5123");
    assertThat(CellParser.parse("delta", "#N/A")).isEmpty();
    assertThat(CellParser.parse("delta", new ExcelError(0x800A07FA))).isEmpty();
  }

  @Test
  void parsingDoesNotDependOnTheJvmLocale() {
    java.util.Locale saved = java.util.Locale.getDefault();
    try {
      java.util.Locale.setDefault(java.util.Locale.GERMANY);
      assertThat(CellParser.parse(QuoteField.LAST, "1,234.50")).contains("1234.50");
      assertThat(CellParser.parse(QuoteField.LAST, 2.95)).contains("2.95");
    } finally {
      java.util.Locale.setDefault(saved);
    }
  }

  @Test
  void excelErrorsNameThemselves() {
    assertThat(new ExcelError(0x800A07FA).label()).isEqualTo("#N/A");
    assertThat(new ExcelError(-2146826246).label()).isEqualTo("#N/A");
    assertThat(new ExcelError(-2146826273).label()).isEqualTo("#VALUE!");
  }
}
