package dev.aether.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class ActorSnapshotTest {

  private static final Instant TAKEN = Instant.parse("2026-11-26T23:39:36.123456789Z");

  @Test
  void of_usesAnEmptySchemaAndTheCurrentTime() {
    // given
    Instant before = Instant.now();
    // when
    ActorSnapshot snapshot = ActorSnapshot.of("actor-1", 3, Map.of("balance", 10));
    // then
    assertThat(snapshot.streamId()).isEqualTo("actor-1");
    assertThat(snapshot.version()).isEqualTo(3);
    assertThat(snapshot.schema()).isEmpty();
    assertThat(snapshot.timestamp()).isAfterOrEqualTo(before).isBeforeOrEqualTo(Instant.now());
  }

  @Test
  void create_withInvalidFields_isRefusedNamingTheField() {
    assertRefused(() -> new ActorSnapshot(" ", 1, Map.of(), TAKEN, ""), "streamId");
    assertRefused(() -> new ActorSnapshot(null, 1, Map.of(), TAKEN, ""), "streamId");
    assertRefused(() -> new ActorSnapshot("a".repeat(Event.MAX_STREAM_ID_BYTES + 1), 1, Map.of(), TAKEN, ""),
        "streamId");
    assertRefused(() -> new ActorSnapshot("actor-1", 0, Map.of(), TAKEN, ""), "version");
    assertRefused(() -> new ActorSnapshot("actor-1", -1, Map.of(), TAKEN, ""), "version");
    assertRefused(() -> new ActorSnapshot("actor-1", 1, Map.of(), null, ""), "timestamp");
    assertRefused(() -> new ActorSnapshot("actor-1", 1, Map.of(), TAKEN, null), "schema");
    assertRefused(() -> ActorSnapshot.of("actor-1", 1, Map.of()).withSchema(null), "schema");
  }

  @Test
  void create_withStateThatJsonCannotRepresent_isRefusedNamingItsPath() {
    assertRefused(() -> ActorSnapshot.of("actor-1", 1, Map.of("items", List.of(1, new Object()))), "state.items[1]");
    assertRefused(() -> ActorSnapshot.of("actor-1", 1, Map.of("ratio", Double.NaN)), "state.ratio");
  }

  @Test
  void create_withNullState_givesAnEmptyState() {
    assertThat(new ActorSnapshot("actor-1", 1, null, TAKEN, "").state()).isEmpty();
  }

  @Test
  void state_normalisesNumbers() {
    // when
    ActorSnapshot snapshot = ActorSnapshot.of("actor-1", 1,
        Map.of("int", 1, "float", 0.5f, "decimal", new BigDecimal("4.00"), "list", List.of(2)));
    // then
    assertThat(snapshot.state())
        .isEqualTo(Map.of("int", 1L, "float", 0.5, "decimal", 4L, "list", List.of(2L)));
  }

  @Test
  @SuppressWarnings("unchecked")
  void state_isDeeplyUnmodifiableAndIndependentOfItsSource() {
    // given
    Map<String, Object> source = new HashMap<>();
    source.put("items", new ArrayList<>(List.of("a")));
    source.put("nested", new HashMap<>(Map.of("k", "v")));
    ActorSnapshot snapshot = ActorSnapshot.of("actor-1", 1, source);
    // when
    ((List<Object>) source.get("items")).add("b");
    ((Map<String, Object>) source.get("nested")).put("k", "changed");
    source.put("added", true);
    // then
    assertThat(snapshot.state()).isEqualTo(Map.of("items", List.of("a"), "nested", Map.of("k", "v")));
    assertThatThrownBy(() -> snapshot.state().put("added", true)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((List<Object>) snapshot.state().get("items")).add("b"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((Map<String, Object>) snapshot.state().get("nested")).clear())
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void withSchema_changesOnlyTheSchema() {
    // given
    ActorSnapshot snapshot = new ActorSnapshot("actor-1", 4, Map.of("n", 1L), TAKEN, "v1");
    // when
    ActorSnapshot copy = snapshot.withSchema("v2");
    // then
    assertThat(copy).isEqualTo(new ActorSnapshot("actor-1", 4, Map.of("n", 1L), TAKEN, "v2"));
    assertThat(snapshot.schema()).isEqualTo("v1");
  }

  @Test
  void equals_comparesEveryField() {
    ActorSnapshot snapshot = new ActorSnapshot("actor-1", 4, Map.of("n", 1L), TAKEN, "v1");
    assertThat(snapshot).isEqualTo(new ActorSnapshot("actor-1", 4, Map.of("n", 1), TAKEN, "v1"))
        .hasSameHashCodeAs(new ActorSnapshot("actor-1", 4, Map.of("n", 1), TAKEN, "v1"));
    assertThat(snapshot).isNotEqualTo(new ActorSnapshot("actor-2", 4, Map.of("n", 1L), TAKEN, "v1"));
    assertThat(snapshot).isNotEqualTo(new ActorSnapshot("actor-1", 5, Map.of("n", 1L), TAKEN, "v1"));
    assertThat(snapshot).isNotEqualTo(new ActorSnapshot("actor-1", 4, Map.of("n", 2L), TAKEN, "v1"));
    assertThat(snapshot).isNotEqualTo(new ActorSnapshot("actor-1", 4, Map.of("n", 1L), TAKEN.plusNanos(1), "v1"));
    assertThat(snapshot).isNotEqualTo(snapshot.withSchema("v2"));
  }

  private static void assertRefused(ThrowingCallable call, String field) {
    assertThatExceptionOfType(InvalidInputException.class).isThrownBy(call)
        .extracting(InvalidInputException::field).isEqualTo(field);
  }
}
