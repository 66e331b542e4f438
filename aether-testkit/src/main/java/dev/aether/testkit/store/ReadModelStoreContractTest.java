package dev.aether.testkit.store;

import dev.aether.store.ReadModelStore;
import static org.assertj.core.api.Assertions.assertThat;

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
}
