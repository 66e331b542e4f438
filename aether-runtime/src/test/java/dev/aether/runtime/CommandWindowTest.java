package dev.aether.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
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

  private static final String UUID_A = "0190a3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b";
  /** Two canonical UUIDs with equal hash codes that differ only in their low 64 bits. */
  private static final String SAME_HASH_LOW_1 = "01900000-0000-7000-8c40-15b7eb42a1fd";
  private static final String SAME_HASH_LOW_2 = "01900000-0000-7000-86fa-de9ab7d2a081";
  /** Two canonical UUIDs with equal hash codes that differ only in their high 64 bits. */
  private static final String SAME_HASH_HIGH_1 = "d27c760c-f9d7-83c1-8000-000000000001";
  private static final String SAME_HASH_HIGH_2 = "86f7cc03-c4eb-9fdb-8000-000000000001";

  @Test
  void uuidIds_areFound_andGivenBackExactlyAsRecorded() {
    CommandWindow w = new CommandWindow();
    w.record(UUID_A, 1, 1, 10);
    w.record("order-7", 2, 3, 10);

    assertThat(w.find(UUID_A)).isEqualTo(new CommandWindow.Entry(UUID_A, 1, 1));
    assertThat(w.find(new String(UUID_A.toCharArray()))).isEqualTo(new CommandWindow.Entry(UUID_A, 1, 1));
    assertThat(w.find("order-7")).isEqualTo(new CommandWindow.Entry("order-7", 2, 3));
    assertThat(w.entries()).extracting(CommandWindow.Entry::commandId).containsExactly(UUID_A, "order-7");
  }

  @Test
  void uppercaseUuid_isAnotherId_thanTheLowercaseOne() {
    String upper = UUID_A.toUpperCase(Locale.ROOT);
    CommandWindow w = new CommandWindow();
    w.record(UUID_A, 1, 1, 10);

    assertThat(w.find(upper)).isNull();

    w.record(upper, 2, 2, 10);

    assertThat(w.find(UUID_A)).isEqualTo(new CommandWindow.Entry(UUID_A, 1, 1));
    assertThat(w.find(upper)).isEqualTo(new CommandWindow.Entry(upper, 2, 2));
    assertThat(w.entries()).extracting(CommandWindow.Entry::commandId).containsExactly(UUID_A, upper);
  }

  @Test
  void uuidLikeIdsThatAreNotCanonical_areKeptAndFoundAsGiven() {
    List<String> ids = List.of("1-1-1-1-1", "0190a3c45d6e7f809a1b2c3d4e5f6a7b", "{" + UUID_A + "}",
        "0190a3c4-5d6e-7f80-9a1b-2c3d4e5f6a7g", "0190a3c4-5d6e-7f80-9a1b+2c3d4e5f6a7b",
        "0190A3c4-5d6e-7f80-9a1b-2c3d4e5f6a7b", "0190a3c4-5d6e-7f80-9a1b-2c3d4e5f6a7\u00e9", UUID_A + " ", "",
        "0190a3c4_5d6e-7f80-9a1b-2c3d4e5f6a7b", "0190a3c4-5d6e_7f80-9a1b-2c3d4e5f6a7b",
        "0190a3c4-5d6e-7f80_9a1b-2c3d4e5f6a7b", "0190a3c4-5d6e-7f80-9a1b_2c3d4e5f6a7b");
    CommandWindow w = new CommandWindow();
    for (int i = 0; i < ids.size(); i++) {
      w.record(ids.get(i), i + 1, i + 1, 20);
    }

    for (int i = 0; i < ids.size(); i++) {
      assertThat(w.find(ids.get(i))).as(ids.get(i)).isEqualTo(new CommandWindow.Entry(ids.get(i), i + 1, i + 1));
    }
    assertThat(w.find(UUID_A)).isNull();
    assertThat(w.entries()).extracting(CommandWindow.Entry::commandId).containsExactlyElementsOf(ids);
  }

  @Test
  void uuidsWithEqualHashCodes_areTold_apart() {
    CommandWindow w = new CommandWindow();
    w.record(SAME_HASH_LOW_1, 1, 1, 10);
    w.record(SAME_HASH_HIGH_1, 2, 2, 10);

    assertThat(SAME_HASH_LOW_1.hashCode()).isEqualTo(SAME_HASH_LOW_2.hashCode());
    assertThat(SAME_HASH_HIGH_1.hashCode()).isEqualTo(SAME_HASH_HIGH_2.hashCode());
    assertThat(w.find(SAME_HASH_LOW_2)).isNull();
    assertThat(w.find(SAME_HASH_HIGH_2)).isNull();
    assertThat(w.find(SAME_HASH_LOW_1)).isEqualTo(new CommandWindow.Entry(SAME_HASH_LOW_1, 1, 1));
    assertThat(w.find(SAME_HASH_HIGH_1)).isEqualTo(new CommandWindow.Entry(SAME_HASH_HIGH_1, 2, 2));
  }

  @Test
  void uuidAndTextIdWithEqualHashCodes_areTold_apart() {
    // "0a" -> "1B" keeps String.hashCode (+1 * 31, -31 * 1): the text id is the UUID with one pair changed
    String uuid = "0190a3c4-5d6e-7f80-9a1b-2c3d4e5f60a7";
    String text = "0190a3c4-5d6e-7f80-9a1b-2c3d4e5f61B7";
    CommandWindow w = new CommandWindow();
    w.record(uuid, 1, 1, 10);

    assertThat(text.hashCode()).isEqualTo(uuid.hashCode());
    assertThat(w.find(text)).isNull();

    CommandWindow other = new CommandWindow();
    other.record(text, 1, 1, 10);

    assertThat(other.find(uuid)).isNull();
    assertThat(other.find(text)).isNotNull();
  }

  @Test
  void idDifferingFromAUuidOnlyWhereItsHyphensAre_withTheSameHashCode_isAnotherId() {
    // the hex digits, hence the halves, are the same; three hyphens are other characters, chosen so that the
    // hash code is too
    String other = UUID_A.substring(0, 13) + "." + UUID_A.substring(14, 18) + "\u9419" + UUID_A.substring(19, 23)
        + "\u4dd8" + UUID_A.substring(24);
    CommandWindow w = new CommandWindow();
    w.record(UUID_A, 1, 1, 10);

    assertThat(other.hashCode()).isEqualTo(UUID_A.hashCode());
    assertThat(w.find(other)).isNull();
  }

  @Test
  void largerCapacity_afterWrapAround_keepsTheEntriesInOrder() {
    CommandWindow w = new CommandWindow();
    for (int i = 1; i <= 5; i++) {
      w.record(i % 2 == 0 ? "id-" + i : new UUID(0, i).toString(), i, i, 3);
    }

    w.record("id-6", 6, 6, 10);

    assertThat(w.entries()).containsExactly(new CommandWindow.Entry(new UUID(0, 3).toString(), 3, 3),
        new CommandWindow.Entry("id-4", 4, 4), new CommandWindow.Entry(new UUID(0, 5).toString(), 5, 5),
        new CommandWindow.Entry("id-6", 6, 6));
    assertThat(w.find(new UUID(0, 3).toString())).isEqualTo(new CommandWindow.Entry(new UUID(0, 3).toString(), 3, 3));
  }

  @Test
  void replayedEventsOfOneUuidCommand_extendItsEntry_butAnUppercaseVariantDoesNot() {
    CommandWindow w = new CommandWindow();
    w.record(UUID_A, 1, 1, 10);
    w.record(UUID_A, 2, 2, 10);
    w.record(UUID_A.toUpperCase(Locale.ROOT), 3, 3, 10);

    assertThat(w.entries()).containsExactly(new CommandWindow.Entry(UUID_A, 1, 2),
        new CommandWindow.Entry(UUID_A.toUpperCase(Locale.ROOT), 3, 3));
  }

  @Test
  void clear_forgetsUuidAndTextIds() {
    CommandWindow w = new CommandWindow();
    w.record(UUID_A, 1, 1, 10);
    w.record("order-7", 2, 2, 10);

    w.clear();
    w.record("order-8", 3, 3, 10);

    assertThat(w.find(UUID_A)).isNull();
    assertThat(w.find("order-7")).isNull();
    assertThat(w.entries()).containsExactly(new CommandWindow.Entry("order-8", 3, 3));
  }

  /**
   * Against a plain list of entries: the window keeps the newest {@code capacity} entries (a repeated id
   * after others is a new entry), finds the newest entry of an id among them, and gives the ids back as given.
   */
  @Property
  void mixedIds_withRepeatsAndWrapAround_behaveLikeAListOfTheNewestEntries(
      @ForAll @IntRange(min = 1, max = 12) int capacity, @ForAll @Size(max = 60) List<@From("ids") String> ids) {
    CommandWindow w = new CommandWindow();
    List<CommandWindow.Entry> model = new ArrayList<>();
    long version = 0;
    for (String id : ids) {
      version++;
      CommandWindow.Entry newest = model.isEmpty() ? null : model.getLast();
      if (newest != null && newest.commandId().equals(id) && newest.hasEvents()) {
        model.set(model.size() - 1, new CommandWindow.Entry(id, newest.firstVersion(), version));
      } else {
        model.add(new CommandWindow.Entry(id, version, version));
      }
      while (model.size() > capacity) {
        model.removeFirst();
      }
      w.record(id, version, version, capacity);
    }

    assertThat(w.entries()).isEqualTo(model);
    for (String id : ids) {
      CommandWindow.Entry expected = model.reversed().stream().filter(e -> e.commandId().equals(id)).findFirst()
          .orElse(null);
      assertThat(w.find(id)).as(id).isEqualTo(expected);
    }
  }

  @Provide
  Arbitrary<String> ids() {
    // few distinct ids, so that they repeat: UUIDs, their uppercase forms and non-UUID text
    List<String> uuids = List.of(UUID_A, SAME_HASH_LOW_1, SAME_HASH_LOW_2, SAME_HASH_HIGH_1, SAME_HASH_HIGH_2,
        UUID.nameUUIDFromBytes(new byte[] {1}).toString());
    List<String> all = new ArrayList<>(uuids);
    uuids.forEach(u -> all.add(u.toUpperCase(Locale.ROOT)));
    all.addAll(List.of("a", "Aa", "BB", "order-1", "1-1-1-1-1"));
    return Arbitraries.of(all);
  }
}
