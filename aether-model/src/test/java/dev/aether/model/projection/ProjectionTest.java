package dev.aether.model.projection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.runtime.behavior.EventUpcasts;
import dev.aether.store.EventFeed;
import dev.aether.store.FeedEntry;
import dev.aether.store.FeedPosition;
import dev.aether.store.FeedReader;
import dev.aether.store.FeedStart;
import dev.aether.store.InMemoryEventStore;
import dev.aether.store.InMemoryReadModelStore;
import dev.aether.store.ReadModelStore;
import dev.aether.store.SharedFeed;
import dev.aether.store.SharedFeedOptions;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Java projections on the in-memory store's feed: typed views, resume, repeats, rebuild, waits, errors. */
class ProjectionTest {

  record Balance(long amount, long deposits) {}

  record Deposited(long amount) {}

  record Withdrawn(long amount) {}

  private static final Duration WAIT = Duration.ofSeconds(5);

  private final InMemoryEventStore events = InMemoryEventStore.create();
  private final InMemoryReadModelStore views = InMemoryReadModelStore.create();
  private final AtomicInteger handled = new AtomicInteger();
  private final List<RunningProjection<?>> running = new ArrayList<>();

  @AfterEach
  void stop() {
    running.forEach(RunningProjection::close);
  }

  private Projection<Balance> balances(String schema) {
    return Projection.builder("balances", Balance.class).schema(schema)
        .initialView(() -> new Balance(0, 0))
        .on("Account", "Deposited", Deposited.class, (view, e, event) -> {
          handled.incrementAndGet();
          return new Balance(view.amount() + e.amount(), view.deposits() + 1);
        })
        .on("Account", "Withdrawn", Withdrawn.class, (view, e, event) -> {
          handled.incrementAndGet();
          return new Balance(view.amount() - e.amount(), view.deposits());
        })
        .on("Account", "Closed", Map.class, (view, e, event) -> null)
        .build();
  }

  private <V> RunningProjection<V> start(Projection<V> projection, ReadModelStore store) {
    RunningProjection<V> r = projection.start(events, store);
    running.add(r);
    return r;
  }

  private long append(String stream, String type, Map<String, Object> data) {
    long version = events.getLatestVersion(stream) + 1;
    return events.append(stream, version - 1, List.of(Event.builder().eventType(type).streamId(stream)
        .version(version).data(data).build()));
  }

  @Test
  void eventsOfAnyWriter_becomeTypedViews_keyedByActorId() {
    append("Account/a", "Deposited", Map.of("amount", 100));
    RunningProjection<Balance> balances = start(balances("1"), views);
    append("Account/a", "Withdrawn", Map.of("amount", 30));
    long version = append("Account/b", "Deposited", Map.of("amount", 5));
    append("Other/x", "Deposited", Map.of("amount", 999)); // another aggregate type: not handled

    assertThat(balances.awaitCaughtUp("Account/b", version, WAIT)).isTrue();
    balances.idle().orTimeout(5, TimeUnit.SECONDS).join();

    assertThat(balances.get("a")).contains(new Balance(70, 1));
    assertThat(balances.rows()).containsOnlyKeys("a", "b");
    assertThat(balances.get("x")).isEmpty();
    assertRefused(() -> balances.awaitCaughtUp("Account/b", version, Duration.ofSeconds(-1)), "timeout");
    assertRefused(() -> balances.awaitPosition(FeedPosition.START, Duration.ofMillis(-1)), "timeout");
  }

  record Stamped(Instant at, LocalDate day, Duration took) {}

  record LastSeen(Instant at, LocalDate day, Duration took, long count) {}

  @Test
  void javaTimeComponents_ofEventsAndViews_areReadAndWrittenAsIsoText_asBehavioursWriteThem() {
    // found by a user evaluation: without JavaTimeModule every such event was skipped (failures() 1, a WARN)
    RunningProjection<LastSeen> seen = start(Projection.builder("seen", LastSeen.class)
        .initialView(() -> new LastSeen(null, null, null, 0))
        .on("Account", "Stamped", Stamped.class, (view, e, event) ->
            new LastSeen(e.at(), e.day(), e.took(), view.count() + 1))
        .build(), views);
    append("Account/t", "Stamped", Map.of("at", "2026-12-07T08:00:00.5Z", "day", "2026-12-07", "took", "PT5S"));
    long version = append("Account/t", "Stamped", Map.of("at", "2026-12-07T09:00:00Z", "day", "2026-12-08",
        "took", "PT1M"));

    assertThat(seen.awaitCaughtUp("Account/t", version, WAIT)).isTrue();
    seen.idle().orTimeout(5, TimeUnit.SECONDS).join();

    assertThat(seen.failures()).isZero();
    assertThat(seen.get("t")).contains(new LastSeen(Instant.parse("2026-12-07T09:00:00Z"),
        LocalDate.parse("2026-12-08"), Duration.ofMinutes(1), 2));
    assertThat(views.get("seen", "t").orElseThrow()).containsEntry("at", "2026-12-07T09:00:00Z")
        .containsEntry("day", "2026-12-08").containsEntry("took", "PT1M");
  }

  @Test
  void aRowChangedInTheStoreByAnother_isWhatTheNextEventUpdates() {
    RunningProjection<Balance> balances = start(balances("1"), views);
    long version = append("Account/a", "Deposited", Map.of("amount", 10));
    assertThat(balances.awaitCaughtUp("Account/a", version, WAIT)).isTrue();
    // when: the row is replaced behind the projector's back (an operator's repair), then an event comes
    views.write("balances", "a", Map.of("amount", 500, "deposits", 7));
    version = append("Account/a", "Deposited", Map.of("amount", 1));
    assertThat(balances.awaitCaughtUp("Account/a", version, WAIT)).isTrue();
    // then: the event updated the row the store holds, not the view the projector wrote before
    assertThat(balances.get("a")).contains(new Balance(501, 8));
  }

  @Test
  void restart_resumesAfterTheSavedPosition_withoutHandlingAnEventTwice() {
    append("Account/a", "Deposited", Map.of("amount", 10));
    RunningProjection<Balance> first = start(balances("1"), views);
    first.idle().orTimeout(5, TimeUnit.SECONDS).join();
    first.close();
    append("Account/a", "Deposited", Map.of("amount", 20)); // written while the projection is down

    RunningProjection<Balance> second = start(balances("1"), views);
    second.idle().orTimeout(5, TimeUnit.SECONDS).join();

    assertThat(second.get("a")).contains(new Balance(30, 2));
    assertThat(handled).hasValue(2);
    assertThat(views.feedPosition("balances")).contains(events.head());
  }

  /** A process's view of the feed: counts the readers it opens and closes. */
  private final class CountingFeed implements EventFeed {
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();

    @Override
    public FeedReader openFeed(FeedStart start) {
      opened.incrementAndGet();
      FeedReader reader = events.openFeed(start);
      return new FeedReader() {
        @Override
        public List<FeedEntry> poll(int max, Duration wait) {
          return reader.poll(max, wait);
        }

        @Override
        public FeedPosition position() {
          return reader.position();
        }

        @Override
        public void close() {
          closed.incrementAndGet();
          reader.close();
        }
      };
    }

    @Override
    public FeedPosition head() {
      return events.head();
    }

    @Override
    public SharedFeed openShared(String group, FeedStart startIfNew, SharedFeedOptions options) {
      return events.openShared(group, startIfNew, options);
    }
  }

  @Test
  void twoProcessesOnOneStore_onlyTheOneThatRunsItReads_andTheOtherTakesOverWhereItStopped() {
    AtomicBoolean firstRuns = new AtomicBoolean(true);
    CountingFeed firstFeed = new CountingFeed();
    CountingFeed secondFeed = new CountingFeed();
    RunningProjection<Balance> first = balances("1").start(firstFeed, views, null, firstRuns::get);
    RunningProjection<Balance> second = balances("1").start(secondFeed, views, null, () -> !firstRuns.get());
    running.add(first);
    running.add(second);
    append("Account/a", "Deposited", Map.of("amount", 10));
    long v2 = append("Account/a", "Deposited", Map.of("amount", 5));

    assertThat(second.awaitCaughtUp("Account/a", v2, WAIT)).as("the standby sees the rows the runner wrote").isTrue();
    second.idle().orTimeout(5, TimeUnit.SECONDS).join(); // the standby follows the runner's saved position
    assertThat(handled).hasValue(2);
    assertThat(secondFeed.opened).as("readers the standby opened").hasValue(0);

    firstRuns.set(false); // the projection moves to the second process
    long v3 = append("Account/a", "Deposited", Map.of("amount", 1));
    assertThat(second.awaitCaughtUp("Account/a", v3, WAIT)).isTrue();
    second.idle().orTimeout(5, TimeUnit.SECONDS).join();
    // the first process stands by once it closed its reader: from then on it cannot handle anything
    await().atMost(WAIT).until(() -> firstFeed.closed.get() == 1);

    assertThat(second.get("a")).contains(new Balance(16, 3));
    assertThat(handled).as("each event handled once, by whichever process ran the projection").hasValue(3);
    assertThat(secondFeed.opened).as("the second process reads once it runs the projection").hasValue(1);
  }

  @Test
  void checkRunsHere_startsAStandingByProjection_withoutWaitingForItsNextCheck() {
    AtomicBoolean runsHere = new AtomicBoolean(false);
    AtomicInteger asked = new AtomicInteger();
    long version = append("Account/a", "Deposited", Map.of("amount", 10));
    // a stand-by check of an hour: only checkRunsHere can start it within the test
    RunningProjection<Balance> standingBy = FeedProjector.start(balances("1"), events, views,
        ProjectionMeters.NONE, () -> {
          asked.incrementAndGet();
          return runsHere.get();
        }, Duration.ofHours(1));
    running.add(standingBy);
    await().atMost(WAIT).until(() -> asked.get() >= 1); // it stands by
    assertThat(standingBy.awaitCaughtUp("Account/a", version, Duration.ofMillis(300))).isFalse();

    runsHere.set(true);
    standingBy.checkRunsHere();

    assertThat(standingBy.awaitCaughtUp("Account/a", version, WAIT)).isTrue();
    assertThat(standingBy.get("a")).contains(new Balance(10, 1));
  }

  @Test
  void aRebuildAskedOfAProjectionStandingBy_failsAtOnce_andIsNotKeptForWhenItRunsHereAgain() {
    AtomicBoolean runsHere = new AtomicBoolean(true);
    long version = append("Account/a", "Deposited", Map.of("amount", 10));
    RunningProjection<Balance> projection = FeedProjector.start(balances("1"), events, views,
        ProjectionMeters.NONE, runsHere::get, Duration.ofHours(1)); // only checkRunsHere wakes it within the test
    running.add(projection);
    assertThat(projection.awaitCaughtUp("Account/a", version, WAIT)).isTrue();
    projection.idle().orTimeout(5, TimeUnit.SECONDS).join(); // handled once, its position saved
    runsHere.set(false);
    projection.checkRunsHere();
    await().atMost(WAIT).until(() -> !projection.runsHere());

    CompletableFuture<Void> first = projection.rebuild();
    CompletableFuture<Void> second = projection.rebuild(); // one request serving both callers
    for (CompletableFuture<Void> asked : List.of(first, second)) {
      assertThat(asked).failsWithin(WAIT).withThrowableOfType(Exception.class).havingCause()
          .isInstanceOf(IllegalStateException.class).withMessageContaining("does not run here now");
    }

    runsHere.set(true);
    projection.checkRunsHere();
    long next = append("Account/a", "Deposited", Map.of("amount", 5));
    assertThat(projection.awaitCaughtUp("Account/a", next, WAIT)).isTrue();
    projection.idle().orTimeout(5, TimeUnit.SECONDS).join();
    assertThat(handled).as("the first event not handled again: no rebuild began when it came back").hasValue(2);
    assertThat(projection.get("a")).contains(new Balance(15, 2));
  }

  @Test
  void aRebuildWhoseResetFails_isBegunAgainAfterThePause_andCompletes() {
    long version = append("Account/a", "Deposited", Map.of("amount", 10));
    AtomicInteger resets = new AtomicInteger();
    ReadModelStore failingOnce = new ForwardingStore(views) {
      @Override
      public void reset(String readModel, String schema) {
        if (resets.incrementAndGet() == 2) { // the first is the start's (no schema yet); the rebuild's fails once
          throw new IllegalStateException("the store did not answer");
        }
        delegate.reset(readModel, schema);
      }
    };
    RunningProjection<Balance> projection = start(balances("1"), failingOnce);
    assertThat(projection.awaitCaughtUp("Account/a", version, WAIT)).isTrue();
    projection.idle().orTimeout(5, TimeUnit.SECONDS).join();

    assertThat(projection.rebuild()).succeedsWithin(WAIT);

    assertThat(resets).as("the start's, the rebuild's that failed, and its second").hasValue(3);
    assertThat(handled).as("the event handled again by the rebuild").hasValue(2);
    assertThat(projection.get("a")).contains(new Balance(10, 1));
  }

  @Test
  void crashBetweenRowsAndPosition_repeatsEvents_whichChangeNothing() {
    // a store that loses every position save: as if the process died after writing rows, before the position
    ReadModelStore forgetful = new PositionLosingStore(views);
    append("Account/a", "Deposited", Map.of("amount", 10));
    append("Account/a", "Deposited", Map.of("amount", 20));
    RunningProjection<Balance> first = start(balances("1"), forgetful);
    assertThat(first.awaitCaughtUp("Account/a", 2, WAIT)).isTrue();
    first.close();

    RunningProjection<Balance> second = start(balances("1"), forgetful); // reads the feed from the beginning
    assertThat(second.awaitPosition(events.head(), WAIT)).isTrue();

    assertThat(second.get("a")).contains(new Balance(30, 2));
    assertThat(handled).hasValue(2); // the repeated events never reached a handler
  }

  @Test
  void aCommitOfSeveralEvents_repeatedInOneBatch_appliesEachEventOnce_whateverEachOneDoes() {
    // one commit whose events share one stream id string: applied, not routed, failing, removing, applied
    String stream = "Account/a";
    events.append(stream, 0, List.of(event(stream, 1, "Deposited", 10), event(stream, 2, "Renamed", 0),
        event(stream, 3, "Deposited", -1), event(stream, 4, "Closed", 0), event(stream, 5, "Deposited", 7),
        event(stream, 6, "Deposited", 2)));
    events.append("Account/b", 0, List.of(event("Account/b", 1, "Deposited", 4)));
    Projection<Balance> projection = Projection.builder("balances", Balance.class)
        .initialView(() -> new Balance(0, 0))
        .on("Account", "Deposited", Deposited.class, (view, e, event) -> {
          handled.incrementAndGet();
          if (e.amount() < 0) {
            throw new IllegalArgumentException("negative");
          }
          return new Balance(view.amount() + e.amount(), view.deposits() + 1);
        })
        .on("Account", "Closed", Map.class, (view, e, event) -> null)
        .build();
    // a feed that hands every batch twice in a row, as a reader that starts early repeats events
    dev.aether.store.EventFeed repeating = new dev.aether.store.EventFeed() {
      @Override
      public dev.aether.store.FeedReader openFeed(dev.aether.store.FeedStart start) {
        dev.aether.store.FeedReader reader = events.openFeed(start);
        return new dev.aether.store.FeedReader() {
          @Override
          public List<dev.aether.store.FeedEntry> poll(int max, Duration wait) {
            List<dev.aether.store.FeedEntry> entries = new ArrayList<>(reader.poll(max / 2, wait));
            entries.addAll(List.copyOf(entries));
            return entries;
          }

          @Override
          public FeedPosition position() {
            return reader.position();
          }

          @Override
          public void close() {
            reader.close();
          }
        };
      }

      @Override
      public FeedPosition head() {
        return events.head();
      }

      @Override
      public dev.aether.store.SharedFeed openShared(String group, dev.aether.store.FeedStart startIfNew,
          dev.aether.store.SharedFeedOptions options) {
        return events.openShared(group, startIfNew, options);
      }
    };
    RunningProjection<Balance> balances = projection.start(repeating, views);
    running.add(balances);
    balances.idle().orTimeout(5, TimeUnit.SECONDS).join();

    assertThat(balances.get("a")).contains(new Balance(9, 2)); // removed at version 4, then 7 and 2
    assertThat(balances.get("b")).contains(new Balance(4, 1));
    assertThat(handled).hasValue(5); // versions 1, 3 (which failed), 5, 6 of a and 1 of b: once each
    assertThat(balances.failures()).isEqualTo(1);
    assertThat(views.checkpoint("balances", stream)).isEqualTo(6);
    assertThat(views.checkpoint("balances", "Account/b")).isEqualTo(1);
  }

  private static Event event(String stream, long version, String type, long amount) {
    return Event.builder().eventType(type).streamId(stream).version(version).data(Map.of("amount", amount)).build();
  }

  record Entry(String account, long amount) {}

  @Test
  void aCommitUpdatingSeveralRows_isFoldedPerRun_eachRunWrittenOnceWithItsCheckpoint() {
    // one commit of a ledger whose events update the rows of two accounts: runs a,a,(not routed) b,b a
    String ledger = "Ledger/l1";
    events.append(ledger, 0, List.of(entry(ledger, 1, "a", 1), entry(ledger, 2, "a", 2),
        Event.builder().eventType("Noted").streamId(ledger).version(3).build(), entry(ledger, 4, "b", 4),
        entry(ledger, 5, "b", 8), entry(ledger, 6, "a", 16)));
    RacingStore store = new RacingStore(views, false);
    Projection<Balance> byAccount = Projection.builder("accounts", Balance.class)
        .initialView(() -> new Balance(0, 0))
        .on("Ledger", "Entered", Entry.class, (e, event) -> e.account(),
            (view, e, event) -> new Balance(view.amount() + e.amount(), view.deposits() + 1))
        .build();

    RunningProjection<Balance> running = start(byAccount, store);
    running.idle().orTimeout(5, TimeUnit.SECONDS).join();

    assertThat(running.get("a")).contains(new Balance(19, 3));
    assertThat(running.get("b")).contains(new Balance(12, 2));
    assertThat(views.checkpoint("accounts", ledger)).isEqualTo(6);
    assertThat(store.puts).as("one write per run of a row: a (v1-3), b (v4-5), a (v6)")
        .containsExactly("a@3", "b@5", "a@6");
  }

  @Test
  void aFoldWhoseRowAnotherWriterChanged_isAppliedAgainEventByEvent_onTheirRow() {
    events.append("Account/a", 0, List.of(event("Account/a", 1, "Deposited", 10),
        event("Account/a", 2, "Deposited", 20), event("Account/a", 3, "Deposited", 30)));
    RacingStore store = new RacingStore(views, true); // another writer changes row a before the first write

    RunningProjection<Balance> balances = start(balances("1"), store);
    balances.idle().orTimeout(5, TimeUnit.SECONDS).join();

    assertThat(balances.get("a")).contains(new Balance(560, 10)); // 500 and 7 deposits of theirs, then ours
    assertThat(views.checkpoint("balances", "Account/a")).isEqualTo(3);
    assertThat(store.puts).as("the fold was refused, then each event written on its own")
        .containsExactly("a@1", "a@2", "a@3");
  }

  private static Event entry(String stream, long version, String account, long amount) {
    return Event.builder().eventType("Entered").streamId(stream).version(version)
        .data(Map.of("account", account, "amount", amount)).build();
  }

  /**
   * A shared store with compare-and-set on rows over an in-memory one, recording each write as
   * {@code key@version}; with {@code race}, another writer replaces the row just before the first write.
   */
  private static final class RacingStore extends ForwardingStore {
    final List<String> puts = new ArrayList<>();
    private boolean race;

    RacingStore(InMemoryReadModelStore delegate, boolean race) {
      super(delegate);
      this.race = race;
    }

    @Override
    public boolean isShared() {
      return true;
    }

    @Override
    public boolean putIfUnchanged(String readModel, String key, Map<String, Object> base, Map<String, Object> row,
        String streamId, long version) {
      if (race) {
        race = false;
        delegate.write(readModel, key, Map.of("amount", 500, "deposits", 7));
      }
      if (!java.util.Objects.equals(delegate.get(readModel, key).orElse(null), base)) {
        return false;
      }
      put(readModel, key, row, streamId, version);
      return true;
    }

    @Override
    public void put(String readModel, String key, Map<String, Object> row, String streamId, long version) {
      puts.add(key + "@" + version);
      super.put(readModel, key, row, streamId, version);
    }
  }

  @Test
  void rebuild_fromZero_givesTheSameViews_andReportsProgress() {
    for (int i = 1; i <= 200; i++) {
      append("Account/" + (i % 7), "Deposited", Map.of("amount", i));
    }
    RunningProjection<Balance> balances = start(balances("1"), views);
    balances.idle().orTimeout(5, TimeUnit.SECONDS).join();
    Map<String, Balance> before = balances.rows();

    balances.rebuild().orTimeout(5, TimeUnit.SECONDS).join();

    assertThat(balances.rows()).isEqualTo(before);
    assertThat(handled).hasValue(400);
    ProjectionProgress progress = balances.progress();
    assertThat(progress.commitsBehind()).isZero();
    assertThat(progress.position()).isEqualTo(events.head());
    assertThat(progress.eventsHandled()).isEqualTo(400);
    assertThat(progress.rebuilding()).isFalse();
  }

  @Test
  void aChangedSchema_rebuildsAtStart() {
    append("Account/a", "Deposited", Map.of("amount", 10));
    RunningProjection<Balance> v1 = start(balances("1"), views);
    v1.idle().orTimeout(5, TimeUnit.SECONDS).join();
    v1.close();

    RunningProjection<Balance> v2 = start(balances("2"), views);
    v2.idle().orTimeout(5, TimeUnit.SECONDS).join();

    assertThat(v2.get("a")).contains(new Balance(10, 1));
    assertThat(handled).hasValue(2); // projected again under the new schema
    assertThat(views.schema("balances")).contains("2");
  }

  @Test
  void aHandlerThatThrows_skipsItsEventOnly_andAViewOfNullRemovesTheRow() {
    Projection<Balance> fragile = Projection.builder("fragile", Balance.class)
        .initialView(() -> new Balance(0, 0))
        .on("Account", "Deposited", Deposited.class, (view, e, event) -> {
          if (e.amount() == 13) {
            throw new IllegalStateException("unlucky");
          }
          return new Balance(view.amount() + e.amount(), view.deposits() + 1);
        })
        .on("Account", "Closed", Map.class, (view, e, event) -> null)
        .build();
    append("Account/a", "Deposited", Map.of("amount", 13));
    append("Account/a", "Deposited", Map.of("amount", 2));
    append("Account/b", "Deposited", Map.of("amount", 1));
    append("Account/b", "Closed", Map.of());
    RunningProjection<Balance> r = start(fragile, views);
    r.idle().orTimeout(5, TimeUnit.SECONDS).join();

    assertThat(r.failures()).isEqualTo(1);
    assertThat(r.get("a")).contains(new Balance(2, 1));
    assertThat(r.get("b")).isEmpty();
  }

  /** v1 FundsAdded(sum), renamed Deposited(amount); one era stored cents; a garbled one cannot be migrated. */
  private static final EventUpcasts DEPOSIT_UPCASTS = EventUpcasts.builder()
      .upcast("FundsAdded", "Deposited", data -> Map.of("amount", data.get("sum")))
      .upcast("Deposited", "Deposited", data -> {
        if (data.containsKey("garbled")) {
          throw new IllegalArgumentException("a garbled deposit");
        }
        if (data.containsKey("cents")) {
          data.put("amount", ((Number) data.remove("cents")).longValue() / 100);
        }
        return data;
      })
      .build();

  private static Event stored(String stream, long version, String type, Map<String, Object> data) {
    return Event.builder().eventType(type).streamId(stream).version(version).data(data).build();
  }

  private Projection<Balance> upcastBalances(List<String> seen) {
    return Projection.builder("balances", Balance.class).upcasts(DEPOSIT_UPCASTS)
        .initialView(() -> new Balance(0, 0))
        .on("Account", "Deposited", Deposited.class, (view, e, event) -> {
          seen.add(event.eventType() + " v" + event.version());
          return new Balance(view.amount() + e.amount(), view.deposits() + 1);
        })
        .build();
  }

  @Test
  void sharedUpcasts_bringOldNamedAndOldShapedEventsToTheNewHandler_andAFailingMigrationSkipsItsEventOnly() {
    // one commit: folded in memory, the failing migration in its middle
    events.append("Account/a", 0, List.of(stored("Account/a", 1, "FundsAdded", Map.of("sum", 1)),
        stored("Account/a", 2, "Deposited", Map.of("cents", 1000)),
        stored("Account/a", 3, "Deposited", Map.of("amount", 100, "garbled", true)),
        stored("Account/a", 4, "Deposited", Map.of("amount", 100))));
    events.append("Account/b", 0, List.of(stored("Account/b", 1, "FundsAdded", Map.of("sum", 5))));
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    ReadModelStore forgetful = new PositionLosingStore(views);
    RunningProjection<Balance> first = start(upcastBalances(seen), forgetful);
    first.idle().orTimeout(5, TimeUnit.SECONDS).join();

    assertThat(first.get("a")).contains(new Balance(111, 3));
    assertThat(first.get("b")).contains(new Balance(5, 1));
    assertThat(first.failures()).as("the garbled deposit").isEqualTo(1);
    assertThat(seen).containsExactly("Deposited v1", "Deposited v2", "Deposited v4", "Deposited v1");
    assertThat(views.checkpoint("balances", "Account/a")).as("the stored versions").isEqualTo(4);
    first.close();

    RunningProjection<Balance> again = start(upcastBalances(seen), forgetful); // reads from the beginning
    assertThat(again.awaitPosition(events.head(), WAIT)).isTrue();
    assertThat(again.get("a")).as("repeated upcast events change nothing").contains(new Balance(111, 3));
    assertThat(seen).hasSize(4);
    assertThat(again.failures()).isZero();
  }

  @Test
  void upcastEvents_ofAFoldAnotherWriterRaced_areAppliedAgainOneByOne_stillUpcast() {
    events.append("Account/a", 0, List.of(stored("Account/a", 1, "FundsAdded", Map.of("sum", 1)),
        stored("Account/a", 2, "Deposited", Map.of("amount", 100, "garbled", true)),
        stored("Account/a", 3, "Deposited", Map.of("cents", 1000))));
    RacingStore store = new RacingStore(views, true); // another writer changes row a before the first write
    RunningProjection<Balance> balances = start(upcastBalances(new ArrayList<>()), store);
    balances.idle().orTimeout(5, TimeUnit.SECONDS).join();

    assertThat(balances.get("a")).contains(new Balance(511, 9)); // 500 and 7 deposits of theirs, then ours
    assertThat(balances.failures()).isEqualTo(1);
    assertThat(views.checkpoint("balances", "Account/a")).isEqualTo(3);
  }

  @Test
  void anInPlaceUpcastThatLeavesAPrimitiveNull_failsItsEvent_insteadOfReadingZero() {
    Projection<Balance> sloppy = Projection.builder("sloppy", Balance.class)
        .upcast("Deposited", "Deposited", data -> {
          data.put("amount", data.remove("cents")); // no guard: an event in the new shape loses its amount
          return data;
        })
        .initialView(() -> new Balance(0, 0))
        .on("Account", "Deposited", Deposited.class, (view, e, event) -> new Balance(view.amount() + e.amount(),
            view.deposits() + 1))
        .build();
    append("Account/a", "Deposited", Map.of("cents", 3));
    append("Account/a", "Deposited", Map.of("amount", 4));
    RunningProjection<Balance> r = start(sloppy, views);
    r.idle().orTimeout(5, TimeUnit.SECONDS).join();

    assertThat(r.get("a")).contains(new Balance(3, 1));
    assertThat(r.failures()).isEqualTo(1);
  }

  @Test
  void upcastsOfAProjection_areRefusedNamingTheField() {
    var builder = Projection.builder("p", Balance.class).initialView(() -> new Balance(0, 0))
        .on("Account", "Deposited", Deposited.class, (view, e, event) -> view);
    assertThatThrownBy(() -> builder.upcast("", "Deposited", d -> d)).isInstanceOfSatisfying(
        InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("storedType"));
    assertThatThrownBy(() -> builder.upcasts(null)).isInstanceOfSatisfying(
        InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("upcasts"));
    builder.upcast("Deposited", "Deposited", d -> d);
    assertThatThrownBy(() -> builder.upcasts(DEPOSIT_UPCASTS)).isInstanceOfSatisfying(
        InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("storedType"));
    builder.upcast("A", "B", d -> d).upcast("B", "A", d -> d);
    assertThatThrownBy(builder::build).isInstanceOfSatisfying(
        InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("eventType"));
    var shadowed = Projection.builder("p", Balance.class).initialView(() -> new Balance(0, 0))
        .upcast("Deposited", "Credited", d -> d)
        .on("Account", "Deposited", Deposited.class, (view, e, event) -> view);
    assertThatThrownBy(shadowed::build).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.field()).isEqualTo("storedType")).hasMessageContaining("also handled as Deposited");
  }

  @Test
  void awaitCaughtUp_isTrueAtOnceForAnotherAggregate_andFalseWhenTheVersionNeverComes() {
    RunningProjection<Balance> balances = start(balances("1"), views);

    assertThat(balances.awaitCaughtUp("Other/x", 99, Duration.ZERO)).isTrue();
    assertThat(balances.awaitCaughtUp("Account/none", 1, Duration.ofMillis(300))).isFalse();
    assertThat(balances.awaitPosition(FeedPosition.START, Duration.ZERO)).isTrue();
  }

  @Test
  void meters_countTheOutcomes() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    append("Account/a", "Deposited", Map.of("amount", 1));
    RunningProjection<Balance> r = balances("1").start(events, views, registry);
    running.add(r);
    r.idle().orTimeout(5, TimeUnit.SECONDS).join();

    assertThat(registry.get("aether.projection.events").tag("projection", "balances").tag("outcome", "applied")
        .counter().count()).isEqualTo(1);
    assertThat(registry.get("aether.projection.rebuild.progress").gauge().value()).isEqualTo(1.0);
  }

  @Test
  void builder_refusesWhatCannotWork_namingTheField() {
    assertRefused(() -> Projection.builder(" ", Balance.class), "name");
    assertRefused(() -> Projection.builder("p", Balance.class).build(), "initialView");
    assertRefused(() -> Projection.builder("p", Balance.class).initialView(() -> new Balance(0, 0)).build(), "on");
    assertRefused(() -> Projection.builder("p", Balance.class).initialView(() -> new Balance(0, 0))
        .on("Account", "Deposited", Map.class, (v, e, ev) -> v)
        .on("Account", "Deposited", Map.class, (v, e, ev) -> v), "eventType");
    for (String type : new String[] {"Acc/ount", "Acc!", "1Account", "Acc ount"}) {
      assertRefused(() -> Projection.builder("p", Balance.class).on(type, "E", Map.class, (v, e, ev) -> v),
          "aggregateType"); // the runtime's rule: a type no actor can have would never match an event
    }
    assertRefused(() -> balances("1").start(null, views), "feed");
    assertRefused(() -> balances("1").start(events, null), "store");
  }

  private static void assertRefused(Runnable call, String field) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.field()).isEqualTo(field));
  }

  /** Delegates everything but the position saves, which it drops. */
  private static final class PositionLosingStore extends ForwardingStore {
    PositionLosingStore(ReadModelStore delegate) {
      super(delegate);
    }

    @Override
    public Optional<FeedPosition> feedPosition(String readModel) {
      return Optional.empty();
    }

    @Override
    public void saveFeedPosition(String readModel, FeedPosition position) {
      // lost
    }
  }

  /** Passes every call to another store; the test stores above change only what they are about. */
  private abstract static class ForwardingStore implements ReadModelStore {
    final ReadModelStore delegate;

    ForwardingStore(ReadModelStore delegate) {
      this.delegate = delegate;
    }

    @Override
    public Optional<Map<String, Object>> get(String readModel, String key) {
      return delegate.get(readModel, key);
    }

    @Override
    public Map<String, Map<String, Object>> rows(String readModel) {
      return delegate.rows(readModel);
    }

    @Override
    public long checkpoint(String readModel, String streamId) {
      return delegate.checkpoint(readModel, streamId);
    }

    @Override
    public Set<String> streams(String readModel) {
      return delegate.streams(readModel);
    }

    @Override
    public void put(String readModel, String key, Map<String, Object> row, String streamId, long version) {
      delegate.put(readModel, key, row, streamId, version);
    }

    @Override
    public void advance(String readModel, String streamId, long version) {
      delegate.advance(readModel, streamId, version);
    }

    @Override
    public Optional<String> schema(String readModel) {
      return delegate.schema(readModel);
    }

    @Override
    public void reset(String readModel, String schema) {
      delegate.reset(readModel, schema);
    }

    @Override
    public void write(String readModel, String key, Map<String, Object> row) {
      delegate.write(readModel, key, row);
    }

    @Override
    public void remove(String readModel, String key) {
      delegate.remove(readModel, key);
    }

    @Override
    public Optional<FeedPosition> feedPosition(String readModel) {
      return delegate.feedPosition(readModel);
    }

    @Override
    public void saveFeedPosition(String readModel, FeedPosition position) {
      delegate.saveFeedPosition(readModel, position);
    }
  }

  @Test
  void anUpcastOfOneAggregateType_readsOnlyThatTypesEvents_inAProjectionOverSeveral() {
    Projection<Balance> balances = Projection.builder("balances", Balance.class)
        .upcast("Customer", "Deposited", "Refunded", data -> data) // a customer's Deposited was a refund
        .initialView(() -> new Balance(0, 0))
        .on("Account", "Deposited", Deposited.class, (view, e, event) ->
            new Balance(view.amount() + e.amount(), view.deposits() + 1))
        .on("Customer", "Refunded", Deposited.class, (view, e, event) ->
            new Balance(view.amount() - e.amount(), view.deposits()))
        .build();
    append("Account/a", "Deposited", Map.of("amount", 5));
    append("Customer/c", "Deposited", Map.of("amount", 3));
    RunningProjection<Balance> running = start(balances, views);
    running.idle().orTimeout(5, TimeUnit.SECONDS).join();

    assertThat(running.get("a")).contains(new Balance(5, 1));
    assertThat(running.get("c")).contains(new Balance(-3, 0));
    assertThat(running.failures()).isZero();
    assertThatThrownBy(() -> Projection.builder("p", Balance.class).initialView(() -> new Balance(0, 0))
        .upcast("Customer", "Deposited", "Refunded", d -> d)
        .on("Customer", "Deposited", Deposited.class, (view, e, event) -> view).build())
        .as("a handler of a type renamed for its aggregate type").isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("also handled as Deposited");
    assertThat(Projection.builder("p", Balance.class).initialView(() -> new Balance(0, 0))
        .upcast("Customer", "Deposited", "Refunded", d -> d)
        .on("Account", "Deposited", Deposited.class, (view, e, event) -> view).build().name())
        .as("another aggregate type's Deposited: handled as stored").isEqualTo("p");
  }
}
