package dev.aether.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class CommandWindowTest {

  @Test
  void remembers_andFinds_withTheVersionRange() {
    CommandWindow w = new CommandWindow();
    w.record("a", 1, 2, 10);
    w.record("b", 3, 2, 10);

    assertThat(w.find("a")).isEqualTo(new CommandWindow.Entry("a", 1, 2));
    assertThat(w.find("b").hasEvents()).isFalse();
    assertThat(w.find("c")).isNull();
  }

  @Test
  void replayedEventsOfOneCommand_extendItsEntry() {
    CommandWindow w = new CommandWindow();
    w.record("a", 1, 1, 10);
    w.record("a", 2, 2, 10);
    w.record("b", 3, 3, 10);

    assertThat(w.entries()).containsExactly(new CommandWindow.Entry("a", 1, 2), new CommandWindow.Entry("b", 3, 3));
  }

  @Property
  void keepsExactlyTheNewestIds(@ForAll @IntRange(min = 1, max = 40) int capacity,
      @ForAll @IntRange(min = 0, max = 120) int count) {
    CommandWindow w = new CommandWindow();
    for (int i = 0; i < count; i++) {
      w.record("id-" + i, i + 1, i + 1, capacity);
    }
    int kept = Math.min(capacity, count);
    assertThat(w.size()).isEqualTo(kept);
    for (int i = 0; i < count; i++) {
      boolean expected = i >= count - kept;
      assertThat(w.find("id-" + i) != null).as("id-%d", i).isEqualTo(expected);
    }
    assertThat(w.entries()).extracting(CommandWindow.Entry::firstVersion).isSorted().hasSize(kept);
  }
}
