package dev.aether.model.exec;

import dev.aether.event.Event;
import dev.aether.model.expr.Bindings;
import dev.aether.model.expr.CompiledExpression;
import dev.aether.model.projection.Projection;
import dev.aether.model.projection.ProjectionProgress;
import dev.aether.model.projection.RunningProjection;
import dev.aether.store.FeedPosition;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A model's read model: its {@link ReadModelProgram} as a {@link Projection} of JSON rows (key and field
 * updates in CEL), running on the feed. Thread-safe (delegates to the running projection).
 */
final class ModelReadModel implements ReadModel {

  private final RunningProjection<Map<String, Object>> running;

  ModelReadModel(RunningProjection<Map<String, Object>> running) {
    this.running = running;
  }

  /** The projection a read model program stands for: one handler per {@code <aggregate>.<event>} entry. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  static Projection<Map<String, Object>> projection(ReadModelProgram program) {
    Class<Map<String, Object>> rowType = (Class) Map.class;
    Projection.Builder<Map<String, Object>> b = Projection.builder(program.name(), rowType)
        .schema(program.schema()).initialView(program::initialRow);
    program.handlers().forEach((source, handler) -> {
      int dot = source.lastIndexOf('.');
      b.on(source.substring(0, dot), source.substring(dot + 1), rowType,
          (data, event) -> (String) handler.key().evaluate(handler.scope()
              .bind(variables(handler.eventDefaults().fill(data), event))),
          (row, data, event) -> {
            Map<String, Object> variables = variables(handler.eventDefaults().fill(data), event);
            variables.put("row", row);
            Bindings bindings = handler.scope().bind(variables);
            Map<String, Object> next = new LinkedHashMap<>(row);
            for (Map.Entry<String, CompiledExpression> set : handler.set().entrySet()) {
              next.put(set.getKey(), set.getValue().evaluate(bindings));
            }
            next.values().removeIf(Objects::isNull); // an unset timestamp is absent, as in JSON
            return next;
          });
    });
    return b.build();
  }

  private static Map<String, Object> variables(Map<String, Object> data, Event event) {
    String streamId = event.streamId();
    Map<String, Object> variables = new HashMap<>(4);
    variables.put("event", data);
    variables.put("actorId", streamId.substring(streamId.indexOf('/') + 1));
    variables.put("now", event.timestamp());
    return variables;
  }

  @Override
  public String name() {
    return running.name();
  }

  @Override
  public Optional<Map<String, Object>> get(String key) {
    return running.get(key);
  }

  @Override
  public Map<String, Map<String, Object>> rows() {
    return running.rows();
  }

  @Override
  public boolean awaitCaughtUp(String streamId, long version, Duration timeout) {
    return running.awaitCaughtUp(streamId, version, timeout);
  }

  @Override
  public boolean awaitPosition(FeedPosition position, Duration timeout) {
    return running.awaitPosition(position, timeout);
  }

  @Override
  public CompletableFuture<Void> idle() {
    return running.idle();
  }

  @Override
  public CompletableFuture<Void> rebuild() {
    return running.rebuild();
  }

  @Override
  public ProjectionProgress progress() {
    return running.progress();
  }

  @Override
  public long failures() {
    return running.failures();
  }

  @Override
  public void checkRunsHere() {
    running.checkRunsHere();
  }

  @Override
  public boolean runsHere() {
    return running.runsHere();
  }

  @Override
  public void close() {
    running.close();
  }
}
