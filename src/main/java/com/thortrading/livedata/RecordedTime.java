package com.thortrading.livedata;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/** Reads the timestamp of a recorded row: ISO-8601 with or without offset (then UTC), or epoch milliseconds. */
final class RecordedTime {

  private static final DateTimeFormatter SPACED = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSS]");

  private RecordedTime() {
  }

  static Optional<Instant> parse(String text) {
    String t = text.strip();
    if (t.matches("\\d{10,16}")) {
      return Optional.of(Instant.ofEpochMilli(Long.parseLong(t)));
    }
    try {
      return Optional.of(OffsetDateTime.parse(t).toInstant());
    } catch (DateTimeParseException notOffset) {
      // fall through to the local forms
    }
    try {
      return Optional.of(LocalDateTime.parse(t).toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException notIsoLocal) {
      // fall through
    }
    try {
      return Optional.of(LocalDateTime.parse(t, SPACED).toInstant(ZoneOffset.UTC));
    } catch (DateTimeParseException notSpaced) {
      return Optional.empty();
    }
  }
}
