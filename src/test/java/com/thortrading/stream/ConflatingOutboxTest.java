package com.thortrading.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ConflatingOutboxTest {

  private static final long SECOND = 1_000_000_000L;

  @Test
  void writesGoStraightOutWhileTheClientKeepsUp() {
    ConflatingOutbox outbox = new ConflatingOutbox(2, SECOND);

    assertThat(outbox.offer("A", "a1", false, 0)).isTrue();
    assertThat(outbox.written(false, 1)).isEmpty();
    assertThat(outbox.offer("A", "a2", false, 2)).isTrue();
    assertThat(outbox.inFlight()).isEqualTo(1);
    assertThat(outbox.waiting()).isZero();
  }

  @Test
  void beyondTheInFlightBoundOnlyTheNewestPerKeyWaits() {
    ConflatingOutbox outbox = new ConflatingOutbox(2, SECOND);
    assertThat(outbox.offer("A", "a1", false, 0)).isTrue();
    assertThat(outbox.offer("B", "b1", false, 0)).isTrue();

    for (int i = 2; i <= 1000; i++) {
      assertThat(outbox.offer("A", "a" + i, false, i)).isFalse();
      assertThat(outbox.offer("B", "b" + i, false, i)).isFalse();
    }

    assertThat(outbox.waiting()).isEqualTo(2); // bounded by keys, not by messages
    assertThat(outbox.conflated()).isEqualTo(2 * 998);
    assertThat(outbox.written(false, 2000)).containsExactly("a1000");
    assertThat(outbox.written(false, 2001)).containsExactly("b1000");
    assertThat(outbox.written(false, 2002)).isEmpty();
    assertThat(outbox.waiting()).isZero();
  }

  @Test
  void aFullSocketMakesMessagesWaitEvenWithWritesToSpare() {
    ConflatingOutbox outbox = new ConflatingOutbox(100, SECOND);

    assertThat(outbox.offer("A", "a1", true, 0)).isFalse();
    assertThat(outbox.offer("A", "a2", true, 1)).isFalse();
    assertThat(outbox.drain(true, 2)).isEmpty();
    assertThat(outbox.drain(false, 3)).containsExactly("a2");
  }

  @Test
  void messagesAreNeverReorderedBehindWaitingOnes() {
    ConflatingOutbox outbox = new ConflatingOutbox(1, SECOND);
    assertThat(outbox.offer("A", "a1", false, 0)).isTrue();
    assertThat(outbox.offer("B", "b1", false, 0)).isFalse();
    assertThat(outbox.offer("C", "c1", false, 0)).isFalse();

    assertThat(outbox.written(false, 1)).containsExactly("b1");
    assertThat(outbox.written(false, 2)).containsExactly("c1");
  }

  @Test
  void aClientThatStopsReadingIsTooFarBehindAfterTheBoundButOneThatReadsIsNot() {
    ConflatingOutbox stuck = new ConflatingOutbox(1, SECOND);
    stuck.offer("A", "a1", false, 0);
    stuck.offer("A", "a2", false, 0);
    assertThat(stuck.tooFarBehind(SECOND)).isFalse();
    assertThat(stuck.tooFarBehind(SECOND + 1)).isTrue();

    ConflatingOutbox slow = new ConflatingOutbox(1, SECOND);
    slow.offer("A", "a1", false, 0);
    for (long t = 1; t < 10; t++) {
      slow.offer("A", "a" + t, false, t * SECOND / 2);
      List<String> out = slow.written(false, t * SECOND / 2); // it takes one message every half second
      assertThat(out).hasSize(1);
      assertThat(slow.tooFarBehind(t * SECOND / 2 + 1)).isFalse();
    }
  }
}
