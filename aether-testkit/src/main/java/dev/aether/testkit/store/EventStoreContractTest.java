package dev.aether.testkit.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.event.EventJson;
import dev.aether.event.PayloadLimits;
import dev.aether.store.EventStore;
import dev.aether.store.EventStored;
import dev.aether.store.EventStoredListener;
import dev.aether.store.ReplayError;
import dev.aether.store.ReplayResult;
import dev.aether.store.UnreadableHistoryException;
import dev.aether.store.VersionConflictException;
import dev.aether.testkit.store.Race.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.LongStream;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link EventStore} must have, as an abstract JUnit 5 test class: each implementation's
 * test class extends it and passes the identical tests.
 *
 * <h2>How to extend</h2>
 * <pre>{@code
 * class MyEventStoreContractTest extends EventStoreContractTest {
 *   @Override
 *   protected EventStore createStore(EventStoredListener listener) {
 *     return MyEventStore.withListener(listener);
 *   }
 * }
 * }</pre>
 * Before each test the suite calls {@link #createStore(EventStoredListener)} once (some tests call it again
 * for a second store) and after each test it closes every store it created. Every test writes to stream ids
 * made fresh from a random UUID, so stores created by one subclass may share their backing storage (one
 * stream, one server) across tests and test classes. JUnit runs this class's {@code @AfterEach} after those
 * of the subclass: release what the stores depend on (a connection, a server) in {@code @AfterAll} or in an
 * extension, not in {@code @AfterEach}. Subclasses may add implementation-specific tests using
 * {@link #store()}, {@link #newStreamId()} and {@link #event(String, long)}.
 *
 * <h2>What it checks</h2>
 * Version rules (strictly increasing, gaps allowed, first version at least 1), conflicts that carry actor
 * id, attempted and current version and store nothing, inclusive {@code fromVersion} reads, unknown actors,
 * atomic batch appends and their argument checks, exact round trips of every event field (nanosecond
 * timestamps, numbers as {@code Long}/{@code Double}, awkward text and stream ids), immutability, races of
 * concurrent writers on virtual threads, {@link EventStored} notices, payloads at the
 * {@link PayloadLimits} (and at the depth ceiling) read back equal, and undecodable records never skipped:
 * {@code getEvents} throws {@link UnreadableHistoryException}, {@code getEventsWithErrors} and
 * {@code getEventsForWriter} report them; a fence at the latest version changes no history and one at another
 * version is a conflict.
 *
 * <p>This file is longer than our usual limit because it is a specification: one short test per rule,
 * grouped by topic, reads better in one place than spread over several classes.
 */
public abstract class EventStoreContractTest {

  /** Writers in the race tests: enough to overlap on two cores, few enough for a real server. */
  private static final int RACERS = 50;

  private final List<EventStore> openStores = new ArrayList<>();
  private EventStoredRecorder notices;
  private EventStore store;

  /**
   * Creates a store for one test. Called at least once per test, before the test runs.
   *
   * <p>The store must report every event it stores to {@code listener}, as {@link EventStoredListener}
   * describes: synchronously before the write returns, once per event, in version order, and never for a
   * refused write. It may share backing storage with stores created earlier; the suite never reuses an actor
   * id. The suite closes the store after the test.
   *
   * @param listener receives the store's {@link EventStored} notices
   * @return a new store, ready to use
   */
  protected abstract EventStore createStore(EventStoredListener listener);

  /**
   * The store of the running test, created by {@link #createStore(EventStoredListener)}.
   *
   * @return the store
   */
  protected final EventStore store() {
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
   * Makes a simple event.
   *
   * @param streamId the stream (one actor's history)
   * @param version the version
   * @return an event of type {@code ContractTested} whose data holds its version
   */
  protected static Event event(String streamId, long version) {
    return Event.builder().eventType("ContractTested").streamId(streamId).version(version)
        .data(Map.of("version", version)).build();
  }

  /**
   * Stores, behind the store's back, a record of the actor that the store cannot decode (for example bytes
   * that are not JSON), after the actor's existing events. The tests of undecodable records call it; they are
   * switched off for a store that returns empty here.
   *
   * <p>The default returns empty: a store that keeps decoded events only (in memory) cannot hold such a
   * record, so for it there is nothing to test.
   *
   * @param streamId the stream (one actor's history)
   * @param bytes the record's bytes
   * @return the record's position, as {@link dev.aether.store.ReplayError#position()} will report it; empty
   *     when the store cannot hold undecodable records
   */
  protected OptionalLong writeUndecodableRecord(String streamId, byte[] bytes) {
    return OptionalLong.empty();
  }

  @BeforeEach
  final void openTheStore() {
    notices = EventStoredRecorder.create();
    store = open(notices);
  }

  @AfterEach
  final void closeTheStores() {
    for (EventStore open : openStores) {
      open.close();
    }
    openStores.clear();
  }

  // ---- version rules

  @Test
  void saveEvent_firstEventOfNewActor_isStoredAtItsVersion() {
    // given
    String streamId = newStreamId();
    Event first = event(streamId, 1);
    // when
    store.saveEvent(first);
    // then
    assertThat(store.getEvents(streamId, 0)).containsExactly(first);
    assertThat(store.getLatestVersion(streamId)).isEqualTo(1);
  }

  @Test
  void saveEvent_withStrictlyIncreasingVersions_storesAllInOrder() {
    // given
    String streamId = newStreamId();
    List<Event> events = events(streamId, 1, 2, 3);
    // when
    events.forEach(store::saveEvent);
    // then
    assertThat(store.getEvents(streamId, 0)).containsExactlyElementsOf(events);
    assertThat(store.getLatestVersion(streamId)).isEqualTo(3);
  }

  @Test
  void saveEvent_withGapsBetweenVersions_storesThem() {
    // given
    String streamId = newStreamId();
    List<Event> events = events(streamId, 1, 3, 5);
    // when
    events.forEach(store::saveEvent);
    // then
    assertThat(store.getEvents(streamId, 0)).containsExactlyElementsOf(events);
    assertThat(store.getLatestVersion(streamId)).isEqualTo(5);
  }

  @Test
  void saveEvent_firstVersionAboveOne_isStored() {
    // given
    String streamId = newStreamId();
    // when
    store.saveEvent(event(streamId, 7));
    // then
    assertThat(store.getLatestVersion(streamId)).isEqualTo(7);
  }

  @Test
  void event_withVersionZeroOrNegative_isRefusedBeforeReachingTheStore() {
    // given
    String streamId = newStreamId();
    // when / then: the first version is at least 1 because no event can carry a lower one
    for (long version : new long[] {0, -1, Long.MIN_VALUE}) {
      assertRefused(() -> store.saveEvent(event(streamId, version)), "version");
    }
    assertThat(store.getLatestVersion(streamId)).isZero();
  }

  // ---- conflicts

  @Test
  void saveEvent_withSameVersion_failsWithConflictAndStoresNothing() {
    // given
    String streamId = newStreamId();
    Event original = event(streamId, 1);
    store.saveEvent(original);
    // when / then
    assertConflict(() -> store.saveEvent(event(streamId, 1)), streamId, 1, 1);
    assertThat(store.getEvents(streamId, 0)).containsExactly(original);
  }

  @Test
  void saveEvent_withStaleVersion_failsWithConflict() {
    // given
    String streamId = newStreamId();
    List<Event> history = saved(streamId, 1, 2, 3);
    // when / then
    assertConflict(() -> store.saveEvent(event(streamId, 2)), streamId, 2, 3);
    assertThat(store.getEvents(streamId, 0)).containsExactlyElementsOf(history);
  }

  @Test
  void saveEvent_withVersionInsideAGap_failsWithConflict() {
    // given
    String streamId = newStreamId();
    List<Event> history = saved(streamId, 1, 5);
    // when / then
    assertConflict(() -> store.saveEvent(event(streamId, 3)), streamId, 3, 5);
    assertThat(store.getEvents(streamId, 0)).containsExactlyElementsOf(history);
  }

  @Test
  void saveEvent_afterAConflict_acceptsTheNextVersion() {
    // given
    String streamId = newStreamId();
    saved(streamId, 1, 2);
    assertConflict(() -> store.saveEvent(event(streamId, 2)), streamId, 2, 2);
    // when
    store.saveEvent(event(streamId, 3));
    // then
    assertThat(versions(store.getEvents(streamId, 0))).containsExactly(1L, 2L, 3L);
  }

  @Test
  void aRetriedWriteOfTheSameEvents_returnsAsTheFirstDid_andStoresThemOnce() {
    // a retry after an unknown outcome sends the very events again (found by a new user: the JetStream store took
    // it, the in-memory store answered a conflict)
    String streamId = newStreamId();
    List<Event> batch = events(streamId, 1, 2);
    assertThat(store.append(streamId, 0, batch)).isEqualTo(2);
    assertThat(store.append(streamId, 0, batch)).as("the append's retry").isEqualTo(2);
    Event single = event(streamId, 3);
    store.saveEvent(single);
    store.saveEvent(single); // the retry
    assertThat(store.getEvents(streamId, 0)).containsExactly(batch.get(0), batch.get(1), single);
    // other events at those versions are no retry
    assertConflict(() -> store.append(streamId, 0, events(streamId, 1, 2)), streamId, 1, 3);
    assertConflict(() -> store.saveEvent(event(streamId, 3)), streamId, 3, 3);
  }

  @Test
  void aWriteResentAfterALaterCommit_isAConflict_asAnyStaleWrite() {
    // only the actor's last commit is recognised as a retry (the JetStream store checks its cached version first)
    String streamId = newStreamId();
    List<Event> first = events(streamId, 1, 2);
    store.append(streamId, 0, first);
    store.saveEvent(event(streamId, 3));
    assertConflict(() -> store.append(streamId, 0, first), streamId, 1, 3);
    assertConflict(() -> store.saveEvent(first.get(1)), streamId, 2, 3);
    assertThat(versions(store.getEvents(streamId, 0))).containsExactly(1L, 2L, 3L);
  }

  @Test
  void append_withStaleExpectedVersion_failsWithConflictAndStoresNoneOfTheBatch() {
    // given
    String streamId = newStreamId();
    List<Event> history = saved(streamId, 1, 2);
    // when / then
    assertConflict(() -> store.append(streamId, 1, events(streamId, 2, 3)), streamId, 2, 2);
    assertThatExceptionOfType(VersionConflictException.class).isThrownBy(() -> store.append(streamId, 1,
        events(streamId, 5))).satisfies(c -> assertThat(c.expectedVersion()).as("expectedVersion").hasValue(1));
    assertThat(store.getEvents(streamId, 0)).containsExactlyElementsOf(history);
  }

  @Test
  void append_withExpectedVersionAheadOfTheStore_failsWithConflict() {
    // given
    String streamId = newStreamId();
    saved(streamId, 1);
    // when / then
    assertConflict(() -> store.append(streamId, 3, events(streamId, 4, 5)), streamId, 4, 1);
    assertThat(store.getLatestVersion(streamId)).isEqualTo(1);
  }

  @Test
  void append_toNewActorWithNonZeroExpectedVersion_failsWithConflict() {
    // given
    String streamId = newStreamId();
    // when / then
    assertConflict(() -> store.append(streamId, 2, events(streamId, 3)), streamId, 3, 0);
    assertThat(store.getEvents(streamId, 0)).isEmpty();
  }

  // ---- fences

  @Test
  void fence_atTheLatestVersion_changesNoHistory_andTheFencingWriterWritesOn() {
    // given
    String streamId = newStreamId();
    List<Event> history = saved(streamId, 1, 2);
    // when
    store.getEvents(streamId, 0);
    store.fence(streamId, 2);
    store.fence(streamId, 2);
    // then
    assertThat(store.getEvents(streamId, 0)).containsExactlyElementsOf(history);
    assertThat(store.getLatestVersion(streamId)).isEqualTo(2);
    assertThat(store.append(streamId, 2, events(streamId, 3))).isEqualTo(3);
    store.fence(newStreamId(), 0); // an actor without events
  }

  @Test
  void fence_atAnotherVersion_failsWithConflict_andWritesNothing() {
    // given
    String streamId = newStreamId();
    List<Event> history = saved(streamId, 1, 2);
    // when / then
    assertThatExceptionOfType(VersionConflictException.class).isThrownBy(() -> store.fence(streamId, 1))
        .satisfies(c -> assertThat(c.currentVersion()).isEqualTo(2));
    assertThatExceptionOfType(VersionConflictException.class).isThrownBy(() -> store.fence(streamId, 3))
        .satisfies(c -> assertThat(c.currentVersion()).isEqualTo(2));
    assertThat(store.getEvents(streamId, 0)).containsExactlyElementsOf(history);
    assertThat(store.append(streamId, 2, events(streamId, 3))).isEqualTo(3);
  }

  @Test
  void fence_withInvalidArguments_isRefusedNamingThem() {
    assertThatThrownBy(() -> store.fence(newStreamId(), -1)).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.field()).isEqualTo("version"));
    assertThatThrownBy(() -> store.fence("", 0)).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> store.fence(null, 0)).isInstanceOf(InvalidInputException.class);
  }

  // ---- reading

  @Test
  void getEvents_fromZero_returnsAllEventsInVersionOrder() {
    // given
    String streamId = newStreamId();
    List<Event> history = saved(streamId, 1, 2, 3);
    // when / then
    assertThat(store.getEvents(streamId, 0)).containsExactlyElementsOf(history);
  }

  @Test
  void getEvents_fromOne_returnsAllEvents() {
    // given
    String streamId = newStreamId();
    List<Event> history = saved(streamId, 1, 2, 3);
    // when / then
    assertThat(store.getEvents(streamId, 1)).containsExactlyElementsOf(history);
  }

  @Test
  void getEvents_fromAMiddleVersion_includesThatVersion() {
    // given
    String streamId = newStreamId();
    List<Event> history = saved(streamId, 1, 2, 3, 4, 5);
    // when / then
    assertThat(store.getEvents(streamId, 3)).containsExactlyElementsOf(history.subList(2, 5));
  }

  @Test
  void getEvents_fromTheLatestVersion_returnsOnlyTheLastEvent() {
    // given
    String streamId = newStreamId();
    List<Event> history = saved(streamId, 1, 2, 3);
    // when / then
    assertThat(store.getEvents(streamId, 3)).containsExactly(history.get(2));
  }

  @Test
  void getEvents_fromAVersionInsideAGap_startsAtTheNextStoredVersion() {
    // given
    String streamId = newStreamId();
    saved(streamId, 1, 3, 5);
    // when / then
    assertThat(versions(store.getEvents(streamId, 2))).containsExactly(3L, 5L);
  }

  @Test
  void getEvents_fromBeyondTheLatestVersion_isEmpty() {
    // given
    String streamId = newStreamId();
    saved(streamId, 1, 2, 3);
    // when / then
    assertThat(store.getEvents(streamId, 4)).isEmpty();
    assertThat(store.getEvents(streamId, Long.MAX_VALUE)).isEmpty();
  }

  @Test
  void getEvents_withNegativeFromVersion_isRefusedNamingFromVersion() {
    // given
    String streamId = newStreamId();
    saved(streamId, 1);
    // when / then
    assertRefused(() -> store.getEvents(streamId, -1), "fromVersion");
  }

  @Test
  void getEvents_ofOneActor_neverIncludesAnotherActorsEvents() {
    // given
    String first = newStreamId();
    String second = newStreamId();
    Event first1 = event(first, 1);
    Event second1 = event(second, 1);
    Event first2 = event(first, 2);
    // when
    store.saveEvent(first1);
    store.saveEvent(second1);
    store.saveEvent(first2);
    // then
    assertThat(store.getEvents(first, 0)).containsExactly(first1, first2);
    assertThat(store.getEvents(second, 0)).containsExactly(second1);
    assertThat(store.getLatestVersion(second)).isEqualTo(1);
  }

  @Test
  void getEventsWithErrors_onHealthyHistory_returnsTheSameEventsAsGetEventsAndNoErrors() {
    // given
    String streamId = newStreamId();
    List<Event> history = saved(streamId, 1, 2, 4);
    // when
    ReplayResult all = store.getEventsWithErrors(streamId, 0);
    ReplayResult fromTwo = store.getEventsWithErrors(streamId, 2);
    // then
    assertThat(all.events()).containsExactlyElementsOf(history);
    assertThat(all.errors()).isEmpty();
    assertThat(all.hasErrors()).isFalse();
    assertThat(fromTwo.events()).containsExactlyElementsOf(history.subList(1, 3));
    assertThat(fromTwo.hasErrors()).isFalse();
  }

  @Test
  void getEventsForWriter_readsWhatGetEventsWithErrorsReads() {
    // given
    String streamId = newStreamId();
    List<Event> history = saved(streamId, 1, 2, 4);
    store.fence(streamId, 4);
    // when
    ReplayResult all = store.getEventsForWriter(streamId, 0);
    ReplayResult fromThree = store.getEventsForWriter(streamId, 3);
    // then
    assertThat(all.events()).containsExactlyElementsOf(history);
    assertThat(all.hasErrors()).isFalse();
    assertThat(fromThree.events()).containsExactly(history.get(2));
    assertThat(store.getEventsForWriter(streamId, 5).events()).isEmpty();
    assertThat(store.getEventsForWriter(newStreamId(), 0).events()).isEmpty();
    assertThat(store.append(streamId, 4, events(streamId, 5))).isEqualTo(5); // after the writer's read
  }

  @Test
  void getEventsForWriter_letsTheWriterAppendAfterAFenceOfAnotherStore() {
    // given: another store on the same backing storage (another node) fences the actor
    String streamId = newStreamId();
    saved(streamId, 1);
    EventStore otherNode = open(notice -> {});
    assumeTrue(otherNode.getLatestVersion(streamId) == 1, "the stores share no backing storage");
    otherNode.fence(streamId, 1);
    // when: this store's writer reads the history for writing (a decorator must forward this read)
    assertThat(store.getEventsForWriter(streamId, 2).events()).isEmpty();
    // then: its next append follows the fence
    assertThat(store.append(streamId, 1, events(streamId, 2))).isEqualTo(2);
    assertThat(otherNode.getLatestVersion(streamId)).isEqualTo(2);
  }

  // ---- ranges: a page of a history, one command's events

  @Test
  void getEventsWithErrors_ofARange_returnsExactlyItsVersions_wherever_itLies() {
    // given: 80 commits, each followed by another actor's, so that the actor's commits are not adjacent
    String streamId = newStreamId();
    String neighbour = newStreamId();
    List<Event> history = new ArrayList<>();
    for (long v = 1; v <= 80; v++) {
      history.addAll(saved(streamId, v));
      saved(neighbour, v);
    }
    // when / then
    assertThat(store.getEventsWithErrors(streamId, 1, 5).events()).containsExactlyElementsOf(history.subList(0, 5));
    assertThat(store.getEventsWithErrors(streamId, 0, 2).events()).containsExactlyElementsOf(history.subList(0, 2));
    assertThat(store.getEventsWithErrors(streamId, 23, 23).events()).containsExactly(history.get(22));
    assertThat(store.getEventsWithErrors(streamId, 40, 46).events())
        .containsExactlyElementsOf(history.subList(39, 46));
    assertThat(store.getEventsWithErrors(streamId, 76, 80).events())
        .containsExactlyElementsOf(history.subList(75, 80));
    assertThat(store.getEventsWithErrors(streamId, 78, Long.MAX_VALUE).events())
        .containsExactlyElementsOf(history.subList(77, 80));
    assertThat(store.getEventsWithErrors(streamId, 60, 200).events())
        .containsExactlyElementsOf(history.subList(59, 80));
    assertThat(store.getEventsWithErrors(streamId, 81, 90).events()).isEmpty();
    assertThat(store.getEventsWithErrors(streamId, 10, 12).hasErrors()).isFalse();
  }

  @Test
  void getEventsWithErrors_ofARangeInsideBatches_keepsOnlyTheRangesEvents() {
    // given: 20 commits of 3 events each (versions 1-3, 4-6, .., 58-60)
    String streamId = newStreamId();
    List<Event> history = new ArrayList<>();
    for (long first = 1; first <= 58; first += 3) {
      List<Event> batch = events(streamId, first, first + 1, first + 2);
      store.append(streamId, first - 1, batch);
      history.addAll(batch);
    }
    // when / then
    assertThat(versions(store.getEventsWithErrors(streamId, 5, 8).events())).containsExactly(5L, 6L, 7L, 8L);
    assertThat(store.getEventsWithErrors(streamId, 14, 14).events()).containsExactly(history.get(13));
    assertThat(store.getEventsWithErrors(streamId, 2, 2).events()).containsExactly(history.get(1));
    assertThat(versions(store.getEventsWithErrors(streamId, 59, 70).events())).containsExactly(59L, 60L);
  }

  @Test
  void getEventsWithErrors_ofARangeOverAGap_returnsTheStoredVersionsInIt() {
    // given
    String streamId = newStreamId();
    saved(streamId, 1, 3, 5, 7);
    // when / then
    assertThat(versions(store.getEventsWithErrors(streamId, 2, 5).events())).containsExactly(3L, 5L);
    assertThat(store.getEventsWithErrors(streamId, 4, 4).events()).isEmpty();
  }

  @Test
  void getEventsWithErrors_ofARangeOfAnUnknownActor_isEmpty() {
    // when
    ReplayResult result = store.getEventsWithErrors(newStreamId(), 1, 10);
    // then
    assertThat(result.events()).isEmpty();
    assertThat(result.hasErrors()).isFalse();
  }

  @Test
  void getEventsWithErrors_ofARange_withBadBounds_isRefusedNamingTheBound() {
    // given
    String streamId = newStreamId();
    saved(streamId, 1, 2, 3);
    // when / then
    assertRefused(() -> store.getEventsWithErrors(streamId, 3, 2), "toVersion");
    assertRefused(() -> store.getEventsWithErrors(streamId, -1, 2), "fromVersion");
    assertRefused(() -> store.getEventsWithErrors(" ", 1, 2), "streamId");
  }

  @Test
  void getEventsWithErrors_ofARangeHoldingAnUndecodableRecord_reportsIt() {
    // given: 40 events, a record the store cannot decode, 40 more
    String streamId = newStreamId();
    List<Event> before = new ArrayList<>();
    for (long v = 1; v <= 40; v++) {
      before.addAll(saved(streamId, v));
    }
    byte[] garbage = "{not an event".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    OptionalLong position = writeUndecodableRecord(streamId, garbage);
    assumeTrue(position.isPresent(), "the store cannot hold undecodable records");
    List<Event> after = new ArrayList<>();
    for (long v = 41; v <= 80; v++) {
      after.addAll(saved(streamId, v));
    }
    // when
    ReplayResult result = store.getEventsWithErrors(streamId, 38, 43);
    // then
    assertThat(versions(result.events())).containsExactly(38L, 39L, 40L, 41L, 42L, 43L);
    assertThat(result.errors()).extracting(ReplayError::position).containsExactly(position.getAsLong());
  }

  // ---- unknown actors and stream ids

  @Test
  void getEvents_ofUnknownActor_isEmpty() {
    assertThat(store.getEvents(newStreamId(), 0)).isEmpty();
  }

  @Test
  void getLatestVersion_ofUnknownActor_isZero() {
    assertThat(store.getLatestVersion(newStreamId())).isZero();
  }

  @Test
  void getEventsWithErrors_ofUnknownActor_isEmptyWithoutErrors() {
    // when
    ReplayResult result = store.getEventsWithErrors(newStreamId(), 0);
    // then
    assertThat(result.events()).isEmpty();
    assertThat(result.hasErrors()).isFalse();
  }

  @Test
  void readsAndAppends_withBlankStreamId_areRefusedNamingStreamId() {
    for (String blank : new String[] {"", " ", "\t"}) {
      assertRefused(() -> store.getEvents(blank, 0), "streamId");
      assertRefused(() -> store.getEventsWithErrors(blank, 0), "streamId");
      assertRefused(() -> store.getLatestVersion(blank), "streamId");
      assertRefused(() -> store.append(blank, 0, events(newStreamId(), 1)), "streamId");
    }
  }

  @Test
  void reads_withStreamIdLongerThanTheLimit_areRefusedNamingStreamId() {
    // given
    String tooLong = ContractData.maxLengthStreamId(newStreamId(), 'a') + "b";
    // when / then
    assertRefused(() -> store.getEvents(tooLong, 0), "streamId");
    assertRefused(() -> store.getLatestVersion(tooLong), "streamId");
  }

  @Test
  void streamIds_thatDifferOnlyInSpecialCharacters_areKeptApart() {
    // given
    List<String> streamIds = ContractData.awkwardStreamIds(newStreamId());
    List<Event> firstEvents = streamIds.stream().map(streamId -> event(streamId, 1)).toList();
    // when
    firstEvents.forEach(store::saveEvent);
    // then
    for (int i = 0; i < streamIds.size(); i++) {
      assertThat(store.getEvents(streamIds.get(i), 0)).as(streamIds.get(i)).containsExactly(firstEvents.get(i));
      assertThat(store.getLatestVersion(streamIds.get(i))).as(streamIds.get(i)).isEqualTo(1);
    }
  }

  @Test
  void streamIds_ofMaximumLength_areStoredAndKeptApart() {
    // given
    String prefix = newStreamId();
    Event first = event(ContractData.maxLengthStreamId(prefix, 'a'), 1);
    Event second = event(ContractData.maxLengthStreamId(prefix, 'b'), 1);
    // when
    store.saveEvent(first);
    store.saveEvent(second);
    // then
    assertThat(store.getEvents(first.streamId(), 0)).containsExactly(first);
    assertThat(store.getEvents(second.streamId(), 0)).containsExactly(second);
  }

  // ---- batch append

  @Test
  void append_toNewActor_storesTheBatchInOrderAndReturnsTheLastVersion() {
    // given
    String streamId = newStreamId();
    List<Event> batch = events(streamId, 1, 2, 3);
    // when
    long latest = store.append(streamId, 0, batch);
    // then
    assertThat(latest).isEqualTo(3);
    assertThat(store.getEvents(streamId, 0)).containsExactlyElementsOf(batch);
    assertThat(store.getLatestVersion(streamId)).isEqualTo(3);
  }

  @Test
  void append_withMatchingExpectedVersion_continuesTheHistory() {
    // given
    String streamId = newStreamId();
    List<Event> history = saved(streamId, 1, 2);
    List<Event> batch = events(streamId, 3, 4);
    // when
    long latest = store.append(streamId, 2, batch);
    // then
    assertThat(latest).isEqualTo(4);
    assertThat(store.getEvents(streamId, 0)).containsExactly(history.get(0), history.get(1), batch.get(0),
        batch.get(1));
  }

  @Test
  void append_withGapsInTheBatch_returnsTheLastEventsVersion() {
    // given
    String streamId = newStreamId();
    // when
    long latest = store.append(streamId, 0, events(streamId, 2, 5, 9));
    // then
    assertThat(latest).isEqualTo(9);
    assertThat(versions(store.getEvents(streamId, 0))).containsExactly(2L, 5L, 9L);
  }

  @Test
  void append_thenSaveEvent_continueOneHistory() {
    // given
    String streamId = newStreamId();
    store.append(streamId, 0, events(streamId, 1, 2));
    // when
    store.saveEvent(event(streamId, 3));
    // then
    assertThat(versions(store.getEvents(streamId, 0))).containsExactly(1L, 2L, 3L);
  }

  @Test
  void append_emptyBatch_isRefusedNamingEvents() {
    // given
    String streamId = newStreamId();
    // when / then
    assertRefused(() -> store.append(streamId, 0, List.of()), "events");
    assertThat(store.getLatestVersion(streamId)).isZero();
  }

  @Test
  void append_withEventOfAnotherActor_isRefusedAndStoresNone() {
    // given
    String streamId = newStreamId();
    List<Event> batch = List.of(event(streamId, 1), event(newStreamId(), 2));
    // when / then
    assertRefused(() -> store.append(streamId, 0, batch), "events[1].streamId");
    assertThat(store.getEvents(streamId, 0)).isEmpty();
    assertThat(store.getLatestVersion(batch.get(1).streamId())).isZero();
  }

  @Test
  void append_withRepeatedVersion_isRefusedAndStoresNone() {
    // given
    String streamId = newStreamId();
    // when / then
    assertRefused(() -> store.append(streamId, 0, events(streamId, 1, 1)), "events[1].version");
    assertThat(store.getEvents(streamId, 0)).isEmpty();
  }

  @Test
  void append_withDecreasingVersion_isRefusedAndStoresNone() {
    // given
    String streamId = newStreamId();
    // when / then
    assertRefused(() -> store.append(streamId, 0, events(streamId, 1, 3, 2)), "events[2].version");
    assertThat(store.getEvents(streamId, 0)).isEmpty();
  }

  @Test
  void append_withFirstVersionNotAboveExpectedVersion_isRefusedAndStoresNone() {
    // given
    String streamId = newStreamId();
    List<Event> history = saved(streamId, 1, 2);
    // when / then
    assertRefused(() -> store.append(streamId, 2, events(streamId, 2, 3)), "events[0].version");
    assertThat(store.getEvents(streamId, 0)).containsExactlyElementsOf(history);
  }

  @Test
  void append_withNullEvent_isRefusedNamingIt() {
    // given
    String streamId = newStreamId();
    // when / then
    assertRefused(() -> store.append(streamId, 0, Arrays.asList(event(streamId, 1), null)), "events[1]");
    assertThat(store.getEvents(streamId, 0)).isEmpty();
  }

  @Test
  void append_withNegativeExpectedVersion_isRefusedNamingExpectedVersion() {
    // given
    String streamId = newStreamId();
    // when / then
    assertRefused(() -> store.append(streamId, -1, events(streamId, 1)), "expectedVersion");
    assertThat(store.getEvents(streamId, 0)).isEmpty();
  }

  // ---- round trips

  @Test
  void saveEvent_roundTripsEveryFieldExactly() {
    // given
    String streamId = newStreamId();
    Event event = Event.builder()
        .eventType("Round\u2011Tripped")
        .streamId(streamId)
        .commandId("command-" + ContractData.AWKWARD_TEXT)
        .version(1)
        .data(ContractData.richObject())
        .correlationId("correlation-1").causationId("causation-1").userId("user-\u00E9")
        .traceId("4bf92f3577b34da6a3ce929d0e0e4736").spanId("00f067aa0ba902b7")
        .metadata("custom " + ContractData.AWKWARD_TEXT, ContractData.AWKWARD_TEXT)
        .metadata("empty", "")
        .timestamp(Instant.parse("2026-11-26T23:39:36.123456789Z"))
        .build();
    // when
    store.saveEvent(event);
    // then
    assertThat(store.getEvents(streamId, 0)).containsExactly(event);
  }

  @Test
  void saveEvent_withoutCommandIdOrMetadata_roundTripsTheirAbsence() {
    // given
    String streamId = newStreamId();
    Event event = event(streamId, 1);
    // when
    store.saveEvent(event);
    // then
    Event stored = store.getEvents(streamId, 0).getFirst();
    assertThat(stored).isEqualTo(event);
    assertThat(stored.commandId()).isEmpty();
    assertThat(stored.metadata()).isEmpty();
  }

  @Test
  void timestamps_roundTripWithNanosecondPrecision() {
    // given
    String streamId = newStreamId();
    List<Instant> timestamps = List.of(
        Instant.parse("2026-11-26T23:39:36.123456789Z"),
        Instant.parse("2026-11-26T23:39:36.000000001Z"),
        Instant.parse("2026-11-26T23:39:36.100Z"),
        Instant.parse("2026-11-26T23:39:36Z"),
        Instant.parse("1969-12-31T23:59:59.999999999Z"),
        Instant.EPOCH);
    List<Event> events = new ArrayList<>();
    for (int i = 0; i < timestamps.size(); i++) {
      events.add(event(streamId, i + 1).toBuilder().timestamp(timestamps.get(i)).build());
    }
    // when
    store.append(streamId, 0, events);
    // then
    assertThat(store.getEvents(streamId, 0)).extracting(Event::timestamp).containsExactlyElementsOf(timestamps);
  }

  @Test
  void data_numbersReadBackAsLongWhenIntegralAndDoubleOtherwise() {
    // given
    String streamId = newStreamId();
    store.saveEvent(event(streamId, 1).toBuilder().data(ContractData.numbersOfEveryJavaType()).build());
    // when
    Map<String, Object> data = store.getEvents(streamId, 0).getFirst().data();
    // then: Map.equals compares Long 42 and Integer 42 as different, so the types are checked too
    assertThat(data).isEqualTo(ContractData.numbersNormalised());
  }

  @Test
  void data_ofALargePayload_roundTrips() {
    // given: well below the 1 MB default message limit of NATS, far above any buffer size
    String streamId = newStreamId();
    Event event = event(streamId, 1).toBuilder()
        .data(Map.of("blob", "x\u00E9\u65E5".repeat(64 * 1024), "numbers", LongStream.range(0, 5000).boxed().toList()))
        .build();
    // when
    store.saveEvent(event);
    // then
    assertThat(store.getEvents(streamId, 0)).containsExactly(event);
  }

  // ---- payload limits: what can be built is stored and read back by every store

  @Test
  void data_nestedToTheDepthLimit_roundTrips() {
    // given
    String streamId = newStreamId();
    List<Event> events = List.of(
        event(streamId, 1).toBuilder().data(ContractData.nestedObjects(PayloadLimits.DEFAULT_MAX_DEPTH)).build(),
        event(streamId, 2).toBuilder()
            .data(Map.of("lists", ContractData.nestedLists(PayloadLimits.DEFAULT_MAX_DEPTH - 1))).build());
    // when
    store.append(streamId, 0, events);
    // then
    assertThat(store.getEvents(streamId, 0)).containsExactlyElementsOf(events);
  }

  @Test
  void data_nestedToTheDepthCeiling_underRaisedLimits_roundTrips() {
    // given: a process may raise the depth limit up to the ceiling; every store must still read it back
    String streamId = newStreamId();
    PayloadLimits deepest = PayloadLimits.builder().maxDepth(PayloadLimits.MAX_DEPTH_CEILING).build();
    Event event = event(streamId, 1).toBuilder().limits(deepest)
        .data(ContractData.nestedObjects(PayloadLimits.MAX_DEPTH_CEILING)).build();
    // when
    store.saveEvent(event);
    // then
    assertThat(store.getEvents(streamId, 0)).containsExactly(event);
  }

  @Test
  void data_withStringsAndKeysOfTheMaximumLength_andPathLikeKeys_roundTrips() {
    // given
    String streamId = newStreamId();
    String longest = "k".repeat(PayloadLimits.DEFAULT_MAX_STRING_LENGTH);
    Event event = event(streamId, 1).toBuilder()
        .data(Map.of(longest, "v", "value", longest.replace('k', 'x'), "keys", ContractData.pathLikeKeys()))
        .metadata("m".repeat(PayloadLimits.DEFAULT_MAX_STRING_LENGTH), "value")
        .build();
    Event small = event(streamId, 2).toBuilder().data(ContractData.pathLikeKeys()).build();
    // when: a commit of two events, so a store that frames several events in one record is covered too
    store.append(streamId, 0, List.of(event, small));
    // then
    assertThat(store.getEvents(streamId, 0)).containsExactly(event, small);
  }

  @Test
  void event_ofExactlyTheMaximumJsonSize_roundTrips() {
    // given: an event whose JSON is exactly the size limit, in strings the length limit allows
    String streamId = newStreamId();
    Event probe = event(streamId, 1).toBuilder().data(Map.of("a", "", "b", "", "c", "", "d", "")).build();
    int room = PayloadLimits.DEFAULT_MAX_BYTES - EventJson.toBytes(probe).length;
    int quarter = room / 4;
    Event event = probe.toBuilder().data(Map.of("a", "x".repeat(quarter), "b", "x".repeat(quarter),
        "c", "x".repeat(quarter), "d", "x".repeat(room - 3 * quarter))).build();
    assertThat(EventJson.toBytes(event)).hasSize(PayloadLimits.DEFAULT_MAX_BYTES);
    // when
    store.saveEvent(event);
    // then
    assertThat(store.getEvents(streamId, 0)).containsExactly(event);
  }

  @Test
  void streamIdWithAnUnpairedSurrogate_isRefusedByEveryStore() {
    // regression: the JetStream store refused such ids (no UTF-8 form) while the in-memory store kept them
    for (String id : List.of("a\uD83D", "\uDE80b", "x\uDE80\uD83Dy")) {
      assertRefused(() -> store.getEvents(id, 0), "streamId");
      assertRefused(() -> store.getLatestVersion(id), "streamId");
      assertRefused(() -> event(id, 1), "streamId");
    }
  }

  // ---- undecodable records: never skipped silently

  @Test
  void getEvents_withAnUndecodableRecord_throwsNamingTheActorAndPosition_andGetEventsWithErrorsReportsIt() {
    // given
    String streamId = newStreamId();
    Event first = saved(streamId, 1).getFirst();
    byte[] garbage = "{not an event".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    OptionalLong position = writeUndecodableRecord(streamId, garbage);
    // an in-memory store holds decoded events only: it has no undecodable records to report
    assumeTrue(position.isPresent(), "the store cannot hold undecodable records");
    Event second = saved(streamId, 2).getFirst();
    // when / then
    assertThatExceptionOfType(UnreadableHistoryException.class).isThrownBy(() -> store.getEvents(streamId, 0))
        .satisfies(e -> {
          assertThat(e.streamId()).isEqualTo(streamId);
          assertThat(e.errors()).extracting(ReplayError::position).containsExactly(position.getAsLong());
          assertThat(e.getMessage()).contains(streamId).contains("position " + position.getAsLong());
          assertThat(e.isTransient()).isFalse();
        });
    for (ReplayResult result : List.of(store.getEventsWithErrors(streamId, 0), store.getEventsForWriter(streamId, 0))) {
      assertThat(result.events()).containsExactly(first, second);
      assertThat(result.errors()).singleElement().satisfies(error -> {
        assertThat(error.position()).isEqualTo(position.getAsLong());
        assertThat(error.rawData()).isEqualTo(garbage);
      });
    }
  }

  // ---- immutability

  @Test
  void getEvents_returnsAnUnmodifiableList() {
    // given
    String streamId = newStreamId();
    saved(streamId, 1);
    List<Event> events = store.getEvents(streamId, 0);
    // when / then
    assertThatThrownBy(() -> events.add(event(streamId, 2))).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> events.remove(0)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(store.getEvents(streamId, 0)).hasSize(1);
  }

  @Test
  void getEventsWithErrors_returnsUnmodifiableLists() {
    // given
    String streamId = newStreamId();
    saved(streamId, 1);
    ReplayResult result = store.getEventsWithErrors(streamId, 0);
    // when / then
    assertThatThrownBy(() -> result.events().clear()).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> result.errors().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  @SuppressWarnings("unchecked")
  void getEvents_returnsEventsWithDeeplyUnmodifiableDataAndMetadata() {
    // given
    String streamId = newStreamId();
    store.saveEvent(event(streamId, 1).toBuilder().data(ContractData.mutableObject()).correlationId("c").build());
    Event stored = store.getEvents(streamId, 0).getFirst();
    // when / then
    assertThatThrownBy(() -> stored.data().put("added", 1L)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((List<Object>) stored.data().get("items")).add("c"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((Map<String, Object>) stored.data().get("nested")).put("status", "changed"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> stored.metadata().put("userId", "u")).isInstanceOf(UnsupportedOperationException.class);
    assertThat(store.getEvents(streamId, 0)).containsExactly(stored);
  }

  @Test
  void saveEvent_thenMutatingTheSourceData_changesNothingStored() {
    // given
    String streamId = newStreamId();
    Map<String, Object> source = ContractData.mutableObject();
    Map<String, String> metadata = new HashMap<>(Map.of("userId", "u1"));
    store.saveEvent(event(streamId, 1).toBuilder().data(source).metadata(metadata).build());
    // when
    ContractData.mutate(source);
    metadata.put("userId", "u2");
    // then
    Event stored = store.getEvents(streamId, 0).getFirst();
    assertThat(stored.data()).isEqualTo(ContractData.mutableObject());
    assertThat(stored.metadata()).containsExactly(Map.entry("userId", "u1"));
  }

  @Test
  void getEvents_result_isNotChangedByLaterWrites() {
    // given
    String streamId = newStreamId();
    saved(streamId, 1);
    List<Event> before = store.getEvents(streamId, 0);
    // when
    store.saveEvent(event(streamId, 2));
    // then
    assertThat(versions(before)).containsExactly(1L);
  }

  // ---- concurrency

  @Test
  void saveEvent_concurrentWritersOfTheSameVersion_exactlyOneSucceeds() throws InterruptedException {
    // given
    String streamId = newStreamId();
    saved(streamId, 1);
    List<Event> candidates = LongStream.range(0, RACERS).mapToObj(i -> event(streamId, 2)).toList();
    // when
    List<Outcome<Void>> outcomes = Race.run(RACERS, i -> () -> {
      store.saveEvent(candidates.get(i));
      return null;
    });
    // then
    List<Event> winners = winners(outcomes, candidates);
    assertThat(winners).hasSize(1);
    outcomes.stream().filter(o -> !o.succeeded())
        .forEach(o -> assertConflictFields(o.failure(), streamId, 2, 2));
    assertThat(store.getEvents(streamId, 2)).containsExactlyElementsOf(winners);
    assertThat(notices.noticesOf(streamId)).extracting(EventStored::version).containsExactly(1L, 2L);
    assertThat(notices.noticesOf(streamId).getLast()).isEqualTo(EventStored.of(winners.getFirst()));
  }

  @Test
  void append_concurrentBatchesWithTheSameExpectedVersion_exactlyOneIsStoredWhole() throws InterruptedException {
    // given
    String streamId = newStreamId();
    List<List<Event>> batches = LongStream.range(0, RACERS).mapToObj(i -> events(streamId, 1, 2, 3)).toList();
    // when
    List<Outcome<Long>> outcomes = Race.run(RACERS, i -> () -> store.append(streamId, 0, batches.get(i)));
    // then
    List<Integer> winners = new ArrayList<>();
    for (int i = 0; i < RACERS; i++) {
      if (outcomes.get(i).succeeded()) {
        winners.add(i);
        assertThat(outcomes.get(i).value()).isEqualTo(3);
      } else {
        assertConflictFields(outcomes.get(i).failure(), streamId, 1, 3);
      }
    }
    assertThat(winners).hasSize(1);
    List<Event> winningBatch = batches.get(winners.getFirst());
    assertThat(store.getEvents(streamId, 0)).containsExactlyElementsOf(winningBatch);
    assertThat(notices.noticesOf(streamId)).containsExactlyElementsOf(noticesFor(winningBatch));
  }

  @Test
  void append_racingASingleWriteOfAVersionInsideTheBatch_isAllOrNothing() throws InterruptedException {
    // given: per actor, one racer appends versions 1..3 while another saves version 2 alone
    List<String> streamIds = LongStream.range(0, RACERS / 2).mapToObj(i -> newStreamId()).toList();
    List<List<Event>> batches = streamIds.stream().map(streamId -> events(streamId, 1, 2, 3)).toList();
    List<Event> singles = streamIds.stream().map(streamId -> event(streamId, 2)).toList();
    // when
    List<Outcome<Void>> outcomes = Race.run(streamIds.size() * 2, i -> () -> {
      if (i % 2 == 0) {
        store.append(streamIds.get(i / 2), 0, batches.get(i / 2));
      } else {
        store.saveEvent(singles.get(i / 2));
      }
      return null;
    });
    // then: exactly one of the two wins, the loser gets a conflict, and a batch is never stored in part
    for (int i = 0; i < streamIds.size(); i++) {
      Outcome<Void> batch = outcomes.get(2 * i);
      Outcome<Void> single = outcomes.get(2 * i + 1);
      assertThat(batch.succeeded()).as("exactly one winner for %s", streamIds.get(i)).isNotEqualTo(single.succeeded());
      Outcome<Void> loser = batch.succeeded() ? single : batch;
      assertThat(loser.failure()).isInstanceOf(VersionConflictException.class);
      List<Event> winner = batch.succeeded() ? batches.get(i) : List.of(singles.get(i));
      assertThat(store.getEvents(streamIds.get(i), 0)).as(streamIds.get(i)).containsExactlyElementsOf(winner);
    }
  }

  @Test
  void saveEvent_concurrentWritersOfDifferentActors_allSucceed() throws InterruptedException {
    // given
    List<String> streamIds = LongStream.range(0, RACERS).mapToObj(i -> newStreamId()).toList();
    // when
    List<Outcome<Void>> outcomes = Race.run(RACERS, i -> () -> {
      for (long version = 1; version <= 5; version++) {
        store.saveEvent(event(streamIds.get(i), version));
      }
      return null;
    });
    // then
    assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
    for (String streamId : streamIds) {
      assertThat(versions(store.getEvents(streamId, 0))).containsExactly(1L, 2L, 3L, 4L, 5L);
      assertThat(notices.noticesOf(streamId)).extracting(EventStored::version).containsExactly(1L, 2L, 3L, 4L, 5L);
    }
  }

  @Test
  void saveEvent_concurrentWritersThatRetryOnConflict_buildOneGaplessHistory() throws InterruptedException {
    // given: the canonical loop: read the latest version, save the next, reload and retry on a conflict
    String streamId = newStreamId();
    int writers = 8;
    int eventsPerWriter = 8;
    // when
    List<Outcome<Void>> outcomes = Race.run(writers, writer -> () -> {
      for (int sequence = 0; sequence < eventsPerWriter; sequence++) {
        saveWithRetry(streamId, Map.of("writer", (long) writer, "sequence", (long) sequence));
      }
      return null;
    });
    // then
    assertThat(outcomes).allSatisfy(o -> assertThat(o.failure()).isNull());
    List<Event> history = store.getEvents(streamId, 0);
    assertThat(versions(history)).containsExactlyElementsOf(
        LongStream.rangeClosed(1, writers * eventsPerWriter).boxed().toList());
    for (long writer = 0; writer < writers; writer++) {
      long w = writer;
      assertThat(history.stream().filter(e -> e.data().get("writer").equals(w)).map(e -> e.data().get("sequence")))
          .as("events of writer %d", writer)
          .containsExactlyElementsOf(LongStream.range(0, eventsPerWriter).boxed().toList());
    }
  }

  // ---- EventStored notices

  @Test
  void saveEvent_emitsOneNoticeDescribingTheStoredEvent() {
    // given
    String streamId = newStreamId();
    Event event = event(streamId, 1).toBuilder().timestamp(Instant.parse("2026-11-26T23:39:36.123456789Z")).build();
    // when
    store.saveEvent(event);
    // then
    assertThat(notices.noticesOf(streamId))
        .containsExactly(new EventStored(event.id(), streamId, 1, event.timestamp()));
  }

  @Test
  void saveEvent_severalSaves_emitNoticesInVersionOrder() {
    // given
    String streamId = newStreamId();
    // when
    List<Event> history = saved(streamId, 1, 2, 5);
    // then
    assertThat(notices.noticesOf(streamId)).containsExactlyElementsOf(noticesFor(history));
  }

  @Test
  void append_emitsOneNoticePerEventInVersionOrder() {
    // given
    String streamId = newStreamId();
    List<Event> batch = events(streamId, 1, 2, 3);
    // when
    store.append(streamId, 0, batch);
    // then
    assertThat(notices.noticesOf(streamId)).containsExactlyElementsOf(noticesFor(batch));
  }

  @Test
  void saveEvent_refusedByConflict_emitsNoNotice() {
    // given
    String streamId = newStreamId();
    Event original = event(streamId, 1);
    store.saveEvent(original);
    // when
    assertConflict(() -> store.saveEvent(event(streamId, 1)), streamId, 1, 1);
    // then
    assertThat(notices.noticesOf(streamId)).containsExactly(EventStored.of(original));
  }

  @Test
  void append_refusedBatches_emitNoNotice() {
    // given
    String streamId = newStreamId();
    // when
    assertRefused(() -> store.append(streamId, 0, events(streamId, 1, 1)), "events[1].version");
    assertRefused(() -> store.append(streamId, 0, List.of(event(streamId, 1), event(newStreamId(), 2))),
        "events[1].streamId");
    assertConflict(() -> store.append(streamId, 1, events(streamId, 2, 3)), streamId, 2, 0);
    // then
    assertThat(notices.notices()).isEmpty();
  }

  @Test
  void saveEvent_withAFailingListener_stillStoresTheEvent() {
    // given
    EventStore failingListenerStore = open(notice -> {
      throw new IllegalStateException("listener failure for the contract test (expected in logs)");
    });
    String streamId = newStreamId();
    Event event = event(streamId, 1);
    // when
    failingListenerStore.saveEvent(event);
    // then
    assertThat(failingListenerStore.getEvents(streamId, 0)).containsExactly(event);
  }

  // ---- helpers

  private EventStore open(EventStoredListener listener) {
    EventStore created = createStore(listener);
    openStores.add(created);
    return created;
  }

  private static List<Event> events(String streamId, long... versions) {
    return LongStream.of(versions).mapToObj(version -> event(streamId, version)).toList();
  }

  private List<Event> saved(String streamId, long... versions) {
    List<Event> history = events(streamId, versions);
    history.forEach(store::saveEvent);
    return history;
  }

  private void saveWithRetry(String streamId, Map<String, Object> data) {
    for (int attempt = 0; attempt < 10_000; attempt++) {
      long next = store.getLatestVersion(streamId) + 1;
      try {
        store.saveEvent(event(streamId, next).toBuilder().data(data).build());
        return;
      } catch (VersionConflictException lostTheRace) {
        // another writer stored this version first: reload and decide again
      }
    }
    throw new AssertionError("no progress after 10000 attempts: does getLatestVersion return stale values?");
  }

  private static List<EventStored> noticesFor(List<Event> events) {
    return events.stream().map(EventStored::of).toList();
  }

  private static List<Long> versions(List<Event> events) {
    return events.stream().map(Event::version).toList();
  }

  private static <T> List<Event> winners(List<Outcome<T>> outcomes, List<Event> candidates) {
    List<Event> winners = new ArrayList<>();
    for (int i = 0; i < outcomes.size(); i++) {
      if (outcomes.get(i).succeeded()) {
        winners.add(candidates.get(i));
      }
    }
    return winners;
  }

  private static void assertRefused(ThrowingCallable call, String field) {
    assertThatExceptionOfType(InvalidInputException.class).isThrownBy(call)
        .extracting(InvalidInputException::field).isEqualTo(field);
  }

  private static void assertConflict(ThrowingCallable write, String streamId, long attempted, long current) {
    assertThatExceptionOfType(VersionConflictException.class).isThrownBy(write)
        .satisfies(conflict -> assertConflictFields(conflict, streamId, attempted, current));
  }

  private static void assertConflictFields(Throwable failure, String streamId, long attempted, long current) {
    assertThat(failure).isInstanceOfSatisfying(VersionConflictException.class, conflict -> {
      assertThat(conflict.streamId()).as("streamId").isEqualTo(streamId);
      assertThat(conflict.attemptedVersion()).as("attemptedVersion").isEqualTo(attempted);
      assertThat(conflict.currentVersion()).as("currentVersion").isEqualTo(current);
      assertThat(conflict.isTransient()).as("transient").isFalse();
    });
  }
}
