package dev.aether.bench.cluster;

import dev.aether.bench.Benchmark;
import dev.aether.event.EventIds;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandJson;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.RuntimeConfig;
import dev.aether.runtime.RuntimeMessage;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStream;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.MessageInfo;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Cross-node command latency, one command at a time: through node {@code n1}'s gateway to actors whose shard
 * {@code n2} owns, against a bare jnats request/reply whose responder does the same OCC publish.
 *
 * <p><b>Aether</b>: {@value #COMMANDS} {@code Deposit}s per run, one at a time ({@code
 * gateway().sendMessage(m).join()}), rotating over {@value #ACTORS} actors of {@code n2}'s shards, active
 * before the run; the messages are built before the run. A run's p99 is its 50th slowest command: with 1,000
 * commands it was the 10th, inside the tail of NATS round trips that stall (about 1.5% of the commands of both
 * sides, measured per hop), and the ratio of two such order statistics swung from 1.0x to 2.4x between
 * invocations. Before the first run actor {@code i} gets {@code i * snapshotInterval / ACTORS} deposits, so
 * the actors' snapshots (every {@link RuntimeConfig#DEFAULT_SNAPSHOT_INTERVAL} events) fall evenly over the
 * runs, one per {@code snapshotInterval} commands, as in a workload whose actors are not in step; in step, all
 * {@value #ACTORS} snapshot writes came within the same {@value #ACTORS} commands of one run in two. Each
 * command is one NATS request from {@code n1}'s cluster connection to {@code n2}'s, where the runtime decides
 * and its store publishes the {@code Deposited} commit on {@code n2}'s events connection, then the answer goes
 * back.
 *
 * <p><b>Raw</b>: the same shape without Aether on three connections of the same server: a requester ({@code
 * requestWithTimeout(...).get()} with the bytes and headers of the routed command: shard, epoch, command id,
 * deadline), a responder (a dispatcher, as a node's endpoints) whose handler publishes, on a third connection
 * (as a node's store), the bytes the store wrote for such a deposit with {@code Nats-Msg-Id}, {@code
 * Nats-Expected-Last-Subject-Sequence} (the subject's last sequence, kept by the responder) and {@code
 * Aether-Versions}, with {@code publishAsync}, and from the acknowledgement's callback replies with the bytes
 * of an accepted result; fresh subjects each run, {@value #ACTORS} of them in rotation. What raw leaves out:
 * routing (shard map), the command's JSON (encoded on the way in, decoded at the owner), the runtime's
 * mailbox and decision, the store's encoding and its actor positions, the result's JSON.
 */
final class CrossNode {

  static final int ACTORS = 100;
  static final int COMMANDS = 5_000;
  static final String FROM = "n1";
  static final String OWNER = "n2";
  private static final String RAW_SUBJECT = "clbraw.cmd.";

  private final ClusterRig rig;
  private final Latencies latencies;
  private final AtomicInteger runs = new AtomicInteger();
  private byte[] eventBytes;
  private byte[] resultBytes;
  private Responder responder;
  private Connection requester;

  CrossNode(ClusterRig rig, Latencies latencies) {
    this.rig = rig;
    this.latencies = latencies;
  }

  /** Sends one deposit through the cluster to read the bytes raw sends (the stored commit, the answer). */
  void prime() throws Exception {
    String actor = rig.actorsOwnedBy(ClusterRig.TRIO, OWNER, "cross-", 1).getFirst();
    CommandResult result = rig.node(FROM).node().gateway().sendMessage(Deposits.deposit(actor))
        .get(ClusterRig.COMMAND_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    Deposits.requireAccepted(result);
    resultBytes = CommandJson.resultToBytes(result);
    MessageInfo stored = rig.jsm().getLastMessage(ClusterRig.stream(ClusterRig.TRIO),
        ClusterRig.subject(ClusterRig.TRIO, actor));
    eventBytes = stored.getData();
    requester = rig.connect("aether-bench-raw-requester");
    responder = new Responder(rig.connect("aether-bench-raw-responder"),
        rig.connect("aether-bench-raw-store").jetStream());
  }

  Benchmark aether(String name) {
    return new Benchmark() {
      private List<String> actors;
      private RuntimeMessage[] messages;
      private long before;
      private boolean staggered;

      @Override
      public void setUp() throws Exception {
        actors = rig.actorsOwnedBy(ClusterRig.TRIO, OWNER, "cross-", ACTORS);
        List<CompletableFuture<?>> active = new ArrayList<>();
        for (String actor : actors) {
          active.add(rig.node(OWNER).node().runtime().createVM(ActorKey.of(Deposits.TYPE, actor)));
        }
        active.forEach(CompletableFuture::join);
        if (!staggered) {
          stagger();
          staggered = true;
        }
        messages = new RuntimeMessage[COMMANDS];
        for (int i = 0; i < COMMANDS; i++) {
          messages[i] = Deposits.deposit(actors.get(i % ACTORS));
        }
        before = version(actors.getFirst());
      }

      @Override
      public long run() throws Exception {
        var gateway = rig.node(FROM).node().gateway();
        Latencies.Cost cost = Latencies.Cost.now();
        long[] nanos = new long[COMMANDS];
        for (int i = 0; i < COMMANDS; i++) {
          long start = System.nanoTime();
          CommandResult result = gateway.sendMessage(messages[i]).get(
              ClusterRig.COMMAND_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS);
          nanos[i] = System.nanoTime() - start;
          Deposits.requireAccepted(result);
        }
        latencies.recordCost(name, cost, COMMANDS);
        latencies.record(name, nanos);
        return COMMANDS;
      }

      @Override
      public void tearDown() throws Exception {
        String first = actors.getFirst();
        long after = version(first);
        if (after != before + COMMANDS / ACTORS) {
          throw new IllegalStateException(first + " is at version " + after + ", expected " + (before + COMMANDS / ACTORS));
        }
        rig.checkLayout(ClusterRig.TRIO, first, after);
        if (!rig.actorsOwnedBy(ClusterRig.TRIO, OWNER, "cross-", ACTORS).equals(actors)) {
          throw new IllegalStateException("the actors' shards moved during the run");
        }
      }

      private long version(String actor) {
        return rig.node(OWNER).store().getLatestVersion(ActorKey.of(Deposits.TYPE, actor).streamId());
      }

      /** Moves actor {@code i} on by {@code i * snapshotInterval / ACTORS} versions (in order: its mailbox). */
      private void stagger() throws Exception {
        var gateway = rig.node(OWNER).node().gateway();
        List<CompletableFuture<CommandResult>> sent = new ArrayList<>();
        for (int i = 0; i < ACTORS; i++) {
          for (int d = 0; d < i * RuntimeConfig.DEFAULT_SNAPSHOT_INTERVAL / ACTORS; d++) {
            sent.add(gateway.sendMessage(Deposits.deposit(actors.get(i))));
          }
        }
        for (CompletableFuture<CommandResult> reply : sent) {
          Deposits.requireAccepted(reply.get(ClusterRig.COMMAND_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS));
        }
      }
    };
  }

  Benchmark raw(String name) {
    return new Benchmark() {
      private Message[] requests;

      @Override
      public void setUp() {
        int run = runs.incrementAndGet();
        responder.reset(run);
        requests = new Message[COMMANDS];
        for (int i = 0; i < COMMANDS; i++) {
          int actor = i % ACTORS;
          RuntimeMessage message = Deposits.deposit("rawcross-" + run + "-" + actor)
              .withDeadline(Instant.now().plus(ClusterRig.COMMAND_TIMEOUT));
          Headers headers = new Headers().put("Aether-Shard", "512").put("Aether-Map-Epoch", "3")
              .put("Aether-Command-Id", message.commandId())
              .put("Aether-Deadline", Long.toString(message.deadline().orElseThrow().toEpochMilli()));
          requests[i] = NatsMessage.builder().subject(RAW_SUBJECT + actor).headers(headers)
              .data(CommandJson.messageToBytes(message)).build();
        }
      }

      @Override
      public long run() throws Exception {
        Latencies.Cost cost = Latencies.Cost.now();
        long[] nanos = new long[COMMANDS];
        for (int i = 0; i < COMMANDS; i++) {
          long start = System.nanoTime();
          Message reply = requester.requestWithTimeout(requests[i], ClusterRig.COMMAND_TIMEOUT)
              .get(ClusterRig.COMMAND_TIMEOUT.toSeconds() * 2, TimeUnit.SECONDS);
          nanos[i] = System.nanoTime() - start;
          if (!Arrays.equals(reply.getData(), resultBytes)) {
            throw new IllegalStateException("raw: the responder failed: "
                + new String(reply.getData(), StandardCharsets.UTF_8));
          }
        }
        latencies.recordCost(name, cost, COMMANDS);
        latencies.record(name, nanos);
        return COMMANDS;
      }

      @Override
      public void tearDown() throws Exception {
        long sequence = rig.jsm().getLastMessage(ClusterRig.stream(ClusterRig.TRIO),
            ClusterRig.rawSubject(ClusterRig.TRIO, "rawcross-" + runs.get() + "-0")).getSeq();
        if (sequence <= 0 || responder.stored() != COMMANDS) {
          throw new IllegalStateException("raw: " + responder.stored() + " publishes stored of " + COMMANDS);
        }
      }
    };
  }

  void close() {
    if (responder != null) {
      responder.close();
    }
  }

  /**
   * The raw owner: a dispatcher that publishes the commit with OCC headers and answers from the publish's
   * acknowledgement. One run's subjects at a time.
   */
  private final class Responder {
    private final Connection connection;
    private final JetStream js;
    private final Dispatcher dispatcher;
    private volatile String[] subjects = new String[0];
    private volatile long[] last = new long[0]; // written by acknowledgement callbacks, one in flight per subject
    private final AtomicInteger stored = new AtomicInteger();

    Responder(Connection connection, JetStream js) {
      this.connection = connection;
      this.js = js;
      this.dispatcher = connection.createDispatcher(this::onRequest);
      dispatcher.subscribe(RAW_SUBJECT + "*");
    }

    void reset(int run) {
      String[] fresh = new String[ACTORS];
      for (int a = 0; a < ACTORS; a++) {
        fresh[a] = ClusterRig.rawSubject(ClusterRig.TRIO, "rawcross-" + run + "-" + a);
      }
      last = new long[ACTORS];
      subjects = fresh;
      stored.set(0);
    }

    int stored() {
      return stored.get();
    }

    private void onRequest(Message request) {
      String subject = request.getSubject();
      int actor = Integer.parseInt(subject.substring(subject.lastIndexOf('.') + 1));
      long[] sequences = last;
      long expected = sequences[actor];
      Headers headers = new Headers().put("Aether-Versions", Long.toString(stored.get() / ACTORS + 1));
      PublishOptions options = PublishOptions.builder().messageId(EventIds.newId())
          .expectedLastSubjectSequence(expected).build();
      js.publishAsync(NatsMessage.builder().subject(subjects[actor]).headers(headers).data(eventBytes).build(),
          options).whenComplete((ack, failure) -> {
            if (failure != null || ack.isDuplicate()) {
              connection.publish(request.getReplyTo(), String.valueOf(failure != null ? failure : ack)
                  .getBytes(StandardCharsets.UTF_8));
              return;
            }
            sequences[actor] = ack.getSeqno();
            stored.incrementAndGet();
            connection.publish(request.getReplyTo(), resultBytes);
          });
    }

    void close() {
      connection.closeDispatcher(dispatcher);
    }
  }
}
