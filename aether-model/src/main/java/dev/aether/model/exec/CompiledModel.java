package dev.aether.model.exec;

import dev.aether.InvalidInputException;
import dev.aether.support.Checks;
import dev.aether.model.AggregateDef;
import dev.aether.model.EventDef;
import dev.aether.model.FieldDef;
import dev.aether.model.ReadModelDef;
import dev.aether.model.expr.FieldType;
import dev.aether.runtime.InvalidModelException;
import dev.aether.model.Model;
import dev.aether.runtime.ModelError;
import dev.aether.model.ModelLoader;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.FieldError;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.RuntimeManagement;
import dev.aether.runtime.spi.Behavior;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * An EventStorming model compiled for execution: every CEL expression (guards, invariants, event data
 * mappings, state updates, policy conditions, targets and data) parsed, type-checked against the declared
 * fields and planned once; a model-driven {@link Behavior} per aggregate; a payload check per command; the
 * policies.
 *
 * <p>{@link #compile} refuses a broken model with an {@link InvalidModelException} listing every problem with
 * its path, none hidden behind another: the structural ones of {@link Model#validate()} first, then the
 * expression errors ({@code aggregates.Account.commands.Withdraw.guards[0]: undeclared reference 'cmd.amout'
 * (cmd has amount) at column 1 [unknown-reference]}), wrong result types, implicit copies that do not fit.
 * Expressions are compiled even when the structure is broken, wherever their scope can be known (see the
 * module README). {@link #load}, {@link #fromYaml} and {@link #fromJson} are the one-call validation of a
 * model text: what {@link ModelLoader} reports (repeated keys, unknown keys, values of the wrong shape,
 * structure) and every expression, in one exception. Policy cycles are {@linkplain #warnings() warnings}.
 * Usually the runtime has a model compile itself ({@code Runtime.loadModel}, through
 * {@link AetherModelEngine}); compile directly to check a model in a build or a test.
 *
 * <p>{@link #checkReplacing} and the methods it builds on say what loading a model in place of another does to
 * the stored histories; they read this model's compiled parts (behaviours' snapshot schemas, policies, read
 * models), which is why they live here and the file is longer than 500 lines. Immutable and thread-safe.
 */
public final class CompiledModel {

  /** The id of a renamed model's policy that ran before and starts a new group at the beginning of the feed. */
  public static final String POLICY_GROUP_NEW = "policy-group-new";
  /** The id of another model under the running model's name and version label. */
  public static final String VERSION_REUSED = "version-reused";
  /**
   * The ids of the changes a load refuses unless forced ({@link #refusalsReplacing}): {@value EventFieldTypeChange#ID},
   * {@value #POLICY_GROUP_NEW}, {@value #VERSION_REUSED}.
   */
  public static final Set<String> REFUSED_CHANGES =
      Set.of(EventFieldTypeChange.ID, POLICY_GROUP_NEW, VERSION_REUSED);

  private final Model model;
  private final Map<String, ModelBehavior> behaviors;
  private final List<PolicyProgram> policies;
  private final List<ReadModelProgram> readModels;
  private final List<ModelError> warnings;

  private CompiledModel(Model model, Map<String, ModelBehavior> behaviors, List<PolicyProgram> policies,
      List<ReadModelProgram> readModels, List<ModelError> warnings) {
    this.model = model;
    this.behaviors = behaviors;
    this.policies = List.copyOf(policies);
    this.readModels = List.copyOf(readModels);
    this.warnings = List.copyOf(warnings);
  }

  /**
   * Compiles a model; guards see the system clock's time as {@code now}.
   *
   * @param model the model
   * @return the compiled model
   * @throws InvalidModelException listing every problem with its path
   */
  public static CompiledModel compile(Model model) {
    return compile(model, Clock.systemUTC());
  }

  /**
   * Compiles a model.
   *
   * @param model the model
   * @param clock the clock whose instant guards and data mappings see as {@code now} when deciding
   * @return the compiled model
   * @throws InvalidModelException listing every problem with its path
   */
  public static CompiledModel compile(Model model, Clock clock) {
    Checks.notNull(model, "model");
    return compile(model, Checks.notNull(clock, "clock"), model.validate());
  }

  /**
   * Reads a model file ({@code .yaml}/{@code .yml} as YAML, anything else as JSON), checks its structure and
   * compiles every expression: the whole validation in one call.
   *
   * @param file the file
   * @return the compiled model; {@link #model()} is the model to give {@code Runtime.loadModel}
   * @throws InvalidModelException listing every problem: repeated and unknown keys, values of the wrong
   *     shape, structural errors and expression errors, each with its path
   * @throws java.io.UncheckedIOException when the file cannot be read
   */
  public static CompiledModel load(Path file) {
    return compile(ModelLoader.read(file));
  }

  /**
   * Reads a model from YAML text, checks its structure and compiles every expression (see {@link #load}).
   *
   * @param yaml the YAML text
   * @return the compiled model
   * @throws InvalidModelException listing every problem with its path
   */
  public static CompiledModel fromYaml(String yaml) {
    return compile(ModelLoader.readYaml(yaml));
  }

  /**
   * Reads a model from JSON text, checks its structure and compiles every expression (see {@link #load}).
   *
   * @param json the JSON text
   * @return the compiled model
   * @throws InvalidModelException listing every problem with its path
   */
  public static CompiledModel fromJson(String json) {
    return compile(ModelLoader.readJson(json));
  }

  private static CompiledModel compile(ModelLoader.Reading reading) {
    if (reading.model().isEmpty()) {
      throw new InvalidModelException(reading.errors());
    }
    return compile(reading.model().get(), Clock.systemUTC(), reading.errors());
  }

  /** Compiles a model whose structural (and reading) problems are already known; adds the expression errors. */
  private static CompiledModel compile(Model model, Clock clock, List<ModelError> known) {
    List<ModelError> errors = new ArrayList<>(known);
    ModelCompiler compiler = new ModelCompiler(model, clock);
    Map<String, ModelBehavior> behaviors = compiler.behaviors();
    List<PolicyProgram> policies = compiler.policies();
    List<ReadModelProgram> readModels = compiler.readModels();
    errors.addAll(compiler.errors());
    if (!errors.isEmpty()) {
      throw new InvalidModelException(errors);
    }
    List<ModelError> warnings = new ArrayList<>(PolicyCycles.find(model.aggregates(), policies));
    warnings.addAll(ignoredConstraints(model));
    return new CompiledModel(model, Map.copyOf(behaviors), policies, readModels, warnings);
  }

  /**
   * Constraints on events' fields (id {@code ignored-constraint}): nothing checks them (an event is a fact its
   * command decided, replayed as stored), so they are named rather than left to look enforced.
   */
  private static List<ModelError> ignoredConstraints(Model model) {
    List<ModelError> out = new ArrayList<>();
    for (AggregateDef aggregate : model.aggregates()) {
      for (EventDef event : aggregate.events()) {
        for (FieldDef field : event.fields()) {
          String key = field.min() != null ? "min" : field.max() != null ? "max" : field.pattern() != null
              ? "pattern" : !field.allowed().isEmpty() ? "enum" : null;
          if (key != null) {
            out.add(new ModelError("ignored-constraint", "aggregates." + aggregate.name() + ".events."
                + event.name() + ".fields." + field.name() + "." + key, key + " is not checked on an event's field"
                + " (an event is a fact its command decided): put it on the command's field"));
          }
        }
      }
    }
    return out;
  }

  /** @return the model this was compiled from */
  public Model model() {
    return model;
  }

  /** @return problems that do not stop execution, such as policy cycles (id {@code policy-cycle}) */
  public List<ModelError> warnings() {
    return warnings;
  }

  /**
   * The warnings of loading this model in place of {@code previous}: {@link #warnings()}, and what the change
   * takes away from stored histories: an aggregate no longer declared (id {@code aggregate-removed}: its actors
   * can no longer be reached) and an event no longer declared (id {@code event-removed}: an actor whose history
   * holds it fails, {@code BEHAVIOR_FAILED}, whenever that history is replayed past it, until the event is
   * declared again), event fields stored events may lack or hold as another type, and policies that will run
   * over the whole history ({@code policy-added}, {@code policy-group-new}); then what the new version stops
   * doing or starts refusing: {@code command-removed}, {@code policy-removed}, {@code read-model-removed},
   * {@code invariant-added}. Those of {@link #refusalsReplacing} but {@value #VERSION_REUSED} are among them: a load
   * refuses them unless forced ({@link #checkReplacing}).
   *
   * @param previous the model running now
   * @return the warnings, this model's own first
   */
  public List<ModelError> warningsReplacing(Model previous) {
    List<ModelError> out = new ArrayList<>(warnings);
    for (AggregateDef before : previous.aggregates()) {
      if (before == null || before.name() == null) {
        continue;
      }
      Optional<AggregateDef> after = model.aggregates().stream()
          .filter(a -> a != null && before.name().equals(a.name())).findFirst();
      if (after.isEmpty()) {
        out.add(new ModelError("aggregate-removed", "aggregates." + before.name(), "aggregate " + before.name()
            + " of model " + previous.name() + " " + previous.version() + " is no longer declared: its actors can"
            + " no longer be reached"));
        continue;
      }
      stateChange(before, after.get()).ifPresent(out::add);
      for (EventDef event : before.events()) {
        if (event == null || event.name() == null) {
          continue;
        }
        Optional<EventDef> changed = after.get().event(event.name());
        if (changed.isEmpty()) {
          out.add(new ModelError("event-removed", "aggregates." + before.name() + ".events." + event.name(), "event "
              + event.name() + " is no longer declared: an actor of " + before.name() + " whose history holds it"
              + " fails (BEHAVIOR_FAILED) whenever that history is replayed past it (no snapshot fitting this"
              + " model's state, a rebuild) until it is declared again"));
        } else {
          out.addAll(FieldChanges.of(before.name(), event, changed.get()));
        }
      }
    }
    out.addAll(policiesFromTheBeginning(previous));
    out.addAll(readModelsRebuilt(previous));
    out.addAll(RemovedParts.of(previous, model));
    return List.copyOf(out);
  }

  /**
   * The changes of {@link #warningsReplacing} that loading this model in place of {@code previous} refuses unless
   * forced, those that lose or corrupt what is stored for good: an event field whose type changed so that its
   * stored events no longer read ({@value EventFieldTypeChange#ID}; models have no upcasts, and once events of the
   * new type are stored, neither type reads every event), a renamed model's policy that ran before
   * ({@value #POLICY_GROUP_NEW}: it sends its commands for the whole history again, and those older than their
   * target's idempotency window are applied a second time), and another model under the running model's name and
   * version ({@value #VERSION_REUSED}: nodes, logs and {@code GET /v1/cluster} tell models apart by that label).
   * The other warnings stay warnings: what they take away comes back when the change is undone, or is a change
   * of rules over histories that stay as they are.
   *
   * @param previous the model running now
   * @return the refused changes, in the order of {@link #warningsReplacing}; empty when the load may go ahead
   */
  public List<ModelError> refusalsReplacing(Model previous) {
    return refusals(warningsReplacing(Checks.notNull(previous, "previous")), Optional.of(previous));
  }

  /**
   * The warnings of loading this model in place of {@code previous} ({@link #warningsReplacing(Model)}) when the
   * stored events may hold the types of earlier versions too: then each event field this model declares as a type
   * that one of {@code stored} does not read as is a {@value EventFieldTypeChange#ID} as well (after the
   * others), also when {@code previous} does not declare the field or its event (removed by an earlier version).
   *
   * @param previous the model running now
   * @param stored the types the stored events may hold (every version loaded so far, {@code previous} too)
   * @return the warnings, this model's own first
   * @throws InvalidInputException when {@code previous} or {@code stored} is null
   */
  public List<ModelError> warningsReplacing(Model previous, StoredFieldTypes stored) {
    List<ModelError> out = new ArrayList<>(warningsReplacing(Checks.notNull(previous, "previous")));
    storedTypeChanges(Optional.of(previous), stored).forEach(change -> out.add(change.toError()));
    return List.copyOf(out);
  }

  /**
   * The changes of {@link #warningsReplacing(Model, StoredFieldTypes)} that a load refuses unless forced (see
   * {@link #refusalsReplacing(Model)}): an event field's type is checked against every type {@code stored} names.
   *
   * @param previous the model running now
   * @param stored the types the stored events may hold (every version loaded so far, {@code previous} too)
   * @return the refused changes; empty when the load may go ahead
   * @throws InvalidInputException when {@code previous} or {@code stored} is null
   */
  public List<ModelError> refusalsReplacing(Model previous, StoredFieldTypes stored) {
    return refusals(warningsReplacing(previous, stored), Optional.of(previous));
  }

  /** The refused changes among a load's warnings, then {@link #versionReused}. */
  private List<ModelError> refusals(List<ModelError> warned, Optional<Model> previous) {
    List<ModelError> out = new ArrayList<>(warned.stream().filter(w -> REFUSED_CHANGES.contains(w.id())).toList());
    previous.flatMap(this::versionReused).ifPresent(out::add);
    return out;
  }

  /** The type changes against {@code stored} that comparing with {@code previous} alone does not find. */
  private List<EventFieldTypeChange> storedTypeChanges(Optional<Model> previous, StoredFieldTypes stored) {
    Set<String> found = new HashSet<>();
    previous.ifPresent(p -> fieldTypeChanges(p).forEach(change -> found.add(change.path())));
    return Checks.notNull(stored, "stored").typeChanges(model).stream().filter(c -> !found.contains(c.path()))
        .toList();
  }

  /**
   * Checks that this model may replace {@code previous}: refuses the changes of {@link #refusalsReplacing} unless
   * {@code force} is set.
   *
   * @param previous the model running now, or empty when none runs (nothing to compare: only the model's own
   *     warnings)
   * @param force load all the same: the refused changes become warnings (the caller accepts the loss)
   * @return the warnings of the load ({@link #warningsReplacing} and a forced {@value #VERSION_REUSED}, or
   *     {@link #warnings()} without a previous model), the forced changes among them
   * @throws IncompatibleModelException listing every refused change when {@code force} is not set
   */
  public List<ModelError> checkReplacing(Optional<Model> previous, boolean force) {
    return checkReplacing(previous, Checks.notNull(previous, "previous").map(StoredFieldTypes::of)
        .orElse(StoredFieldTypes.none()), force);
  }

  /**
   * Checks that this model may replace {@code previous} when the stored events may hold the types of earlier
   * versions too: as {@link #checkReplacing(Optional, boolean)}, an event field's type checked against every type
   * {@code stored} names ({@link #warningsReplacing(Model, StoredFieldTypes)}). Whoever keeps the loaded model
   * keeps {@code stored} with it, and after the load {@code stored.afterLoad(model())}
   * ({@link StoredFieldTypes#afterLoad}).
   *
   * @param previous the model running now, or empty when none runs (then only the types of {@code stored} are
   *     compared)
   * @param stored the types the stored events may hold (every version loaded so far, {@code previous} too)
   * @param force load all the same: the refused changes become warnings (the caller accepts the loss)
   * @return the warnings of the load, the forced changes among them
   * @throws IncompatibleModelException listing every refused change when {@code force} is not set
   */
  public List<ModelError> checkReplacing(Optional<Model> previous, StoredFieldTypes stored, boolean force) {
    Checks.notNull(previous, "previous");
    List<EventFieldTypeChange> fromStored = storedTypeChanges(previous, stored);
    List<ModelError> all = new ArrayList<>(previous.map(this::warningsReplacing).orElse(warnings));
    fromStored.forEach(change -> all.add(change.toError()));
    List<ModelError> refused = refusals(all, previous);
    if (!force && !refused.isEmpty()) {
      List<EventFieldTypeChange> changes = new ArrayList<>(previous.map(this::fieldTypeChanges).orElse(List.of()));
      changes.addAll(fromStored);
      throw new IncompatibleModelException(refused, changes);
    }
    previous.flatMap(this::versionReused).ifPresent(all::add);
    return List.copyOf(all);
  }

  /**
   * Loads this model into a runtime in place of the model it runs, after {@link #checkReplacing}: the Java form of
   * {@code PUT /v1/model} ({@code ?force=true}). Two loads at once into one runtime are not checked against each
   * other (the runtime loads one after the other); load from one place.
   *
   * @param runtime the runtime
   * @param force load even when the change loses or corrupts stored data (see {@link #refusalsReplacing})
   * @return the warnings of the load, those the runtime does not log itself (it logs {@link #warnings()})
   * @throws IncompatibleModelException when a change is refused and {@code force} is not set; nothing is loaded
   * @throws InvalidModelException when the runtime refuses the model (no behaviour for an aggregate, ...)
   */
  public List<ModelError> loadInto(RuntimeManagement runtime, boolean force) {
    Checks.notNull(runtime, "runtime");
    return loadInto(runtime, runningModel(runtime).map(StoredFieldTypes::of).orElse(StoredFieldTypes.none()), force);
  }

  /**
   * Loads this model into a runtime in place of the model it runs, after
   * {@link #checkReplacing(Optional, StoredFieldTypes, boolean)}: as {@link #loadInto(RuntimeManagement, boolean)},
   * an event field's type checked against every type the stored events may hold (a runtime knows only the model it
   * runs: the caller keeps {@code stored}, and after the load {@code stored.afterLoad(model())}); the running model's
   * types are added to {@code stored} ({@link StoredFieldTypes#including(Model)}: none dropped).
   *
   * @param runtime the runtime
   * @param stored the types the stored events may hold (every version loaded so far)
   * @param force load even when the change loses or corrupts stored data (see {@link #refusalsReplacing})
   * @return the warnings of the load, those the runtime does not log itself (it logs {@link #warnings()})
   * @throws IncompatibleModelException when a change is refused and {@code force} is not set; nothing is loaded
   * @throws InvalidModelException when the runtime refuses the model (no behaviour for an aggregate, ...)
   */
  public List<ModelError> loadInto(RuntimeManagement runtime, StoredFieldTypes stored, boolean force) {
    Optional<Model> previous = runningModel(Checks.notNull(runtime, "runtime"));
    List<ModelError> warned = checkReplacing(previous, previous.map(Checks.notNull(stored, "stored")::including)
        .orElse(stored), force);
    runtime.loadModel(model);
    return warned;
  }

  private static Optional<Model> runningModel(RuntimeManagement runtime) {
    return runtime.model().filter(Model.class::isInstance).map(Model.class::cast);
  }

  /** The event fields whose type this model changes so that stored events of {@code previous} no longer read. */
  private List<EventFieldTypeChange> fieldTypeChanges(Model previous) {
    List<EventFieldTypeChange> out = new ArrayList<>();
    for (AggregateDef before : previous.aggregates()) {
      if (before == null || before.name() == null) {
        continue;
      }
      model.aggregate(before.name()).ifPresent(after -> before.events().stream()
          .filter(e -> e != null && e.name() != null).forEach(event -> after.event(event.name())
              .ifPresent(now -> out.addAll(FieldChanges.typeChanges(before.name(), event, now)))));
    }
    return out;
  }

  /**
   * Another model under the running model's name and version label (id {@value #VERSION_REUSED}); an equal
   * model (the same text, or one that differs only in blanks, comments or the order of a map's keys: it reads
   * into equal values) is no such change.
   */
  private Optional<ModelError> versionReused(Model previous) {
    if (!Objects.equals(previous.name(), model.name()) || !Objects.equals(previous.version(), model.version())
        || previous.equals(model)) {
      return Optional.empty();
    }
    return Optional.of(new ModelError(VERSION_REUSED, "version", "model " + model.name() + " version "
        + model.version() + " differs from the running model of that name and version: nodes, logs and GET"
        + " /v1/cluster tell models apart by name@version, so two different models under one label cannot be told"
        + " apart; give the new model another version"));
  }

  /**
   * The read models whose row fields or rules changed (id {@code read-model-rebuilt}): each is rebuilt from the first
   * event of the feed, and until the rebuild has passed them its rows are those of the old rules.
   */
  private List<ModelError> readModelsRebuilt(Model previous) {
    List<ModelError> out = new ArrayList<>();
    for (ReadModelDef before : previous.readModels()) {
      if (before == null || before.name() == null) {
        continue;
      }
      model.readModels().stream().filter(rm -> rm != null && before.name().equals(rm.name())).findFirst()
          .filter(after -> !ModelCompiler.readModelSchema(model, after)
              .equals(ModelCompiler.readModelSchema(previous, before)))
          .ifPresent(after -> out.add(new ModelError("read-model-rebuilt", "readModels." + after.name(), "read model "
              + after.name() + " changed (its fields, key or updates): it is rebuilt from the first event of the"
              + " feed, and until the rebuild has passed them its rows are those of the old version")));
    }
    return out;
  }

  /**
   * The policies that run over the whole stored history when this model replaces {@code previous}: with
   * {@code start: beginning} (the default), a policy new to the running model (id {@code policy-added}: perhaps
   * a renamed one, whose commands then get new ids), and a policy the running model has too when the model's name
   * changed (id {@value #POLICY_GROUP_NEW}: the groups are named by the model, the commands' ids are not, so it
   * sends the commands it sent before again). Their commands for old events are sent again, and one older than its
   * target's idempotency window is applied a second time.
   */
  private List<ModelError> policiesFromTheBeginning(Model previous) {
    List<ModelError> out = new ArrayList<>();
    Set<String> before = new HashSet<>();
    previous.policies().stream().filter(p -> p != null && p.name() != null).forEach(p -> before.add(p.name()));
    boolean renamed = !Objects.equals(previous.name(), model.name());
    for (PolicyProgram policy : policies) {
      boolean ranBefore = before.contains(policy.name());
      if (policy.startsNow() || (!renamed && ranBefore)) {
        continue;
      }
      String again = " again, and one older than its target's last commands (the idempotency window) is applied a"
          + " second time; give it start: now unless it must react to the history";
      if (ranBefore) {
        out.add(new ModelError(POLICY_GROUP_NEW, "policies." + policy.name(), "the model's name changed ("
            + previous.name() + " -> " + model.name() + ") and policy groups are named by it: policy " + policy.name()
            + ", which ran under " + previous.name() + ", starts a new group at the beginning of the feed (unless it"
            + " ran under " + model.name() + " before: its group then goes on from where it stopped): it sends the"
            + " command it sent for every stored " + policy.sourceAggregate() + "." + policy.event() + " (same"
            + " command ids)" + again));
      } else {
        out.add(new ModelError("policy-added", "policies." + policy.name(), "policy " + policy.name() + " is new to"
            + " the running model (" + previous.name() + " " + previous.version() + "), perhaps renamed: unless a"
            + " policy of this name ran before (its group then goes on from where it stopped, and reacts to"
            + " everything stored since), it starts at the beginning of the feed: it sends its command for every"
            + " stored " + policy.sourceAggregate() + "." + policy.event() + again));
      }
    }
    return out;
  }

  /**
   * A state whose fields (names or types) changed (id {@code state-changed}), or whose fold rules did (id
   * {@code apply-changed}: an {@code apply}, an initial value, an event field's default): the snapshots no longer
   * fit, so each actor replays its whole history at its next activation, where an event no longer declared fails it.
   */
  private Optional<ModelError> stateChange(AggregateDef before, AggregateDef after) {
    ModelBehavior now = behaviors.get(after.name());
    Map<String, FieldType> types = new LinkedHashMap<>();
    try {
      before.state().forEach(f -> types.put(f.name(), FieldType.parse(f.type())));
    } catch (RuntimeException e) {
      return Optional.empty(); // not a state this model's compiler reads: nothing to compare
    }
    if (now == null || now.readsSnapshotOf(ModelCompiler.schema(types, before))) { // an event added, or removed
      return Optional.empty();
    }
    String replays = ": stored snapshots no longer fit, so each actor replays its whole history at its next"
        + " activation (slower at first), and one whose history holds an event no longer declared then fails"
        + " (BEHAVIOR_FAILED)";
    Map<String, FieldType> typesNow = new LinkedHashMap<>();
    after.state().forEach(f -> typesNow.put(f.name(), FieldType.parse(f.type()))); // compiled: these parse
    if (!ModelCompiler.stateText(types).equals(ModelCompiler.stateText(typesNow))) {
      return Optional.of(new ModelError("state-changed", "aggregates." + after.name() + ".state", "the state of "
          + after.name() + " changed (fields or types)" + replays));
    }
    return Optional.of(new ModelError("apply-changed", "aggregates." + after.name() + ".events", "the rules folding "
        + after.name() + "'s events into its state changed (an event's apply or the default one of its fields reads"
        + " when stored without it, or a state field's initial value)" + replays + "; every actor's state is then"
        + " its whole history folded by the new rules, its old events too: to change only what comes, add an event"
        + " instead"));
  }

  /**
   * The model-driven behaviour of an aggregate: state = a JSON map of its state fields, snapshot schema =
   * {@code model:} + a hash of the state fields' names and types and of the rules folding its events.
   *
   * @param aggregateType the aggregate type
   * @return the behaviour, when the model declares the aggregate
   */
  public Optional<Behavior<Map<String, Object>>> behavior(String aggregateType) {
    return Optional.ofNullable(behaviors.get(aggregateType));
  }

  /**
   * Checks a command against the model: known command, payload fields declared, present when required,
   * typed, and within their constraints.
   *
   * @param message the command
   * @return the rejection ({@code UNKNOWN_COMMAND}, or {@code INVALID_PAYLOAD} with one field error per
   *     problem), or empty when the command may proceed or its aggregate is not in the model
   */
  public Optional<CommandResult.Rejected> check(RuntimeMessage message) {
    ModelBehavior behavior = behaviors.get(message.aggregateType());
    if (behavior == null) {
      return Optional.empty();
    }
    CommandProgram command = behavior.command(message.command());
    if (command == null) {
      return Optional.of(CommandResult.Rejected.of(message.commandId(), RejectionReason.UNKNOWN_COMMAND,
          behavior.unknownCommand(message.command())));
    }
    List<FieldError> errors = command.validator().validate(message.payload());
    if (errors.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new CommandResult.Rejected(message.commandId(), RejectionReason.INVALID_PAYLOAD,
        "invalid payload for " + message.aggregateType() + "." + message.command() + ": "
            + String.join("; ", errors.stream().map(FieldError::toString).toList()), errors));
  }

  List<PolicyProgram> policies() {
    return policies;
  }

  List<ReadModelProgram> readModels() {
    return readModels;
  }

  /** @return the aggregates of the model, by name */
  List<AggregateDef> aggregates() {
    return model.aggregates();
  }
}
