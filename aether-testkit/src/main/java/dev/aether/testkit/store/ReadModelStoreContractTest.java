package dev.aether.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.store.FeedPosition;
import dev.aether.store.ReadModelStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What every {@link ReadModelStore} must do; each implementation's test extends this with its factory. */
public abstract class ReadModelStoreContractTest {

  private ReadModelStore store;
  private String rm;

  /** @return a store to test (may be shared between tests: each test uses a fresh read-model name) */
  protected abstract ReadModelStore store();

  @BeforeEach
  void fresh() {
    store = null;
    rm = "rm-" + UUID.randomUUID();
  }

  /** The store of this test, made on first use (after the subclass's own set-up). */
  private ReadModelStore s() {
    if (store == null) {
      store = store();
    }
    return store;
  }

  @Test
  void emptyReadModel_hasNothing() {
    assertThat(s().get(rm, "k")).isEmpty();
    assertThat(s().rows(rm)).isEmpty();
    assertThat(s().checkpoint(rm, "A/1")).isZero();
    assertThat(s().streams(rm)).isEmpty();
    assertThat(s().schema(rm)).isEmpty();
  }

  @Test
  void put_storesTheRow_andAdvancesTheCheckpoint() {
    s().put(rm, "k 1/ü", Map.of("n", 1L, "s", "x"), "A/1", 1);
    s().advance(rm, "A/1", 2);
    s().put(rm, "k2", Map.of("n", 2L), "B/x.y", 7);

    assertThat(s().get(rm, "k 1/ü")).contains(Map.of("n", 1L, "s", "x"));
    assertThat(s().rows(rm)).containsOnlyKeys("k 1/ü", "k2");
    assertThat(s().checkpoint(rm, "A/1")).isEqualTo(2);
    assertThat(s().checkpoint(rm, "B/x.y")).isEqualTo(7);
    assertThat(s().streams(rm)).containsExactlyInAnyOrder("A/1", "B/x.y");
    assertThat(s().rows("other-" + rm)).isEmpty();
  }

  @Test
  void reset_dropsRowsAndCheckpoints_butRemembersTheStreams() {
    s().put(rm, "k", Map.of("n", 1L), "A/1", 3);

    s().reset(rm, "s2");

    assertThat(s().rows(rm)).isEmpty();
    assertThat(s().checkpoint(rm, "A/1")).isZero();
    assertThat(s().streams(rm)).containsExactly("A/1");
    assertThat(s().schema(rm)).contains("s2");
  }

  @Test
  void put_ofAVersionAppliedAlready_changesNothing() {
    s().put(rm, "k", Map.of("n", 2L), "A/1", 2);

    s().put(rm, "k", Map.of("n", 99L), "A/1", 2); // the same event again (a redelivery)
    s().put(rm, "k", Map.of("n", 98L), "A/1", 1); // an older one

    assertThat(s().get(rm, "k")).contains(Map.of("n", 2L));
    assertThat(s().checkpoint(rm, "A/1")).isEqualTo(2);
  }

  @Test
  void advance_neverMovesACheckpointBack() {
    s().advance(rm, "A/1", 5);
    s().advance(rm, "A/1", 3);
    s().advance(rm, "A/1", 0);

    assertThat(s().checkpoint(rm, "A/1")).isEqualTo(5);
  }

  @Test
  void write_replacesTheRow_withoutACheckpoint() {
    s().write(rm, "dl", Map.of("attempts", 1L));
    s().write(rm, "dl", Map.of("attempts", 2L));

    assertThat(s().get(rm, "dl")).contains(Map.of("attempts", 2L));
    assertThat(s().streams(rm)).isEmpty();
  }

  @Test
  void remove_dropsOneRow_andKeepsTheCheckpoints() {
    s().put(rm, "k1", Map.of("n", 1L), "A/1", 1);
    s().put(rm, "k2", Map.of("n", 2L), "A/1", 2);

    s().remove(rm, "k1");
    s().remove(rm, "absent");

    assertThat(s().rows(rm)).containsOnlyKeys("k2");
    assertThat(s().checkpoint(rm, "A/1")).isEqualTo(2);
  }

  @Test
  void feedPosition_isSaved_neverMovesBack_andIsForgottenByReset() {
    assertThat(s().feedPosition(rm)).isEmpty();
    FeedPosition early = FeedPosition.START.with(0, 3);
    FeedPosition later = early.with(1, 7, 2);

    s().saveFeedPosition(rm, later);
    s().saveFeedPosition(rm, early); // a late writer of an older position

    assertThat(s().feedPosition(rm)).contains(later);
    s().reset(rm, "s");
    assertThat(s().feedPosition(rm)).isEmpty();
  }

  @Test
  void concurrentWriters_ofOneRow_loseNoUpdate() throws Exception {
    int writers = 4;
    int each = 25;
    try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < writers; w++) {
        String stream = "A/" + w;
        done.add(pool.submit(() -> {
          for (int v = 1; v <= each; v++) {
            s().put(rm, "shared", Map.of("last", (long) v), stream, v);
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    }
    for (int w = 0; w < writers; w++) {
      assertThat(s().checkpoint(rm, "A/" + w)).as("checkpoint of A/" + w).isEqualTo(each);
    }
    assertThat(s().get(rm, "shared")).isPresent();
  }

  @Test
  void badArguments_areRefusedNamingThem() {
    assertThatThrownBy(() -> s().saveFeedPosition(rm, null)).isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("position");
    assertThatThrownBy(() -> s().remove(rm, null)).isInstanceOf(InvalidInputException.class)
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("key");
  }
}
