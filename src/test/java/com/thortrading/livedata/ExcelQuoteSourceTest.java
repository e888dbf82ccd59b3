package com.thortrading.livedata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExcelQuoteSourceTest {

  private static final Instant T0 = Instant.parse("2026-01-05T15:00:00Z");
  private static final List<List<Object>> SHEET = List.of(
      Arrays.asList("Symbol", "Last", "Bid"), Arrays.asList("AAPL", 189.5, new ExcelError(0x800A07FA)));

  @TempDir
  Path dir;

  /** Plays a script of reads; counts disconnects. */
  private static class ScriptedReader implements ExcelSheetReader {
    final Deque<Object> script = new ArrayDeque<>();
    int reads;
    int disconnects;
    boolean closed;

    @Override
    @SuppressWarnings("unchecked")
    public List<List<Object>> readUsedRange() {
      reads++;
      Object next = script.isEmpty() ? SHEET : script.pop();
      if (next instanceof ExcelUnavailableException e) {
        throw e;
      }
      return (List<List<Object>>) next;
    }

    @Override
    public void disconnect() {
      disconnects++;
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private Path dll() throws Exception {
    return Files.writeString(dir.resolve("jacob-1.18-x64.dll"), "not really a dll");
  }

  private ExcelQuoteSource source(String os, String dllPath, ScriptedReader reader) {
    return new ExcelQuoteSource("RTD.xlsx", "Quotes", dllPath, os, () -> reader,
        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8)));
  }

  @Test
  void notOnWindowsStartUpFailsSayingWhatToUseInstead() {
    ScriptedReader reader = new ScriptedReader();
    assertThatThrownBy(() -> source("Linux", "C:\\jacob.dll", reader).open())
        .isInstanceOf(QuoteSourceException.class)
        .hasMessageContaining("needs Windows")
        .hasMessageContaining("Linux")
        .hasMessageContaining("THOR_SOURCE=sim");
  }

  @Test
  void withoutTheDllStartUpFailsSayingWhatToInstallAndWhere() {
    ScriptedReader reader = new ScriptedReader();
    assertThatThrownBy(() -> source("Windows 11", "", reader).open())
        .hasMessageContaining("jacob-1.18-x64.dll").hasMessageContaining("THOR_JACOB_DLL_PATH")
        .hasMessageContaining("github.com/freemansoft/jacob-project/releases");
    assertThatThrownBy(() -> source("Windows 11", dir.resolve("missing.dll").toString(), reader).open())
        .hasMessageContaining("JACOB DLL not found at").hasMessageContaining("missing.dll");
  }

  @Test
  void readsTheSheetThroughTheParser() throws Exception {
    ScriptedReader reader = new ScriptedReader();
    ExcelQuoteSource excel = source("Windows 10", dll().toString(), reader);
    excel.open();

    List<Quote> quotes = excel.poll(T0);

    assertThat(quotes).hasSize(1);
    assertThat(quotes.get(0).fields()).containsExactly(java.util.Map.entry("last", "189.50"));
    assertThat(System.getProperty(ExcelQuoteSource.JACOB_DLL_PROPERTY)).endsWith("jacob-1.18-x64.dll");
    excel.close();
    assertThat(reader.closed).isTrue();
  }

  @Test
  void busyExcelIsRetriedAfterABackoffWithoutReattaching() throws Exception {
    ScriptedReader reader = new ScriptedReader();
    reader.script.add(new ExcelUnavailableException("Excel is busy (0x80010001)", true, null));
    reader.script.add(new ExcelUnavailableException("Excel is busy (0x80010001)", true, null));
    ExcelQuoteSource excel = source("Windows 10", dll().toString(), reader);
    excel.open();

    assertThatThrownBy(() -> excel.poll(T0)).hasMessageContaining("busy").hasMessageContaining("retrying in 1000 ms");
    assertThat(excel.poll(T0.plusMillis(500))).isEmpty(); // still backing off: Excel is not asked
    assertThat(reader.reads).isEqualTo(1);
    assertThatThrownBy(() -> excel.poll(T0.plusSeconds(1))).hasMessageContaining("retrying in 2000 ms");
    assertThat(excel.poll(T0.plusSeconds(3))).hasSize(1);
    assertThat(reader.disconnects).isZero();
  }

  @Test
  void excelGoneIsReattachedAndServingResumes() throws Exception {
    ScriptedReader reader = new ScriptedReader();
    reader.script.add(SHEET);
    reader.script.add(new ExcelUnavailableException("Excel is not running", false, null));
    ExcelQuoteSource excel = source("Windows 10", dll().toString(), reader);
    excel.open();

    assertThat(excel.poll(T0)).hasSize(1);
    assertThatThrownBy(() -> excel.poll(T0.plusSeconds(1))).hasMessageContaining("not running");
    assertThat(reader.disconnects).isEqualTo(1);
    assertThat(excel.poll(T0.plusSeconds(2))).hasSize(1);
  }

  @Test
  void aReadGivenUpAsStuckReleasesItsOwnReaderAndLeavesTheFreshOneAlone() throws Exception {
    java.util.concurrent.CountDownLatch dialog = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
    ScriptedReader stuck = new ScriptedReader() {
      @Override
      public List<List<Object>> readUsedRange() {
        entered.countDown();
        try {
          dialog.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return SHEET;
      }
    };
    ScriptedReader fresh = new ScriptedReader();
    Deque<ScriptedReader> readers = new ArrayDeque<>(List.of(stuck, fresh));
    ExcelQuoteSource source = new ExcelQuoteSource("RTD.xlsx", "Quotes", dll().toString(), "Windows 11",
        readers::pop, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8)));
    source.open();
    var hung = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      var late = hung.submit(() -> source.poll(T0));
      assertThat(entered.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();

      source.reattach();
      assertThat(source.poll(T0.plusSeconds(1))).extracting(Quote::symbol).containsExactly("AAPL");
      dialog.countDown();

      assertThat(late.get(5, java.util.concurrent.TimeUnit.SECONDS)).isEmpty();
      assertThat(stuck.closed).as("the stuck thread closed its own reader").isTrue();
      assertThat(fresh.closed).isFalse();
      assertThat(source.poll(T0.plusSeconds(2))).extracting(Quote::symbol).containsExactly("AAPL");
      assertThat(fresh.reads).isEqualTo(2);
    } finally {
      hung.shutdownNow();
    }
  }
}
