package dev.aether.model.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.model.ModelLoader;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.store.FeedPosition;
import dev.aether.store.InMemoryEventStore;
import dev.aether.store.InMemoryReadModelStore;
import dev.aether.store.ReadModelStore;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A model change that rebuilds a read model while the replaced model's projector is still writing. */
class ReadModelSwapTest {

  private static final String SHOP = """
      name: shop
      version: "%s"
      aggregates:
        - name: Cart
          state: [{name: n, type: int}]
          commands: [{name: Add, emits: [Added]}]
          events: [{name: Added, apply: {n: "state.n + 1"}}]
      readModels:
        - name: Carts
          key: actorId
          fields: %s
          on: [{event: Added, set: %s}]
      """;

  private final GatedRows rows = new GatedRows();
  private final Runtime runtime = Runtime.builder().eventStore(InMemoryEventStore.create()).readModelStore(rows)
      .build();

  @AfterEach
  void close() {
    runtime.close();
  }

  @Test
  void theReplacedProjectorsLastWrite_landsBeforeTheRebuild_notInTheRebuiltRows() throws Exception {
    // found by an operator's drill (a rollout under load): the new model's projector reset the rows and rebuilt
    // them while the old one finished its batch, whose row (in the old shape) and feed position then landed in
    // the rebuilt read model: rows missing fields for good, or every row gone and the position kept
    runtime.loadModel(ModelLoader.fromYaml(SHOP.formatted("1", "[{name: adds, type: int}]",
        "{adds: \"row.adds + 1\"}")));
    runtime.start();
    add("a");
    ReadModel v1 = ModelExecution.of(runtime).orElseThrow().readModel("Carts").orElseThrow();
    v1.idle().get(10, TimeUnit.SECONDS);

    rows.holdNextWrite();
    add("b");
    assertThat(rows.held.await(10, TimeUnit.SECONDS)).as("the v1 projector writes b's row").isTrue();
    runtime.loadModel(ModelLoader.fromYaml(SHOP.formatted("2", "[{name: adds, type: int}, {name: twice, type: int}]",
        "{adds: \"row.adds + 1\", twice: \"row.twice + 2\"}")));
    ReadModel v2 = ModelExecution.of(runtime).orElseThrow().readModel("Carts").orElseThrow();
    add("a");
    v2.idle().get(10, TimeUnit.SECONDS);

    assertThat(v2.rows()).isEqualTo(Map.of("a", Map.of("adds", 2L, "twice", 4L), "b",
        Map.of("adds", 1L, "twice", 2L)));
  }

  private void add(String cart) {
    assertThat(runtime.sendMessage(RuntimeMessage.of("Cart", cart, "Add", Map.of())).join().isAccepted()).isTrue();
  }

  /**
   * An in-memory read-model store that holds one row write until the rows are reset or 0.5 s passed; a reset
   * meanwhile returns only once that write landed: the interleaving of the rollout, made certain.
   */
  private static final class GatedRows implements ReadModelStore {

    private final InMemoryReadModelStore rows = InMemoryReadModelStore.create();
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch written = new CountDownLatch(1);
    private volatile boolean holdNext;

    void holdNextWrite() {
      holdNext = true;
    }

    private boolean hold() {
      if (!holdNext) {
        return false;
      }
      holdNext = false;
      held.countDown();
      await(release, Duration.ofMillis(500));
      return true;
    }

    private static void await(CountDownLatch latch, Duration atMost) {
      try {
        latch.await(atMost.toMillis(), TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public Optional<Map<String, Object>> get(String readModel, String key) {
      return rows.get(readModel, key);
    }

    @Override
    public Map<String, Map<String, Object>> rows(String readModel) {
      return rows.rows(readModel);
    }

    @Override
    public long checkpoint(String readModel, String streamId) {
      return rows.checkpoint(readModel, streamId);
    }

    @Override
    public Set<String> streams(String readModel) {
      return rows.streams(readModel);
    }

    @Override
    public void put(String readModel, String key, Map<String, Object> row, String streamId, long version) {
      boolean held = hold();
      rows.put(readModel, key, row, streamId, version);
      if (held) {
        written.countDown();
      }
    }

    @Override
    public boolean putIfUnchanged(String readModel, String key, Map<String, Object> base, Map<String, Object> row,
        String streamId, long version) {
      boolean held = hold();
      boolean put = rows.putIfUnchanged(readModel, key, base, row, streamId, version);
      if (held) {
        written.countDown();
      }
      return put;
    }

    @Override
    public void advance(String readModel, String streamId, long version) {
      rows.advance(readModel, streamId, version);
    }

    @Override
    public Optional<String> schema(String readModel) {
      return rows.schema(readModel);
    }

    @Override
    public void reset(String readModel, String schema) {
      rows.reset(readModel, schema);
      if (held.getCount() == 0) {
        release.countDown();
        await(written, Duration.ofSeconds(1));
      }
    }

    @Override
    public void write(String readModel, String key, Map<String, Object> row) {
      rows.write(readModel, key, row);
    }

    @Override
    public void remove(String readModel, String key) {
      rows.remove(readModel, key);
    }

    @Override
    public Optional<FeedPosition> feedPosition(String readModel) {
      return rows.feedPosition(readModel);
    }

    @Override
    public void saveFeedPosition(String readModel, FeedPosition position) {
      rows.saveFeedPosition(readModel, position);
    }
  }
}
