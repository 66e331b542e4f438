package dev.aether.nats;

import static dev.aether.nats.NatsTestSupport.config;
import static dev.aether.nats.NatsTestSupport.event;
import static dev.aether.nats.NatsTestSupport.events;
import static dev.aether.nats.NatsTestSupport.newStreamId;
import static dev.aether.nats.NatsTestSupport.versions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.aether.event.Event;
import dev.aether.store.VersionConflictException;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Writers in different processes (here: two stores on two connections) racing on one actor. */
@NatsTest
class JetStreamConcurrencyIT {

  private static final int WRITERS = 50;

  private JetStreamEventStore first;
  private JetStreamEventStore second;

  @BeforeEach
  void open(NatsServer server) {
    first = JetStreamEventStore.connect(config(server, "race").build());
    second = JetStreamEventStore.connect(config(server, "race").build());
  }

  @AfterEach
  void close() {
    first.close();
    second.close();
  }

  @Test
  void fiftyWriters_onTwoConnections_exactlyOneWinsEachVersion() throws InterruptedException {
    // given
    String streamId = newStreamId();
    for (long version = 1; version <= 3; version++) {
      long v = version;
      List<Event> attempt = IntStream.range(0, WRITERS).mapToObj(i -> event(streamId, v)).toList();
      // when
      List<Object> outcomes = race(i -> {
        JetStreamEventStore store = i % 2 == 0 ? first : second;
        store.saveEvent(attempt.get(i));
        return attempt.get(i);
      });
      // then
      List<Object> winners = outcomes.stream().filter(o -> o instanceof Event).toList();
      assertThat(winners).as("winners of version %d", version).hasSize(1);
      assertThat(outcomes).filteredOn(o -> !(o instanceof Event)).hasSize(WRITERS - 1)
          .allSatisfy(o -> assertThat(o).isInstanceOfSatisfying(VersionConflictException.class, c -> {
            assertThat(c.attemptedVersion()).isEqualTo(v);
            assertThat(c.currentVersion()).isEqualTo(v);
          }));
      assertThat(first.getEvents(streamId, version)).containsExactly((Event) winners.getFirst());
    }
    assertThat(versions(second.getEvents(streamId, 0))).containsExactly(1L, 2L, 3L);
  }

  @Test
  void fiftyBatches_onTwoConnections_exactlyOneIsStoredWhole() throws InterruptedException {
    // given
    String streamId = newStreamId();
    List<List<Event>> batches = IntStream.range(0, WRITERS).mapToObj(i -> events(streamId, 1, 2, 3)).toList();
    // when
    List<Object> outcomes = race(i -> (i % 2 == 0 ? first : second).append(streamId, 0, batches.get(i)));
    // then
    List<Integer> winners = IntStream.range(0, WRITERS).filter(i -> outcomes.get(i) instanceof Long).boxed().toList();
    assertThat(winners).hasSize(1);
    assertThat(outcomes).filteredOn(o -> o instanceof VersionConflictException).hasSize(WRITERS - 1);
    assertThat(second.getEvents(streamId, 0)).containsExactlyElementsOf(batches.get(winners.getFirst()));
  }

  @Test
  void aStoreWithAnOutdatedCache_refusesStaleWritesAndAcceptsValidOnes() {
    // given: the first store caches version 1, then the second store moves the actor to 2
    String streamId = newStreamId();
    first.saveEvent(event(streamId, 1));
    second.saveEvent(event(streamId, 2));
    // when / then
    assertThatExceptionOfType(VersionConflictException.class)
        .isThrownBy(() -> first.append(streamId, 1, events(streamId, 2)))
        .satisfies(c -> assertThat(c.currentVersion()).isEqualTo(2));
    first.saveEvent(event(streamId, 3));
    assertThat(first.append(streamId, 3, events(streamId, 4, 5))).isEqualTo(5);
    second.saveEvent(event(streamId, 6));
    assertThat(first.append(streamId, 6, events(streamId, 7))).isEqualTo(7);
    assertThat(first.getLatestVersion(streamId)).isEqualTo(7);
    assertThat(versions(second.getEvents(streamId, 0))).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
  }

  @Test
  void aFirstCommit_byAStoreThatNeverSawTheActor_onAnExistingActor_isAConflict() {
    // given: the first store wrote versions 1..2; the second store has no position of the actor cached
    String streamId = newStreamId();
    first.append(streamId, 0, events(streamId, 1, 2));
    // when / then: a version-1 commit is published without a read (assumed new) and refused by the server
    assertThatExceptionOfType(VersionConflictException.class)
        .isThrownBy(() -> second.append(streamId, 0, events(streamId, 1)))
        .satisfies(c -> assertThat(c.currentVersion()).isEqualTo(2));
    assertThatExceptionOfType(VersionConflictException.class)
        .isThrownBy(() -> second.saveEvent(event(streamId, 1)))
        .satisfies(c -> assertThat(c.currentVersion()).isEqualTo(2));
    assertThat(versions(first.getEvents(streamId, 0))).containsExactly(1L, 2L);
  }

  @Test
  void aReplay_cachesTheActorsPosition_andAnOutdatedOneStillNeverAllowsAStaleWrite() {
    // given: the first store wrote versions 1..3
    String streamId = newStreamId();
    first.append(streamId, 0, events(streamId, 1, 2, 3));
    // when: the second store replays the actor (as an activation does)
    second.getEvents(streamId, 0);
    // then: it knows the position without another read, and appends after it
    assertThat(second.positions().cached(streamId)).satisfies(p -> assertThat(p.version()).isEqualTo(3));
    assertThat(second.append(streamId, 3, events(streamId, 4))).isEqualTo(4);
    // and when the first store moves on after a replay, the cached position is only a hint
    second.getEvents(streamId, 0);
    first.saveEvent(event(streamId, 5));
    assertThatExceptionOfType(VersionConflictException.class)
        .isThrownBy(() -> second.append(streamId, 4, events(streamId, 5)))
        .satisfies(c -> assertThat(c.currentVersion()).isEqualTo(5));
    assertThat(versions(first.getEvents(streamId, 0))).containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  /** Runs {@link #WRITERS} writers on virtual threads from one start signal; returns each result or failure. */
  private static List<Object> race(IntFunction<Object> writer) throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    List<Object> outcomes = new ArrayList<>(java.util.Collections.nCopies(WRITERS, null));
    ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (int i = 0; i < WRITERS; i++) {
        int index = i;
        executor.execute(() -> {
          try {
            start.await();
            Object result = writer.apply(index);
            synchronized (outcomes) {
              outcomes.set(index, result);
            }
          } catch (VersionConflictException e) {
            synchronized (outcomes) {
              outcomes.set(index, e);
            }
          } catch (Throwable e) {
            unexpected.add(e);
          }
        });
      }
      start.countDown();
      executor.shutdown();
      assertThat(executor.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(unexpected).isEmpty();
    return outcomes;
  }
}
