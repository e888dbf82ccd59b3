package com.thortrading.livedata;

import java.time.Instant;
import java.util.List;

/**
 * Where quotes come from: the Excel workbook, the simulator or a replayed recording.
 *
 * <p>The poller calls {@link #open}, every {@link #poll} and {@link #close} on one and the same dedicated
 * thread, never on an event loop and never two at once, so a source may block and may keep thread-bound state
 * (COM objects). A source returns every quote it currently has; the poller works out what changed.
 */
public interface QuoteSource {

  /** Short name for logs and health, e.g. "sim", "replay data/day.csv", "excel RTD.xlsx!Quotes". */
  String describe();

  /** Prepares the source; a failure here stops start-up with its message. */
  default void open() throws Exception {
  }

  /** The quotes the source holds now, stamped {@code now}; a failure is logged and the next poll retries. */
  List<Quote> poll(Instant now) throws Exception;

  /** Releases what {@link #open} took. */
  default void close() {
  }
}
