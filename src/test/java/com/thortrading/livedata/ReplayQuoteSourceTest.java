package com.thortrading.livedata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayQuoteSourceTest {

  private static final Instant T0 = Instant.parse("2026-01-05T15:00:00Z");
  /** Two symbols at one instant, then AAPL every 10 recorded seconds. */
  private static final String TIMED_ROWS = """
      timestamp,Symbol,Last
      2025-12-08T14:30:00Z,AAPL,1.00
      2025-12-08T14:30:00Z,MSFT,2.00
      2025-12-08T14:30:10Z,AAPL,1.10
      2025-12-08T14:30:20Z,AAPL,1.20
      """;

  @TempDir
  Path dir;

  private Path csv(String text) throws Exception {
    Path file = dir.resolve("quotes.csv");
    Files.writeString(file, text);
    return file;
  }

  private static String last(List<Quote> quotes, String symbol) {
    // The newest: a poll may return several rows of one symbol, oldest first.
    return quotes.stream().filter(q -> q.symbol().equals(symbol)).reduce((older, newer) -> newer).orElseThrow()
        .fields().get("last");
  }

  @Test
  void sheetWithoutTimestampsIsServedWholeAtEveryPollLikeAStaticWorkbook() throws Exception {
    ReplayQuoteSource replay = new ReplayQuoteSource(csv("""
        Symbol,Last,Bid,Ask,% Change
        VFF,3.00,2.95,3.05,1.5%
        aapl,"1,189.50",N/A,#N/A,
        """), 1, true);
    replay.open();

    List<Quote> first = replay.poll(T0);
    List<Quote> second = replay.poll(T0.plusSeconds(1));

    assertThat(first).extracting(Quote::symbol).containsExactly("VFF", "AAPL");
    assertThat(first.get(0).fields()).containsEntry("bid", "2.95").containsEntry("percent_change", "1.5");
    assertThat(first.get(1).fields()).containsOnlyKeys("last").containsEntry("last", "1189.50");
    assertThat(second).hasSize(2);
    assertThat(second.get(0).timestamp()).isEqualTo(T0.plusSeconds(1));
  }

  @Test
  void timedRowsPlayAtTheirRecordedPaceTimesTheSpeed() throws Exception {
    ReplayQuoteSource replay = new ReplayQuoteSource(csv(TIMED_ROWS), 10, false);
    replay.open();

    List<Quote> start = replay.poll(T0);
    assertThat(start).extracting(Quote::symbol).containsExactly("AAPL", "MSFT");
    assertThat(last(start, "AAPL")).isEqualTo("1.00");
    // 0.9 s of wall time at 10x is 9 recorded seconds: the 14:30:10 row is not due yet.
    assertThat(last(replay.poll(T0.plusMillis(900)), "AAPL")).isEqualTo("1.00");
    assertThat(last(replay.poll(T0.plusMillis(1000)), "AAPL")).isEqualTo("1.10");
    List<Quote> end = replay.poll(T0.plusSeconds(5));
    assertThat(last(end, "AAPL")).isEqualTo("1.20");
    assertThat(last(end, "MSFT")).isEqualTo("2.00");
    // Without loop it holds the last state.
    assertThat(last(replay.poll(T0.plusSeconds(60)), "AAPL")).isEqualTo("1.20");
  }

  @Test
  void aPollReturnsEveryRowThatCameDueInRecordedOrderWithItsRecordedTime() throws Exception {
    ReplayQuoteSource replay = new ReplayQuoteSource(csv(TIMED_ROWS + "2025-12-08T14:30:30Z,AAPL,1.30\n"), 10, false);
    replay.open();
    replay.poll(T0);

    // 3 s at 10x is 30 recorded seconds: three AAPL rows came due, none may be skipped (bars need every tick).
    List<Quote> due = replay.poll(T0.plusSeconds(3));
    assertThat(due).extracting(q -> q.symbol() + " " + q.fields().get("last") + " " + q.fields().get("recorded_at"))
        .containsExactly("MSFT 2.00 2025-12-08T14:30:00Z", "AAPL 1.10 2025-12-08T14:30:10Z",
            "AAPL 1.20 2025-12-08T14:30:20Z", "AAPL 1.30 2025-12-08T14:30:30Z");
    // Read now: staleness and ordering go by the time a quote was read, not the recorded one.
    assertThat(due).extracting(Quote::timestamp).containsOnly(T0.plusSeconds(3));
    assertThat(due.get(3).marketTime()).isEqualTo(Instant.parse("2025-12-08T14:30:30Z"));
  }

  @Test
  void eachPassOfALoopingReplayIsALaterDaySoTimeNeverRunsBackwards() throws Exception {
    ReplayQuoteSource replay = new ReplayQuoteSource(csv("""
        Symbol,Last,Time
        AAPL,1.00,2025-12-08 14:30:00
        AAPL,1.10,2025-12-08 21:00:00
        """), 3600, true);
    replay.open();

    assertThat(replay.poll(T0).get(0).fields()).containsEntry("recorded_at", "2025-12-08T14:30:00Z");
    assertThat(replay.poll(T0.plusSeconds(7)).get(0).fields()).containsEntry("recorded_at", "2025-12-08T21:00:00Z");
    assertThat(replay.poll(T0.plusSeconds(8)).get(0).fields()).containsEntry("last", "1.00")
        .containsEntry("recorded_at", "2025-12-09T14:30:00Z");
  }

  @Test
  void loopingReplayStartsOverAtTheEnd() throws Exception {
    ReplayQuoteSource replay = new ReplayQuoteSource(csv("""
        Symbol,Last,Time
        AAPL,1.00,2025-12-08 14:30:00
        AAPL,1.10,2025-12-08 14:30:01
        """), 1, true);
    replay.open();

    assertThat(last(replay.poll(T0), "AAPL")).isEqualTo("1.00");
    assertThat(last(replay.poll(T0.plusSeconds(1)), "AAPL")).isEqualTo("1.10");
    assertThat(last(replay.poll(T0.plusSeconds(2)), "AAPL")).isEqualTo("1.00");
  }

  @Test
  void badTimestampNamesTheLine() throws Exception {
    ReplayQuoteSource replay = new ReplayQuoteSource(csv("""
        Symbol,Last,timestamp
        AAPL,1.00,2025-12-08T14:30:00Z
        AAPL,1.10,yesterday
        """), 1, true);

    assertThatThrownBy(replay::open).isInstanceOf(QuoteSourceException.class)
        .hasMessageContaining("line 3").hasMessageContaining("'yesterday'");
  }

  @Test
  void missingFileSaysWhichFile() {
    ReplayQuoteSource replay = new ReplayQuoteSource(dir.resolve("nope.csv"), 1, true);

    assertThatThrownBy(replay::open).isInstanceOf(QuoteSourceException.class).hasMessageContaining("nope.csv");
  }

  @Test
  void csvWithoutSymbolColumnIsRefusedAtOpen() throws Exception {
    ReplayQuoteSource replay = new ReplayQuoteSource(csv("Ticker Name,Last\nAAPL,1\n"), 1, true);

    assertThatThrownBy(replay::open).hasMessageContaining("no Symbol column");
  }
}
