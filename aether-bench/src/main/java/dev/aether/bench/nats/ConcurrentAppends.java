package dev.aether.bench.nats;

import dev.aether.bench.Benchmark;
import dev.aether.event.Event;
import dev.aether.event.EventJson;
import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import io.nats.client.PublishOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Appends with optimistic concurrency, {@link #ACTORS} actors x {@link #EVENTS} events, one synchronous append
 * in flight per actor, each actor on its own virtual thread. One operation is one event (one commit).
 *
 * <ul>
 *   <li>Aether ({@link #store}): one virtual thread per actor calls {@code store.append(actor, v - 1, [event v])}
 *       for {@code v = 1..10}.
 *   <li>raw ({@link #rawSynchronous}): one virtual thread per actor calls synchronous
 *       {@code js.publish(subject, bytes, options)} with {@code Nats-Msg-Id} = the event id and
 *       {@code Nats-Expected-Last-Subject-Sequence} = the previous acknowledgement's sequence (0 first). The
 *       payload is the store's own JSON of an equivalent event ({@link EventJson}), encoded before the run.
 * </ul>
 * The events are built before each run (untimed), on fresh actors; the store encodes them inside the run.
 * (Until issue 10 this class also chained the store's {@code appendAsync} against raw {@code publishAsync};
 * both went with {@code appendAsync}.)
 */
final class ConcurrentAppends {

  static final int ACTORS = 1_000;
  static final int EVENTS = 10;
  private static final long TIMEOUT_SECONDS = 120;

  private ConcurrentAppends() {}

  static Benchmark store(NatsBench bench) {
    return new StoreAppends(bench, "pipe-store") {
      @Override
      public long run() throws Exception {
        CountDownLatch done = new CountDownLatch(ACTORS);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (List<Event> events : actors) {
          Thread.ofVirtual().start(() -> {
            try {
              for (Event event : events) {
                bench.store().append(event.streamId(), event.version() - 1, List.of(event));
              }
            } catch (RuntimeException e) {
              failure.compareAndSet(null, e);
            } finally {
              done.countDown();
            }
          });
        }
        await(done, failure);
        return (long) ACTORS * EVENTS;
      }
    };
  }

  /** The store side of the case: fresh actors per run, each checked at its last version after the run. */
  private abstract static class StoreAppends implements Benchmark {
    final NatsBench bench;
    private final String prefix;
    List<List<Event>> actors;

    StoreAppends(NatsBench bench, String prefix) {
      this.bench = bench;
      this.prefix = prefix;
    }

    @Override
    public void setUp() {
      bench.nextRun();
      actors = events(bench, prefix);
    }

    @Override
    public void tearDown() {
      for (List<Event> events : actors) {
        Event last = events.getLast();
        long latest = bench.store().getLatestVersion(last.streamId());
        if (latest != last.version()) {
          throw new IllegalStateException(last.streamId() + " is at v" + latest + ", expected v" + last.version());
        }
      }
    }
  }

  /**
   * The baseline: raw synchronous {@code js.publish} with the same options, from one virtual thread per actor,
   * shaped like the store's side. Against it the store's overhead shows without the cost of a synchronous API
   * on virtual threads (a park and a wake-up per append), which both sides pay.
   */
  static Benchmark rawSynchronous(NatsBench bench) {
    return new Benchmark() {
      private List<String> subjects;
      private byte[][][] payloads;
      private String[][] ids;

      @Override
      public void setUp() {
        bench.nextRun();
        List<List<Event>> actors = events(bench, "pipe-rawsync");
        subjects = new ArrayList<>(ACTORS);
        payloads = new byte[ACTORS][EVENTS][];
        ids = new String[ACTORS][EVENTS];
        for (int a = 0; a < ACTORS; a++) {
          List<Event> events = actors.get(a);
          subjects.add(NatsBench.subject(events.getFirst().streamId()));
          for (int e = 0; e < EVENTS; e++) {
            payloads[a][e] = EventJson.toBytes(events.get(e));
            ids[a][e] = events.get(e).id();
          }
        }
      }

      @Override
      public long run() throws Exception {
        CountDownLatch done = new CountDownLatch(ACTORS);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        JetStream js = bench.js();
        for (int a = 0; a < ACTORS; a++) {
          int actor = a;
          Thread.ofVirtual().start(() -> {
            try {
              long sequence = 0;
              for (int e = 0; e < EVENTS; e++) {
                PublishOptions options = PublishOptions.builder().messageId(ids[actor][e])
                    .expectedLastSubjectSequence(sequence).build();
                PublishAck ack = js.publish(subjects.get(actor), payloads[actor][e], options);
                if (ack.isDuplicate()) {
                  throw new IllegalStateException("duplicate ack " + ack);
                }
                sequence = ack.getSeqno();
              }
            } catch (Exception | Error e) {
              failure.compareAndSet(null, e);
            } finally {
              done.countDown();
            }
          });
        }
        await(done, failure);
        return (long) ACTORS * EVENTS;
      }
    };
  }

  /** {@link #EVENTS} events for each of {@link #ACTORS} fresh actors. */
  private static List<List<Event>> events(NatsBench bench, String what) {
    List<List<Event>> actors = new ArrayList<>(ACTORS);
    for (int a = 0; a < ACTORS; a++) {
      String actorId = bench.freshActor(what, a);
      List<Event> events = new ArrayList<>(EVENTS);
      for (int v = 1; v <= EVENTS; v++) {
        events.add(NatsBench.event(actorId, v));
      }
      actors.add(List.copyOf(events));
    }
    return actors;
  }

  private static void await(CountDownLatch done, AtomicReference<Throwable> failure) throws Exception {
    if (!done.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("appends did not finish within " + TIMEOUT_SECONDS + " s");
    }
    if (failure.get() != null) {
      throw new IllegalStateException("an append failed", failure.get());
    }
  }
}
