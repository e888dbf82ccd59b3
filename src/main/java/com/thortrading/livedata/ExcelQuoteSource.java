package com.thortrading.livedata;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Quotes from the Thinkorswim RTD sheet of a running Excel, read through JACOB.
 *
 * <p>Checks at open that this can work here at all (Windows, the JACOB DLL) and says what to install if not.
 * When Excel is busy or gone it backs off and tries again, attaching afresh when its objects are gone, so the
 * service keeps running across Excel and Thinkorswim restarts. Nothing of JACOB is loaded unless this source is
 * opened: the reader comes from a factory.
 */
public final class ExcelQuoteSource implements QuoteSource {

  /** JACOB's own system property for the DLL's full path ({@code LibraryLoader.JACOB_DLL_PATH}). */
  static final String JACOB_DLL_PROPERTY = "jacob.dll.path";

  private static final String JACOB_HELP = "download jacob-1.18.zip from "
      + "https://github.com/freemansoft/jacob-project/releases and set THOR_JACOB_DLL_PATH to the full path of "
      + "jacob-1.18-x64.dll (64-bit Java) or jacob-1.18-x86.dll (32-bit Java)";

  private final String workbook;
  private final String sheet;
  private final String dllPath;
  private final String osName;
  private final Supplier<ExcelSheetReader> readerFactory;
  private final Backoff backoff;
  private final QuoteGridParser parser;
  /** The current thread's reader; replaced by {@link #reattach} while a stuck read may still hold the old one. */
  private volatile ExcelSheetReader reader;
  private Instant retryAt;

  public ExcelQuoteSource(String workbook, String sheet, String dllPath, String osName,
      Supplier<ExcelSheetReader> readerFactory, Backoff backoff) {
    this.workbook = workbook;
    this.sheet = sheet;
    this.dllPath = dllPath == null ? "" : dllPath.strip();
    this.osName = osName;
    this.readerFactory = readerFactory;
    this.backoff = backoff;
    this.parser = new QuoteGridParser(workbook + "!" + sheet);
  }

  /** The real thing: reads through JACOB from the running Excel of this Windows session. */
  public static ExcelQuoteSource withJacob(String workbook, String sheet, String dllPath) {
    return new ExcelQuoteSource(workbook, sheet, dllPath, System.getProperty("os.name", "unknown"),
        () -> new JacobExcelSheetReader(workbook, sheet), new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)));
  }

  @Override
  public String describe() {
    return "excel " + workbook + "!" + sheet;
  }

  @Override
  public void open() {
    if (!osName.toLowerCase(Locale.ROOT).startsWith("windows")) {
      throw new QuoteSourceException("THOR_SOURCE=excel needs Windows with Excel and Thinkorswim running (this "
          + "machine runs " + osName + "); use THOR_SOURCE=sim or THOR_SOURCE=replay here");
    }
    if (dllPath.isEmpty()) {
      throw new QuoteSourceException("THOR_SOURCE=excel needs the JACOB DLL: " + JACOB_HELP);
    }
    Path dll = Path.of(dllPath).toAbsolutePath();
    if (!Files.isRegularFile(dll)) {
      throw new QuoteSourceException("JACOB DLL not found at " + dll + " (THOR_JACOB_DLL_PATH): " + JACOB_HELP);
    }
    System.setProperty(JACOB_DLL_PROPERTY, dll.toString());
    reader = readerFactory.get();
  }

  @Override
  public List<Quote> poll(Instant now) {
    if (retryAt != null && now.isBefore(retryAt)) {
      return List.of(); // backing off; Redis keeps the last good quotes meanwhile
    }
    ExcelSheetReader mine = reader;
    try {
      List<List<Object>> grid = mine.readUsedRange();
      if (mine != reader) {
        // This read was given up as stuck and a fresh thread has its own reader: release ours here, on the thread
        // that made its COM objects, and leave the rest alone.
        mine.close();
        return List.of();
      }
      List<Quote> quotes = parser.parse(grid, now);
      backoff.reset();
      retryAt = null;
      return quotes;
    } catch (ExcelUnavailableException e) {
      if (mine != reader) {
        mine.close();
        throw e;
      }
      if (!e.busy()) {
        reader.disconnect();
      }
      Duration delay = backoff.nextDelay();
      retryAt = now.plus(delay);
      throw new ExcelUnavailableException(e.getMessage() + "; retrying in " + delay.toMillis() + " ms", e.busy(), e);
    }
  }

  /** A new reader for the fresh thread; it attaches to Excel (new COM objects, its own apartment) on first read. */
  @Override
  public void reattach() {
    reader = readerFactory.get();
    retryAt = null;
  }

  @Override
  public void close() {
    if (reader != null) {
      reader.close();
    }
  }
}
