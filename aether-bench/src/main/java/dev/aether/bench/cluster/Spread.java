package dev.aether.bench.cluster;

import dev.aether.bench.Benchmark;
import dev.aether.event.Event;
import dev.aether.event.EventJson;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandGateway;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.cluster.ShardMap;
import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@value #ACTORS} actors, {@value #OUTSTANDING} outstanding commands, on the 3-node cluster and on the 1-node
 * cluster, against raw pipelined OCC publishes.
 *
 * <p><b>Aether</b>: {@value #BURSTS} bursts per run; a burst sends {@value #PER_ACTOR} {@code Deposit}s to
 * each of {@value #ACTORS} actors (round-robin: actor 0..999, then again), all before any reply is awaited, and
 * waits for every reply. Command {@code i} goes through the gateway of node {@code i mod nodes} (so on 3 nodes
 * about two thirds are routed to another node, one NATS request each; on 1 node none). The actors are active on
 * their owners before the run; the messages are built before the run. Latency of a command: its reply's
 * completion minus the moment it was sent.
 *
 * <p><b>Raw</b>: the runtime suite's pipelined baseline on the 3-node cluster's stream: the same number of
 * events, the store's JSON of an equivalent event with {@code Nats-Msg-Id} and {@code
 * Nats-Expected-Last-Subject-Sequence}, one {@code publishAsync} chain per actor (the next published from the
 * previous acknowledgement), fresh subjects each run; latency of an event: its acknowledgement minus the
 * burst's start. Raw does no routing: it is the storage work alone.
 */
final class Spread {

  static final int ACTORS = 1_000;
  static final int PER_ACTOR = 10;
  static final int OUTSTANDING = ACTORS * PER_ACTOR;
  static final int BURSTS = 3;
  private static final long TIMEOUT_SECONDS = 120;

  private final ClusterRig rig;
  private final Latencies latencies;
  private final AtomicInteger runs = new AtomicInteger();

  Spread(ClusterRig rig, Latencies latencies) {
    this.rig = rig;
    this.latencies = latencies;
  }

  /** The Aether side on every running node of a namespace's cluster (3 or 1). */
  Benchmark aether(String name, String namespace) {
    String prefix = "spread-" + namespace + "-";
    return new Benchmark() {
      private RuntimeMessage[][] messages;
      private List<CommandGateway> gateways;

      @Override
      public void setUp() {
        List<ClusterRig.Node> nodes = rig.running(namespace);
        gateways = nodes.stream().map(n -> (CommandGateway) n.node().gateway()).toList();
        ShardMap map = rig.map(namespace);
        List<CompletableFuture<?>> active = new ArrayList<>(ACTORS);
        for (int a = 0; a < ACTORS; a++) {
          ActorKey key = ActorKey.of(Deposits.TYPE, prefix + a);
          String owner = map.ownerOf(key.streamId()).orElseThrow();
          active.add(rig.node(owner).node().runtime().createVM(key));
        }
        active.forEach(CompletableFuture::join);
        messages = new RuntimeMessage[BURSTS][OUTSTANDING];
        for (int b = 0; b < BURSTS; b++) {
          for (int i = 0; i < OUTSTANDING; i++) {
            messages[b][i] = Deposits.deposit(prefix + (i % ACTORS));
          }
        }
      }

      @Override
      public long run() {
        long[] nanos = new long[BURSTS * OUTSTANDING];
        int nodes = gateways.size();
        for (int b = 0; b < BURSTS; b++) {
          List<CompletableFuture<CommandResult>> replies = new ArrayList<>(OUTSTANDING);
          for (int i = 0; i < OUTSTANDING; i++) {
            int slot = b * OUTSTANDING + i;
            long sent = System.nanoTime();
            replies.add(gateways.get(i % nodes).sendMessage(messages[b][i])
                .whenComplete((r, e) -> nanos[slot] = System.nanoTime() - sent));
          }
          for (CompletableFuture<CommandResult> reply : replies) {
            Deposits.requireAccepted(reply.join());
          }
        }
        latencies.record(name, nanos);
        return (long) BURSTS * OUTSTANDING;
      }

      @Override
      public void tearDown() throws Exception {
        messages = null;
        String actor = prefix + 7;
        String owner = rig.map(namespace).ownerOf(ActorKey.of(Deposits.TYPE, actor).streamId()).orElseThrow();
        long version = rig.node(owner).store().getLatestVersion(ActorKey.of(Deposits.TYPE, actor).streamId());
        if (version % (BURSTS * PER_ACTOR) != 0 || version == 0) {
          throw new IllegalStateException(actor + " is at version " + version);
        }
        rig.checkLayout(namespace, actor, version);
      }
    };
  }

  /** Raw pipelined OCC publishes of the same events, on the 3-node cluster's stream. */
  Benchmark raw(String name) {
    return new Benchmark() {
      private JetStream js;
      private String[] subjects;
      private byte[][][] payloads;
      private String[][] ids;
      private long[] lastSequence;
      private final AtomicInteger acks = new AtomicInteger();

      @Override
      public void setUp() throws Exception {
        if (js == null) {
          js = rig.connect("aether-bench-raw-spread").jetStream();
        }
        int run = runs.incrementAndGet();
        int events = BURSTS * PER_ACTOR;
        subjects = new String[ACTORS];
        payloads = new byte[ACTORS][events][];
        ids = new String[ACTORS][events];
        lastSequence = new long[ACTORS];
        for (int a = 0; a < ACTORS; a++) {
          String actorId = "rawspread-" + run + "-" + a;
          subjects[a] = ClusterRig.subject(ClusterRig.TRIO, actorId);
          for (int e = 0; e < events; e++) {
            Event event = Deposits.deposited(actorId, e + 1);
            payloads[a][e] = EventJson.toBytes(event);
            ids[a][e] = event.id();
          }
        }
        acks.set(0);
      }

      @Override
      public long run() throws Exception {
        long[] nanos = new long[BURSTS * OUTSTANDING];
        for (int b = 0; b < BURSTS; b++) {
          CountDownLatch done = new CountDownLatch(ACTORS);
          AtomicReference<Throwable> failure = new AtomicReference<>();
          long start = System.nanoTime();
          for (int a = 0; a < ACTORS; a++) {
            publish(a, b * PER_ACTOR, (b + 1) * PER_ACTOR, done, failure, nanos, b * OUTSTANDING, start);
          }
          if (!done.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("raw: did not finish within " + TIMEOUT_SECONDS + " s");
          }
          if (failure.get() != null) {
            throw new IllegalStateException("raw: a publish failed", failure.get());
          }
        }
        if (acks.get() != BURSTS * OUTSTANDING) {
          throw new IllegalStateException("raw: " + acks.get() + " acknowledgements");
        }
        latencies.record(name, nanos);
        return (long) BURSTS * OUTSTANDING;
      }

      /** Publishes event {@code event} of an actor, then (from its acknowledgement) the next, until {@code end}. */
      private void publish(int actor, int event, int end, CountDownLatch done, AtomicReference<Throwable> failure,
          long[] nanos, int base, long start) {
        PublishOptions options = PublishOptions.builder().messageId(ids[actor][event])
            .expectedLastSubjectSequence(lastSequence[actor]).build();
        js.publishAsync(subjects[actor], payloads[actor][event], options).whenComplete((ack, e) -> {
          if (e != null || ack.isDuplicate()) {
            failure.compareAndSet(null, e != null ? e : new IllegalStateException("duplicate " + ack));
            done.countDown();
            return;
          }
          nanos[base + (event % PER_ACTOR) * ACTORS + actor] = System.nanoTime() - start;
          acks.incrementAndGet();
          lastSequence[actor] = ack.getSeqno();
          if (event + 1 < end) {
            publish(actor, event + 1, end, done, failure, nanos, base, start);
          } else {
            done.countDown();
          }
        });
      }
    };
  }
}
