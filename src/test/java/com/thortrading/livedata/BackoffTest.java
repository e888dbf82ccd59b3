package com.thortrading.livedata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void doublesUpToTheCapAndStartsOverAfterReset() {
    Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(1000));

    assertThat(backoff.nextDelay()).isEqualTo(Duration.ofMillis(100));
    assertThat(backoff.nextDelay()).isEqualTo(Duration.ofMillis(200));
    assertThat(backoff.nextDelay()).isEqualTo(Duration.ofMillis(400));
    assertThat(backoff.nextDelay()).isEqualTo(Duration.ofMillis(800));
    assertThat(backoff.nextDelay()).isEqualTo(Duration.ofMillis(1000));
    for (int i = 0; i < 100; i++) {
      backoff.nextDelay();
    }
    assertThat(backoff.nextDelay()).isEqualTo(Duration.ofMillis(1000));
    assertThat(backoff.failures()).isEqualTo(106);

    backoff.reset();
    assertThat(backoff.failures()).isZero();
    assertThat(backoff.nextDelay()).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void refusesANonsenseRange() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
  }
}
