package dev.aether.model.exec;

import dev.aether.InvalidInputException;
import dev.aether.internal.JsonValues;
import dev.aether.model.AggregateDef;
import dev.aether.model.CommandDef;
import dev.aether.model.EmitDef;
import dev.aether.model.EventDef;
import dev.aether.model.FieldDef;
import dev.aether.model.GuardDef;
import dev.aether.model.Model;
import dev.aether.model.ModelError;
import dev.aether.model.PolicyDef;
import dev.aether.model.ProjectionDef;
import dev.aether.model.ReadModelDef;
import dev.aether.model.StateFieldDef;
import dev.aether.model.expr.Compilation;
import dev.aether.model.expr.CompiledExpression;
import dev.aether.model.expr.ExpressionCompiler;
import dev.aether.model.expr.ExpressionError;
import dev.aether.model.expr.ExpressionScope;
import dev.aether.model.expr.FieldType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Compiles a structurally valid model: builds the expression scopes (state, command, event records), compiles
 * and type-checks every CEL expression once, resolves implicit field copies, and collects every problem as a
 * {@link ModelError} with its path. One instance per compilation; not thread-safe.
 */
final class ModelCompiler {

  private final Model model;
  private final Clock clock;
  private final List<ModelError> errors = new ArrayList<>();

  ModelCompiler(Model model, Clock clock) {
    this.model = model;
    this.clock = clock;
  }

  List<ModelError> errors() {
    return errors;
  }

  Map<String, ModelBehavior> behaviors() {
    Map<String, ModelBehavior> behaviors = new LinkedHashMap<>();
    for (AggregateDef aggregate : model.aggregates()) {
      behaviors.put(aggregate.name(), behavior(aggregate));
    }
    return behaviors;
  }

  private ModelBehavior behavior(AggregateDef aggregate) {
    String path = "aggregates." + aggregate.name();
    Map<String, FieldType> stateTypes = types(stateDefs(aggregate.state()), path + ".state");
    Map<String, Object> initial = new LinkedHashMap<>();
    aggregate.state().forEach(f -> initial.put(f.name(), initialValue(f)));
    ExpressionScope invariantScope = scope(path + ".state", b -> b.record("state", stateTypes)
        .variable("actorId", FieldType.STRING));
    List<Guard> invariants = guards(invariantScope, aggregate.invariants(), path + ".invariants");
    Map<String, CommandProgram> commands = new LinkedHashMap<>();
    for (CommandDef command : aggregate.commands()) {
      commands.put(command.name(), command(aggregate, command, stateTypes, path + ".commands." + command.name()));
    }
    Map<String, EventProgram> events = new LinkedHashMap<>();
    for (EventDef event : aggregate.events()) {
      events.put(event.name(), event(event, stateTypes, path + ".events." + event.name()));
    }
    return new ModelBehavior(aggregate.name(), schema(stateTypes), initial, commands, events, invariantScope,
        invariants, clock);
  }

  private CommandProgram command(AggregateDef aggregate, CommandDef command, Map<String, FieldType> stateTypes,
      String path) {
    Map<String, FieldType> cmdTypes = types(command.fields(), path + ".fields");
    ExpressionScope scope = scope(path, b -> b.record("state", stateTypes).record("cmd", cmdTypes)
        .variable("actorId", FieldType.STRING).variable("now", FieldType.TIMESTAMP));
    List<Guard> guards = guards(scope, command.guards(), path + ".guards");
    List<CommandProgram.Emission> emits = new ArrayList<>();
    for (int i = 0; i < command.emits().size(); i++) {
      EmitDef emit = command.emits().get(i);
      String at = path + ".emits[" + i + "]";
      EventDef event = aggregate.event(emit.event()).orElseThrow();
      CompiledExpression when = emit.when().isBlank() ? null
          : compile(scope, emit.when(), FieldType.BOOL, at + ".when");
      List<Mapping> data = mappings(scope, event.fields(), types(event.fields(), null), emit.data(), "cmd",
          command.fields(), cmdTypes, at + ".data", "event " + event.name());
      emits.add(new CommandProgram.Emission(event.name(), when, data));
    }
    return new CommandProgram(command.name(), scope, new PayloadValidator(command.fields(), cmdTypes), guards,
        emits);
  }

  private EventProgram event(EventDef event, Map<String, FieldType> stateTypes, String path) {
    Map<String, FieldType> eventTypes = types(event.fields(), path + ".fields");
    ExpressionScope scope = scope(path, b -> b.record("state", stateTypes).record("event", eventTypes)
        .variable("actorId", FieldType.STRING).variable("now", FieldType.TIMESTAMP));
    Map<String, CompiledExpression> apply = new LinkedHashMap<>();
    event.apply().forEach((field, expr) ->
        apply.put(field, compile(scope, expr, stateTypes.get(field), path + ".apply." + field)));
    return new EventProgram(event.name(), scope, apply);
  }

  List<PolicyProgram> policies() {
    List<PolicyProgram> policies = new ArrayList<>();
    for (PolicyDef policy : model.policies()) {
      String path = "policies." + policy.name();
      Ref<EventDef> when = resolveEvent(policy.when());
      Ref<CommandDef> then = resolveCommand(policy.then());
      Map<String, FieldType> eventTypes = types(when.element().fields(), null);
      ExpressionScope scope = scope(path, b -> b.record("event", eventTypes)
          .variable("actorId", FieldType.STRING).variable("now", FieldType.TIMESTAMP));
      CompiledExpression condition = policy.condition().isBlank() ? null
          : compile(scope, policy.condition(), FieldType.BOOL, path + ".condition");
      CompiledExpression target = compile(scope, policy.target(), FieldType.STRING, path + ".target");
      List<Mapping> data = mappings(scope, then.element().fields(), types(then.element().fields(), null),
          policy.data(), "event", when.element().fields(), eventTypes, path + ".data",
          "command " + then.aggregate().name() + "." + then.element().name());
      policies.add(new PolicyProgram(policy.name(), when.aggregate().name(), when.element().name(), scope,
          condition, target, then.aggregate().name(), then.element().name(), data));
    }
    return policies;
  }

  List<ReadModelProgram> readModels() {
    List<ReadModelProgram> programs = new ArrayList<>();
    for (ReadModelDef rm : model.readModels()) {
      String path = "readModels." + rm.name();
      if (rm.name().startsWith("$")) {
        error(ModelError.INVALID_NAME, path, "read-model names starting with '$' are reserved ("
            + PolicyRunner.CHECKPOINTS + " holds the policies' checkpoints)");
      }
      Map<String, FieldType> rowTypes = types(stateDefs(rm.fields()), path + ".fields");
      Map<String, Object> initial = new LinkedHashMap<>();
      rm.fields().forEach(f -> initial.put(f.name(), initialValue(f)));
      Map<String, ReadModelProgram.Handler> handlers = new LinkedHashMap<>();
      java.util.Set<String> aggregates = new java.util.LinkedHashSet<>();
      for (int i = 0; i < rm.on().size(); i++) {
        ProjectionDef on = rm.on().get(i);
        String at = path + ".on[" + i + "]";
        Ref<EventDef> event = resolveEvent(on.event());
        Map<String, FieldType> eventTypes = types(event.element().fields(), null);
        ExpressionScope scope = scope(at, b -> b.record("row", rowTypes).record("event", eventTypes)
            .variable("actorId", FieldType.STRING).variable("now", FieldType.TIMESTAMP));
        CompiledExpression key = on.key().isBlank() ? compile(scope, rm.key(), FieldType.STRING, path + ".key")
            : compile(scope, on.key(), FieldType.STRING, at + ".key");
        Map<String, CompiledExpression> set = new LinkedHashMap<>();
        on.set().forEach((field, expr) -> set.put(field, compile(scope, expr, rowTypes.get(field),
            at + ".set." + field)));
        String source = event.aggregate().name() + "." + event.element().name();
        if (handlers.putIfAbsent(source, new ReadModelProgram.Handler(scope, key, set)) != null) {
          error(ModelError.DUPLICATE_NAME, at + ".event", "read model " + rm.name() + " handles " + source
              + " twice; merge the updates");
        }
        aggregates.add(event.aggregate().name());
      }
      programs.add(new ReadModelProgram(rm.name(), schema(rowTypes), initial, handlers, aggregates));
    }
    return programs;
  }

  /**
   * The mappings of a target's fields: explicit expressions, else a copy of the same-named source field when
   * its type fits, else (for a required target field) an error.
   */
  private List<Mapping> mappings(ExpressionScope scope, List<FieldDef> targetFields,
      Map<String, FieldType> targetTypes, Map<String, String> explicit, String sourceName,
      List<FieldDef> sourceFields, Map<String, FieldType> sourceTypes, String path, String targetName) {
    List<Mapping> mappings = new ArrayList<>();
    for (FieldDef field : targetFields) {
      String at = path + "." + field.name();
      FieldType type = targetTypes.get(field.name());
      String expr = explicit.get(field.name());
      if (expr != null) {
        mappings.add(new Mapping(field.name(), compile(scope, expr, type, at), null));
        continue;
      }
      Optional<FieldDef> source = sourceFields.stream().filter(s -> s.name().equals(field.name())).findFirst();
      if (source.isEmpty()) {
        if (!field.optional()) {
          error(ModelError.MISSING_VALUE, at, "required field " + field.name() + " of " + targetName
              + " has no mapping, and " + sourceName + " has no field of that name to copy");
        }
      } else if (!type.equals(sourceTypes.get(field.name()))) {
        error(ModelError.EXPRESSION_TYPE, at, "field " + field.name() + " of " + targetName + " is " + type
            + " but " + sourceName + "." + field.name() + " is " + sourceTypes.get(field.name())
            + "; map it explicitly");
      } else if (source.get().optional() && !field.optional()) {
        error(ModelError.MISSING_VALUE, at, "required field " + field.name() + " of " + targetName
            + " would be copied from the optional " + sourceName + "." + field.name() + "; map it explicitly");
      } else {
        mappings.add(new Mapping(field.name(), null, sourceName));
      }
    }
    return mappings;
  }

  private List<Guard> guards(ExpressionScope scope, List<GuardDef> defs, String path) {
    List<Guard> guards = new ArrayList<>();
    for (int i = 0; i < defs.size(); i++) {
      GuardDef def = defs.get(i);
      CompiledExpression expr = compile(scope, def.expr(), FieldType.BOOL, path + "[" + i + "]");
      guards.add(new Guard(expr, def.messageOrDefault()));
    }
    return guards;
  }

  private CompiledExpression compile(ExpressionScope scope, String source, FieldType type, String path) {
    if (scope == null || type == null) {
      return null; // the scope or type was refused and reported already
    }
    Compilation compilation = ExpressionCompiler.create(scope).compile(source, type, path);
    for (ExpressionError e : compilation.errors()) {
      error(e.id(), e.path(), e.messageWithPosition());
    }
    return compilation.compiled().orElse(null);
  }

  private interface ScopeSpec {
    ExpressionScope.Builder declare(ExpressionScope.Builder builder);
  }

  private ExpressionScope scope(String path, ScopeSpec spec) {
    try {
      return spec.declare(ExpressionScope.builder()).build();
    } catch (InvalidInputException e) {
      error(ModelError.INVALID_NAME, path, e.getMessage());
      return null;
    }
  }

  private Map<String, FieldType> types(List<FieldDef> fields, String path) {
    Map<String, FieldType> types = new LinkedHashMap<>();
    for (FieldDef f : fields) {
      types.put(f.name(), FieldType.parse(f.type()));
      if (path != null && !ExpressionScope.isValidName(f.name())) {
        error(ModelError.INVALID_NAME, path + "." + f.name(), "'" + f.name() + "' is a CEL reserved word or type"
            + " name; rename the field");
      }
    }
    return types;
  }

  private static List<FieldDef> stateDefs(List<StateFieldDef> state) {
    return state.stream().map(f -> FieldDef.of(f.name(), f.type())).toList();
  }

  private static Object initialValue(StateFieldDef field) {
    Object value = field.initial() == null ? null : JsonValues.copyValue(field.initial(), field.name());
    FieldType type = FieldType.parse(field.type());
    return type == FieldType.DOUBLE && value instanceof Long l ? (Object) l.doubleValue() : value;
  }

  /** {@code model:} + the first 16 hex digits of SHA-256 over the state fields' names and types, in order. */
  static String schema(Map<String, FieldType> stateTypes) {
    StringBuilder text = new StringBuilder();
    stateTypes.forEach((name, type) -> text.append(name).append(':').append(type.typeName()).append(';'));
    return "model:" + sha256(text.toString()).substring(0, 16);
  }

  static String sha256(String text) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(hash);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing", e);
    }
  }

  /** A resolved reference: the element and the aggregate declaring it. */
  record Ref<T>(AggregateDef aggregate, T element) {}

  Ref<EventDef> resolveEvent(String reference) {
    return resolve(reference, true);
  }

  Ref<CommandDef> resolveCommand(String reference) {
    return resolve(reference, false);
  }

  @SuppressWarnings("unchecked")
  private <T> Ref<T> resolve(String reference, boolean event) {
    int dot = reference.lastIndexOf('.');
    String aggregateName = dot < 0 ? null : reference.substring(0, dot);
    String name = reference.substring(dot + 1);
    for (AggregateDef aggregate : model.aggregates()) {
      if (aggregateName == null || aggregateName.equals(aggregate.name())) {
        Optional<?> found = event ? aggregate.event(name) : aggregate.command(name);
        if (found.isPresent()) {
          return new Ref<>(aggregate, (T) found.get());
        }
      }
    }
    throw new IllegalStateException("unresolved reference " + reference + " in a validated model");
  }

  private void error(String id, String path, String message) {
    errors.add(new ModelError(id, path, message));
  }
}
