package com.thortrading.stream;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One client's outgoing messages, bounded however slow the client reads.
 *
 * <p>Up to {@code maxInFlight} writes may be unacknowledged (the socket has not taken them yet). Beyond that,
 * messages wait here keyed by what they are about (a symbol's quote, one order's update): a newer message for
 * the same key replaces the waiting one, so the client always gets the newest state and never a stale queue,
 * and what waits is bounded by the number of keys the client follows. A client whose messages have waited
 * longer than {@code maxBehindNanos} is too slow to keep.
 */
public final class ConflatingOutbox {

  private final int maxInFlight;
  private final long maxBehindNanos;
  private final LinkedHashMap<String, String> waiting = new LinkedHashMap<>();
  private int inFlight;
  private long behindSince = -1;
  private long conflated;

  public ConflatingOutbox(int maxInFlight, long maxBehindNanos) {
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1");
    }
    this.maxInFlight = maxInFlight;
    this.maxBehindNanos = maxBehindNanos;
  }

  /**
   * A message for the client. Returns true when it should be written now (the caller then writes it and calls
   * {@link #written} when the write completes); false when it waits, replacing an older one of the same key.
   *
   * @param socketFull whether the socket itself reports a full write queue
   */
  public boolean offer(String key, String frame, boolean socketFull, long now) {
    if (waiting.isEmpty() && inFlight < maxInFlight && !socketFull) {
      inFlight++;
      return true;
    }
    if (waiting.remove(key) != null) {
      conflated++;
    }
    waiting.put(key, frame);
    if (behindSince < 0) {
      behindSince = now;
    }
    return false;
  }

  /** A write completed (or failed): returns the waiting messages that may be written now, oldest first. */
  public List<String> written(boolean socketFull, long now) {
    inFlight = Math.max(0, inFlight - 1);
    return drain(socketFull, now);
  }

  /** The waiting messages that fit now (for a socket that reported it drained); each counts as in flight. */
  public List<String> drain(boolean socketFull, long now) {
    List<String> ready = new ArrayList<>();
    Iterator<Map.Entry<String, String>> it = waiting.entrySet().iterator();
    while (it.hasNext() && inFlight < maxInFlight && !socketFull) {
      ready.add(it.next().getValue());
      it.remove();
      inFlight++;
    }
    if (waiting.isEmpty()) {
      behindSince = -1;
    } else if (!ready.isEmpty()) {
      behindSince = now; // progress: the client is reading, give it a fresh allowance
    }
    return ready;
  }

  /** Whether messages have waited longer than allowed: the client should be disconnected. */
  public boolean tooFarBehind(long now) {
    return behindSince >= 0 && now - behindSince > maxBehindNanos;
  }

  public int waiting() {
    return waiting.size();
  }

  public int inFlight() {
    return inFlight;
  }

  /** Messages replaced by a newer one before the client could take them. */
  public long conflated() {
    return conflated;
  }
}
