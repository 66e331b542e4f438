package dev.aether.bench.runtime;

import dev.aether.bench.Benchmark;
import dev.aether.event.Event;
import dev.aether.event.EventJson;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeConfig;
import dev.aether.runtime.RuntimeMessage;
import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Commands through a runtime on {@code JetStreamEventStore} against raw jnats publishes of the same number
 * of events with the same payload size (the store's JSON of an equivalent event), {@code Nats-Msg-Id} and
 * {@code Nats-Expected-Last-Subject-Sequence}, on the same stream.
 *
 * <ul>
 *   <li><b>spread</b>: bursts of {@link #OUTSTANDING} commands, {@link #PER_ACTOR} to each of {@link #ACTORS}
 *       active actors in round-robin order (actor 0..999, then again), all sent before any reply is
 *       awaited; the messages are built before the run, as the raw payloads are; raw: the same number of
 *       events as one {@code publishAsync} chain per actor, one append in flight per actor (the next sent from
 *       the previous acknowledgement), fresh subjects each run;
 *   <li><b>hot actor</b>: {@link #SENDERS} virtual threads each sending a command and waiting for its reply,
 *       all to one actor; raw: synchronous publishes to one subject, each expecting the previous sequence.
 * </ul>
 * The runtime runs with its defaults (group commit of up to 64 commands, a snapshot every 100 versions into
 * the store's KV bucket) except a command timeout of 60 s, so a slow moment of the shared machine fails no
 * command.
 */
final class NatsCommands {

  static final int ACTORS = 1_000;
  static final int PER_ACTOR = 10;
  static final int OUTSTANDING = ACTORS * PER_ACTOR;
  static final int BURSTS = 3;
  static final int SENDERS = 50;
  static final int HOT_COMMANDS = 10_000;
  static final int RAW_SEQUENTIAL = 2_000;
  /**
   * Untimed hot-actor runs before the first warm-up run: in a probe the runtime's 50-sender path took about
   * five runs of {@value #HOT_COMMANDS} commands to reach its steady throughput (JIT), more than the
   * harness' default two warm-up runs; raw sequential publishes were steady from the first run.
   */
  static final int HOT_WARMUP = 4;
  private static final long TIMEOUT_SECONDS = 120;

  private final NatsRig rig;
  private final AtomicInteger runs = new AtomicInteger();
  private Runtime runtime;

  NatsCommands(NatsRig rig) {
    this.rig = rig;
  }

  private Runtime runtime() {
    if (runtime == null) {
      runtime = Bank.runtime().eventStore(rig.throughputStore())
          .config(RuntimeConfig.builder().commandTimeout(Duration.ofSeconds(60)).build()).build();
      runtime.start();
    }
    return runtime;
  }

  void close() {
    if (runtime != null) {
      runtime.close();
    }
  }

  Benchmark runtimeSpread() {
    return new Benchmark() {
      private RuntimeMessage[][] messages;

      @Override
      public void setUp() {
        Runtime rt = runtime();
        List<CompletableFuture<?>> active = new ArrayList<>(ACTORS);
        for (int a = 0; a < ACTORS; a++) {
          active.add(rt.createVM(ActorKey.of(Bank.TYPE, "spread-" + a)));
        }
        active.forEach(CompletableFuture::join);
        messages = Bank.spread(BURSTS, PER_ACTOR, ACTORS, "spread-");
      }

      @Override
      public long run() {
        return Bank.sendBursts(runtime(), messages);
      }

      @Override
      public void tearDown() throws Exception {
        messages = null;
        long version = rig.throughputStore().getLatestVersion(ActorKey.of(Bank.TYPE, "spread-7").streamId());
        if (version % (BURSTS * PER_ACTOR) != 0 || version == 0) {
          throw new IllegalStateException("spread-7 is at version " + version);
        }
        rig.checkLayout(NatsRig.THROUGHPUT, "spread-7", version);
      }
    };
  }

  Benchmark rawSpread() {
    return new Benchmark() {
      private String[] subjects;
      private byte[][][] payloads;
      private String[][] ids;
      private long[] lastSequence;
      private final AtomicInteger acks = new AtomicInteger();

      @Override
      public void setUp() {
        int run = runs.incrementAndGet();
        int events = BURSTS * PER_ACTOR;
        subjects = new String[ACTORS];
        payloads = new byte[ACTORS][events][];
        ids = new String[ACTORS][events];
        lastSequence = new long[ACTORS];
        for (int a = 0; a < ACTORS; a++) {
          String actorId = "rawspread-" + run + "-" + a;
          subjects[a] = NatsRig.subject(NatsRig.THROUGHPUT, actorId);
          for (int e = 0; e < events; e++) {
            Event event = Bank.depositedEvent(actorId, e + 1);
            payloads[a][e] = EventJson.toBytes(event);
            ids[a][e] = event.id();
          }
        }
        acks.set(0);
      }

      @Override
      public long run() throws Exception {
        for (int b = 0; b < BURSTS; b++) {
          CountDownLatch done = new CountDownLatch(ACTORS);
          AtomicReference<Throwable> failure = new AtomicReference<>();
          for (int a = 0; a < ACTORS; a++) {
            publish(rig.js(), a, b * PER_ACTOR, (b + 1) * PER_ACTOR, done, failure);
          }
          await(done, failure);
        }
        if (acks.get() != BURSTS * OUTSTANDING) {
          throw new IllegalStateException("raw: " + acks.get() + " acknowledgements");
        }
        return (long) BURSTS * OUTSTANDING;
      }

      /** Publishes event {@code event} of an actor, then (from its acknowledgement) the next, until {@code end}. */
      private void publish(JetStream js, int actor, int event, int end, CountDownLatch done,
          AtomicReference<Throwable> failure) {
        PublishOptions options = PublishOptions.builder().messageId(ids[actor][event])
            .expectedLastSubjectSequence(lastSequence[actor]).build();
        js.publishAsync(subjects[actor], payloads[actor][event], options).whenComplete((ack, e) -> {
          if (e != null || ack.isDuplicate()) {
            failure.compareAndSet(null, e != null ? e : new IllegalStateException("duplicate " + ack));
            done.countDown();
            return;
          }
          acks.incrementAndGet();
          lastSequence[actor] = ack.getSeqno();
          if (event + 1 < end) {
            publish(js, actor, event + 1, end, done, failure);
          } else {
            done.countDown();
          }
        });
      }
    };
  }

  Benchmark runtimeHot() {
    return new Benchmark() {
      private long before;
      private boolean warm;

      @Override
      public void setUp() throws Exception {
        Runtime rt = runtime();
        rt.createVM(ActorKey.of(Bank.TYPE, "hot")).join();
        if (!warm) { // untimed: the many-sender path needs more warm-up than the harness' runs (see HOT_WARMUP)
          for (int i = 0; i < HOT_WARMUP; i++) {
            hot(rt);
          }
          warm = true;
        }
        before = rt.registry().get(ActorKey.of(Bank.TYPE, "hot")).orElseThrow().getVersion();
      }

      @Override
      public long run() throws Exception {
        return hot(runtime());
      }

      private long hot(Runtime rt) throws Exception {
        CountDownLatch done = new CountDownLatch(SENDERS);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int s = 0; s < SENDERS; s++) {
          Thread.ofVirtual().name("bench-sender-" + s).start(() -> {
            try {
              for (int i = 0; i < HOT_COMMANDS / SENDERS; i++) {
                Bank.requireAccepted(rt.sendMessage(Bank.deposit("hot")).join());
              }
            } catch (RuntimeException | Error e) {
              failure.compareAndSet(null, e);
            } finally {
              done.countDown();
            }
          });
        }
        await(done, failure);
        return HOT_COMMANDS;
      }

      @Override
      public void tearDown() throws Exception {
        long version = rig.throughputStore().getLatestVersion(ActorKey.of(Bank.TYPE, "hot").streamId());
        if (version != before + HOT_COMMANDS) {
          throw new IllegalStateException("hot is at version " + version + ", expected " + (before + HOT_COMMANDS));
        }
        rig.checkLayout(NatsRig.THROUGHPUT, "hot", version);
      }
    };
  }

  Benchmark rawSequential() {
    return new Benchmark() {
      private String subject;
      private byte[][] payloads;
      private String[] ids;

      @Override
      public void setUp() {
        String actorId = "rawhot-" + runs.incrementAndGet();
        subject = NatsRig.subject(NatsRig.THROUGHPUT, actorId);
        payloads = new byte[RAW_SEQUENTIAL][];
        ids = new String[RAW_SEQUENTIAL];
        for (int i = 0; i < RAW_SEQUENTIAL; i++) {
          Event event = Bank.depositedEvent(actorId, i + 1);
          payloads[i] = EventJson.toBytes(event);
          ids[i] = event.id();
        }
      }

      @Override
      public long run() throws Exception {
        JetStream js = rig.js();
        long sequence = 0;
        for (int i = 0; i < RAW_SEQUENTIAL; i++) {
          PublishOptions options = PublishOptions.builder().messageId(ids[i]).expectedLastSubjectSequence(sequence)
              .build();
          PublishAck ack = js.publish(subject, payloads[i], options);
          if (ack.isDuplicate()) {
            throw new IllegalStateException("duplicate ack " + ack);
          }
          sequence = ack.getSeqno();
        }
        return RAW_SEQUENTIAL;
      }
    };
  }

  private static void await(CountDownLatch done, AtomicReference<Throwable> failure) throws Exception {
    if (!done.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("did not finish within " + TIMEOUT_SECONDS + " s");
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a publish failed", failure.get());
    }
  }
}
