package dev.aether.bench.feed;

import dev.aether.bench.Benchmark;
import dev.aether.event.Event;
import dev.aether.model.projection.Projection;
import dev.aether.model.projection.RunningProjection;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.store.InMemoryReadModelStore;
import io.nats.client.ConsumeOptions;
import io.nats.client.IterableConsumer;
import io.nats.client.Message;
import io.nats.client.StreamContext;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.OrderedConsumerConfiguration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Projection catch-up: a {@link Projection} over a small typed view (the sum of the deposits per account)
 * reading the {@link FeedRig#CATCH_UP} namespace from its first event, against a bare jnats ordered consumer
 * reading the same partition stream's messages.
 *
 * <p>The stream is filled once, before any run ({@link #fill}): {@value #ACTORS} accounts, {@value #COMMITS_PER_ACTOR}
 * commits of {@value #EVENTS_PER_COMMIT} {@code Deposited} events each, written by the store ({@code append}),
 * one virtual thread per account: {@value #EVENTS} events in {@value #COMMITS} messages.
 *
 * <ul>
 *   <li>Aether: {@code projection.start(store, fresh InMemoryReadModelStore)} then {@code idle().join()} (every
 *       event stored when it was called applied), timed; then the rows are compared with the expected sums
 *       and the projection closed, untimed.
 *   <li>Raw: the same kind of consumer the store's feed reader uses (jnats' ordered consumer of the simplified
 *       API, {@code iterate} with the reader's batch size 500 and pull expiry 5 s, deliver all, filtered on the
 *       partition's subjects), on the benchmark thread, counting messages and bytes until it has seen all
 *       {@value #COMMITS}; no decoding, no hand-off to another thread.
 * </ul>
 * One operation is one event for both.
 */
final class CatchUp {

  static final int ACTORS = 1_000;
  static final int COMMITS_PER_ACTOR = 10;
  static final int EVENTS_PER_COMMIT = 10;
  static final int COMMITS = ACTORS * COMMITS_PER_ACTOR;
  static final int EVENTS = COMMITS * EVENTS_PER_COMMIT;
  private static final int RAW_BATCH = 500;
  private static final long RAW_PULL_EXPIRY_MILLIS = 5_000;
  private static final long TIMEOUT_SECONDS = 120;

  /** The view: the sum of an account's deposits. */
  public record Balance(long amount) {}

  /** The data of a {@code Deposited} event. */
  public record Deposited(long amount) {}

  private final FeedRig rig;
  private final Map<String, Balance> expected = new HashMap<>();
  private final Projection<Balance> projection = Projection.builder("balances", Balance.class)
      .initialView(() -> new Balance(0))
      .on("Account", "Deposited", Deposited.class, (view, e, event) -> new Balance(view.amount() + e.amount()))
      .build();
  private long rawBytes;

  CatchUp(FeedRig rig) {
    this.rig = rig;
  }

  /** @return the bytes of message data the raw consumer read in its last run */
  long rawBytes() {
    return rawBytes;
  }

  /** The amount of an account's event: small, different per account and version. */
  private static long amount(int actor, long version) {
    return (actor + version) % 7 + 1;
  }

  /** Writes the {@value #EVENTS} events through the store; fails unless the stream then holds {@value #COMMITS} messages. */
  void fill() throws Exception {
    JetStreamEventStore store = rig.catchUpStore();
    CountDownLatch done = new CountDownLatch(ACTORS);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int a = 0; a < ACTORS; a++) {
      int actor = a;
      String streamId = "Account/acc-" + a;
      long sum = 0;
      for (long v = 1; v <= COMMITS_PER_ACTOR * EVENTS_PER_COMMIT; v++) {
        sum += amount(actor, v);
      }
      expected.put("acc-" + a, new Balance(sum));
      Thread.ofVirtual().start(() -> {
        try {
          for (int c = 0; c < COMMITS_PER_ACTOR; c++) {
            List<Event> events = new ArrayList<>(EVENTS_PER_COMMIT);
            for (int i = 1; i <= EVENTS_PER_COMMIT; i++) {
              long version = (long) c * EVENTS_PER_COMMIT + i;
              events.add(Event.builder().eventType("Deposited").streamId(streamId).version(version)
                  .data(Map.of("amount", amount(actor, version), "currency", "EUR")).build());
            }
            store.append(streamId, (long) c * EVENTS_PER_COMMIT, events);
          }
        } catch (RuntimeException | Error e) {
          failure.compareAndSet(null, e);
        } finally {
          done.countDown();
        }
      });
    }
    if (!done.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("filling the catch-up stream did not finish");
    }
    if (failure.get() != null) {
      throw new IllegalStateException("filling the catch-up stream failed", failure.get());
    }
    long messages = rig.messages(FeedRig.CATCH_UP);
    if (messages != COMMITS) {
      throw new IllegalStateException("the catch-up stream holds " + messages + " messages, expected " + COMMITS);
    }
  }

  Benchmark aether() {
    return new Benchmark() {
      private InMemoryReadModelStore readModels;
      private RunningProjection<Balance> running;

      @Override
      public void setUp() {
        readModels = InMemoryReadModelStore.create();
      }

      @Override
      public long run() throws Exception {
        running = projection.start(rig.catchUpStore(), readModels);
        running.idle().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return EVENTS;
      }

      @Override
      public void tearDown() {
        try {
          if (running.failures() != 0) {
            throw new IllegalStateException(running.failures() + " events were not applied");
          }
          Map<String, Balance> rows = running.rows();
          if (!rows.equals(expected)) {
            throw new IllegalStateException("the projection's rows differ from the expected sums: " + rows.size()
                + " rows, acc-7 = " + rows.get("acc-7") + ", expected " + expected.get("acc-7"));
          }
        } finally {
          running.close();
          running = null;
          readModels = null;
        }
      }
    };
  }

  Benchmark raw() {
    return new Benchmark() {
      @Override
      public long run() throws Exception {
        StreamContext context = rig.raw().getStreamContext(FeedRig.stream(FeedRig.CATCH_UP));
        OrderedConsumerConfiguration config = new OrderedConsumerConfiguration()
            .filterSubject(FeedRig.streamSubject(FeedRig.CATCH_UP)).deliverPolicy(DeliverPolicy.All);
        long messages = 0;
        long bytes = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        try (IterableConsumer consumer = context.createOrderedConsumer(config).iterate(
            ConsumeOptions.builder().batchSize(RAW_BATCH).expiresIn(RAW_PULL_EXPIRY_MILLIS).build())) {
          while (messages < COMMITS) {
            Message message = consumer.nextMessage(Duration.ofSeconds(1));
            if (message != null) {
              messages++;
              bytes += message.getData().length;
            } else if (System.nanoTime() > deadline) {
              throw new IllegalStateException("raw: " + messages + " of " + COMMITS + " messages");
            }
          }
        }
        rawBytes = bytes;
        return EVENTS;
      }
    };
  }
}
