package dev.aether.model.exec;

import dev.aether.InvalidInputException;
import dev.aether.config.ConfigKeys;
import dev.aether.event.Event;
import dev.aether.runtime.CommandGateway;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.store.EventFeed;
import dev.aether.store.EventStore;
import dev.aether.store.FeedClosedException;
import dev.aether.store.FeedDelivery;
import dev.aether.store.FeedPosition;
import dev.aether.store.FeedStart;
import dev.aether.store.ReadModelStore;
import dev.aether.store.SharedFeed;
import dev.aether.store.SharedFeedOptions;
import dev.aether.support.SharedGauges;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs policies from the event feed: every writer's events, at least once. A model's ({@link PolicyProgram}) and
 * Java's ({@link Policy}) alike, through {@link PolicyDefinition}. Each policy is a durable
 * shared group of the feed ({@link #group}): every process that runs the model joins it, each event goes to one
 * member at a time, and an event a member took but did not acknowledge (it crashed, or closed) goes to another
 * after the ack timeout; while a member handles a batch a keeper thread marks the batch's deliveries in progress
 * (every quarter of the ack timeout), so a slow command is not handed to another member meanwhile. A new group
 * starts at the beginning of the feed. The groups' options (ack timeout,
 * commits in flight) are read from the system properties {@code aether.feed.*} when the model is loaded.
 *
 * <p>Per delivery, on the policy's virtual thread ({@code aether-policy-<name>}): an event the policy does not
 * react to, or whose condition is false, is acknowledged at once; otherwise the command (deterministic id
 * {@link #commandId}, so a redelivery is answered as a duplicate, never applied twice; metadata from the event)
 * goes through the reaction gateway. Accepted (also as a duplicate): acknowledged. {@code NOT_RUNNING} (the
 * gateway stopped: a cluster node closed, or its connection closed, under a policy that runs on): the delivery
 * and the rest of its batch are handed back at once (nak without delay, as while closing; never dead-lettered:
 * nothing was decided) and the member stops pulling while its gateway is not running, polling again for one
 * delivery after a pause of 100 ms doubling to {@link #NOT_RUNNING_PAUSE_MAX}, so the group's other members
 * take the events at once (found by a user: a stopped node's policy kept taking and retrying events, which
 * reached the other nodes 20 s late). Another transient rejection:
 * delivered again after a back-off (10 ms doubling to 2 s), up to {@value #MAX_ATTEMPTS} deliveries. A
 * non-transient rejection, an expression that fails, or the last attempt: a {@link DeadLetter} is written and
 * the event acknowledged. Order: a redelivery may come after later events (see {@link SharedFeed}).
 *
 * <p>Thread-safe: each policy's deliveries run on its own thread; counters are atomic.
 */
final class PolicyRunner implements AutoCloseable {

  static final int MAX_ATTEMPTS = 30;
  private static final Logger LOG = LoggerFactory.getLogger(PolicyRunner.class);
  private static final int BATCH = 32;
  private static final Duration POLL_WAIT = Duration.ofMillis(250);
  /** The first pause of a member whose gateway answered {@code NOT_RUNNING}, doubled up to the next. */
  private static final long NOT_RUNNING_PAUSE_MIN_MILLIS = 100;
  /** The longest pause between two polls of a member whose gateway is not running. */
  static final Duration NOT_RUNNING_PAUSE_MAX = Duration.ofSeconds(2);
  /** How often a worker asks the store for its backlog, {@code aether.policy.backlog} (a request per partition). */
  private static final Duration BACKLOG_SAMPLE = Duration.ofSeconds(2);
  private static final int MAX_GROUP_PREFIX = 40;
  /**
   * Events read per page when a redelivery looks for its command in the target's log: a range that short is
   * one the JetStream store reads by direct gets (the newest 32 versions by following the commits back, an
   * older page from its first commit, found by bisection), never by a consumer from the history's start.
   */
  static final int LOOK_BACK_PAGE = 32;
  /**
   * How much older than the source event a target's event may be and still be the policy's command: twice the
   * difference allowed between two nodes' clocks (the event and the command were timed by different nodes).
   */
  static final Duration CLOCK_SKEW_MARGIN = Duration.ofMinutes(1);

  private final Map<String, PolicyDefinition> byName = new LinkedHashMap<>();
  private final String runs;
  private final List<Worker> workers = new ArrayList<>();
  private final CommandGateway gateway;
  private final EventFeed feed;
  private final EventStore events;
  private final DeadLetterStore deadLetters;
  private final Clock clock;
  private final MeterRegistry registry;
  private final AtomicLong deadLettered = new AtomicLong();
  private volatile boolean closed;
  /** How often the keeper marks the batches in hand in progress: a quarter of the ack timeout. */
  private final long keepNanos;
  private volatile Thread keeper;

  /**
   * A runner of a model's policies.
   *
   * @param modelName the model's name, in each policy's group ({@link #group})
   */
  PolicyRunner(String modelName, List<PolicyProgram> policies, CommandGateway gateway, EventFeed feed,
      EventStore events, DeadLetterStore deadLetters, Clock clock, MeterRegistry registry) {
    this(policies, p -> group(modelName, p), "the loaded model", gateway, feed, events, deadLetters, clock,
        registry);
  }

  /**
   * A runner of any policies.
   *
   * @param groupOf a policy's shared group by its name
   * @param runs what runs them, as an error says it ("the loaded model")
   */
  PolicyRunner(List<? extends PolicyDefinition> policies, java.util.function.UnaryOperator<String> groupOf,
      String runs, CommandGateway gateway, EventFeed feed, EventStore events, DeadLetterStore deadLetters,
      Clock clock, MeterRegistry registry) {
    this.runs = runs;
    this.gateway = gateway;
    this.feed = feed;
    this.events = events;
    this.deadLetters = deadLetters;
    this.clock = clock;
    this.registry = registry;
    // read when the model is loaded, so a test or an operator can set them as system properties
    SharedFeedOptions options = SharedFeedOptions.fromMap(ConfigKeys.fromProperties(System.getProperties()));
    for (PolicyDefinition p : policies) {
      byName.put(p.name(), p);
      FeedStart startIfNew = p.startsNow() ? FeedStart.now() : FeedStart.beginning();
      workers.add(new Worker(p, feed.openShared(groupOf.apply(p.name()), startIfNew, options)));
    }
    keepNanos = Math.max(1, options.ackTimeout().toNanos() / 4);
  }

  /** Starts taking deliveries (one virtual thread per policy); once, when the runtime runs the model's plan. */
  void start() {
    workers.forEach(Worker::start);
    if (!workers.isEmpty()) {
      keeper = Thread.ofVirtual().name("aether-policy-keeper").start(this::keep);
    }
  }

  /**
   * The keeper: every quarter of the ack timeout, each worker's batch in hand is marked in progress, so no
   * delivery of it goes to another member while this one works through it: a slow command, a blocking store
   * write, the ack itself. A batch whose current delivery has been handled for {@link #KEEP_AT_MOST} (a gateway
   * that never answers, a reaction that hangs) is no longer kept: it goes to another member one ack timeout
   * later, as a crashed member's does.
   */
  private void keep() {
    while (!closed) {
      try {
        TimeUnit.NANOSECONDS.sleep(keepNanos);
      } catch (InterruptedException e) {
        return; // closing
      }
      long now = System.nanoTime();
      workers.forEach(worker -> worker.keep(now));
    }
  }

  /**
   * The name of a policy's shared group: {@code policy-<model>-<policy>}, with characters a group name cannot
   * hold replaced, and a hash of both names appended when that changed anything or the name is too long (so
   * two policies never share a group).
   */
  static String group(String modelName, String policyName) {
    return groupName("policy-" + modelName + "-" + policyName, modelName + "|" + policyName);
  }

  /**
   * The shared group of a policy written in Java ({@link Policy}): {@code java-policy-<policy>}, made safe as
   * {@link #group} does; never a model's policy's group.
   */
  static String javaGroup(String policyName) {
    return groupName("java-policy-" + policyName, "java|" + policyName);
  }

  private static String groupName(String plain, String hashed) {
    String safe = plain.replaceAll("[^A-Za-z0-9_-]", "_");
    if (safe.equals(plain) && safe.length() <= SharedFeedOptions.MAX_GROUP_LENGTH) {
      return safe;
    }
    return safe.substring(0, Math.min(safe.length(), MAX_GROUP_PREFIX)) + "-" + hash(hashed);
  }

  private static String hash(String text) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  /**
   * Deliveries this process holds and has not finished, plus one per policy that has not yet seen the feed's
   * head: zero means every event stored before this call was handed out and this process is done with its
   * share.
   */
  long pending() {
    FeedPosition head = feed.head();
    long pending = 0;
    for (Worker w : workers) {
      pending += w.inHandCount.get() + (w.seen.covers(head) ? 0 : 1);
    }
    return pending;
  }

  /**
   * A policy's backlog, asked of the store now.
   *
   * @throws InvalidInputException naming {@code policy} when this runner has no such policy
   */
  long backlog(String policy) {
    return worker(policy).shared.backlog();
  }

  /**
   * Whether a policy still takes deliveries here: false once this runner is closed, or once the policy stopped
   * because its feed was closed under it (its event store closed first; logged as an ERROR).
   *
   * @throws InvalidInputException naming {@code policy} when this runner has no such policy
   */
  boolean isRunning(String policy) {
    return !closed && !worker(policy).stopped && !feed.isClosed(); // the feed: before the worker sees it closed
  }

  private Worker worker(String policy) {
    for (Worker w : workers) {
      if (w.policy.name().equals(policy)) {
        return w;
      }
    }
    throw new InvalidInputException("policy", "no policy \"" + policy + "\"; the model has " + byName.keySet());
  }

  /** @return deliveries that ended in a dead letter, in this process */
  long failed() {
    return deadLettered.get();
  }

  /**
   * Delivers a dead letter's event to its policy again, once; the record goes when the command is accepted
   * (or the policy no longer sends one), else it is updated with the new error.
   *
   * @return the command's outcome, or empty when the policy's condition is now false
   */
  CompletableFuture<Optional<CommandResult>> replay(String id) {
    DeadLetter letter = deadLetters.get(dev.aether.support.Checks.notBlank(id, "id"))
        .orElseThrow(() -> new InvalidInputException("id", "no dead letter \"" + id + "\""));
    PolicyDefinition policy = byName.get(letter.policy());
    if (policy == null) {
      throw new InvalidInputException("id", "dead letter " + id + " is of policy " + letter.policy()
          + ", which " + runs + " does not have");
    }
    Event event = events.getEventsWithErrors(letter.streamId(), letter.version(), letter.version())
        .eventsOrThrow(letter.streamId()).stream()
        .filter(e -> e.id().equals(letter.eventId())).findFirst()
        .orElseThrow(() -> new InvalidInputException("id", "the event of dead letter " + id
            + " is no longer in the store"));
    RuntimeMessage message;
    try {
      message = message(policy, event);
    } catch (RuntimeException e) { // the policy still cannot compute its command: the letter says so again
      String failure = policy.failure(e);
      deadLetters.write(policy.name(), event, letter.attempts() + 1, failure, clock.instant());
      return CompletableFuture.completedFuture(Optional.of(CommandResult.Rejected.of(
          policy.commandId(event.id()), RejectionReason.BEHAVIOR_FAILED, failure)));
    }
    if (message == null) {
      deadLetters.remove(id);
      return CompletableFuture.completedFuture(Optional.empty());
    }
    return gateway.sendMessage(message).thenApply(result -> { // sendMessage's callbacks may block (the store)
      if (result instanceof CommandResult.Accepted) {
        deadLetters.remove(id);
      } else if (result instanceof CommandResult.Rejected r) {
        deadLetters.write(policy.name(), event, letter.attempts() + 1, r.reason() + ": " + r.message(),
            clock.instant());
      }
      return Optional.of(result);
    });
  }

  /** The command id of a policy's reaction to an event: a name-based UUID of both, the same every time. */
  static String commandId(String policy, String eventId) {
    return UUID.nameUUIDFromBytes(("aether.policy|" + policy + "|" + eventId).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /**
   * The command id of a Java policy's reaction to an event ({@link Policy#commandId}): as {@link #commandId}, in
   * a namespace of their own, so a Java policy and a model's policy of the same name never share one.
   */
  static String javaCommandId(String policy, String eventId) {
    return UUID.nameUUIDFromBytes(("aether.java-policy|" + policy + "|" + eventId).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  /**
   * The command a policy sends for an event, or {@code null} when its condition is false. Metadata: causation
   * = the event's id; correlation = the event's correlation id, else (an event stored by another writer
   * without one) the id of the command that produced the event, else the event's id, the same root the
   * runtime gives a command's events when it has none; user and trace ids = the event's, when it has them.
   */
  static RuntimeMessage message(PolicyDefinition p, Event event) {
    RuntimeMessage.Builder message = p.command(event);
    if (message == null) {
      return null;
    }
    message.commandId(p.commandId(event.id())).causationId(event.id())
        .correlationId(present(event.correlationId()).or(() -> present(event.commandId())).orElse(event.id()));
    present(event.userId()).ifPresent(message::userId);
    present(event.traceId()).ifPresent(message::traceId);
    return message.build();
  }

  /** A metadata entry with something in it: another writer may have stored a blank one. */
  private static Optional<String> present(Optional<String> entry) {
    return entry.filter(value -> !value.isBlank());
  }

  /**
   * How long the handling of one delivery keeps its batch with this member ({@link #keep}); a command that takes
   * longer (no default command timeout comes near) is handed to another member too, as a duplicate.
   */
  static final Duration KEEP_AT_MOST = Duration.ofMinutes(2);

  /** A worker's batch in hand, and when its current delivery began (written by the worker, read by the keeper). */
  private static final class InHand {
    final List<FeedDelivery> batch;
    volatile long progressAt = System.nanoTime();

    InHand(List<FeedDelivery> batch) {
      this.batch = batch;
    }
  }

  /** One policy's member of its shared group, on its own virtual thread. */
  private final class Worker {

    final PolicyDefinition policy;
    final SharedFeed shared;
    final AtomicLong inHandCount = new AtomicLong();
    final Thread thread;
    final Meters meters;
    /** This worker's {@code aether.policy.backlog}; null without a registry. */
    private final SharedGauges.Registration backlogGauge;
    /** When the backlog was last asked of the store; only on the worker's thread. */
    private Instant backlogSampled;
    /** The last sample, shown by the gauge; NaN when the store could not say. */
    private volatile double backlog = Double.NaN;
    /** A position every event up to which was handed out (to some member) and, if to this one, finished. */
    volatile FeedPosition seen = FeedPosition.START;
    /** The batch being handled; null between batches. Written by the worker's thread, read by the keeper. */
    private volatile InHand inHand;
    /** Set when the worker ended on its own: its feed was closed under it. */
    volatile boolean stopped;
    /**
     * The pause before the next poll while the gateway answers {@code NOT_RUNNING}, in ms; 0 while it runs. Only
     * on the worker's thread.
     */
    private long notRunningPauseMillis;

    Worker(PolicyDefinition policy, SharedFeed shared) {
      this.policy = policy;
      this.shared = shared;
      this.thread = Thread.ofVirtual().name("aether-policy-" + policy.name()).unstarted(this::run);
      this.meters = new Meters(registry, policy.name());
      this.backlogGauge = registry == null ? null : SharedGauges.register(registry, "aether.policy.backlog",
          Tags.of("policy", policy.name()), "commits stored and not yet handled by the policy (every node's share;"
              + " sampled every " + BACKLOG_SAMPLE.toSeconds() + " s)", "commits", () -> backlog);
    }

    /** Asks the store for the group's backlog when the last sample is older than {@link #BACKLOG_SAMPLE}. */
    private void sampleBacklog() {
      Instant now = clock.instant();
      if (backlogGauge == null || (backlogSampled != null
          && Duration.between(backlogSampled, now).compareTo(BACKLOG_SAMPLE) < 0)) {
        return;
      }
      backlogSampled = now;
      try {
        backlog = shared.backlog();
      } catch (RuntimeException e) { // the store cannot say now: the gauge says so, the poll loop reports it
        backlog = Double.NaN;
      }
    }

    void start() {
      thread.start();
    }

    private void run() {
      FeedPosition headBefore = null;
      long pauseMillis = 100;
      while (!closed) {
        try {
          if (feed.isClosed()) { // also when a call fails for it before the feed says so
            throw new FeedClosedException("its event store is closed");
          }
          sampleBacklog();
          if (notRunningPauseMillis > 0) { // the gateway is not running: the others take the events meanwhile
            pauseUnlessClosed(notRunningPauseMillis);
            notRunningPauseMillis = Math.min(NOT_RUNNING_PAUSE_MAX.toMillis(), notRunningPauseMillis * 2);
          }
          List<FeedDelivery> batch = shared.poll(notRunningPauseMillis > 0 ? 1 : BATCH, POLL_WAIT);
          if (batch.isEmpty()) {
            if (headBefore != null) {
              seen = headBefore; // nothing left that was stored before the previous poll
            }
            headBefore = feed.head();
            continue;
          }
          headBefore = null;
          inHandCount.addAndGet(batch.size());
          handleBatch(batch);
          pauseMillis = 100;
        } catch (FeedClosedException e) { // its store closed under it: no retry can open this member again
          if (!closed) {
            stopped = true;
            LOG.error("policy {} stopped: {} (close a policy before its event store)", policy.name(),
                e.getMessage());
          }
          break;
        } catch (RuntimeException e) {
          if (closed) {
            break;
          }
          if (feed.isClosed()) {
            continue; // stopped at the loop's top, saying why
          }
          LOG.warn("policy {}: {}; polling again in {} ms", policy.name(), e.toString(), pauseMillis);
          sleep(pauseMillis);
          pauseMillis = Math.min(10_000, pauseMillis * 2);
        }
      }
    }

    /**
     * Handles a batch in order, kept by the keeper meanwhile. When a delivery's handling fails (the store cannot
     * confirm an ack, a dead letter cannot be written), the deliveries after it are handed back at once, not
     * kept: the failure goes to the poll loop's back-off.
     */
    private void handleBatch(List<FeedDelivery> batch) {
      InHand hand = new InHand(batch);
      inHand = hand;
      boolean probe = notRunningPauseMillis > 0; // after a pause: the one delivery polled asks the gateway again
      int next = 0;
      try {
        for (; next < batch.size(); next++) {
          try {
            hand.progressAt = System.nanoTime();
            if (closed || (notRunningPauseMillis > 0 && !(probe && next == 0))) {
              batch.get(next).nak(Duration.ZERO); // not started: handed out again at once
            } else {
              handle(batch.get(next));
            }
          } finally {
            inHandCount.decrementAndGet();
          }
        }
      } finally {
        inHand = null;
        for (int rest = next + 1; rest < batch.size(); rest++) { // after a failure: not started
          batch.get(rest).nak(Duration.ZERO);
          inHandCount.decrementAndGet();
        }
      }
    }

    /** Marks the batch in hand in progress, unless its current delivery has been handled too long. */
    void keep(long now) {
      InHand hand = inHand;
      if (hand != null && now - hand.progressAt < KEEP_AT_MOST.toNanos()) {
        hand.batch.forEach(FeedDelivery::inProgress); // settled deliveries ignore it
      }
    }

    private void handle(FeedDelivery delivery) {
      Event event = delivery.entry().event();
      if (!policy.reactsTo(event)) {
        delivery.ack();
        return;
      }
      RuntimeMessage message;
      try {
        message = message(policy, event);
      } catch (RuntimeException e) {
        deadLetter(delivery, policy.failure(e));
        return;
      }
      if (message == null) {
        meters.skipped.increment();
        delivery.ack();
        return;
      }
      if (delivery.attempt() > 1 && appliedBefore(message, event.timestamp())) {
        meters.duplicate.increment(); // applied by a member that stopped before acknowledging
        delivery.ack();
        return;
      }
      Optional<CommandResult> result;
      try {
        result = await(gateway.sendMessage(message));
      } catch (RuntimeException e) { // a gateway that throws instead of answering: retried like a transient cause
        retryOrDeadLetter(delivery, "the gateway failed: " + e);
        return;
      }
      if (result.isEmpty()) {
        delivery.nak(Duration.ZERO); // closing: handed out again at once, here after a restart or elsewhere
        return;
      }
      if (result.get() instanceof CommandResult.Rejected r && r.reason() == RejectionReason.NOT_RUNNING) {
        delivery.nak(Duration.ZERO); // decided nothing: another member sends it at once
        gatewayNotRunning(r);
        return;
      }
      gatewayRuns();
      switch (result.get()) {
        case CommandResult.Accepted accepted -> {
          (accepted.duplicate() ? meters.duplicate : meters.accepted).increment();
          delivery.ack();
        }
        case CommandResult.Rejected r when r.isTransient() || awaitsTheModel(r) -> retryOrDeadLetter(delivery,
            r.reason() + ": " + r.message());
        case CommandResult.Rejected r -> deadLetter(delivery, r.reason() + ": " + r.message());
      }
    }

    /** The gateway answered {@code NOT_RUNNING}: this member stops pulling until it runs again. */
    private void gatewayNotRunning(CommandResult.Rejected r) {
      if (notRunningPauseMillis == 0) {
        notRunningPauseMillis = NOT_RUNNING_PAUSE_MIN_MILLIS;
        LOG.warn("policy {}: its gateway is not running ({}); deliveries go back to the group's other members, and"
            + " this one polls again every {} ms at most", policy.name(), r.message(),
            NOT_RUNNING_PAUSE_MAX.toMillis());
      }
    }

    /** The gateway answered something else than {@code NOT_RUNNING}: it runs (again). */
    private void gatewayRuns() {
      if (notRunningPauseMillis > 0) {
        notRunningPauseMillis = 0;
        LOG.info("policy {}: its gateway runs again; taking deliveries", policy.name());
      }
    }

    /** Pauses for {@code millis}, in steps, so that a close ends the pause within a step. */
    private void pauseUnlessClosed(long millis) {
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
      for (long left = millis; left > 0 && !closed && !Thread.currentThread().isInterrupted();
          left = TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime())) {
        sleep(Math.min(left, 50));
      }
    }

    /**
     * Whether the target's log already holds the command (its deterministic id): a redelivery after a member
     * applied it and stopped before acknowledging. The runtime answers such a command as a duplicate only while
     * its id is among the actor's last commands (the idempotency window); a redelivery that comes after more
     * commands than that (an ack timeout later, on a busy actor) would be applied twice without this look at the
     * log. Only redeliveries pay the read, and only of the target's recent history: pages of {@value
     * #LOOK_BACK_PAGE} events from the newest back, until the command or an event older than the source event by
     * {@link #CLOCK_SKEW_MARGIN} (the command cannot have been applied before the policy saw its event, so a long
     * history costs a redelivery nothing). A store that cannot be read now lets the command go through the
     * gateway, whose window still catches the recent ones.
     */
    private boolean appliedBefore(RuntimeMessage message, Instant sourceEventTime) {
      String streamId = message.target().streamId();
      Optional<String> id = Optional.of(message.commandId());
      Instant oldest = sourceEventTime.minus(CLOCK_SKEW_MARGIN);
      try {
        for (long to = events.getLatestVersion(streamId); to > 0; to -= LOOK_BACK_PAGE) {
          List<Event> page = events.getEventsWithErrors(streamId, Math.max(1, to - LOOK_BACK_PAGE + 1), to)
              .events(); // an undecodable record cannot be the command's: read past it
          for (Event e : page.reversed()) {
            if (e.commandId().equals(id)) {
              return true;
            }
            if (e.timestamp().isBefore(oldest)) {
              return false;
            }
          }
        }
        return false;
      } catch (RuntimeException e) {
        return false;
      }
    }

    /**
     * Whether the target's runtime may not run this policy's model yet: it does not know the command the model
     * declares (the model checks that every policy's command exists), or refuses the payload the model maps (a
     * field the new model added). On a cluster, the node owning the target loads a new model a second or two
     * after the first node, so such a delivery is retried like a transient cause; a payload the model itself
     * maps wrongly is still dead-lettered, after the last attempt.
     */
    private static boolean awaitsTheModel(CommandResult.Rejected r) {
      return r.reason() == RejectionReason.UNKNOWN_AGGREGATE || r.reason() == RejectionReason.UNKNOWN_COMMAND
          || r.reason() == RejectionReason.INVALID_PAYLOAD;
    }

    /** Delivers again after a back-off (10 ms doubling to 2 s), or dead-letters the last attempt. */
    private void retryOrDeadLetter(FeedDelivery delivery, String error) {
      if (delivery.attempt() >= MAX_ATTEMPTS) {
        deadLetter(delivery, error);
        return;
      }
      meters.retried.increment();
      delivery.nak(Duration.ofMillis(Math.min(2000, 10L << Math.min(delivery.attempt() - 1, 8))));
    }

    private void deadLetter(FeedDelivery delivery, String error) {
      Event event = delivery.entry().event();
      deadLetters.write(policy.name(), event, delivery.attempt(), error, clock.instant());
      deadLettered.incrementAndGet();
      meters.deadLettered.increment();
      LOG.warn("policy {}: event {} ({} v{}) dead-lettered after {} attempt(s): {}", policy.name(), event.id(),
          event.streamId(), event.version(), delivery.attempt(), error);
      delivery.ack();
    }

    void stop() {
      try {
        // a plan closed before it started (a refused model, a runtime never started) has no thread to wait for;
        // one started after `closed` was set ends at once
        if (thread.getState() != Thread.State.NEW && !thread.join(Duration.ofSeconds(2))) {
          thread.interrupt();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      if (backlogGauge != null) {
        backlogGauge.close();
      }
      shared.close();
    }
  }

  /** Waits for a reply; empty when the runner closes first. */
  private Optional<CommandResult> await(CompletableFuture<CommandResult> reply) {
    while (true) {
      try {
        return Optional.of(reply.get(100, TimeUnit.MILLISECONDS));
      } catch (TimeoutException e) {
        if (closed) {
          return Optional.empty();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return Optional.empty();
      } catch (ExecutionException e) {
        throw new IllegalStateException("the gateway's reply failed", e.getCause());
      }
    }
  }

  private void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * A policy's meters: {@code aether.policy.deliveries}, tags {@code policy} and {@code outcome}; counted but
   * published nowhere without a registry.
   */
  private static final class Meters {
    final Counter accepted;
    final Counter duplicate;
    final Counter skipped;
    final Counter retried;
    final Counter deadLettered;

    Meters(MeterRegistry registry, String policy) {
      MeterRegistry r = registry == null ? new io.micrometer.core.instrument.composite.CompositeMeterRegistry()
          : registry;
      accepted = counter(r, policy, "accepted");
      duplicate = counter(r, policy, "duplicate");
      skipped = counter(r, policy, "condition-false");
      retried = counter(r, policy, "retried");
      deadLettered = counter(r, policy, "dead-lettered");
    }

    private static Counter counter(MeterRegistry registry, String policy, String outcome) {
      return Counter.builder("aether.policy.deliveries").tag("policy", policy).tag("outcome", outcome)
          .description("policy deliveries by outcome").register(registry);
    }
  }

  @Override
  public void close() {
    closed = true;
    if (keeper != null) {
      keeper.interrupt();
    }
    workers.forEach(Worker::stop);
  }
}
