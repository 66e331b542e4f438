package dev.aether.bench.feed;

import dev.aether.bench.Benchmark;
import dev.aether.model.ModelLoader;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeConfig;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.store.SharedFeedOptions;
import io.nats.client.JetStream;
import io.nats.client.ConsumeOptions;
import io.nats.client.IterableConsumer;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.PublishAck;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Policy end-to-end latency on one node: from a source command's {@code Accepted} (its event stored) to the
 * policy's command being stored, per transfer.
 *
 * <p><b>Aether</b>: one runtime on {@link FeedRig#POLICY}'s store, running {@link #MODEL}: {@code Transfer}
 * emits {@code TransferSent}, the policy {@code credit} (a durable shared group of the feed, this runtime its
 * only member) sends {@code ReceiveTransfer} to {@code event.to}, which emits {@code TransferReceived}. The
 * runtime's reaction gateway is wrapped ({@code Runtime.Builder.reactionGateway}): it sends the policy's
 * command to the runtime and takes the time when the runtime's answer completes accepted. The transfer's time
 * is taken when the sender's {@code sendMessage} future completes accepted. Both times are taken in callbacks on
 * the completing thread; the transfer's correlation id (copied by the policy onto its command) pairs them.
 *
 * <p><b>Raw</b>: the same two JetStream publishes without Aether, on {@link FeedRig#POLICY_RAW}'s stream (the
 * same settings): the sender publishes the store's own bytes of a {@code TransferSent} event ({@code
 * publishAsync}, {@code Nats-Msg-Id}, expected last subject sequence), and one virtual thread consumes the
 * stream through a durable pull consumer configured as a shared feed's (explicit ack, the default ack wait and
 * max ack pending, filtered on the partition's subjects), read with jnats' simplified API ({@code
 * ConsumerContext.iterate}, batch 32), and per source message publishes the store's bytes of a {@code
 * TransferReceived} event to the target's subject (message id derived from the source's sequence, expected last
 * subject sequence) and waits for its ack, then {@code ackSync}s the source message; the credit messages it
 * also receives it {@code ackSync}s at once, as the policy acknowledges events it does not react
 * to. Times are taken in the publish futures' callbacks. So raw does the same publishes and acks (its pulls are
 * jnats' own: batches of 32 requested ahead, where a shared-feed member pulls when its policy polls); what
 * it leaves out is the store's encoding and decoding, the policy's command (id, CEL mapping), the runtime's
 * routing, actor mailbox and decision, and the thread hand-offs between feed, policy, runtime and store.
 *
 * <p>Two shapes: {@value #SEQUENTIAL} transfers one at a time (the next is sent when the previous one's
 * credit is stored), rotating over {@value #LANES} source and target accounts; and {@value #LANES} lanes of
 * {@value #PER_LANE} sequential transfers each, all lanes at once ({@value #LANES} outstanding). Per run, every
 * transfer's latency is kept; the notes report per-run p50 / p99.
 */
final class PolicyLatency {

  static final int SEQUENTIAL = 1_000;
  static final int LANES = 100;
  static final int PER_LANE = 5;
  private static final long TIMEOUT_SECONDS = 120;
  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

  /** The model: a minimal bank whose policy turns a transfer into a credit of the target. */
  static final String MODEL = """
      name: bench-bank
      version: "1"
      aggregates:
        - name: Account
          state:
            - {name: balance, type: int}
          commands:
            - name: Transfer
              fields: [{name: to, type: string}, {name: amount, type: int, min: 1}]
              emits: [TransferSent]
            - name: ReceiveTransfer
              fields: [{name: from, type: string}, {name: amount, type: int, min: 1}]
              emits: [TransferReceived]
          events:
            - name: TransferSent
              fields: [{name: to, type: string}, {name: amount, type: int}]
              apply: {balance: "state.balance - event.amount"}
            - name: TransferReceived
              fields: [{name: from, type: string}, {name: amount, type: int}]
              apply: {balance: "state.balance + event.amount"}
      policies:
        - name: credit
          when: Account.TransferSent
          then: Account.ReceiveTransfer
          target: event.to
          data: {from: actorId, amount: event.amount}
      """;

  private final FeedRig rig;
  private final Runtime runtime;
  /** Transfers waiting for their credit, by correlation id. */
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final AtomicInteger tokens = new AtomicInteger();
  private final AtomicInteger runs = new AtomicInteger();
  private final Map<String, List<long[]>> percentiles = new ConcurrentHashMap<>();
  private final Map<String, List<long[]>> samples = new ConcurrentHashMap<>();
  private final byte[] sentPayload;
  private final byte[] receivedPayload;
  private final RawConsumer consumer;

  /** A transfer in flight: its accepted time, and the future its credit's accepted time completes. */
  private static final class Pending {
    volatile long accepted;
    final CompletableFuture<Long> credited = new CompletableFuture<>();
  }

  PolicyLatency(FeedRig rig) throws Exception {
    this.rig = rig;
    CompletableFuture<Runtime> self = new CompletableFuture<>();
    runtime = Runtime.builder().eventStore(rig.policyStore())
        .config(RuntimeConfig.builder().commandTimeout(Duration.ofSeconds(60)).build())
        .reactionGateway(message -> self.join().sendMessage(message).thenApply(result -> {
          if (result instanceof CommandResult.Accepted accepted && !accepted.duplicate()) {
            long now = System.nanoTime();
            Pending p = message.correlationId().map(pending::get).orElse(null);
            if (p != null) {
              p.credited.complete(now);
            }
          }
          return result;
        }))
        .build();
    self.complete(runtime);
    try {
      runtime.loadModel(ModelLoader.fromYaml(MODEL));
      runtime.start();
      transfer("prime-src", "prime-dst").get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      sentPayload = storedBytes("prime-src");
      receivedPayload = storedBytes("prime-dst");
      consumer = new RawConsumer();
    } catch (Exception | Error e) {
      runtime.close();
      throw e;
    }
  }

  /** The store's bytes of an account's last event (for raw payloads of the same size). */
  private byte[] storedBytes(String actorId) throws Exception {
    String token = "_" + BASE64.encodeToString(("Account/" + actorId).getBytes(StandardCharsets.UTF_8));
    return rig.jsm().getLastMessage(FeedRig.stream(FeedRig.POLICY), FeedRig.subject(FeedRig.POLICY, token)).getData();
  }

  /** @return per run of the named benchmark (warm-up runs first): {p50, p99} in nanoseconds */
  List<long[]> percentiles(String benchmark) {
    return percentiles.getOrDefault(benchmark, List.of());
  }

  /** @return per run of the named benchmark (warm-up runs first): every latency in nanoseconds, sorted */
  List<long[]> samples(String benchmark) {
    return samples.getOrDefault(benchmark, List.of());
  }

  private void record(String benchmark, long[] nanos) {
    Arrays.sort(nanos);
    percentiles.computeIfAbsent(benchmark, k -> new ArrayList<>())
        .add(new long[] {nanos[nanos.length / 2], nanos[(int) (nanos.length * 0.99)]});
    samples.computeIfAbsent(benchmark, k -> new ArrayList<>()).add(nanos);
  }

  /**
   * Sends one transfer and completes with its latency (credit stored minus transfer accepted), in nanoseconds.
   */
  private CompletableFuture<Long> transfer(String from, String to) {
    String correlation = "bench-" + tokens.incrementAndGet();
    Pending p = new Pending();
    pending.put(correlation, p);
    RuntimeMessage message = RuntimeMessage.builder("Account", from, "Transfer")
        .payload(Map.of("to", to, "amount", 1)).correlationId(correlation).build();
    return runtime.sendMessage(message).thenCompose(result -> {
      p.accepted = System.nanoTime();
      if (!(result instanceof CommandResult.Accepted)) {
        throw new IllegalStateException("a transfer was refused: " + result);
      }
      return p.credited;
    }).thenApply(credited -> {
      pending.remove(correlation);
      return credited - p.accepted;
    });
  }

  Benchmark aetherSequential(String name) {
    return new Checked() {
      @Override
      public long run() throws Exception {
        long[] nanos = new long[SEQUENTIAL];
        for (int i = 0; i < SEQUENTIAL; i++) {
          nanos[i] = transfer("src-" + (i % LANES), "dst-" + (i % LANES)).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        record(name, nanos);
        return SEQUENTIAL;
      }
    };
  }

  Benchmark aetherLanes(String name) {
    return new Checked() {
      @Override
      public long run() throws Exception {
        long[] nanos = new long[LANES * PER_LANE];
        lanes(lane -> {
          for (int i = 0; i < PER_LANE; i++) {
            nanos[lane * PER_LANE + i] = transfer("osrc-" + lane, "odst-" + lane)
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
          }
        });
        record(name, nanos);
        return (long) LANES * PER_LANE;
      }
    };
  }

  /** An Aether benchmark that checks after each run that every transfer was credited exactly once. */
  private abstract class Checked implements Benchmark {
    @Override
    public void tearDown() {
      long sent = rig.policyStore().getLatestVersion("Account/src-0");
      long received = rig.policyStore().getLatestVersion("Account/dst-0");
      long lanesSent = rig.policyStore().getLatestVersion("Account/osrc-7");
      long lanesReceived = rig.policyStore().getLatestVersion("Account/odst-7");
      if (sent != received || lanesSent != lanesReceived || sent + lanesSent == 0 || !pending.isEmpty()) {
        throw new IllegalStateException("transfers and credits differ: src-0 " + sent + " / dst-0 " + received
            + ", osrc-7 " + lanesSent + " / odst-7 " + lanesReceived + ", " + pending.size() + " pending");
      }
    }
  }

  Benchmark rawSequential(String name) {
    return new Benchmark() {
      private int run;

      @Override
      public void setUp() {
        run = runs.incrementAndGet();
      }

      @Override
      public long run() throws Exception {
        long[] nanos = new long[SEQUENTIAL];
        long[] last = new long[LANES];
        for (int i = 0; i < SEQUENTIAL; i++) {
          int lane = i % LANES;
          nanos[i] = consumer.transfer("src-" + run + "-" + lane, "dst-" + run + "-" + lane, last, lane)
              .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        record(name, nanos);
        return SEQUENTIAL;
      }
    };
  }

  Benchmark rawLanes(String name) {
    return new Benchmark() {
      private int run;

      @Override
      public void setUp() {
        run = runs.incrementAndGet();
      }

      @Override
      public long run() throws Exception {
        long[] nanos = new long[LANES * PER_LANE];
        long[] last = new long[LANES];
        lanes(lane -> {
          for (int i = 0; i < PER_LANE; i++) {
            nanos[lane * PER_LANE + i] = consumer.transfer("osrc-" + run + "-" + lane, "odst-" + run + "-" + lane,
                last, lane).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
          }
        });
        record(name, nanos);
        return (long) LANES * PER_LANE;
      }
    };
  }

  /** The body of one lane. */
  @FunctionalInterface
  private interface Lane {
    void run(int lane) throws Exception;
  }

  /** Runs {@value #LANES} lanes on virtual threads and waits for all; fails when one failed. */
  private static void lanes(Lane body) throws Exception {
    CountDownLatch done = new CountDownLatch(LANES);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    for (int l = 0; l < LANES; l++) {
      int lane = l;
      Thread.ofVirtual().name("bench-lane-" + l).start(() -> {
        try {
          body.run(lane);
        } catch (Exception | Error e) {
          failure.compareAndSet(null, e);
        } finally {
          done.countDown();
        }
      });
    }
    if (!done.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the lanes did not finish within " + TIMEOUT_SECONDS + " s");
    }
    if (failure.get() != null) {
      throw new IllegalStateException("a lane failed", failure.get());
    }
  }

  void close() {
    try {
      consumer.close();
    } finally {
      runtime.close();
    }
  }

  /**
   * The raw side: the sender's publish and the consumer that reacts to it with the second publish, on
   * {@link FeedRig#POLICY_RAW}'s stream.
   */
  private final class RawConsumer {
    /** A raw transfer waiting for its credit: the target's subject, and the credit's ack time. */
    private record RawPending(String target, CompletableFuture<Long> credited) {}

    private static final String DURABLE = "bench-raw-credit";
    private static final int BATCH = 32;
    private final IterableConsumer subscription;
    private final Thread thread;
    /** Transfers waiting for their credit, by source subject (one at a time per subject). */
    private final Map<String, RawPending> credits = new ConcurrentHashMap<>();
    private final Map<String, Long> targetSequences = new HashMap<>(); // consumer thread only
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean closed;

    RawConsumer() throws Exception {
      String stream = FeedRig.stream(FeedRig.POLICY_RAW);
      rig.jsm().addOrUpdateConsumer(stream, ConsumerConfiguration.builder().durable(DURABLE)
          .filterSubject(FeedRig.streamSubject(FeedRig.POLICY_RAW)).ackPolicy(AckPolicy.Explicit)
          .ackWait(SharedFeedOptions.DEFAULT_ACK_TIMEOUT).maxAckPending(SharedFeedOptions.DEFAULT_MAX_IN_FLIGHT)
          .maxDeliver(-1).deliverPolicy(DeliverPolicy.All)
          .build());
      subscription = rig.raw().getConsumerContext(stream, DURABLE)
          .iterate(ConsumeOptions.builder().batchSize(BATCH).build());
      thread = Thread.ofVirtual().name("bench-raw-consumer").start(this::consume);
    }

    /**
     * Publishes one transfer of a lane's source subject and completes with its latency: the credit's ack time
     * minus the transfer's ack time.
     */
    CompletableFuture<Long> transfer(String from, String to, long[] last, int lane) {
      String source = FeedRig.subject(FeedRig.POLICY_RAW, from);
      RawPending p = new RawPending(FeedRig.subject(FeedRig.POLICY_RAW, to), new CompletableFuture<>());
      credits.put(source, p);
      PublishOptions options = PublishOptions.builder().messageId("transfer-" + from + "-" + last[lane])
          .expectedLastSubjectSequence(last[lane]).build();
      long[] accepted = new long[1];
      return rig.js().publishAsync(source, sentPayload, options).thenCompose(ack -> {
        accepted[0] = System.nanoTime();
        last[lane] = ack.getSeqno();
        return p.credited();
      }).thenApply(creditedAt -> creditedAt - accepted[0]);
    }

    private void consume() {
      JetStream js = rig.js();
      try {
        while (!closed) {
          Message message = subscription.nextMessage(Duration.ofSeconds(1));
          if (message != null) {
            handle(js, message);
          }
        }
      } catch (InterruptedException | IllegalStateException e) {
        // closing
      } catch (Exception | Error e) {
        if (!closed) {
          failure.set(e);
          credits.values().forEach(c -> c.credited().completeExceptionally(e));
        }
      }
    }

    private void handle(JetStream js, Message message) throws Exception {
      RawPending p = credits.remove(message.getSubject());
      if (p == null) { // a credit this consumer wrote: nothing to do, as the policy with an event it ignores
        message.ackSync(FeedRig.TIMEOUT);
        return;
      }
      String target = p.target();
      long expected = targetSequences.getOrDefault(target, 0L);
      PublishOptions options = PublishOptions.builder()
          .messageId("credit-" + message.metaData().streamSequence()).expectedLastSubjectSequence(expected).build();
      PublishAck ack = js.publishAsync(target, receivedPayload, options).thenApply(a -> {
        p.credited().complete(System.nanoTime());
        return a;
      }).get(FeedRig.TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      if (ack.isDuplicate()) {
        throw new IllegalStateException("raw: duplicate credit " + ack);
      }
      targetSequences.put(target, ack.getSeqno());
      message.ackSync(FeedRig.TIMEOUT);
    }

    void close() {
      closed = true;
      thread.interrupt();
      try {
        subscription.close();
      } catch (Exception e) {
        // the connection is gone
      }
    }
  }
}
