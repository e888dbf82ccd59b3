package com.thortrading.accounts;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Token buckets by key (a token's id, a remote address): {@code perSecond} refills, {@code burst} at most.
 *
 * <p>Bounded: past {@code maxKeys} buckets the least recently used goes, which only ever forgives a key,
 * so a flood of new keys cannot exhaust memory. Thread-safe; time comes from {@code nanos}.
 */
public final class RateLimiter {

  private final double perNano;
  private final double burst;
  private final LongSupplier nanos;
  private final int maxKeys;
  private final Map<String, Bucket> buckets;

  private static final class Bucket {
    double tokens;
    long at;

    Bucket(double tokens, long at) {
      this.tokens = tokens;
      this.at = at;
    }
  }

  public RateLimiter(double perSecond, double burst, LongSupplier nanos, int maxKeys) {
    if (perSecond <= 0 || burst < 1) {
      throw new IllegalArgumentException("a rate needs a positive refill and a burst of at least 1");
    }
    this.perNano = perSecond / 1e9;
    this.burst = burst;
    this.nanos = nanos;
    this.maxKeys = maxKeys;
    this.buckets = new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
        return size() > RateLimiter.this.maxKeys;
      }
    };
  }

  /** Takes one token: 0 when there was one, else how many nanoseconds until there will be (nothing taken). */
  public synchronized long acquire(String key) {
    Bucket b = refilled(key);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return waitFor(b);
  }

  /** Without taking anything: 0 when a token is there, else nanoseconds until one is. */
  public synchronized long waitNanos(String key) {
    Bucket b = buckets.get(key);
    if (b == null) {
      return 0;
    }
    refill(b);
    return b.tokens >= 1 ? 0 : waitFor(b);
  }

  private long waitFor(Bucket b) {
    return (long) Math.ceil((1 - b.tokens) / perNano);
  }

  private Bucket refilled(String key) {
    Bucket b = buckets.get(key);
    if (b == null) {
      b = new Bucket(burst, nanos.getAsLong());
      buckets.put(key, b);
      return b;
    }
    refill(b);
    return b;
  }

  private void refill(Bucket b) {
    long now = nanos.getAsLong();
    b.tokens = Math.min(burst, b.tokens + (now - b.at) * perNano);
    b.at = now;
  }
}
