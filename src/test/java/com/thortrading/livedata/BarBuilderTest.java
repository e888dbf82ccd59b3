package com.thortrading.livedata;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** 1-minute bars from a recorded stream of quotes, against bars worked out by hand. */
class BarBuilderTest {

  private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

  /** A recorded day as the replay file has it: time (UTC), last, the day's cumulative volume ("" = none). */
  private static final String RECORDED = String.join("\n",
      "2026-03-02T14:30:05Z,100.00,1000",   // first quote seen: sets the volume baseline, 0 traded
      "2026-03-02T14:30:20Z,100.50,1300",   // +300
      "2026-03-02T14:30:59.999Z,99.75,1450", // +150, still 14:30
      "2026-03-02T14:31:00Z,99.80,1500",    // new minute: 14:30 closes; +50
      "2026-03-02T14:31:30Z,,1700",         // no last: no bar change, its volume waits for the next trade
      "2026-03-02T14:31:40Z,99.90,1750",    // 1500 -> 1750: +250 (the 14:31:30 volume included)
      // 14:32 has no quote: no bar
      "2026-03-02T14:33:10Z,101.00,1800",   // +50
      "2026-03-02T14:32:50Z,98.00,1790",    // older than the forming 14:33 bar: ignored
      "2026-03-02T14:33:20Z,100.90,1790",   // a fall within the day: 0, baseline 1790
      "2026-03-03T14:30:00Z,102.00,400");   // next day (New York): cumulative from zero, +400

  private static Quote quote(String line) {
    String[] cells = line.split(",", -1);
    Map<String, String> fields = new LinkedHashMap<>();
    if (!cells[1].isEmpty()) {
      fields.put("last", cells[1]);
    }
    if (!cells[2].isEmpty()) {
      fields.put("volume", cells[2]);
    }
    return new Quote("VFF", fields, Instant.parse(cells[0]));
  }

  private static String text(Bar bar) {
    return bar.start() + " " + bar.open().toPlainString() + " " + bar.high().toPlainString() + " "
        + bar.low().toPlainString() + " " + bar.close().toPlainString() + " " + bar.volume().toPlainString();
  }

  /** The bars as they stand after the stream: each minute's last state. */
  private static List<Bar> build(String recorded) {
    BarBuilder builder = new BarBuilder(NEW_YORK);
    Map<Instant, Bar> latest = new LinkedHashMap<>();
    for (String line : recorded.split("\n")) {
      for (Bar bar : builder.onQuote(quote(line))) {
        latest.put(bar.start(), bar);
      }
    }
    return new ArrayList<>(latest.values());
  }

  /**
   * The recording replayed as the service replays it: a CSV through {@link ReplayQuoteSource} at {@code speed},
   * polled every {@code pollMillis} of (simulated) wall time, through the poller's change filter, into the bars.
   */
  private static List<Bar> replay(Path dir, double speed, long pollMillis) throws Exception {
    StringBuilder csv = new StringBuilder("timestamp,Symbol,Last,Volume\n");
    for (String line : RECORDED.split("\n")) {
      String[] cells = line.split(",", -1);
      csv.append(cells[0]).append(",VFF,").append(cells[1]).append(',').append(cells[2]).append('\n');
    }
    Path file = dir.resolve("day.csv");
    Files.writeString(file, csv);
    ReplayQuoteSource source = new ReplayQuoteSource(file, speed, false);
    source.open();
    QuoteChangeFilter changes = new QuoteChangeFilter();
    BarBuilder builder = new BarBuilder(NEW_YORK);
    Map<Instant, Bar> latest = new LinkedHashMap<>();
    Instant wall = Instant.parse("2026-11-27T09:00:00Z");
    Instant end = wall.plus(Duration.ofDays(1).dividedBy((long) speed)).plusSeconds(60);
    for (; !wall.isAfter(end); wall = wall.plusMillis(pollMillis)) {
      for (Quote quote : changes.changed(source.poll(wall))) {
        builder.onQuote(quote).forEach(bar -> latest.put(bar.start(), bar));
      }
    }
    return new ArrayList<>(latest.values());
  }

  @ParameterizedTest(name = "at {0}x, polled every {1} ms")
  @CsvSource({"1, 1000", "60, 1000", "600, 250", "3600, 1000"})
  void aReplayedDayGivesTheSameBarsAtAnySpeed(double speed, long pollMillis, @TempDir Path dir) throws Exception {
    // The replay plays rows in time order, so the late 14:32:50 row of the live stream plays before 14:33:10
    // and makes a 14:32 bar; everything else is as live.
    assertThat(replay(dir, speed, pollMillis)).extracting(BarBuilderTest::text).containsExactly(
        "2026-03-02T14:30:00Z 100.00 100.50 99.75 99.75 450",
        "2026-03-02T14:31:00Z 99.80 99.90 99.80 99.90 300",
        "2026-03-02T14:32:00Z 98.00 98.00 98.00 98.00 40",
        "2026-03-02T14:33:00Z 101.00 101.00 100.90 100.90 10",
        "2026-03-03T14:30:00Z 102.00 102.00 102.00 102.00 400");
  }

  @Test
  void aBuilderResumedFromAStoredBarCarriesOnItsMinuteAndTheDaysVolume() {
    BarBuilder first = new BarBuilder(NEW_YORK);
    first.onQuote(quote("2026-03-02T14:30:05Z,100.00,1000"));
    List<Bar> stored = first.onQuote(quote("2026-03-02T14:30:20Z,100.50,1300"));
    // Through Redis and back, as the next ingest node reads it.
    Bar read = BarJson.fromJson(BarJson.toJson(stored.get(stored.size() - 1)));
    assertThat(read.dayVolume()).contains(new BigDecimal("1300"));

    BarBuilder next = new BarBuilder(NEW_YORK);
    next.resume(read);
    List<Bar> extended = next.onQuote(quote("2026-03-02T14:30:59.999Z,99.75,1450"));
    assertThat(extended).extracting(BarBuilderTest::text)
        .containsExactly("2026-03-02T14:30:00Z 100.00 100.50 99.75 99.75 450");

    // A stored bar of an earlier day says nothing of the volume since: the next quote is a baseline.
    BarBuilder nextDay = new BarBuilder(NEW_YORK);
    nextDay.resume(read);
    assertThat(nextDay.onQuote(quote("2026-03-03T14:35:00Z,101.00,52000"))).extracting(BarBuilderTest::text)
        .containsExactly("2026-03-02T14:30:00Z 100.00 100.50 100.00 100.50 300",
            "2026-03-03T14:35:00Z 101.00 101.00 101.00 101.00 0");
  }

  @Test
  void aRecordedDayGivesTheBarsWorkedOutByHand() {
    assertThat(build(RECORDED)).extracting(BarBuilderTest::text).containsExactly(
        "2026-03-02T14:30:00Z 100.00 100.50 99.75 99.75 450",
        "2026-03-02T14:31:00Z 99.80 99.90 99.80 99.90 300",
        "2026-03-02T14:33:00Z 101.00 101.00 100.90 100.90 50",
        "2026-03-03T14:30:00Z 102.00 102.00 102.00 102.00 400");
  }

  @Test
  void eachQuoteReturnsTheBarItClosedThenTheOneForming() {
    BarBuilder builder = new BarBuilder(NEW_YORK);
    assertThat(builder.onQuote(quote("2026-03-02T14:30:05Z,100.00,1000"))).extracting(BarBuilderTest::text)
        .containsExactly("2026-03-02T14:30:00Z 100.00 100.00 100.00 100.00 0");
    assertThat(builder.onQuote(quote("2026-03-02T14:30:20Z,100.50,1300"))).extracting(BarBuilderTest::text)
        .containsExactly("2026-03-02T14:30:00Z 100.00 100.50 100.00 100.50 300");
    assertThat(builder.onQuote(quote("2026-03-02T14:32:00Z,99.00,1400"))).extracting(BarBuilderTest::text)
        .containsExactly("2026-03-02T14:30:00Z 100.00 100.50 100.00 100.50 300",
            "2026-03-02T14:32:00Z 99.00 99.00 99.00 99.00 100");
    assertThat(builder.onQuote(quote("2026-03-02T14:32:30Z,,1500"))).isEmpty();
  }

  @Test
  void symbolsKeepTheirOwnBarsAndVolume() {
    BarBuilder builder = new BarBuilder(NEW_YORK);
    builder.onQuote(new Quote("A", Map.of("last", "1.00", "volume", "10"), Instant.parse("2026-03-02T14:30:00Z")));
    builder.onQuote(new Quote("B", Map.of("last", "5.00", "volume", "900"), Instant.parse("2026-03-02T14:30:01Z")));
    List<Bar> a = builder.onQuote(new Quote("A", Map.of("last", "1.10", "volume", "25"),
        Instant.parse("2026-03-02T14:30:02Z")));
    assertThat(a).singleElement().satisfies(bar -> {
      assertThat(bar.symbol()).isEqualTo("A");
      assertThat(bar.close()).isEqualByComparingTo("1.10");
      assertThat(bar.volume()).isEqualByComparingTo("15");
    });
  }

  @Test
  void fiveAndFifteenMinuteBarsAggregateTheMinutes() {
    List<Bar> minutes = new ArrayList<>();
    String[] rows = {"14:29 10 12 9 11 5", "14:30 11 11 10 10 1", "14:31 10 15 10 14 2", "14:34 14 14 8 9 3",
        "14:35 9 9 9 9 4", "14:44 9 20 9 19 6", "14:45 19 19 18 18 7"};
    for (String row : rows) {
      String[] c = row.split(" ");
      minutes.add(new Bar("VFF", Instant.parse("2026-03-02T" + c[0] + ":00Z"), BarBuilder.ONE_MINUTE,
          new BigDecimal(c[1]), new BigDecimal(c[2]), new BigDecimal(c[3]), new BigDecimal(c[4]), new BigDecimal(c[5])));
    }
    assertThat(BarBuilder.aggregate(minutes, Duration.ofMinutes(5))).extracting(BarBuilderTest::text).containsExactly(
        "2026-03-02T14:25:00Z 10 12 9 11 5",
        "2026-03-02T14:30:00Z 11 15 8 9 6",
        "2026-03-02T14:35:00Z 9 9 9 9 4",
        "2026-03-02T14:40:00Z 9 20 9 19 6",
        "2026-03-02T14:45:00Z 19 19 18 18 7");
    assertThat(BarBuilder.aggregate(minutes, Duration.ofMinutes(15))).extracting(BarBuilderTest::text).containsExactly(
        "2026-03-02T14:15:00Z 10 12 9 11 5",
        "2026-03-02T14:30:00Z 11 20 8 19 16",
        "2026-03-02T14:45:00Z 19 19 18 18 7");
    assertThat(BarBuilder.aggregate(minutes, Duration.ofMinutes(15))).allSatisfy(bar ->
        assertThat(bar.interval()).isEqualTo(Duration.ofMinutes(15)));
  }
}
