package dev.aether.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The structural checks of {@link Model#validate()}: one instance per validation, collecting every error.
 * Paths name elements by name ({@code aggregates.Account.commands.Withdraw}), or by index when the name is
 * missing ({@code aggregates[2]}). Not thread-safe; used once.
 */
final class ModelValidator {

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
      checkState(aggregate, path);
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

  private void checkState(AggregateDef aggregate, String path) {
    List<String> paths = names(aggregate.state(), StateFieldDef::name, path + ".state");
    for (int i = 0; i < aggregate.state().size(); i++) {
      StateFieldDef field = aggregate.state().get(i);
      if (field != null && checkType(field.type(), paths.get(i))) {
        checkInitial(field, paths.get(i));
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
      for (int e = 0; e < command.emits().size(); e++) {
        String event = command.emits().get(e);
        if (requireText(event, at + ".emits[" + e + "]") && aggregate.event(event).isEmpty()) {
          error(ModelError.UNKNOWN_REFERENCE, at + ".emits[" + e + "]",
              "aggregate " + aggregate.name() + " has no event " + event);
        }
      }
      for (int g = 0; g < command.guards().size(); g++) {
        requireText(command.guards().get(g), at + ".guards[" + g + "]");
      }
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
      resolve(policy.then(), at + ".then", "command", AggregateDef::commands, CommandDef::name);
      requireText(policy.target(), at + ".target");
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
      if (readModel.from().isEmpty()) {
        error(ModelError.MISSING_VALUE, at + ".from", "a read model needs at least one event");
      }
      for (int e = 0; e < readModel.from().size(); e++) {
        resolve(readModel.from().get(e), at + ".from[" + e + "]", "event", AggregateDef::events, EventDef::name);
      }
      requireText(readModel.key(), at + ".key");
      checkFields(readModel.fields(), at + ".fields");
    }
  }

  private void checkFields(List<FieldDef> fields, String path) {
    List<String> paths = names(fields, FieldDef::name, path);
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i) != null) {
        checkType(fields.get(i).type(), paths.get(i));
      }
    }
  }

  /** Resolves {@code Aggregate.Name} or a unique {@code Name} among every aggregate's elements. */
  private <T> void resolve(String reference, String path, String kind, Function<AggregateDef, List<T>> elements,
      Function<T, String> nameOf) {
    if (!requireText(reference, path)) {
      return;
    }
    int dot = reference.lastIndexOf('.');
    String aggregateName = dot < 0 ? null : reference.substring(0, dot);
    String name = reference.substring(dot + 1);
    int matches = 0;
    for (AggregateDef aggregate : model.aggregates()) {
      if (aggregate == null || (aggregateName != null && !aggregateName.equals(aggregate.name()))) {
        continue;
      }
      matches += (int) elements.apply(aggregate).stream().filter(e -> e != null && name.equals(nameOf.apply(e)))
          .count();
    }
    if (matches == 0) {
      error(ModelError.UNKNOWN_REFERENCE, path, "no " + kind + " " + reference + " in the model");
    } else if (matches > 1 && aggregateName == null) {
      error(ModelError.AMBIGUOUS_REFERENCE, path, kind + " " + reference + " exists in " + matches
          + " aggregates; write Aggregate." + reference);
    }
  }

  /**
   * Computes each element's path and reports missing and duplicate names.
   *
   * @return the paths by position
   */
  private <T> List<String> names(List<T> elements, Function<T, String> nameOf, String listPath) {
    List<String> paths = new ArrayList<>(elements.size());
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < elements.size(); i++) {
      T element = elements.get(i);
      String name = element == null ? null : nameOf.apply(element);
      String path = name == null || name.isBlank() ? listPath + "[" + i + "]" : listPath + "." + name;
      paths.add(path);
      if (element == null) {
        error(ModelError.MISSING_VALUE, path, "must not be null");
      } else if (requireText(name, path + ".name") && !seen.add(name)) {
        error(ModelError.DUPLICATE_NAME, path, "the name " + name + " is used more than once in " + listPath);
      }
    }
    return paths;
  }

  private boolean checkType(String type, String path) {
    if (!requireText(type, path + ".type")) {
      return false;
    }
    if (!FieldDef.TYPES.contains(type)) {
      error(ModelError.UNKNOWN_TYPE, path + ".type", "unknown type " + type + "; use one of "
          + new java.util.TreeSet<>(FieldDef.TYPES));
      return false;
    }
    return true;
  }

  private void checkInitial(StateFieldDef field, String path) {
    Object v = field.initial();
    boolean fits = switch (field.type()) {
      case "string" -> v instanceof String;
      case "integer" -> v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte
          || v instanceof java.math.BigInteger;
      case "number" -> v instanceof Number;
      case "boolean" -> v instanceof Boolean;
      case "timestamp" -> v == null || v instanceof String;
      case "object" -> v instanceof Map<?, ?>;
      case "list" -> v instanceof List<?>;
      default -> true;
    };
    if (!fits) {
      error(ModelError.INVALID_VALUE, path + ".initial", "initial value " + v + " is not a " + field.type());
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
