package com.thortrading.livedata;

import java.time.Instant;
import java.util.List;

/**
 * Where quotes come from: the Excel workbook, the simulator or a replayed recording.
 *
 * <p>The poller calls {@link #open}, every {@link #poll} and {@link #close} on one and the same dedicated
 * thread, never on an event loop and never two at once, so a source may block and may keep thread-bound state
 * (COM objects). A source returns every quote it currently has; the poller works out what changed.
 *
 * <p>The one exception: a read that overruns the poller's deadline is given up, and from then on the source is
 * used from a fresh thread, starting with {@link #reattach}. The given-up read may still return later on its old
 * thread, and must then leave the fresh thread's state alone.
 */
public interface QuoteSource {

  /** Short name for logs and health, e.g. "sim", "replay data/day.csv", "excel RTD.xlsx!Quotes". */
  String describe();

  /** Prepares the source; a failure here stops start-up with its message. */
  default void open() throws Exception {
  }

  /** The quotes the source holds now, stamped {@code now}; a failure is logged and the next poll retries. */
  List<Quote> poll(Instant now) throws Exception;

  /**
   * Called on a fresh thread after a read on the old one was given up as stuck: take fresh thread-bound resources
   * (COM objects belong to the thread that made them) without touching the stuck thread's.
   */
  default void reattach() throws Exception {
  }

  /** Releases what {@link #open} took. */
  default void close() {
  }
}
