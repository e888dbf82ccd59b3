package com.thortrading.livedata;

import java.util.List;

/**
 * Reads one sheet's used range from a running Excel; the COM side of {@link ExcelQuoteSource}.
 *
 * <p>Every call comes from the one thread the poller gives its source, which owns all COM objects.
 */
public interface ExcelSheetReader {

  /** The used range as rows of cells (null, Double, String, Boolean, {@link ExcelError}), attaching if needed. */
  List<List<Object>> readUsedRange() throws ExcelUnavailableException;

  /** Drops every COM object, so the next read attaches afresh (Excel restarted, workbook reopened). */
  void disconnect();

  /** Disconnects and releases the thread's COM apartment; called once, at stop. */
  void close();
}
