package dev.aether.nats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RecentAcksTest {

  @Test
  void remembersWhatWasAcknowledged() {
    RecentAcks acks = new RecentAcks();
    acks.add(7);
    acks.add(9);

    assertThat(acks.contains(7)).isTrue();
    assertThat(acks.contains(9)).isTrue();
    assertThat(acks.contains(8)).isFalse();
  }

  @Test
  void anEmptySlotIsNoSequence() {
    assertThat(new RecentAcks().contains(0)).isFalse();
  }

  @Test
  void forgetsTheOldestBeyondItsCapacity() {
    RecentAcks acks = new RecentAcks();
    for (long s = 1; s <= RecentAcks.CAPACITY + 1; s++) {
      acks.add(s);
    }

    assertThat(acks.contains(1)).isFalse();
    assertThat(acks.contains(2)).isTrue();
    assertThat(acks.contains(RecentAcks.CAPACITY + 1)).isTrue();
  }
}
