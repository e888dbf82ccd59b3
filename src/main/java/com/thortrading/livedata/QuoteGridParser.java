package com.thortrading.livedata;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one place that turns a grid of cells (a sheet's used range, or a CSV) into quotes.
 *
 * <p>The first non-blank row is the header; its labels name the columns (see {@link QuoteField}). Every later
 * row with a symbol becomes a quote; rows without one are skipped. A grid whose header has no Symbol column is
 * an error that names the sheet, because a mis-set workbook must be noticed, not silently read as empty.
 */
public final class QuoteGridParser {

  private final String sheetName;

  /** @param sheetName names the grid in error messages, e.g. "RTD.xlsx!Quotes" or a CSV path */
  public QuoteGridParser(String sheetName) {
    this.sheetName = sheetName;
  }

  /** Where the header is and the field each column holds ("" for a blank label). */
  public record Header(int row, List<String> fields) {
  }

  /** The grid's header, or an error when there is no header with a Symbol column. */
  public Header header(List<? extends List<?>> grid) {
    int headerRow = firstNonBlankRow(grid);
    if (headerRow < 0) {
      throw new QuoteSourceException("Sheet " + sheetName + " is empty: expected a header row with a Symbol column");
    }
    List<String> fields = new ArrayList<>();
    for (Object label : grid.get(headerRow)) {
      fields.add(CellParser.text(label).map(QuoteField::fromHeader).orElse(""));
    }
    if (!fields.contains(QuoteField.SYMBOL)) {
      throw new QuoteSourceException("Sheet " + sheetName + " has no Symbol column in its header row (row "
          + (headerRow + 1) + "): found " + grid.get(headerRow));
    }
    return new Header(headerRow, List.copyOf(fields));
  }

  /** Every quote in the grid, stamped {@code readAt}; the header is the first non-blank row. */
  public List<Quote> parse(List<? extends List<?>> grid, Instant readAt) {
    Header header = header(grid);
    return parseRows(header.fields(), grid.subList(header.row() + 1, grid.size()), readAt);
  }

  /** Quotes from rows under an already-read header: how a replay feeds one recorded instant at a time. */
  public List<Quote> parseRows(List<String> fields, List<? extends List<?>> rows, Instant readAt) {
    int symbolColumn = fields.indexOf(QuoteField.SYMBOL);
    List<Quote> quotes = new ArrayList<>(rows.size());
    for (List<?> row : rows) {
      parseRow(fields, symbolColumn, row, readAt).ifPresent(quotes::add);
    }
    return quotes;
  }

  private Optional<Quote> parseRow(List<String> fields, int symbolColumn, List<?> row, Instant readAt) {
    if (symbolColumn >= row.size()) {
      return Optional.empty();
    }
    Optional<String> symbol = CellParser.text(row.get(symbolColumn)).map(QuoteSymbols::normalize)
        .filter(s -> !s.isEmpty());
    if (symbol.isEmpty()) {
      return Optional.empty();
    }
    Map<String, String> values = new LinkedHashMap<>();
    for (int column = 0; column < fields.size() && column < row.size(); column++) {
      String field = fields.get(column);
      if (field.isEmpty() || field.equals(QuoteField.SYMBOL) || field.equals(QuoteField.TIMESTAMP)
          || values.containsKey(field)) {
        continue;
      }
      Object cell = row.get(column);
      CellParser.parse(field, cell).ifPresent(value -> values.put(field, value));
    }
    return Optional.of(new Quote(symbol.get(), values, readAt));
  }

  private static int firstNonBlankRow(List<? extends List<?>> grid) {
    for (int r = 0; r < grid.size(); r++) {
      for (Object cell : grid.get(r)) {
        if (CellParser.text(cell).isPresent()) {
          return r;
        }
      }
    }
    return -1;
  }
}
