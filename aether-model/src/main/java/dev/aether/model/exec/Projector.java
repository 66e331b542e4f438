package dev.aether.model.exec;

import dev.aether.store.ReadModelStore;
import dev.aether.event.Event;
import dev.aether.model.expr.Bindings;
import dev.aether.model.expr.CompiledExpression;
import dev.aether.store.EventStore;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Projects events into one read model. Every event of a source aggregate's stream passes through one
 * thread (a single virtual thread, {@code aether-readmodel-<name>}), in the order handed in: an event at or
 * below the stream's checkpoint is skipped (a repeated delivery), one above {@code checkpoint + 1} first
 * catches up the missing events from the event store (so nothing is lost when a notification was missed or
 * the process restarted), then the event's handler updates its row and the checkpoint advances. At start the
 * projector catches up every stream it has a checkpoint for; a changed row schema resets the read model and
 * replays those streams.
 *
 * <p>Thread-safe: all state changes happen on the projector's thread; readers go to the store.
 */
final class Projector implements ReadModel, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Projector.class);

  private final ReadModelProgram program;
  private final ReadModelStore store;
  private final EventStore events;
  private final ExecutorService thread;
  private final AtomicLong failures = new AtomicLong();

  Projector(ReadModelProgram program, ReadModelStore store, EventStore events) {
    this.program = program;
    this.store = store;
    this.events = events;
    this.thread = Executors.newSingleThreadExecutor(
        Thread.ofVirtual().name("aether-readmodel-" + program.name()).factory());
    submit(this::resume);
  }

  /** Hands the events of one accepted command to the projection; returns at once. */
  void onEvents(String aggregateType, List<Event> stored) {
    if (program.aggregates().contains(aggregateType)) {
      submit(() -> stored.forEach(this::project));
    }
  }

  private CompletableFuture<Void> submit(Runnable task) {
    try {
      return CompletableFuture.runAsync(() -> {
        try {
          task.run();
        } catch (RuntimeException e) {
          LOG.warn("read model {}: projection failed", program.name(), e);
        }
      }, thread);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.completedFuture(null); // closed
    }
  }

  private void resume() {
    if (!store.schema(program.name()).equals(Optional.of(program.schema()))) {
      store.reset(program.name(), program.schema());
    }
    for (String stream : store.streams(program.name())) {
      catchUp(stream, Long.MAX_VALUE);
    }
  }

  private void project(Event event) {
    long checkpoint = store.checkpoint(program.name(), event.streamId());
    if (event.version() <= checkpoint) {
      return;
    }
    if (event.version() > checkpoint + 1) {
      catchUp(event.streamId(), event.version());
    }
    apply(event);
  }

  /** Applies the stored events of a stream after its checkpoint and below {@code before}. */
  private void catchUp(String streamId, long before) {
    long checkpoint = store.checkpoint(program.name(), streamId);
    for (Event e : events.getEvents(streamId, checkpoint + 1)) {
      if (e.version() >= before) {
        return;
      }
      apply(e);
    }
  }

  private void apply(Event event) {
    String streamId = event.streamId();
    int slash = streamId.indexOf('/');
    ReadModelProgram.Handler handler = program.handlers().get(streamId.substring(0, Math.max(slash, 0)) + "."
        + event.eventType());
    if (handler == null) {
      store.advance(program.name(), streamId, event.version());
      return;
    }
    try {
      Map<String, Object> variables = new HashMap<>(4);
      variables.put("event", event.data());
      variables.put("actorId", streamId.substring(slash + 1));
      variables.put("now", event.timestamp());
      String key = (String) handler.key().evaluate(handler.scope().bind(variables));
      Map<String, Object> row = store.get(program.name(), key).orElse(program.initialRow());
      variables.put("row", row);
      Bindings bindings = handler.scope().bind(variables);
      Map<String, Object> next = new LinkedHashMap<>(row);
      for (Map.Entry<String, CompiledExpression> set : handler.set().entrySet()) {
        next.put(set.getKey(), set.getValue().evaluate(bindings));
      }
      next.values().removeIf(java.util.Objects::isNull); // an unset timestamp is absent, as in JSON
      store.put(program.name(), key, next, streamId, event.version());
    } catch (RuntimeException e) {
      failures.incrementAndGet();
      LOG.warn("read model {}: event {} ({} v{}) not applied: {}", program.name(), event.id(), streamId,
          event.version(), e.getMessage());
      store.advance(program.name(), streamId, event.version());
    }
  }

  @Override
  public String name() {
    return program.name();
  }

  @Override
  public Optional<Map<String, Object>> get(String key) {
    return store.get(program.name(), key);
  }

  @Override
  public Map<String, Map<String, Object>> rows() {
    return store.rows(program.name());
  }

  @Override
  public CompletableFuture<Void> rebuild() {
    return submit(() -> {
      store.reset(program.name(), program.schema());
      for (String stream : store.streams(program.name())) {
        catchUp(stream, Long.MAX_VALUE);
      }
    });
  }

  @Override
  public long failures() {
    return failures.get();
  }

  @Override
  public CompletableFuture<Void> idle() {
    return submit(() -> {});
  }

  /** Stops taking events; waits up to 2 s for those handed in already, so the store sees them. */
  @Override
  public void close() {
    thread.shutdown();
    try {
      if (!thread.awaitTermination(2, java.util.concurrent.TimeUnit.SECONDS)) {
        LOG.warn("read model {}: projection still busy at close; it resumes from its checkpoint", program.name());
        thread.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
