package com.thortrading.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RateCapTest {

  private static final long MS = 1_000_000;

  @Test
  void leadingEdgeGoesAtOnceAndTheNewestGoesAtTheEndOfTheWindow() {
    RateCap<String> cap = RateCap.perSecond(20); // 50 ms windows

    assertThat(cap.offer("a", 0)).isEqualTo(RateCap.Verdict.SEND);
    assertThat(cap.offer("b", 10 * MS)).isEqualTo(RateCap.Verdict.HOLD);
    assertThat(cap.offer("c", 20 * MS)).isEqualTo(RateCap.Verdict.HOLD);
    assertThat(cap.windowEnd()).isEqualTo(50 * MS);
    assertThat(cap.windowEnded()).contains("c");
    assertThat(cap.replaced()).isEqualTo(1);
    // The trailing send opened a new window.
    assertThat(cap.offer("d", 60 * MS)).isEqualTo(RateCap.Verdict.HOLD);
    assertThat(cap.windowEnded()).contains("d");
    assertThat(cap.windowEnded()).isEmpty();
    // Quiet for a window: the next value is a new leading edge.
    assertThat(cap.offer("e", 151 * MS)).isEqualTo(RateCap.Verdict.SEND);
  }

  @Test
  void aBurstOfAThousandInOneHundredMillisecondsIsAHandfulEndingWithTheNewest() {
    RateCap<Integer> cap = RateCap.perSecond(20);
    List<Integer> sent = new ArrayList<>();
    long nextTimer = -1;
    for (int i = 0; i < 1000; i++) {
      long now = i * 100 * MS / 1000; // 1000 values over 100 ms
      if (nextTimer >= 0 && now >= nextTimer) {
        cap.windowEnded().ifPresent(sent::add);
        nextTimer = -1;
      }
      if (cap.offer(i, now) == RateCap.Verdict.SEND) {
        sent.add(i);
      } else if (nextTimer < 0) {
        nextTimer = cap.windowEnd();
      }
    }
    cap.windowEnded().ifPresent(sent::add);

    assertThat(sent).hasSizeBetween(2, 4).startsWith(0).endsWith(999);
  }

  @Test
  void valuesThatArrivedAWindowApartAreAllSentHoweverLateTheyAreOffered() {
    RateCap<String> cap = RateCap.perSecond(20);
    // A loop that stalled offers three values together; they arrived 200 ms apart, so none of them was a burst.
    assertThat(cap.offer("a", 0)).isEqualTo(RateCap.Verdict.SEND);
    assertThat(cap.offer("b", 200 * MS)).isEqualTo(RateCap.Verdict.SEND);
    assertThat(cap.offer("c", 400 * MS)).isEqualTo(RateCap.Verdict.SEND);
    assertThat(cap.replaced()).isZero();
  }

  @Test
  void aLateTimerOpensTheNextWindowWhereTheLastOneEnded() {
    RateCap<String> cap = RateCap.perSecond(20);
    cap.offer("a", 0);
    assertThat(cap.offer("b", 10 * MS)).isEqualTo(RateCap.Verdict.HOLD);
    // The timer for 50 ms fires late; "c" arrived at 120 ms, after the window following the trailing edge ended.
    assertThat(cap.windowEnded()).contains("b");
    assertThat(cap.windowEnd()).isEqualTo(100 * MS);
    assertThat(cap.offer("c", 120 * MS)).isEqualTo(RateCap.Verdict.SEND);
  }

  @Test
  void zeroRateMeansNoCap() {
    RateCap<String> cap = RateCap.perSecond(0);
    for (int i = 0; i < 100; i++) {
      assertThat(cap.offer("x" + i, i)).isEqualTo(RateCap.Verdict.SEND);
    }
    assertThat(cap.holding()).isFalse();
  }
}
