package com.thortrading.livedata;

import com.jacob.activeX.ActiveXComponent;
import com.jacob.com.ComException;
import com.jacob.com.ComThread;
import com.jacob.com.Dispatch;
import com.jacob.com.JacobObject;
import com.jacob.com.SafeArray;
import com.jacob.com.Variant;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a sheet's used range from the running Excel through JACOB, in one {@code Value2} call per poll.
 *
 * <p>COM objects belong to the thread that made them (an STA), so this class must only ever be used from the
 * poller's single source thread; it initialises that thread's apartment on first use and releases it on close.
 * Per-poll objects (the range, the value array, each cell) are released at once, since JACOB otherwise keeps
 * them until the thread ends and a day of polling would grow without bound.
 */
final class JacobExcelSheetReader implements ExcelSheetReader {

  private static final int RPC_E_CALL_REJECTED = 0x80010001;
  private static final int RPC_E_SERVERCALL_RETRYLATER = 0x8001010A;

  private final String workbookName;
  private final String sheetName;
  private boolean apartment;
  private ActiveXComponent excel;
  private Dispatch workbooks;
  private Dispatch workbook;
  private Dispatch sheet;

  JacobExcelSheetReader(String workbookName, String sheetName) {
    this.workbookName = workbookName;
    this.sheetName = sheetName;
  }

  @Override
  public List<List<Object>> readUsedRange() throws ExcelUnavailableException {
    if (!apartment) {
      ComThread.InitSTA();
      apartment = true;
    }
    Dispatch used = null;
    Variant value = null;
    try {
      if (sheet == null) {
        attach();
      }
      used = Dispatch.get(sheet, "UsedRange").toDispatch();
      value = Dispatch.get(used, "Value2");
      return toGrid(value);
    } catch (ComException e) {
      int code = e.getHResult();
      boolean busy = code == RPC_E_CALL_REJECTED || code == RPC_E_SERVERCALL_RETRYLATER;
      throw new ExcelUnavailableException((busy ? "Excel is busy (0x" : "Excel call failed (0x")
          + Integer.toHexString(code) + "): " + e.getMessage(), busy, e);
    } finally {
      release(value);
      release(used);
    }
  }

  private void attach() {
    excel = ActiveXComponent.connectToActiveInstance("Excel.Application");
    if (excel == null) {
      throw new ExcelUnavailableException("Excel is not running: open " + workbookName
          + " in Excel with Thinkorswim logged in", false, null);
    }
    workbooks = excel.getProperty("Workbooks").toDispatch();
    try {
      workbook = Dispatch.call(workbooks, "Item", workbookName).toDispatch();
    } catch (ComException e) {
      throw new ExcelUnavailableException("Workbook " + workbookName + " is not open in Excel", false, e);
    }
    try {
      Dispatch worksheets = Dispatch.get(workbook, "Worksheets").toDispatch();
      sheet = Dispatch.call(worksheets, "Item", sheetName).toDispatch();
      worksheets.safeRelease();
    } catch (ComException e) {
      throw new ExcelUnavailableException("Workbook " + workbookName + " has no sheet named " + sheetName, false, e);
    }
  }

  private static List<List<Object>> toGrid(Variant value) {
    if ((value.getvt() & Variant.VariantArray) == 0) {
      // A one-cell used range comes back as a scalar, not a 1×1 array.
      List<List<Object>> single = new ArrayList<>();
      single.add(new ArrayList<>(List.of(new Object[] {cell(value)})));
      return single;
    }
    SafeArray array = value.toSafeArray(false);
    try {
      // Excel's arrays are 1-based: always go from the lower bound, never from 0.
      int rowFrom = array.getLBound(1);
      int rowTo = array.getUBound(1);
      int colFrom = array.getLBound(2);
      int colTo = array.getUBound(2);
      List<List<Object>> grid = new ArrayList<>(rowTo - rowFrom + 1);
      for (int r = rowFrom; r <= rowTo; r++) {
        List<Object> row = new ArrayList<>(colTo - colFrom + 1);
        for (int c = colFrom; c <= colTo; c++) {
          Variant cell = array.getVariant(r, c);
          row.add(cell(cell));
          cell.safeRelease();
        }
        grid.add(row);
      }
      return grid;
    } finally {
      array.safeRelease();
    }
  }

  /** A cell by its variant type; error cells must be checked first, since converting them throws. */
  private static Object cell(Variant v) {
    short type = v.getvt();
    if (type == Variant.VariantError) {
      return new ExcelError(v.getError());
    }
    return switch (type) {
      case Variant.VariantDouble -> v.getDouble();
      case Variant.VariantDate -> v.getDate();
      case Variant.VariantFloat -> (double) v.getFloat();
      case Variant.VariantString -> v.getString();
      case Variant.VariantBoolean -> v.getBoolean();
      case Variant.VariantInt -> v.getInt();
      case Variant.VariantShort -> (int) v.getShort();
      case Variant.VariantLongInt -> v.getLong();
      case Variant.VariantCurrency -> BigDecimal.valueOf(v.getCurrency().longValue(), 4);
      case Variant.VariantDecimal -> v.getDecimal();
      default -> null;
    };
  }

  @Override
  public void disconnect() {
    release(sheet);
    release(workbook);
    release(workbooks);
    release(excel);
    sheet = null;
    workbook = null;
    workbooks = null;
    excel = null;
  }

  @Override
  public void close() {
    disconnect();
    if (apartment) {
      ComThread.Release();
      apartment = false;
    }
  }

  private static void release(JacobObject object) {
    if (object != null) {
      object.safeRelease();
    }
  }
}
