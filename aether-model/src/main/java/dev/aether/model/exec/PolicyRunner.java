package dev.aether.model.exec;

import dev.aether.store.ReadModelStore;
import dev.aether.event.Event;
import dev.aether.model.expr.Bindings;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.spi.ModelHost;
import dev.aether.store.EventStore;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs policies from stored events, at least once, with checkpoints. Every event of a source aggregate's
 * stream passes through one thread ({@code aether-policy}, virtual), in the order handed in, like a read
 * model's projector: an event at or below the stream's checkpoint is skipped, one above {@code checkpoint + 1}
 * first catches up the missing events from the event store. For each event, every policy on it evaluates
 * condition, target and data and sends its command through the runtime with a deterministic command id
 * ({@link #commandId}), {@code causationId} = the event's id and the event's {@code correlationId}; the
 * checkpoint advances once every policy of the event is done. So an event whose delivery was cut short
 * (the runtime closed, the process stopped) is delivered again when the runner next starts on the same
 * checkpoint store, and the deterministic id makes the runtime apply it once.
 *
 * <p>A transient rejection is retried with backoff (10 ms doubling to 2 s, {@value #MAX_ATTEMPTS} attempts);
 * a non-transient one (a guard, an invalid payload) or the last failed attempt is logged and counted, and the
 * event counts as handled. Deliveries are sequential, so a target that keeps refusing delays the policies
 * behind it (ordered, head-of-line). Checkpoints live in the {@link ReadModelStore} under the name
 * {@value #CHECKPOINTS}; a stream is registered there (checkpoint 0) before its first event is delivered, so
 * a restart finds it.
 *
 * <p>Thread-safe: all deliveries and checkpoint writes happen on the runner's thread; counters are atomic;
 * {@code closed} is volatile.
 */
final class PolicyRunner implements AutoCloseable {

  static final int MAX_ATTEMPTS = 30;
  /** The checkpoint namespace of policies in the read-model store. */
  static final String CHECKPOINTS = "$policies";
  private static final Logger LOG = LoggerFactory.getLogger(PolicyRunner.class);

  private final Map<String, List<PolicyProgram>> byEvent = new HashMap<>();
  private final Set<String> aggregates = new HashSet<>();
  private final ModelHost host;
  private final ReadModelStore checkpoints;
  private final EventStore events;
  private final ExecutorService thread =
      Executors.newSingleThreadExecutor(Thread.ofVirtual().name("aether-policy").factory());
  private final AtomicLong pending = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();
  private volatile boolean closed;

  PolicyRunner(List<PolicyProgram> policies, ModelHost host, ReadModelStore checkpoints) {
    this.host = host;
    this.checkpoints = checkpoints;
    this.events = host.eventStore();
    for (PolicyProgram p : policies) {
      byEvent.computeIfAbsent(p.sourceAggregate() + "." + p.event(), k -> new ArrayList<>()).add(p);
      aggregates.add(p.sourceAggregate());
    }
    if (!aggregates.isEmpty()) {
      submit(1, this::resume);
    }
  }

  /** Hands the events of an accepted command to the runner; returns at once. */
  void onAccepted(String aggregateType, List<Event> stored) {
    if (!closed && aggregates.contains(aggregateType)) {
      submit(stored.size(), () -> stored.forEach(this::handle));
    }
  }

  private void submit(int count, Runnable task) {
    pending.addAndGet(count);
    try {
      thread.execute(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          LOG.warn("policy delivery failed", e);
        } finally {
          pending.addAndGet(-count);
        }
      });
    } catch (RejectedExecutionException e) {
      pending.addAndGet(-count); // closed
    }
  }

  /** @return events handed to the runner (plus the start-up catch-up) and not yet handled */
  long pending() {
    return pending.get();
  }

  /** @return deliveries that ended without the command being accepted */
  long failed() {
    return failed.get();
  }

  /** The command id of a policy's reaction to an event: a name-based UUID of both, the same every time. */
  static String commandId(String policy, String eventId) {
    return UUID.nameUUIDFromBytes(("aether.policy|" + policy + "|" + eventId).getBytes(StandardCharsets.UTF_8))
        .toString();
  }

  private void resume() {
    for (String stream : checkpoints.streams(CHECKPOINTS)) {
      catchUp(stream, Long.MAX_VALUE);
    }
  }

  private void handle(Event event) {
    long checkpoint = checkpoints.checkpoint(CHECKPOINTS, event.streamId());
    if (closed || event.version() <= checkpoint) {
      return;
    }
    if (event.version() > checkpoint + 1) {
      catchUp(event.streamId(), event.version());
    } else if (checkpoint == 0) {
      checkpoints.advance(CHECKPOINTS, event.streamId(), 0); // known before delivery
    }
    deliverAll(event);
  }

  private void catchUp(String streamId, long before) {
    long checkpoint = checkpoints.checkpoint(CHECKPOINTS, streamId);
    for (Event e : events.getEvents(streamId, checkpoint + 1)) {
      if (e.version() >= before || !deliverAll(e)) {
        return;
      }
    }
  }

  /** @return {@code false} when the runner closed before every policy was done (no checkpoint written) */
  private boolean deliverAll(Event event) {
    String streamId = event.streamId();
    List<PolicyProgram> policies = byEvent.get(streamId.substring(0, Math.max(streamId.indexOf('/'), 0)) + "."
        + event.eventType());
    if (policies != null) {
      for (PolicyProgram p : policies) {
        if (!deliver(p, event)) {
          return false;
        }
      }
    }
    checkpoints.advance(CHECKPOINTS, streamId, event.version());
    return true;
  }

  /** @return {@code false} when the runner closed before the delivery ended */
  private boolean deliver(PolicyProgram p, Event event) {
    RuntimeMessage message;
    try {
      message = message(p, event);
    } catch (RuntimeException e) {
      LOG.warn("policy {} failed on event {} ({}): {}", p.name(), event.id(), event.eventType(), e.getMessage());
      failed.incrementAndGet();
      return true;
    }
    if (message == null) {
      return true; // condition false
    }
    for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      Optional<CommandResult> result = await(host.sendMessage(message));
      if (result.isEmpty()) {
        return false;
      }
      if (result.get() instanceof CommandResult.Rejected r && r.isTransient() && attempt < MAX_ATTEMPTS) {
        if (!sleep(Math.min(2000, 10L << Math.min(attempt - 1, 8)))) {
          return false;
        }
      } else {
        if (result.get() instanceof CommandResult.Rejected r) {
          LOG.warn("policy {}: {} to {} refused ({}): {}", p.name(), message.command(), message.target(),
              r.reason(), r.message());
          failed.incrementAndGet();
        }
        return true;
      }
    }
    return true;
  }

  /**
   * The command a policy sends for an event, or {@code null} when its condition is false. Metadata: causation
   * = the event's id; correlation = the event's correlation id, else (an event stored by another writer
   * without one) the id of the command that produced the event, else the event's id, the same root the
   * runtime gives a command's events when it has none; user and trace ids = the event's, when it has them.
   */
  static RuntimeMessage message(PolicyProgram p, Event event) {
    String streamId = event.streamId();
    Map<String, Object> variables = new HashMap<>(4);
    variables.put("event", event.data());
    variables.put("actorId", streamId.substring(streamId.indexOf('/') + 1));
    variables.put("now", event.timestamp());
    Bindings bindings = p.scope().bind(variables);
    if (p.condition() != null && !(Boolean) p.condition().evaluate(bindings)) {
      return null;
    }
    String target = (String) p.target().evaluate(bindings);
    Map<String, Object> data = new LinkedHashMap<>();
    p.data().forEach(m -> m.apply(bindings, event.data(), data));
    RuntimeMessage.Builder message = RuntimeMessage.builder(p.targetAggregate(), target, p.command())
        .payload(data).commandId(commandId(p.name(), event.id())).causationId(event.id())
        .correlationId(event.correlationId().or(event::commandId).orElse(event.id()));
    event.userId().ifPresent(message::userId);
    event.traceId().ifPresent(message::traceId);
    return message.build();
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
        throw new IllegalStateException("the runtime's reply failed", e.getCause());
      }
    }
  }

  private boolean sleep(long millis) {
    try {
      Thread.sleep(millis);
      return !closed;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  @Override
  public void close() {
    closed = true;
    thread.shutdownNow();
    try {
      thread.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
