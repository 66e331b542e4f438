package dev.aether.bench.memory;

import dev.aether.bench.Benchmark;
import dev.aether.bench.Case;
import dev.aether.bench.Suite;
import dev.aether.event.Event;
import dev.aether.store.InMemoryEventStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The in-memory event store against the raw equivalent: a {@code ConcurrentHashMap<String, ArrayList<Event>>}
 * that appends and copies with no version checks and no locks. Single-threaded.
 *
 * <p>All events are built once, before measuring, and shared by the store and the raw map, so neither pays
 * for building events. Every Aether benchmark checks after its run that the store holds what it wrote.
 */
public final class InMemoryStoreSuite implements Suite {

  /** Events written per run by the saveEvent cases. */
  static final int SAVES = 1_000_000;
  /** Actors of the spread cases. */
  static final int ACTORS = 1_000;
  /** Events per commit of the append case. */
  static final int BATCH = 10;
  /** Commits per run of the append case. */
  static final int COMMITS = SAVES / BATCH;
  /** Events in the history that the getEvents case reads. */
  static final int HISTORY = 10_000;
  /**
   * Reads of that history per run: 2,000 (was 50,000 while the store kept {@code Event} objects and a read copied
   * references; since issue 12 it decodes each event from its compact form, about 80 ns, so 50,000 reads took
   * 40 s a run).
   */
  static final int READS = 2_000;

  private final List<Event> oneActor = events("one", SAVES, 1);
  private final List<Event> spread = events("spread", SAVES, ACTORS);
  private final List<List<Event>> commits = commits(spread);
  private final List<Event> history = events("history", HISTORY, 1);

  @Override
  public String id() {
    return "memory";
  }

  @Override
  public String title() {
    return "in-memory event store";
  }

  @Override
  public String description() {
    return "`InMemoryEventStore` against the raw equivalent, a `ConcurrentHashMap<String, ArrayList<Event>>`"
        + " written and copied with no version checks and no locks, one thread. Events are built before the"
        + " runs and shared by both.";
  }

  @Override
  public List<Case> cases() {
    return List.of(
        Case.compared("saveEvent, 1 actor", "1 event", saveEach(oneActor), rawSaveEach(oneActor)),
        Case.compared("saveEvent, spread over 1,000 actors", "1 event", saveEach(spread), rawSaveEach(spread)),
        Case.compared("append, 10 events per commit, 1,000 actors", "1 commit", append(), rawAppend()),
        Case.compared("getEvents of an actor with 10,000 events", "1 read of 10,000 events", read(), rawRead()));
  }

  private static Benchmark saveEach(List<Event> events) {
    return new StoreBenchmark() {
      @Override
      public long run() {
        for (Event event : events) {
          store.saveEvent(event);
        }
        return events.size();
      }

      @Override
      public void tearDown() {
        expectLatest(events.getLast());
      }
    };
  }

  private static Benchmark rawSaveEach(List<Event> events) {
    return new RawBenchmark() {
      @Override
      public long run() {
        for (Event event : events) {
          map.computeIfAbsent(event.streamId(), id -> new ArrayList<>()).add(event);
        }
        return events.size();
      }
    };
  }

  private Benchmark append() {
    return new StoreBenchmark() {
      @Override
      public long run() {
        for (List<Event> commit : commits) {
          Event first = commit.getFirst();
          store.append(first.streamId(), first.version() - 1, commit);
        }
        return commits.size();
      }

      @Override
      public void tearDown() {
        expectLatest(commits.getLast().getLast());
      }
    };
  }

  private Benchmark rawAppend() {
    return new RawBenchmark() {
      @Override
      public long run() {
        for (List<Event> commit : commits) {
          map.computeIfAbsent(commit.getFirst().streamId(), id -> new ArrayList<>()).addAll(commit);
        }
        return commits.size();
      }
    };
  }

  private Benchmark read() {
    String actorId = history.getFirst().streamId();
    return new StoreBenchmark() {
      @Override
      public void setUp() {
        super.setUp();
        store.append(actorId, 0, history);
      }

      @Override
      public long run() {
        long seen = 0;
        for (int i = 0; i < READS; i++) {
          seen += store.getEvents(actorId, 1).size();
        }
        return expectRead(seen);
      }
    };
  }

  private Benchmark rawRead() {
    String actorId = history.getFirst().streamId();
    return new RawBenchmark() {
      @Override
      public void setUp() {
        super.setUp();
        map.put(actorId, new ArrayList<>(history));
      }

      @Override
      public long run() {
        long seen = 0;
        for (int i = 0; i < READS; i++) {
          seen += new ArrayList<>(map.get(actorId)).size();
        }
        return expectRead(seen);
      }
    };
  }

  /** Checks that every read saw the whole history (this also keeps the JIT from dropping the reads). */
  private static long expectRead(long seen) {
    if (seen != (long) READS * HISTORY) {
      throw new IllegalStateException("read " + seen + " events, expected " + (long) READS * HISTORY);
    }
    return READS;
  }

  /** {@code count} events spread round-robin over {@code actors} actors, versions 1, 2, ... per actor. */
  private static List<Event> events(String name, int count, int actors) {
    String[] actorIds = new String[actors];
    for (int a = 0; a < actors; a++) {
      actorIds[a] = "bench-" + name + "-" + a;
    }
    List<Event> events = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      events.add(event(actorIds[i % actors], i / actors + 1, i));
    }
    return List.copyOf(events);
  }

  /**
   * The same events as {@code spread}, grouped into commits of {@link #BATCH} consecutive versions of one
   * actor, round-robin over the actors: commit {@code c} holds versions {@code r*BATCH+1 .. (r+1)*BATCH} of
   * actor {@code c % ACTORS}, where {@code r = c / ACTORS}. In {@code spread}, version {@code v} of actor
   * {@code a} sits at index {@code (v - 1) * ACTORS + a}.
   */
  private static List<List<Event>> commits(List<Event> spread) {
    List<List<Event>> commits = new ArrayList<>(COMMITS);
    for (int c = 0; c < COMMITS; c++) {
      int actor = c % ACTORS;
      int firstVersion = (c / ACTORS) * BATCH + 1;
      List<Event> commit = new ArrayList<>(BATCH);
      for (int v = firstVersion; v < firstVersion + BATCH; v++) {
        commit.add(spread.get((v - 1) * ACTORS + actor));
      }
      commits.add(List.copyOf(commit));
    }
    return List.copyOf(commits);
  }

  private static Event event(String actorId, long version, long amount) {
    return Event.builder().eventType("MoneyDeposited").streamId(actorId).version(version)
        .data(Map.of("amount", amount)).build();
  }

  /** A benchmark on a fresh store per run. */
  private abstract static class StoreBenchmark implements Benchmark {
    InMemoryEventStore store;

    @Override
    public void setUp() {
      store = InMemoryEventStore.create();
    }

    void expectLatest(Event last) {
      long latest = store.getLatestVersion(last.streamId());
      if (latest != last.version()) {
        throw new IllegalStateException(last.streamId() + " is at v" + latest + ", expected v" + last.version());
      }
    }
  }

  /** A benchmark on a fresh raw map per run. */
  private abstract static class RawBenchmark implements Benchmark {
    Map<String, ArrayList<Event>> map;

    @Override
    public void setUp() {
      map = new ConcurrentHashMap<>();
    }
  }
}
