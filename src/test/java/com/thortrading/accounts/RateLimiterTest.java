package com.thortrading.accounts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void aBurstPassesThenTheRateHoldsAndTheWaitIsExact() {
    RateLimiter limiter = new RateLimiter(10, 20, now::get, 100);
    for (int i = 0; i < 20; i++) {
      assertThat(limiter.acquire("t")).as("request %d of the burst", i).isZero();
    }
    assertThat(limiter.acquire("t")).isEqualTo(100_000_000L); // one token every 100 ms
    now.addAndGet(100_000_000L);
    assertThat(limiter.acquire("t")).isZero();
    assertThat(limiter.acquire("t")).isPositive();
  }

  @Test
  void keysAreIndependent() {
    RateLimiter limiter = new RateLimiter(1, 1, now::get, 100);
    assertThat(limiter.acquire("a")).isZero();
    assertThat(limiter.acquire("a")).isPositive();
    assertThat(limiter.acquire("b")).isZero();
  }

  @Test
  void waitNanosTakesNothing() {
    RateLimiter limiter = new RateLimiter(1, 2, now::get, 100);
    assertThat(limiter.waitNanos("a")).isZero();
    limiter.acquire("a");
    limiter.acquire("a");
    long wait = limiter.waitNanos("a");
    assertThat(wait).isEqualTo(1_000_000_000L);
    assertThat(limiter.waitNanos("a")).isEqualTo(wait);
    now.addAndGet(wait);
    assertThat(limiter.waitNanos("a")).isZero();
  }

  @Test
  void theBucketNeverHoldsMoreThanTheBurst() {
    RateLimiter limiter = new RateLimiter(1, 3, now::get, 100);
    limiter.acquire("a");
    now.addAndGet(3_600_000_000_000L);
    for (int i = 0; i < 3; i++) {
      assertThat(limiter.acquire("a")).isZero();
    }
    assertThat(limiter.acquire("a")).isPositive();
  }

  @Test
  void memoryIsBoundedByForgettingTheLeastRecentKey() {
    RateLimiter limiter = new RateLimiter(1, 1, now::get, 2);
    limiter.acquire("a");
    limiter.acquire("b");
    limiter.acquire("c"); // "a" is forgotten: forgiven, never wrongly refused
    assertThat(limiter.acquire("a")).isZero();
    assertThat(limiter.acquire("c")).isPositive();
  }
}
