package dev.aether.model.exec;

import dev.aether.event.Event;
import dev.aether.model.expr.Bindings;
import dev.aether.model.expr.CompiledExpression;
import dev.aether.model.expr.ExpressionScope;
import dev.aether.runtime.spi.Behavior;
import dev.aether.runtime.spi.Command;
import dev.aether.runtime.spi.Decision;
import dev.aether.runtime.spi.NewEvent;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A model-driven behaviour: the state is a JSON map of the aggregate's state fields; {@code decide} checks
 * the command's guards in order, computes the events it emits, and (when the aggregate declares invariants)
 * applies them to a copy of the state and rejects the command when an invariant would break; {@code evolve}
 * evaluates the event's state updates against the state before the event.
 *
 * <p>{@code now} is the clock's instant when deciding and the event's timestamp when evolving, so replays are
 * deterministic. The schema tag is a hash of the state fields' names, types and initial values, and one hash per
 * event of the rules that fold it ({@link ModelCompiler#schema}). Immutable and thread-safe.
 */
final class ModelBehavior implements Behavior<Map<String, Object>> {

  private final String aggregateType;
  private final String schema;
  private final Map<String, Object> initial;
  private final Map<String, CommandProgram> commands;
  private final Map<String, EventProgram> events;
  private final ExpressionScope invariantScope;
  private final List<Guard> invariants;
  private final Clock clock;
  /** What an unknown command's rejection says after the command: the model and the commands a client may send. */
  private final String knownCommands;

  ModelBehavior(String aggregateType, String schema, Map<String, Object> initial,
      Map<String, CommandProgram> commands, Map<String, EventProgram> events, ExpressionScope invariantScope,
      List<Guard> invariants, Clock clock, String knownCommands) {
    this.aggregateType = aggregateType;
    this.schema = schema;
    this.initial = Collections.unmodifiableMap(new LinkedHashMap<>(initial));
    this.commands = Map.copyOf(commands);
    this.events = Map.copyOf(events);
    this.invariantScope = invariantScope;
    this.invariants = List.copyOf(invariants);
    this.clock = clock;
    this.knownCommands = knownCommands;
  }

  @Override
  public String aggregateType() {
    return aggregateType;
  }

  @Override
  public String schema() {
    return schema;
  }

  /**
   * Reads a snapshot whose state part (fields, types, initial values) is this one's and whose events, those this
   * behaviour still declares, fold as they do here: an event added since (it never occurred before the snapshot)
   * or removed (the snapshot folded it; a replay past it fails) keeps the snapshot.
   */
  @Override
  public boolean readsSnapshotOf(String storedSchema) {
    if (storedSchema.equals(schema)) {
      return true;
    }
    int bar = storedSchema.indexOf('|');
    if (bar < 0 || !schema.startsWith(storedSchema.substring(0, bar + 1))) {
      return false; // another state, or a tag of a build before the events' part
    }
    Map<String, String> ours = eventHashes(schema);
    return eventHashes(storedSchema).entrySet().stream()
        .allMatch(stored -> ours.getOrDefault(stored.getKey(), stored.getValue()).equals(stored.getValue()));
  }

  /** The {@code Name=hash} entries after a tag's {@code |}. */
  private static Map<String, String> eventHashes(String tag) {
    Map<String, String> out = new HashMap<>();
    for (String entry : tag.substring(tag.indexOf('|') + 1).split(",")) {
      int equals = entry.indexOf('=');
      if (equals > 0) {
        out.put(entry.substring(0, equals), entry.substring(equals + 1));
      }
    }
    return out;
  }

  @Override
  public Map<String, Object> initialState() {
    return initial;
  }

  CommandProgram command(String name) {
    return commands.get(name);
  }

  /**
   * Lists no command, so that the runtime routes a command the model does not declare to its actor instead of
   * refusing it at once: the actor answers a command id it already applied with that first outcome (a client
   * resending an accepted command after the command was renamed or removed learns that it was applied), and
   * {@link #decide} refuses any other as {@code UNKNOWN_COMMAND}. The model's check
   * ({@link RuntimeModelPlan#check}) still refuses every declared command's bad payload before the actor.
   */
  @Override
  public Set<String> commandNames() {
    return Set.of();
  }

  /**
   * The rejection text of a command this behaviour does not declare.
   *
   * @param command the command's name
   */
  String unknownCommand(String command) {
    return "aggregate type " + aggregateType + " has no command " + command + " " + knownCommands;
  }

  @Override
  public Decision decide(Map<String, Object> state, Command command) {
    CommandProgram program = commands.get(command.name());
    if (program == null) {
      return Decision.unknownCommand(unknownCommand(command.name()));
    }
    Instant now = clock.instant();
    String actorId = command.target().actorId();
    Map<String, Object> payload = program.defaults().fill(command.payload());
    Bindings bindings = program.scope().bind(variables(state, "cmd", payload, actorId, now));
    for (Guard guard : program.guards()) {
      if (!guard.holds(bindings)) {
        return Decision.reject(guard.message());
      }
    }
    List<NewEvent> emitted = new ArrayList<>(program.emits().size());
    for (CommandProgram.Emission emission : program.emits()) {
      if (emission.when() == null || (Boolean) emission.when().evaluate(bindings)) {
        Map<String, Object> data = new LinkedHashMap<>();
        emission.data().forEach(m -> m.apply(bindings, payload, data));
        emitted.add(new NewEvent(emission.event(), data));
      }
    }
    return invariants.isEmpty() || emitted.isEmpty() ? Decision.emit(emitted)
        : checkInvariants(state, emitted, actorId, now);
  }

  private Decision checkInvariants(Map<String, Object> state, List<NewEvent> emitted, String actorId,
      Instant now) {
    Map<String, Object> next = state;
    for (NewEvent event : emitted) {
      next = apply(next, event.eventType(), event.data(), actorId, now);
    }
    Bindings bindings = invariantScope.bind(Map.of("state", next, "actorId", actorId));
    for (Guard invariant : invariants) {
      if (!invariant.holds(bindings)) {
        return Decision.reject(invariant.message());
      }
    }
    return Decision.emit(emitted);
  }

  @Override
  public Map<String, Object> evolve(Map<String, Object> state, Event event) {
    String streamId = event.streamId();
    String actorId = streamId.substring(streamId.indexOf('/') + 1);
    return apply(state, event.eventType(), event.data(), actorId, event.timestamp());
  }

  private Map<String, Object> apply(Map<String, Object> state, String eventType, Map<String, Object> data,
      String actorId, Instant now) {
    EventProgram program = events.get(eventType);
    if (program == null) {
      throw new IllegalStateException("aggregate " + aggregateType + " has no event " + eventType
          + " in the loaded model");
    }
    if (program.apply().isEmpty()) {
      return state;
    }
    Bindings bindings = program.scope().bind(variables(state, "event", program.defaults().fill(data), actorId, now));
    Map<String, Object> next = new LinkedHashMap<>(state);
    for (Map.Entry<String, CompiledExpression> update : program.apply().entrySet()) {
      next.put(update.getKey(), update.getValue().evaluate(bindings));
    }
    return Collections.unmodifiableMap(next);
  }

  private static Map<String, Object> variables(Map<String, Object> state, String record, Map<String, Object> values,
      String actorId, Instant now) {
    Map<String, Object> variables = new HashMap<>(8);
    variables.put("state", state);
    variables.put(record, values);
    variables.put("actorId", actorId);
    variables.put("now", now);
    return variables;
  }

  @Override
  public Map<String, Object> stateToJson(Map<String, Object> state) {
    Map<String, Object> json = new LinkedHashMap<>();
    state.forEach((k, v) -> {
      if (v != null) {
        json.put(k, v);
      }
    });
    return json;
  }

  @Override
  public Map<String, Object> stateFromJson(Map<String, Object> json) {
    Map<String, Object> state = new LinkedHashMap<>(initial);
    for (Map.Entry<String, Object> e : json.entrySet()) {
      if (!initial.containsKey(e.getKey())) {
        throw new IllegalArgumentException("snapshot field " + e.getKey() + " is not a state field");
      }
      state.put(e.getKey(), e.getValue());
    }
    return Collections.unmodifiableMap(state);
  }

  @Override
  public String toString() {
    return "ModelBehavior[" + aggregateType + ", " + schema + "]";
  }
}
