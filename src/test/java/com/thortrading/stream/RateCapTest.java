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

    assertThat(cap.offer("a", 0)).containsExactly("a");
    assertThat(cap.offer("b", 10 * MS)).isEmpty();
    assertThat(cap.offer("c", 20 * MS)).isEmpty();
    assertThat(cap.holding()).isTrue();
    assertThat(cap.windowEnd()).isEqualTo(50 * MS);
    assertThat(cap.due(49 * MS)).as("not before the window ends").isEmpty();
    assertThat(cap.due(50 * MS)).contains("c");
    assertThat(cap.replaced()).isEqualTo(1);
    // The trailing send opened a new window.
    assertThat(cap.offer("d", 60 * MS)).isEmpty();
    assertThat(cap.due(100 * MS)).contains("d");
    assertThat(cap.due(150 * MS)).isEmpty();
    // Quiet for a window: the next value is a new leading edge.
    assertThat(cap.offer("e", 151 * MS)).containsExactly("e");
  }

  @Test
  void aBurstOfAThousandInOneHundredMillisecondsIsAHandfulEndingWithTheNewest() {
    RateCap<Integer> cap = RateCap.perSecond(20);
    List<Integer> sent = new ArrayList<>();
    for (int i = 0; i < 1000; i++) {
      long now = i * 100 * MS / 1000; // 1000 values over 100 ms
      cap.due(now).ifPresent(sent::add); // the timer, on time
      sent.addAll(cap.offer(i, now));
    }
    cap.due(cap.windowEnd()).ifPresent(sent::add);

    assertThat(sent).hasSizeBetween(2, 4).startsWith(0).endsWith(999);
  }

  @Test
  void valuesThatArrivedAWindowApartAreAllSentHoweverLateTheyAreOffered() {
    RateCap<String> cap = RateCap.perSecond(20);
    // A loop that stalled offers three values together; they arrived 200 ms apart, so none of them was a burst.
    assertThat(cap.offer("a", 0)).containsExactly("a");
    assertThat(cap.offer("b", 200 * MS)).containsExactly("b");
    assertThat(cap.offer("c", 400 * MS)).containsExactly("c");
    assertThat(cap.replaced()).isZero();
  }

  @Test
  void aHeldValueWhoseTimerIsLateGoesOutBeforeALaterArrivalInsteadOfBeingReplacedByIt() {
    RateCap<String> cap = RateCap.perSecond(20);
    cap.offer("a", 0);
    assertThat(cap.offer("b", 10 * MS)).isEmpty();
    // The timer for 50 ms has not fired yet when values that arrived at 120 and 130 ms are offered: "b"'s window
    // ended, so it goes first; the window after it ended at 100 ms, so "c" opens a new one and "d" waits in it.
    assertThat(cap.offer("c", 120 * MS)).containsExactly("b", "c");
    assertThat(cap.offer("d", 130 * MS)).isEmpty();
    assertThat(cap.replaced()).isZero();
    assertThat(cap.due(170 * MS)).contains("d");
  }

  @Test
  void aHeldValueWhoseWindowEndedHoldsALaterArrivalStillInsideTheNextWindow() {
    RateCap<String> cap = RateCap.perSecond(20);
    cap.offer("a", 0);
    cap.offer("b", 10 * MS);
    // "c" arrived at 70 ms: after "b"'s window (50 ms), inside the one its trailing edge opens (to 100 ms).
    assertThat(cap.offer("c", 70 * MS)).containsExactly("b");
    assertThat(cap.holding()).isTrue();
    assertThat(cap.windowEnd()).isEqualTo(100 * MS);
    assertThat(cap.due(100 * MS)).contains("c");
  }

  @Test
  void zeroRateMeansNoCap() {
    RateCap<String> cap = RateCap.perSecond(0);
    for (int i = 0; i < 100; i++) {
      assertThat(cap.offer("x" + i, i)).containsExactly("x" + i);
    }
    assertThat(cap.holding()).isFalse();
  }
}
