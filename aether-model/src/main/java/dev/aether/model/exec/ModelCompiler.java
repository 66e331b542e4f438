package dev.aether.model.exec;

import dev.aether.InvalidInputException;
import dev.aether.support.JsonValues;
import dev.aether.model.AggregateDef;
import dev.aether.model.CommandDef;
import dev.aether.model.EmitDef;
import dev.aether.model.EventDef;
import dev.aether.model.FieldDef;
import dev.aether.model.GuardDef;
import dev.aether.model.Model;
import dev.aether.runtime.ModelError;
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
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Compiles a model: builds the expression scopes (state, command, event records), compiles and type-checks
 * every CEL expression once, resolves implicit field copies, and collects every problem as a
 * {@link ModelError} with its path. One instance per compilation; not thread-safe.
 *
 * <p>The model need not be structurally valid: the compiler runs next to {@link Model#validate()} so that
 * expression errors are listed together with the structural ones, never hidden behind them. It skips what
 * the structural check reports (null elements, missing names, unresolved references) and checks what it
 * can around it: a field of unknown type is declared with a stand-in type and the scopes holding it report
 * syntax and unknown names but no type errors; an unresolved event is an untyped {@code event} map; an
 * expression whose target (a state, event, command or row field) is unknown is checked without its result
 * type. Paths follow the structural check's rule: a list element is named by its name unless an earlier
 * element has it, else by index ({@code aggregates.Account.commands[2]}). The built programs are used only
 * when no error was found.
 */
final class ModelCompiler {

  private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  /** Declared for a field whose type is unknown (already reported); its scope then reports no type errors. */
  private static final FieldType STAND_IN = FieldType.STRING;
  /** The {@code event} of a scope whose event could not be resolved (already reported). */
  private static final FieldType UNKNOWN_RECORD = FieldType.mapOf(FieldType.STRING);

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

  /** The fields of a record: their known types, the types to declare (with stand-ins), and whether all are known. */
  private record Typed(Map<String, FieldType> known, Map<String, FieldType> declared, boolean complete) {}

  /** A scope, and whether every type in it is known (otherwise type errors are not reported in it). */
  private record Scope(ExpressionScope scope, boolean typed) {}

  Map<String, ModelBehavior> behaviors() {
    Map<String, ModelBehavior> behaviors = new LinkedHashMap<>();
    List<String> paths = paths(model.aggregates(), AggregateDef::name, "aggregates");
    for (int i = 0; i < model.aggregates().size(); i++) {
      AggregateDef aggregate = model.aggregates().get(i);
      if (aggregate != null) {
        behaviors.put(aggregate.name(), behavior(aggregate, paths.get(i)));
      }
    }
    return behaviors;
  }

  private ModelBehavior behavior(AggregateDef aggregate, String path) {
    Typed state = types(stateDefs(aggregate.state()), paths(aggregate.state(), StateFieldDef::name,
        path + ".state"));
    Map<String, Object> initial = new LinkedHashMap<>();
    aggregate.state().stream().filter(f -> f != null && state.known().containsKey(f.name()))
        .forEach(f -> initial.put(f.name(), initialValue(f)));
    Scope invariantScope = scope(path + ".state", state.complete(), b -> b.record("state", state.declared())
        .variable("actorId", FieldType.STRING));
    List<Guard> invariants = guards(invariantScope, aggregate.invariants(), path + ".invariants");
    Map<String, CommandProgram> commands = new LinkedHashMap<>();
    List<String> commandPaths = paths(aggregate.commands(), CommandDef::name, path + ".commands");
    for (int i = 0; i < aggregate.commands().size(); i++) {
      CommandDef command = aggregate.commands().get(i);
      if (command != null) {
        CommandProgram program = command(aggregate, command, state, commandPaths.get(i));
        putNamed(commands, command.name(), program);
      }
    }
    Map<String, EventProgram> events = new LinkedHashMap<>();
    List<String> eventPaths = paths(aggregate.events(), EventDef::name, path + ".events");
    for (int i = 0; i < aggregate.events().size(); i++) {
      EventDef event = aggregate.events().get(i);
      if (event != null) {
        putNamed(events, event.name(), event(event, state, eventPaths.get(i)));
      }
    }
    List<String> sendable = aggregate.commands().stream().filter(c -> c != null && c.name() != null && !c.internal())
        .map(CommandDef::name).distinct().sorted().toList();
    return new ModelBehavior(aggregate.name(), schema(state.known(), aggregate), initial, commands, events,
        invariantScope == null ? null : invariantScope.scope(), invariants, clock,
        "in model " + model.name() + "; known: " + sendable);
  }

  private CommandProgram command(AggregateDef aggregate, CommandDef command, Typed state, String path) {
    Typed cmd = types(command.fields(), paths(command.fields(), FieldDef::name, path + ".fields"));
    Scope scope = scope(path, state.complete() && cmd.complete(), b -> b.record("state", state.declared())
        .record("cmd", cmd.declared()).variable("actorId", FieldType.STRING).variable("now", FieldType.TIMESTAMP));
    List<Guard> guards = guards(scope, command.guards(), path + ".guards");
    List<CommandProgram.Emission> emits = new ArrayList<>();
    for (int i = 0; i < command.emits().size(); i++) {
      EmitDef emit = command.emits().get(i);
      String at = path + ".emits[" + i + "]";
      if (emit == null) {
        continue; // reported by Model.validate()
      }
      CompiledExpression when = compile(scope, emit.when(), FieldType.BOOL, at + ".when");
      Optional<EventDef> event = emit.event() == null ? Optional.empty() : aggregate.event(emit.event());
      if (event.isEmpty()) {
        unchecked(scope, emit.data(), at + ".data"); // the event is not declared (reported)
        continue;
      }
      Typed eventTypes = types(event.get().fields(), null);
      List<Mapping> data = mappings(scope, event.get().fields(), eventTypes, emit.data(), "cmd",
          command.fields(), cmd, at + ".data", "event " + event.get().name());
      emits.add(new CommandProgram.Emission(event.get().name(), when, data));
    }
    List<FieldDef> checkable = command.fields().stream()
        .filter(f -> f != null && cmd.known().containsKey(f.name()) && patternCompiles(f)).toList();
    PayloadValidator validator = new PayloadValidator(checkable, cmd.known());
    FieldDefaults defaults = FieldDefaults.of(checkable, cmd.known());
    List<String> fieldPaths = paths(command.fields(), FieldDef::name, path + ".fields");
    for (int i = 0; i < command.fields().size(); i++) {
      FieldDef field = command.fields().get(i);
      if (field != null && field.name() != null && defaults.values().containsKey(field.name())) {
        for (var problem : validator.constraintProblems(field.name(), defaults.values().get(field.name()))) {
          error(ModelError.INVALID_VALUE, fieldPaths.get(i) + ".default", "default " + field.defaultValue() + ": "
              + problem.problem());
        }
      }
    }
    return new CommandProgram(command.name(), scope == null ? null : scope.scope(), validator, defaults, guards,
        emits);
  }

  private EventProgram event(EventDef event, Typed state, String path) {
    Typed eventTypes = types(event.fields(), paths(event.fields(), FieldDef::name, path + ".fields"));
    Scope scope = scope(path, state.complete() && eventTypes.complete(), b -> b.record("state", state.declared())
        .record("event", eventTypes.declared()).variable("actorId", FieldType.STRING)
        .variable("now", FieldType.TIMESTAMP));
    Map<String, CompiledExpression> apply = new LinkedHashMap<>();
    event.apply().forEach((field, expr) ->
        apply.put(field, compile(scope, expr, state.known().get(field), path + ".apply." + field)));
    return new EventProgram(event.name(), scope == null ? null : scope.scope(), apply,
        FieldDefaults.of(event.fields(), eventTypes.known()));
  }

  List<PolicyProgram> policies() {
    List<PolicyProgram> policies = new ArrayList<>();
    List<String> paths = paths(model.policies(), PolicyDef::name, "policies");
    for (int i = 0; i < model.policies().size(); i++) {
      PolicyDef policy = model.policies().get(i);
      if (policy != null) {
        policy(policy, paths.get(i)).ifPresent(policies::add);
      }
    }
    return policies;
  }

  private Optional<PolicyProgram> policy(PolicyDef policy, String path) {
    Optional<Ref<EventDef>> when = resolveEvent(policy.when());
    Optional<Ref<CommandDef>> then = resolveCommand(policy.then());
    Typed eventTypes = when.map(w -> types(w.element().fields(), null)).orElse(null);
    Scope scope = scope(path, eventTypes != null && eventTypes.complete(), b -> (eventTypes == null
        ? b.variable("event", UNKNOWN_RECORD) : b.record("event", eventTypes.declared()))
        .variable("actorId", FieldType.STRING).variable("now", FieldType.TIMESTAMP));
    CompiledExpression condition = compile(scope, policy.condition(), FieldType.BOOL, path + ".condition");
    CompiledExpression target = compile(scope, policy.target(), FieldType.STRING, path + ".target");
    if (when.isEmpty() || then.isEmpty()) {
      Map<String, FieldType> targetTypes = then.map(t -> types(t.element().fields(), null).known()).orElse(Map.of());
      policy.data().forEach((field, expr) -> compile(scope, expr, targetTypes.get(field), path + ".data." + field));
      return Optional.empty();
    }
    CommandDef command = then.get().element();
    List<Mapping> data = mappings(scope, command.fields(), types(command.fields(), null), policy.data(), "event",
        when.get().element().fields(), eventTypes, path + ".data",
        "command " + then.get().aggregate().name() + "." + command.name());
    return Optional.of(new PolicyProgram(policy.name(), when.get().aggregate().name(), when.get().element().name(),
        FieldDefaults.of(when.get().element().fields(), eventTypes.known()), scope == null ? null : scope.scope(),
        condition, target, then.get().aggregate().name(), command.name(), data, policy.startsNow()));
  }

  List<ReadModelProgram> readModels() {
    List<ReadModelProgram> programs = new ArrayList<>();
    List<String> paths = paths(model.readModels(), ReadModelDef::name, "readModels");
    for (int i = 0; i < model.readModels().size(); i++) {
      ReadModelDef rm = model.readModels().get(i);
      if (rm != null) {
        programs.add(readModel(rm, paths.get(i)));
      }
    }
    return programs;
  }

  private ReadModelProgram readModel(ReadModelDef rm, String path) {
    if (rm.name() != null && rm.name().startsWith("$")) {
      error(ModelError.INVALID_NAME, path, "read-model names starting with '$' are reserved ("
          + DeadLetterStore.TABLE + " holds the policies' dead letters)");
    }
    Typed row = types(stateDefs(rm.fields()), paths(rm.fields(), StateFieldDef::name, path + ".fields"));
    Map<String, Object> initial = new LinkedHashMap<>();
    rm.fields().stream().filter(f -> f != null && row.known().containsKey(f.name()))
        .forEach(f -> initial.put(f.name(), initialValue(f)));
    Map<String, ReadModelProgram.Handler> handlers = new LinkedHashMap<>();
    Set<String> aggregates = new LinkedHashSet<>();
    Set<String> keySyntax = new HashSet<>(); // the read model's key's syntax errors, said once (at the first handler)
    for (int i = 0; i < rm.on().size(); i++) {
      ProjectionDef on = rm.on().get(i);
      String at = path + ".on[" + i + "]";
      if (on == null) {
        continue; // reported by Model.validate()
      }
      Optional<Ref<EventDef>> event = resolveEvent(on.event());
      Typed eventTypes = event.map(e -> types(e.element().fields(), null)).orElse(null);
      Scope scope = scope(at, row.complete() && eventTypes != null && eventTypes.complete(), b -> (eventTypes == null
          ? b.record("row", row.declared()).variable("event", UNKNOWN_RECORD)
          : b.record("row", row.declared()).record("event", eventTypes.declared()))
          .variable("actorId", FieldType.STRING).variable("now", FieldType.TIMESTAMP));
      // the read model's key is compiled for each handler's event: an error names the handler it does not fit
      CompiledExpression key = on.key().isBlank()
          ? compile(scope, rm.key(), FieldType.STRING, at + ".key", "the read model's key (this handler has none of"
              + " its own): ", keySyntax)
          : compile(scope, on.key(), FieldType.STRING, at + ".key");
      Map<String, CompiledExpression> set = new LinkedHashMap<>();
      on.set().forEach((field, expr) -> set.put(field, compile(scope, expr, row.known().get(field),
          at + ".set." + field)));
      if (event.isEmpty()) {
        continue;
      }
      String source = event.get().aggregate().name() + "." + event.get().element().name();
      if (handlers.putIfAbsent(source, new ReadModelProgram.Handler(scope == null ? null : scope.scope(), key, set,
          FieldDefaults.of(event.get().element().fields(), eventTypes.known()))) != null) {
        error(ModelError.DUPLICATE_NAME, at + ".event", "read model " + rm.name() + " handles " + source
            + " twice; merge the updates");
      }
      aggregates.add(event.get().aggregate().name());
    }
    return new ReadModelProgram(rm.name(), readModelSchema(model, rm), initial, handlers, aggregates);
  }

  /**
   * The mappings of a target's fields: explicit expressions, else a copy of the same-named source field when
   * its type fits, else (for a required target field) an error. Explicit mappings to fields the target does
   * not have (reported by the structural check) are still compiled.
   */
  private List<Mapping> mappings(Scope scope, List<FieldDef> targetFields, Typed targetTypes,
      Map<String, String> explicit, String sourceName, List<FieldDef> sourceFields, Typed sourceTypes, String path,
      String targetName) {
    List<Mapping> mappings = new ArrayList<>();
    Set<String> targets = new LinkedHashSet<>();
    for (FieldDef field : targetFields) {
      if (field == null || field.name() == null || !targets.add(field.name())) {
        continue; // reported by Model.validate()
      }
      String at = path + "." + field.name();
      FieldType type = targetTypes.known().get(field.name());
      String expr = explicit.get(field.name());
      Object fallback = type == null || field.defaultValue() == null ? null : FieldDefaults.value(field, type);
      Optional<FieldDef> optionalSource = expr == null || !field.mayBeAbsent() ? Optional.empty()
          : bareReference(expr, sourceName, sourceFields).filter(FieldDef::mayReadAbsent);
      if (optionalSource.isPresent() && type != null
          && type.equals(sourceTypes.known().get(optionalSource.get().name()))) {
        // an optional field mapped from an optional one: absent (or its default) when the source is absent, as a
        // copy (the expression would fail)
        mappings.add(new Mapping(field.name(), null, optionalSource.get().name(), fallback));
        continue;
      }
      if (expr != null) {
        mappings.add(new Mapping(field.name(), compile(scope, expr, type, at), null, null));
        continue;
      }
      Optional<FieldDef> source = sourceFields.stream()
          .filter(s -> s != null && field.name().equals(s.name())).findFirst();
      FieldType sourceType = sourceTypes.known().get(field.name());
      if (source.isEmpty()) {
        if (fallback != null) {
          mappings.add(new Mapping(field.name(), null, null, fallback));
        } else if (!field.mayBeAbsent()) {
          error(ModelError.MISSING_VALUE, at, "required field " + field.name() + " of " + targetName
              + " has no mapping, and " + sourceName + " has no field of that name to copy");
        }
      } else if (type == null || sourceType == null) {
        continue; // a type is unknown (reported): the copy cannot be checked
      } else if (!type.equals(sourceType)) {
        error(ModelError.EXPRESSION_TYPE, at, "field " + field.name() + " of " + targetName + " is " + type
            + " but " + sourceName + "." + field.name() + " is " + sourceType + "; map it explicitly");
      } else if (source.get().mayReadAbsent() && !field.mayBeAbsent()) {
        error(ModelError.MISSING_VALUE, at, "required field " + field.name() + " of " + targetName
            + " would be copied from the optional " + sourceName + "." + field.name() + "; map it explicitly"
            + " or give either field a default");
      } else {
        mappings.add(new Mapping(field.name(), null, field.name(), fallback));
      }
    }
    explicit.forEach((field, expr) -> {
      if (!targets.contains(field)) {
        compile(scope, expr, null, path + "." + field);
      }
    });
    return mappings;
  }

  /** The source field an expression only names ({@code cmd.note}, blanks around allowed), if it is one. */
  private static Optional<FieldDef> bareReference(String expr, String sourceName, List<FieldDef> sourceFields) {
    String text = expr.strip();
    if (!text.startsWith(sourceName + ".")) {
      return Optional.empty();
    }
    String name = text.substring(sourceName.length() + 1);
    return sourceFields.stream().filter(s -> s != null && name.equals(s.name())).findFirst();
  }

  /** Compiles expressions whose targets are unknown (reported): syntax, names and types, not the result type. */
  private void unchecked(Scope scope, Map<String, String> expressions, String path) {
    expressions.forEach((field, expr) -> compile(scope, expr, null, path + "." + field));
  }

  private List<Guard> guards(Scope scope, List<GuardDef> defs, String path) {
    List<Guard> guards = new ArrayList<>();
    for (int i = 0; i < defs.size(); i++) {
      GuardDef def = defs.get(i);
      if (def != null) {
        CompiledExpression expr = compile(scope, def.expr(), FieldType.BOOL, path + "[" + i + "]");
        guards.add(new Guard(expr, def.messageOrDefault()));
      }
    }
    return guards;
  }

  /**
   * Compiles one expression and records its errors.
   *
   * @param type the result type, or {@code null} when the target is unknown (then the result type is not
   *     checked)
   * @return the compiled expression, or {@code null} when it has errors, is absent (blank: reported by the
   *     structural check, or an absent optional condition) or its scope could not be built
   */
  private CompiledExpression compile(Scope scope, String source, FieldType type, String path) {
    return compile(scope, source, type, path, "", null);
  }

  /**
   * {@link #compile(Scope, String, FieldType, String)}, each error's message after {@code context}; a syntax error
   * already in {@code syntaxSaid} (null: none kept; one expression compiled in several scopes) is not said again.
   */
  private CompiledExpression compile(Scope scope, String source, FieldType type, String path, String context,
      Set<String> syntaxSaid) {
    if (scope == null || source == null || source.isBlank()) {
      return null;
    }
    Compilation compilation = ExpressionCompiler.create(scope.scope()).compile(source,
        type == null ? STAND_IN : type, path);
    for (ExpressionError e : compilation.errors()) {
      boolean resultType = e.id().equals(ModelError.EXPRESSION_RESULT_TYPE);
      boolean typeError = resultType || e.id().equals(ModelError.EXPRESSION_TYPE);
      boolean saidBefore = syntaxSaid != null && e.id().equals(ModelError.EXPRESSION_SYNTAX)
          && !syntaxSaid.add(e.messageWithPosition());
      if (!(type == null && resultType) && !(!scope.typed() && typeError) && !saidBefore) {
        error(e.id(), e.path(), context + e.messageWithPosition());
      }
    }
    return compilation.compiled().orElse(null);
  }

  private interface ScopeSpec {
    ExpressionScope.Builder declare(ExpressionScope.Builder builder);
  }

  private Scope scope(String path, boolean typed, ScopeSpec spec) {
    try {
      return new Scope(spec.declare(ExpressionScope.builder()).build(), typed);
    } catch (InvalidInputException e) {
      error(ModelError.INVALID_NAME, path, e.getMessage());
      return null;
    }
  }

  /**
   * The types of a record's fields. Fields without a usable name are left out (reported by the structural
   * check, or here for CEL reserved words when {@code paths} is given); a field of unknown type is declared
   * with a stand-in type and makes the record incomplete.
   *
   * @param paths each field's path, to report reserved words; {@code null} when reported elsewhere
   */
  private Typed types(List<FieldDef> fields, List<String> paths) {
    Map<String, FieldType> known = new LinkedHashMap<>();
    Map<String, FieldType> declared = new LinkedHashMap<>();
    boolean complete = true;
    for (int i = 0; i < fields.size(); i++) {
      FieldDef f = fields.get(i);
      if (f == null || f.name() == null || !IDENTIFIER.matcher(f.name()).matches()) {
        complete = false;
        continue;
      }
      if (!ExpressionScope.isValidName(f.name())) {
        if (paths != null) {
          error(ModelError.INVALID_NAME, paths.get(i), "'" + f.name() + "' is a CEL reserved word or type name;"
              + " rename the field");
        }
        complete = false;
        continue;
      }
      Optional<FieldType> type = parse(f.type());
      type.ifPresent(t -> known.put(f.name(), t));
      declared.put(f.name(), type.orElse(STAND_IN));
      complete &= type.isPresent();
    }
    return new Typed(known, declared, complete);
  }

  private static Optional<FieldType> parse(String type) {
    try {
      return type == null ? Optional.empty() : Optional.of(FieldType.parse(type));
    } catch (InvalidInputException e) {
      return Optional.empty(); // reported by Model.validate()
    }
  }

  /** Same rule as the structural check: by name unless missing or used by an earlier element, else by index. */
  private static <T> List<String> paths(List<T> elements, Function<T, String> nameOf, String listPath) {
    List<String> paths = new ArrayList<>(elements.size());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < elements.size(); i++) {
      T element = elements.get(i);
      String name = element == null ? null : nameOf.apply(element);
      boolean first = name != null && !name.isBlank() && seen.add(name);
      paths.add(first ? listPath + "." + name : listPath + "[" + i + "]");
    }
    return paths;
  }

  /** Keeps the first element of a name; unnamed and later ones are reported by the structural check. */
  private static <T> void putNamed(Map<String, T> map, String name, T value) {
    if (name != null && !name.isBlank()) {
      map.putIfAbsent(name, value);
    }
  }

  private static boolean patternCompiles(FieldDef field) {
    try {
      return field.pattern() == null || Pattern.compile(field.pattern()) != null;
    } catch (PatternSyntaxException e) {
      return false; // reported by Model.validate()
    }
  }

  private static List<FieldDef> stateDefs(List<StateFieldDef> state) {
    return state.stream().map(f -> f == null ? null : FieldDef.of(f.name(), f.type())).toList();
  }

  private static Object initialValue(StateFieldDef field) {
    Object value;
    try {
      value = field.initial() == null ? null : JsonValues.copyValue(field.initial(), field.name());
    } catch (InvalidInputException e) {
      return null; // not a JSON value (an infinite number): reported by Model.validate()
    }
    FieldType type = parse(field.type()).orElse(null);
    return type == FieldType.DOUBLE && value instanceof Long l ? (Object) l.doubleValue() : value;
  }

  /**
   * A read model's schema tag: {@code model:} + the first 16 hex digits of SHA-256 over its row fields (names,
   * types, initial values, in order) and its rules (the default key, and each handler's event, key and updates,
   * blanks around expressions ignored, events named {@code Aggregate.Event} however written). A read model whose
   * tag changed is rebuilt from the first event: rows the old rules computed would otherwise stay next to rows of
   * the new ones.
   *
   * @param model the model the read model belongs to (resolves an unqualified event name)
   */
  static String readModelSchema(Model model, ReadModelDef rm) {
    StringBuilder text = new StringBuilder();
    for (StateFieldDef f : rm.fields()) {
      if (f != null) {
        String type = parse(f.type()).map(FieldType::typeName).orElse(String.valueOf(f.type()));
        text.append(f.name()).append(':').append(type).append('=').append(f.initial()).append(';');
      }
    }
    text.append("|key=").append(rm.key().strip());
    List<String> handlers = new ArrayList<>();
    for (ProjectionDef on : rm.on()) {
      if (on != null) {
        StringBuilder handler = new StringBuilder("|on=").append(qualified(model, on.event())).append(",key=")
            .append(on.key() == null ? "" : on.key().strip());
        new TreeMap<>(on.set()).forEach((field, expr) -> handler.append(',').append(field).append('=')
            .append(expr == null ? "" : expr.strip()));
        handlers.add(handler.toString());
      }
    }
    handlers.stream().sorted().forEach(text::append);
    return "model:" + sha256(text.toString()).substring(0, 16);
  }

  /** An event reference as {@code Aggregate.Event} when it resolves, else as written. */
  private static String qualified(Model model, String event) {
    return ModelCompiler.<EventDef>resolve(model, event, true)
        .map(ref -> ref.aggregate().name() + "." + ref.element().name()).orElse(event);
  }

  /**
   * An aggregate's snapshot schema tag: {@code model:} + 16 hex digits of SHA-256 over its state fields' names and
   * types, in order, and their initial values, then {@code |} and, per event (by name), {@code Name=} + 8 hex
   * digits of SHA-256 over the rules that fold it: its {@code apply} (blanks around expressions ignored) and the
   * defaults its fields read on events stored without them. {@link ModelBehavior#readsSnapshotOf} reads a snapshot
   * whose state part is the same and whose events, those it still declares, fold as they did: so every actor's
   * state is its history folded by the loaded rules, snapshot or not, and an event added (or one removed) keeps
   * the snapshots. Guards, invariants and commands decide new events only and are left out.
   */
  static String schema(Map<String, FieldType> stateTypes, AggregateDef aggregate) {
    StringBuilder initial = new StringBuilder("|initial=");
    for (StateFieldDef field : aggregate.state()) {
      if (field != null) {
        initial.append(field.name()).append('=').append(canonical(field.initial())).append(';');
      }
    }
    TreeMap<String, String> events = new TreeMap<>();
    for (EventDef event : aggregate.events()) {
      if (event != null && event.name() != null) {
        StringBuilder rules = new StringBuilder();
        new TreeMap<>(event.apply()).forEach((field, expr) -> rules.append(field).append('=')
            .append(expr == null ? "" : expr.strip()).append(';'));
        event.fields().stream().filter(f -> f != null && f.defaultValue() != null)
            .sorted(Comparator.comparing(FieldDef::name, Comparator.nullsFirst(String::compareTo)))
            .forEach(f -> rules.append("default:").append(f.name()).append('=').append(canonical(f.defaultValue()))
                .append(';'));
        events.put(event.name(), sha256(rules.toString()).substring(0, 8));
      }
    }
    StringBuilder tag = new StringBuilder("model:").append(sha256(stateText(stateTypes) + initial).substring(0, 16))
        .append('|');
    events.forEach((event, hash) -> tag.append(event).append('=').append(hash).append(','));
    return tag.toString();
  }

  /** The state fields' names and types, in order, as the schema tag covers them. */
  static String stateText(Map<String, FieldType> stateTypes) {
    StringBuilder text = new StringBuilder();
    stateTypes.forEach((name, type) -> text.append(name).append(':').append(type.typeName()).append(';'));
    return text.toString();
  }

  /** A value as the tags cover it: a number by its value ({@code 1}, {@code 1L} and {@code 1.0} are one). */
  private static String canonical(Object value) {
    if (value instanceof Number number) {
      try {
        return new BigDecimal(number.toString()).stripTrailingZeros().toPlainString();
      } catch (NumberFormatException e) {
        return number.toString(); // NaN, infinities: not JSON, refused by the model's validation anyway
      }
    }
    return String.valueOf(value);
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

  /** @return the event, or empty when the reference is missing, unknown or ambiguous (reported) */
  Optional<Ref<EventDef>> resolveEvent(String reference) {
    return resolve(model, reference, true);
  }

  /** @return the command, or empty when the reference is missing, unknown or ambiguous (reported) */
  Optional<Ref<CommandDef>> resolveCommand(String reference) {
    return resolve(model, reference, false);
  }

  @SuppressWarnings("unchecked")
  private static <T> Optional<Ref<T>> resolve(Model model, String reference, boolean event) {
    if (reference == null || reference.isBlank()) {
      return Optional.empty();
    }
    int dot = reference.lastIndexOf('.');
    String aggregateName = dot < 0 ? null : reference.substring(0, dot);
    String name = reference.substring(dot + 1);
    List<Ref<T>> found = new ArrayList<>();
    for (AggregateDef aggregate : model.aggregates()) {
      if (aggregate != null && (aggregateName == null || aggregateName.equals(aggregate.name()))) {
        Optional<?> element = event ? aggregate.event(name) : aggregate.command(name);
        element.ifPresent(e -> found.add(new Ref<>(aggregate, (T) e)));
      }
    }
    return found.isEmpty() || (aggregateName == null && found.size() > 1) ? Optional.empty()
        : Optional.of(found.getFirst());
  }

  private void error(String id, String path, String message) {
    errors.add(new ModelError(id, path, message));
  }
}
