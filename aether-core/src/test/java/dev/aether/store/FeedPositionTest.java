package dev.aether.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class FeedPositionTest {

  @Test
  void start_isTheTextStart_andHoldsNothing() {
    assertThat(FeedPosition.START).hasToString("start");
    assertThat(FeedPosition.parse("start")).isSameAs(FeedPosition.START);
    assertThat(FeedPosition.START.partitions()).isEmpty();
    assertThat(FeedPosition.START.sequence(0)).isZero();
    assertThat(FeedPosition.START.eventIndex(0)).isEmpty();
  }

  @Test
  void with_keepsPartitionsAscending_andTheTextRoundTrips() {
    FeedPosition position = FeedPosition.START.with(2, 5, 1).with(0, 17).with(1023, 9_000_000_000L);

    assertThat(position).hasToString("0:17,2:5.1,1023:9000000000");
    assertThat(position.partitions()).containsExactly(0, 2, 1023);
    assertThat(position.sequence(2)).isEqualTo(5);
    assertThat(position.eventIndex(2)).isEqualTo(OptionalInt.of(1));
    assertThat(position.eventIndex(0)).isEmpty();
    assertThat(position.sequence(1)).isZero();
    assertThat(FeedPosition.parse(position.toString())).isEqualTo(position).hasSameHashCodeAs(position);
  }

  @Test
  void with_replacesAPartition_andLeavesTheOriginalUnchanged() {
    FeedPosition first = FeedPosition.START.with(0, 3, 0);
    FeedPosition second = first.with(0, 3);

    assertThat(first).hasToString("0:3.0");
    assertThat(second).hasToString("0:3");
  }

  @Test
  void covers_ordersBySequenceThenIndex_aWholeCommitLast() {
    FeedPosition partial0 = FeedPosition.START.with(0, 5, 0);
    FeedPosition partial1 = FeedPosition.START.with(0, 5, 1);
    FeedPosition whole = FeedPosition.START.with(0, 5);
    FeedPosition next = FeedPosition.START.with(0, 6, 0);

    List<FeedPosition> ascending = List.of(FeedPosition.START, partial0, partial1, whole, next);
    for (int i = 0; i < ascending.size(); i++) {
      for (int j = 0; j < ascending.size(); j++) {
        assertThat(ascending.get(i).covers(ascending.get(j))).as("%s covers %s", i, j).isEqualTo(i >= j);
        assertThat(ascending.get(i).isAfter(ascending.get(j))).as("%s after %s", i, j).isEqualTo(i > j);
      }
    }
  }

  @Test
  void covers_needsEveryPartitionOfTheOther() {
    FeedPosition a = FeedPosition.START.with(0, 10).with(1, 2);
    FeedPosition b = FeedPosition.START.with(0, 3).with(1, 4);

    assertThat(a.covers(b)).isFalse();
    assertThat(b.covers(a)).isFalse();
    assertThat(a.covers(FeedPosition.START.with(0, 10))).isTrue();
    assertThat(FeedPosition.START.with(0, 10).covers(a)).isFalse();
  }

  @Test
  void parse_refusesAnythingButTheCanonicalForm() {
    for (String bad : List.of("", " ", "0", "0:", ":5", "0:0", "0:05", "00:5", "0:5.", "0:5.01", "0:5,0:6",
        "1:5,0:6", "0:5;1:6", "0:5 ", "1024:1", "-1:5", "0:-5", "0:99999999999999999999", "0:5.99999999999",
        "START", "0:5,")) {
      assertThatThrownBy(() -> FeedPosition.parse(bad)).as(bad)
          .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("position"));
    }
    assertThatThrownBy(() -> FeedPosition.parse(null))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("position"));
  }

  @Test
  void with_refusesOutOfRangeArguments() {
    assertThatThrownBy(() -> FeedPosition.START.with(-1, 1)).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.field()).isEqualTo("partition"));
    assertThatThrownBy(() -> FeedPosition.START.with(1024, 1)).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.field()).isEqualTo("partition"));
    assertThatThrownBy(() -> FeedPosition.START.with(0, 0)).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.field()).isEqualTo("sequence"));
    assertThatThrownBy(() -> FeedPosition.START.with(0, 1, -1)).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.field()).isEqualTo("eventIndex"));
    assertThatThrownBy(() -> FeedPosition.START.covers(null)).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.field()).isEqualTo("other"));
  }

  @Test
  void feedStartAfter_refusesNull() {
    assertThatThrownBy(() -> FeedStart.after(null)).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.field()).isEqualTo("position"));
  }
}
