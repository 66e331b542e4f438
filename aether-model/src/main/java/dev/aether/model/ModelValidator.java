package dev.aether.model;

import dev.aether.runtime.ModelError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The structural checks of {@link Model#validate()}: one instance per validation, collecting every error.
 * Paths name elements by name ({@code aggregates.Account.commands.Withdraw}), or by index when the name is
 * missing or repeats an earlier element's ({@code aggregates[2]}); nothing stops the checks early: an
 * unresolved reference or a duplicate still has everything inside it checked. Expressions are only checked
 * for presence here; {@code aether-model} compiles them. Not thread-safe; used once.
 */
final class ModelValidator {

  private static final Pattern FIELD_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  private final Model model;
  private final List<ModelError> errors = new ArrayList<>();

  ModelValidator(Model model) {
    this.model = model;
  }

  List<ModelError> validate() {
    requireText(model.name(), "name");
    checkAggregates();
    checkPolicies();
    checkReadModels();
    return List.copyOf(errors);
  }

  private void checkAggregates() {
    if (model.aggregates().isEmpty()) { // nothing to run: loaded, it would only passivate the running model's actors
      error(ModelError.MISSING_VALUE, "aggregates", "a model needs at least one aggregate");
    }
    List<String> paths = names(model.aggregates(), AggregateDef::name, "aggregates");
    for (int i = 0; i < model.aggregates().size(); i++) {
      AggregateDef aggregate = model.aggregates().get(i);
      String path = paths.get(i);
      if (aggregate == null) {
        continue;
      }
      if (aggregate.name() != null && !aggregate.name().isBlank()) {
        checkAggregateName(aggregate.name(), path);
      }
      checkState(aggregate.state(), path + ".state");
      checkGuards(aggregate.invariants(), path + ".invariants");
      checkCommands(aggregate, path);
      checkEvents(aggregate, path);
    }
  }

  private void checkAggregateName(String name, String path) {
    if (!isAggregateName(name)) {
      error(ModelError.INVALID_NAME, path, "aggregate name " + name + " must start with a letter and hold only"
          + " letters, digits, '_', '-' and '.'");
    }
  }

  /**
   * The aggregate type rule of {@code dev.aether.runtime.ActorKey}, repeated here so that the model does not
   * depend on the runtime (a test keeps the two in step).
   */
  static boolean isAggregateName(String s) {
    return s.matches("[A-Za-z][A-Za-z0-9_.-]*");
  }

  private void checkState(List<StateFieldDef> fields, String listPath) {
    List<String> paths = names(fields, StateFieldDef::name, listPath);
    for (int i = 0; i < fields.size(); i++) {
      StateFieldDef field = fields.get(i);
      if (field == null) {
        continue;
      }
      checkFieldName(field.name(), paths.get(i));
      String type = checkType(field.type(), paths.get(i));
      if (type != null && !ModelTypes.fits(type, field.initial())) {
        error(ModelError.INVALID_VALUE, paths.get(i) + ".initial", "initial value " + field.initial()
            + " is not " + article(type) + " " + type);
      }
    }
  }

  private void checkCommands(AggregateDef aggregate, String path) {
    List<String> paths = names(aggregate.commands(), CommandDef::name, path + ".commands");
    for (int i = 0; i < aggregate.commands().size(); i++) {
      CommandDef command = aggregate.commands().get(i);
      if (command == null) {
        continue;
      }
      String at = paths.get(i);
      checkFields(command.fields(), at + ".fields");
      checkGuards(command.guards(), at + ".guards");
      for (int e = 0; e < command.emits().size(); e++) {
        checkEmit(aggregate, command.emits().get(e), at + ".emits[" + e + "]");
      }
    }
  }

  private void checkEmit(AggregateDef aggregate, EmitDef emit, String at) {
    if (emit == null) {
      error(ModelError.MISSING_VALUE, at, "must not be null");
      return;
    }
    Optional<EventDef> event = requireText(emit.event(), at + ".event") ? aggregate.event(emit.event())
        : Optional.empty();
    if (event.isEmpty() && emit.event() != null && !emit.event().isBlank()) {
      error(ModelError.UNKNOWN_REFERENCE, at + ".event", "event " + emit.event() + " is emitted but not declared"
          + " by aggregate " + aggregate.name());
    }
    Set<String> fields = event.map(e -> fieldNames(e.fields())).orElse(null);
    emit.data().forEach((field, expr) -> {
      if (fields != null && !fields.contains(field)) {
        error(ModelError.UNKNOWN_REFERENCE, at + ".data." + field, "event " + emit.event() + " has no field "
            + field + " (fields: " + fields + ")");
      }
      requireText(expr, at + ".data." + field);
    });
  }

  private void checkGuards(List<GuardDef> guards, String path) {
    for (int g = 0; g < guards.size(); g++) {
      GuardDef guard = guards.get(g);
      requireText(guard == null ? null : guard.expr(), path + "[" + g + "]");
    }
  }

  private void checkEvents(AggregateDef aggregate, String path) {
    List<String> paths = names(aggregate.events(), EventDef::name, path + ".events");
    Set<String> stateFields = new HashSet<>();
    aggregate.state().stream().filter(f -> f != null && f.name() != null).forEach(f -> stateFields.add(f.name()));
    for (int i = 0; i < aggregate.events().size(); i++) {
      EventDef event = aggregate.events().get(i);
      if (event == null) {
        continue;
      }
      checkFields(event.fields(), paths.get(i) + ".fields");
      for (Map.Entry<String, String> update : event.apply().entrySet()) {
        String at = paths.get(i) + ".apply." + update.getKey();
        if (!stateFields.contains(update.getKey())) {
          error(ModelError.UNKNOWN_REFERENCE, at, "aggregate " + aggregate.name() + " has no state field "
              + update.getKey());
        }
        requireText(update.getValue(), at);
      }
    }
  }

  private void checkPolicies() {
    List<String> paths = names(model.policies(), PolicyDef::name, "policies");
    for (int i = 0; i < model.policies().size(); i++) {
      PolicyDef policy = model.policies().get(i);
      if (policy == null) {
        continue;
      }
      String at = paths.get(i);
      resolve(policy.when(), at + ".when", "event", AggregateDef::events, EventDef::name);
      Optional<CommandDef> command =
          resolve(policy.then(), at + ".then", "command", AggregateDef::commands, CommandDef::name);
      requireText(policy.target(), at + ".target");
      if (!PolicyDef.FROM_BEGINNING.equals(policy.start()) && !PolicyDef.FROM_NOW.equals(policy.start())) {
        error(ModelError.INVALID_VALUE, at + ".start", "must be \"" + PolicyDef.FROM_BEGINNING + "\" or \""
            + PolicyDef.FROM_NOW + "\", was \"" + policy.start() + "\"");
      }
      Set<String> fields = command.map(c -> fieldNames(c.fields())).orElse(null);
      policy.data().forEach((field, expr) -> {
        if (fields != null && !fields.contains(field)) {
          error(ModelError.UNKNOWN_REFERENCE, at + ".data." + field, "command " + policy.then()
              + " has no field " + field + " (fields: " + fields + ")");
        }
        requireText(expr, at + ".data." + field);
      });
    }
  }

  private void checkReadModels() {
    List<String> paths = names(model.readModels(), ReadModelDef::name, "readModels");
    for (int i = 0; i < model.readModels().size(); i++) {
      ReadModelDef readModel = model.readModels().get(i);
      if (readModel == null) {
        continue;
      }
      String at = paths.get(i);
      checkState(readModel.fields(), at + ".fields");
      if (readModel.on().isEmpty()) {
        error(ModelError.MISSING_VALUE, at + ".on", "a read model needs at least one event");
      }
      Set<String> fields = new HashSet<>();
      readModel.fields().stream().filter(f -> f != null && f.name() != null).forEach(f -> fields.add(f.name()));
      for (int e = 0; e < readModel.on().size(); e++) {
        checkProjection(readModel, readModel.on().get(e), at + ".on[" + e + "]", fields);
      }
    }
  }

  private void checkProjection(ReadModelDef readModel, ProjectionDef on, String at, Set<String> fields) {
    if (on == null) {
      error(ModelError.MISSING_VALUE, at, "must not be null");
      return;
    }
    resolve(on.event(), at + ".event", "event", AggregateDef::events, EventDef::name);
    if (on.key().isBlank() && readModel.key().isBlank()) {
      error(ModelError.MISSING_VALUE, at + ".key", "needs a key expression (here or as the read model's key)");
    }
    on.set().forEach((field, expr) -> {
      if (!fields.contains(field)) {
        error(ModelError.UNKNOWN_REFERENCE, at + ".set." + field, "read model " + readModel.name()
            + " has no field " + field);
      }
      requireText(expr, at + ".set." + field);
    });
  }

  private void checkFields(List<FieldDef> fields, String path) {
    List<String> paths = names(fields, FieldDef::name, path);
    for (int i = 0; i < fields.size(); i++) {
      FieldDef field = fields.get(i);
      if (field != null) {
        checkFieldName(field.name(), paths.get(i));
        String type = checkType(field.type(), paths.get(i));
        if (type != null) {
          checkConstraints(field, type, paths.get(i));
          if (field.defaultValue() != null && !ModelTypes.fits(type, field.defaultValue())) {
            error(ModelError.INVALID_VALUE, paths.get(i) + ".default", "default " + field.defaultValue() + " is not "
                + article(type) + " " + type);
          }
        }
      }
    }
  }

  /** @return "an" before a type that starts with a vowel sound ({@code an int}), else "a" */
  private static String article(String type) {
    return type.startsWith("int") ? "an" : "a";
  }

  private void negativeLength(Number bound, String type, String path) {
    if (bound != null && bound.doubleValue() < 0) {
      error(ModelError.INVALID_VALUE, path, "a " + (type.equals("string") ? "length" : "size")
          + " cannot be negative, was " + bound);
    }
  }

  private void checkConstraints(FieldDef field, String type, String path) {
    for (var bound : new Object[][] {{field.min(), ".min"}, {field.max(), ".max"}}) {
      if (bound[0] instanceof Number n && !Double.isFinite(n.doubleValue())) {
        error(ModelError.INVALID_VALUE, path + bound[1], "a bound must be a finite number, was " + n);
      }
    }
    boolean sized = type.equals("int") || type.equals("double") || type.equals("string") || type.startsWith("list<");
    boolean lengths = type.equals("string") || type.startsWith("list<");
    if (lengths) {
      negativeLength(field.min(), type, path + ".min");
      negativeLength(field.max(), type, path + ".max");
    }
    if ((field.min() != null || field.max() != null) && !sized) {
      error(ModelError.INVALID_VALUE, path + (field.min() != null ? ".min" : ".max"),
          "min/max apply to int, double, string (length) and list (size) fields, not " + type);
    } else if (field.min() != null && field.max() != null
        && field.min().doubleValue() > field.max().doubleValue()) {
      error(ModelError.INVALID_VALUE, path + ".min", "min " + field.min() + " is above max " + field.max());
    }
    if (field.pattern() != null) {
      if (!type.equals("string")) {
        error(ModelError.INVALID_VALUE, path + ".pattern", "pattern applies to string fields, not " + type);
      } else {
        try {
          Pattern.compile(field.pattern());
        } catch (PatternSyntaxException e) {
          error(ModelError.INVALID_VALUE, path + ".pattern", "not a regular expression: " + e.getDescription());
        }
      }
    }
    for (int v = 0; v < field.allowed().size(); v++) {
      Object value = field.allowed().get(v);
      boolean scalar = type.equals("string") || type.equals("int") || type.equals("double");
      if (!scalar || value == null || !ModelTypes.fits(type, value)) {
        error(ModelError.INVALID_VALUE, path + ".enum[" + v + "]", scalar ? "value " + value + " is not " + article(type) + " " + type
            : "enum applies to string, int and double fields, not " + type);
      }
    }
  }

  private static Set<String> fieldNames(List<FieldDef> fields) {
    Set<String> names = new java.util.LinkedHashSet<>();
    fields.stream().filter(f -> f != null && f.name() != null).forEach(f -> names.add(f.name()));
    return names;
  }

  /** Resolves {@code Aggregate.Name} or a unique {@code Name} among every aggregate's elements. */
  private <T> Optional<T> resolve(String reference, String path, String kind,
      Function<AggregateDef, List<T>> elements, Function<T, String> nameOf) {
    if (!requireText(reference, path)) {
      return Optional.empty();
    }
    int dot = reference.lastIndexOf('.');
    String aggregateName = dot < 0 ? null : reference.substring(0, dot);
    String name = reference.substring(dot + 1);
    List<T> matches = new ArrayList<>();
    Set<String> aggregatesSeen = new HashSet<>();
    for (AggregateDef aggregate : model.aggregates()) {
      if (aggregate == null || (aggregateName != null && !aggregateName.equals(aggregate.name()))
          || !aggregatesSeen.add(String.valueOf(aggregate.name()))) { // a repeated aggregate: its own error
        continue;
      }
      // one match per aggregate: a name repeated inside one aggregate is a duplicate-name error of its own
      elements.apply(aggregate).stream().filter(e -> e != null && name.equals(nameOf.apply(e))).findFirst()
          .ifPresent(matches::add);
    }
    if (matches.isEmpty()) {
      error(ModelError.UNKNOWN_REFERENCE, path, "no " + kind + " " + reference + " in the model");
    } else if (matches.size() > 1 && aggregateName == null) {
      error(ModelError.AMBIGUOUS_REFERENCE, path, kind + " " + reference + " exists in " + matches.size()
          + " aggregates; write Aggregate." + reference);
      return Optional.empty();
    }
    return matches.stream().findFirst();
  }

  /**
   * Computes each element's path and reports missing and duplicate names. An element is named by its name
   * when it has one that no earlier element of the list has; otherwise (no name, or a repeated one) by its
   * index, so that a duplicate and everything inside it are reported at its own path
   * ({@code aggregates.Account.commands[2]}), not at the first element's.
   *
   * @return the paths by position
   */
  private <T> List<String> names(List<T> elements, Function<T, String> nameOf, String listPath) {
    List<String> paths = new ArrayList<>(elements.size());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < elements.size(); i++) {
      T element = elements.get(i);
      String name = element == null ? null : nameOf.apply(element);
      boolean named = name != null && !name.isBlank();
      boolean first = named && seen.add(name);
      String path = first ? listPath + "." + name : listPath + "[" + i + "]";
      paths.add(path);
      if (element == null) {
        error(ModelError.MISSING_VALUE, path, "must not be null");
      } else if (!named) {
        requireText(name, path + ".name");
      } else if (!first) {
        error(ModelError.DUPLICATE_NAME, path, "the name " + name + " is already used by " + listPath + "."
            + name);
      }
    }
    return paths;
  }

  private void checkFieldName(String name, String path) {
    if (name != null && !name.isBlank() && !FIELD_NAME.matcher(name).matches()) {
      error(ModelError.INVALID_NAME, path, "field name " + name + " must be an identifier: letters, digits and"
          + " '_', not starting with a digit");
    }
  }

  /** @return the canonical type, or {@code null} after reporting it */
  private String checkType(String type, String path) {
    if (!requireText(type, path + ".type")) {
      return null;
    }
    try {
      return ModelTypes.canonical(type);
    } catch (IllegalArgumentException e) {
      error(ModelError.UNKNOWN_TYPE, path + ".type", e.getMessage());
      return null;
    }
  }

  private boolean requireText(String value, String path) {
    if (value == null || value.isBlank()) {
      error(ModelError.MISSING_VALUE, path, "must not be blank");
      return false;
    }
    return true;
  }

  private void error(String id, String path, String message) {
    errors.add(new ModelError(id, path, message));
  }
}
