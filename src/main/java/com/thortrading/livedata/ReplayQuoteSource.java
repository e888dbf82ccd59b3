package com.thortrading.livedata;

import java.util.HashSet;
import java.util.Set;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Replays a CSV saved from the quote sheet: same header labels, rows through the same {@link QuoteGridParser}.
 *
 * <p>With a timestamp column the rows play at their recorded pace times {@code speed}. A poll returns every row
 * that came due since the last one, in recorded order (so bars built from them miss no tick, however fast the
 * replay), and the newest quote of every other symbol played so far; each carries its recorded time in
 * {@link QuoteField#RECORDED_AT}. At the end the replay starts over, its recorded times moved on by whole days so
 * time never runs backwards (a day recorded on the 2nd replays as the 3rd, then the 4th), or holds its last
 * state. Without a timestamp column the whole sheet is served at every poll, like a static workbook.
 */
public final class ReplayQuoteSource implements QuoteSource {

  private static final Logger LOG = LoggerFactory.getLogger(ReplayQuoteSource.class);

  private final Path file;
  private final double speed;
  private final boolean loop;
  private final QuoteGridParser parser;

  private List<String> fields;
  private List<List<String>> staticRows;
  private List<RecordedRow> recorded;
  private final Map<String, Quote> played = new LinkedHashMap<>();
  private int cursor;
  /** Passes of a looping replay completed: each moves the recorded times on by {@link #passShift}. */
  private long passes;
  private Duration passShift;
  private Instant wallStart;
  private boolean finishedLogged;

  public ReplayQuoteSource(Path file, double speed, boolean loop) {
    if (!(speed > 0)) {
      throw new IllegalArgumentException("replay speed must be above 0, got " + speed);
    }
    this.file = file;
    this.speed = speed;
    this.loop = loop;
    this.parser = new QuoteGridParser(file.toString());
  }

  @Override
  public String describe() {
    return "replay " + file + (recorded != null ? " (" + recorded.size() + " recorded rows, speed " + speed + "x, "
        + (loop ? "looping" : "stops at the end") + ")" : "");
  }

  @Override
  public void open() throws IOException {
    if (!Files.isReadable(file)) {
      throw new QuoteSourceException("Replay file " + file.toAbsolutePath() + " does not exist or cannot be read");
    }
    List<List<String>> grid = readCsv(file);
    QuoteGridParser.Header header = parser.header(grid);
    fields = header.fields();
    int headerRow = header.row();
    List<List<String>> rows = grid.subList(headerRow + 1, grid.size());
    int timeColumn = fields.indexOf(QuoteField.TIMESTAMP);
    if (timeColumn < 0) {
      staticRows = rows;
      return;
    }
    recorded = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      List<String> row = rows.get(i);
      String text = timeColumn < row.size() ? row.get(timeColumn) : "";
      if (text == null || text.isBlank()) {
        continue;
      }
      int line = headerRow + i + 2;
      Instant at = RecordedTime.parse(text)
          .orElseThrow(() -> new QuoteSourceException("Replay file " + file + " line " + line + ": timestamp '"
              + text + "' is not a date-time (use ISO-8601 such as 2025-12-08T14:30:00Z)"));
      recorded.add(new RecordedRow(at, row));
    }
    if (recorded.isEmpty()) {
      throw new QuoteSourceException("Replay file " + file + " has a timestamp column but no timed rows");
    }
    recorded.sort(Comparator.comparing(RecordedRow::at)); // stable: rows of one instant keep file order
    // Whole days, so a pass keeps the recording's times of day (and session days), and enough of them that the
    // next pass begins at least a minute after this one ends (its first bar is never this pass's last).
    Duration span = Duration.between(recorded.get(0).at(), recorded.get(recorded.size() - 1).at());
    passShift = Duration.ofDays(span.plusMinutes(1).toDays() + 1);
  }

  @Override
  public List<Quote> poll(Instant now) {
    if (staticRows != null) {
      return parser.parseRows(fields, staticRows, now);
    }
    if (wallStart == null || (loop && cursor == recorded.size())) {
      // First poll, or the poll after the last row played: the recording (re)starts now.
      if (wallStart != null) {
        passes++;
      }
      cursor = 0;
      wallStart = now;
    }
    Instant recordedStart = recorded.get(0).at();
    long elapsedNanos = Duration.between(wallStart, now).toNanos();
    Instant reached = recordedStart.plusNanos((long) (elapsedNanos * speed));
    List<Quote> due = new ArrayList<>();
    Duration shift = passShift.multipliedBy(passes);
    while (cursor < recorded.size() && !recorded.get(cursor).at().isAfter(reached)) {
      RecordedRow row = recorded.get(cursor++);
      String at = row.at().plus(shift).toString();
      for (Quote quote : parser.parseRows(fields, List.of(row.row()), now)) {
        Map<String, String> values = new LinkedHashMap<>(quote.fields());
        values.put(QuoteField.RECORDED_AT, at);
        due.add(new Quote(quote.symbol(), values, now));
      }
    }
    if (cursor == recorded.size() && !loop && !finishedLogged) {
      finishedLogged = true;
      LOG.info("Replay of {} finished; holding the last quotes (set THOR_REPLAY_LOOP=true to loop)", file);
    }
    Set<String> moved = new HashSet<>();
    due.forEach(q -> moved.add(q.symbol()));
    List<Quote> current = new ArrayList<>(played.size() + due.size());
    played.values().stream().filter(q -> !moved.contains(q.symbol())).forEach(q -> current.add(q.withTimestamp(now)));
    current.addAll(due);
    due.forEach(q -> played.put(q.symbol(), q));
    return current;
  }

  private static List<List<String>> readCsv(Path file) throws IOException {
    CsvMapper mapper = new CsvMapper();
    mapper.enable(CsvParser.Feature.WRAP_AS_ARRAY);
    mapper.enable(CsvParser.Feature.TRIM_SPACES);
    List<List<String>> grid = new ArrayList<>();
    try (MappingIterator<List<String>> rows = mapper.readerForListOf(String.class)
        .with(CsvSchema.emptySchema()).readValues(file.toFile())) {
      while (rows.hasNext()) {
        grid.add(rows.next());
      }
    }
    return grid;
  }

  private record RecordedRow(Instant at, List<String> row) {
  }
}
