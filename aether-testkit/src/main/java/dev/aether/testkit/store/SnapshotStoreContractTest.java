package dev.aether.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.event.ActorSnapshot;
import dev.aether.store.SnapshotStore;
import dev.aether.testkit.store.Race.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link SnapshotStore} must have, as an abstract JUnit 5 test class: each
 * implementation's test class extends it and passes the identical tests.
 *
 * <h2>How to extend</h2>
 * <pre>{@code
 * class MySnapshotStoreContractTest extends SnapshotStoreContractTest {
 *   @Override
 *   protected SnapshotStore createStore() {
 *     return MySnapshotStore.create();
 *   }
 * }
 * }</pre>
 * Before each test the suite calls {@link #createStore()}; after it, {@link #closeStore(SnapshotStore)}.
 * Every test uses stream ids made fresh from a random UUID, so stores may share their backing storage (one
 * bucket, one server) across tests. JUnit runs this class's {@code @AfterEach} after those of the subclass:
 * release what the store depends on in {@code @AfterAll} or in an extension.
 *
 * <h2>What it checks</h2>
 * Save and read back exactly (nanosecond timestamps, schema tag, awkward text and stream ids), the latest
 * snapshot is the one with the highest version whatever the order of saves (also under concurrent saves),
 * absent snapshots, independence of actors, deep immutability and number normalisation of the state.
 */
public abstract class SnapshotStoreContractTest {

  private static final int RACERS = 50;

  private SnapshotStore store;

  /**
   * Creates a store for one test. Called once before each test.
   *
   * <p>It may share backing storage with stores created earlier; the suite never reuses a stream id.
   *
   * @return a new store, ready to use
   */
  protected abstract SnapshotStore createStore();

  /**
   * Releases a store after its test. The default closes it when it is {@link AutoCloseable}; override to
   * release more.
   *
   * @param closing the store created for the test that just ran
   * @throws Exception when closing fails, which fails the test
   */
  protected void closeStore(SnapshotStore closing) throws Exception {
    if (closing instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }

  /**
   * The store of the running test, created by {@link #createStore()}.
   *
   * @return the store
   */
  protected final SnapshotStore store() {
    return store;
  }

  /**
   * Makes a stream id that no other test uses.
   *
   * @return a fresh random stream id
   */
  protected static String newStreamId() {
    return ContractData.newStreamId();
  }

  /**
   * Makes a simple snapshot.
   *
   * @param streamId the stream (one actor's history)
   * @param version the version it reflects
   * @return a snapshot with schema {@code contract/v1} whose state holds its version
   */
  protected static ActorSnapshot snapshot(String streamId, long version) {
    return new ActorSnapshot(streamId, version, Map.of("version", version), Instant.now(), "contract/v1");
  }

  @BeforeEach
  final void openTheStore() {
    store = createStore();
  }

  @AfterEach
  final void closeTheStore() throws Exception {
    closeStore(store);
  }

  // ---- save and read

  @Test
  void getLatestSnapshot_ofActorWithoutSnapshot_isEmpty() {
    assertThat(store.getLatestSnapshot(newStreamId())).isEmpty();
  }

  @Test
  void saveSnapshot_thenGetLatest_returnsAnEqualSnapshot() {
    // given
    ActorSnapshot saved = new ActorSnapshot(newStreamId(), 42, ContractData.richObject(),
        Instant.parse("2026-11-26T23:39:36.123456789Z"), "orders.Account/v3 " + ContractData.AWKWARD_TEXT);
    // when
    store.saveSnapshot(saved);
    // then
    assertThat(store.getLatestSnapshot(saved.streamId())).contains(saved);
  }

  @Test
  void saveSnapshot_withEmptySchemaAndState_roundTripsThem() {
    // given
    ActorSnapshot saved = new ActorSnapshot(newStreamId(), 1, Map.of(), Instant.EPOCH, "");
    // when
    store.saveSnapshot(saved);
    // then
    assertThat(store.getLatestSnapshot(saved.streamId())).contains(saved);
  }

  @Test
  void saveSnapshot_timestamps_roundTripWithNanosecondPrecision() {
    // given
    List<Instant> timestamps = List.of(Instant.parse("2026-11-26T23:39:36.000000001Z"),
        Instant.parse("1969-12-31T23:59:59.999999999Z"), Instant.parse("2026-11-26T23:39:36Z"));
    List<String> streamIds = new ArrayList<>();
    // when
    for (Instant timestamp : timestamps) {
      String streamId = newStreamId();
      streamIds.add(streamId);
      store.saveSnapshot(new ActorSnapshot(streamId, 1, Map.of(), timestamp, ""));
    }
    // then
    assertThat(streamIds).extracting(streamId -> latest(streamId).timestamp()).containsExactlyElementsOf(timestamps);
  }

  // ---- latest by version

  @Test
  void saveSnapshot_newerAfterOlder_replacesIt() {
    // given
    String streamId = newStreamId();
    store.saveSnapshot(snapshot(streamId, 3));
    ActorSnapshot newer = snapshot(streamId, 5);
    // when
    store.saveSnapshot(newer);
    // then
    assertThat(store.getLatestSnapshot(streamId)).contains(newer);
  }

  @Test
  void saveSnapshot_olderAfterNewer_keepsTheNewer() {
    // given
    String streamId = newStreamId();
    ActorSnapshot newer = snapshot(streamId, 5);
    store.saveSnapshot(newer);
    // when
    store.saveSnapshot(snapshot(streamId, 3));
    // then
    assertThat(store.getLatestSnapshot(streamId)).contains(newer);
  }

  @Test
  void saveSnapshot_concurrentSavesOfManyVersions_keepTheHighest() throws InterruptedException {
    // given: versions 1..50 saved at once, in shuffled order
    String streamId = newStreamId();
    List<ActorSnapshot> snapshots = new ArrayList<>(
        LongStream.rangeClosed(1, RACERS).mapToObj(version -> snapshot(streamId, version)).toList());
    Collections.shuffle(snapshots);
    // when
    List<Outcome<Void>> outcomes = Race.run(RACERS, i -> () -> {
      store.saveSnapshot(snapshots.get(i));
      return null;
    });
    // then
    assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
    assertThat(latest(streamId).version()).isEqualTo(RACERS);
  }

  // ---- actors

  @Test
  void snapshots_ofDifferentActors_areIndependent() {
    // given
    String first = newStreamId();
    String second = newStreamId();
    ActorSnapshot firstSnapshot = snapshot(first, 9);
    ActorSnapshot secondSnapshot = snapshot(second, 2);
    // when
    store.saveSnapshot(firstSnapshot);
    store.saveSnapshot(secondSnapshot);
    // then
    assertThat(store.getLatestSnapshot(first)).contains(firstSnapshot);
    assertThat(store.getLatestSnapshot(second)).contains(secondSnapshot);
    assertThat(store.getLatestSnapshot(newStreamId())).isEmpty();
  }

  @Test
  void snapshots_ofStreamIdsThatDifferOnlyInSpecialCharacters_areKeptApart() {
    // given
    List<String> streamIds = ContractData.awkwardStreamIds(newStreamId());
    List<ActorSnapshot> saved = new ArrayList<>();
    for (int i = 0; i < streamIds.size(); i++) {
      saved.add(snapshot(streamIds.get(i), i + 1));
    }
    // when
    saved.forEach(store::saveSnapshot);
    // then
    for (ActorSnapshot snapshot : saved) {
      assertThat(store.getLatestSnapshot(snapshot.streamId())).as(snapshot.streamId()).contains(snapshot);
    }
  }

  @Test
  void snapshots_ofMaximumLengthStreamIds_areKeptApart() {
    // given
    String prefix = newStreamId();
    ActorSnapshot first = snapshot(ContractData.maxLengthStreamId(prefix, 'a'), 1);
    ActorSnapshot second = snapshot(ContractData.maxLengthStreamId(prefix, 'b'), 2);
    // when
    store.saveSnapshot(first);
    store.saveSnapshot(second);
    // then
    assertThat(store.getLatestSnapshot(first.streamId())).contains(first);
    assertThat(store.getLatestSnapshot(second.streamId())).contains(second);
  }

  @Test
  void getLatestSnapshot_withBlankStreamId_isRefusedNamingStreamId() {
    for (String blank : new String[] {"", " "}) {
      assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> store.getLatestSnapshot(blank))
          .extracting(InvalidInputException::field).isEqualTo("streamId");
    }
  }

  // ---- state

  @Test
  @SuppressWarnings("unchecked")
  void state_readBack_isDeeplyUnmodifiable() {
    // given
    String streamId = newStreamId();
    store.saveSnapshot(new ActorSnapshot(streamId, 1, ContractData.mutableObject(), Instant.now(), ""));
    Map<String, Object> state = latest(streamId).state();
    // when / then
    assertThatThrownBy(() -> state.put("added", 1L)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((List<Object>) state.get("items")).add("c"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((Map<String, Object>) state.get("nested")).put("status", "changed"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThat(latest(streamId).state()).isEqualTo(ContractData.mutableObject());
  }

  @Test
  void state_numbersReadBackAsLongWhenIntegralAndDoubleOtherwise() {
    // given
    String streamId = newStreamId();
    store.saveSnapshot(ActorSnapshot.of(streamId, 1, ContractData.numbersOfEveryJavaType()));
    // when
    Map<String, Object> state = latest(streamId).state();
    // then: Map.equals compares Long 42 and Integer 42 as different, so the types are checked too
    assertThat(state).isEqualTo(ContractData.numbersNormalised());
  }

  @Test
  void saveSnapshot_thenMutatingTheSourceState_changesNothingStored() {
    // given
    String streamId = newStreamId();
    Map<String, Object> source = ContractData.mutableObject();
    store.saveSnapshot(ActorSnapshot.of(streamId, 1, source));
    // when
    ContractData.mutate(source);
    // then
    assertThat(latest(streamId).state()).isEqualTo(ContractData.mutableObject());
  }

  private ActorSnapshot latest(String streamId) {
    Optional<ActorSnapshot> latest = store.getLatestSnapshot(streamId);
    assertThat(latest).as("latest snapshot of %s", streamId).isPresent();
    return latest.orElseThrow();
  }
}
