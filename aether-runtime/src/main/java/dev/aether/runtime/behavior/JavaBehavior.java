package dev.aether.runtime.behavior;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.support.Checks;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.FieldError;
import dev.aether.runtime.spi.Behavior;
import dev.aether.runtime.spi.Command;
import dev.aether.runtime.spi.Decision;
import dev.aether.runtime.spi.NewEvent;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.UnaryOperator;

/**
 * A {@link Behavior} written in Java with typed records: an empty state, one handler per command and one per
 * event, in the style of Pekko's {@code EventSourcedBehavior}.
 *
 * <pre>{@code
 * record Account(long balance) {}
 * record Deposit(long amount) {}
 * record Deposited(long amount) {}
 *
 * Behavior<Account> account = JavaBehavior.builder("Account", Account.class, new Account(0))
 *     .command("Deposit", Deposit.class, (state, cmd) -> cmd.amount() <= 0
 *         ? Effect.reject("amount must be positive")
 *         : Effect.persist(new Deposited(cmd.amount())))
 *     .event("Deposited", Deposited.class, (state, evt) -> new Account(state.balance() + evt.amount()))
 *     .build();
 * }</pre>
 *
 * <h2>Mapping</h2>
 * A command's payload is mapped to its record with Jackson, strictly: an unknown field, a missing field, a
 * null for a primitive, a string for a number or a fraction for an integer rejects the command as
 * {@code INVALID_PAYLOAD} with a {@link FieldError} naming the field ({@code payload.amount}). A
 * reference-typed component marked with an annotation named {@code Nullable} (JSpecify's, Jakarta's, your own)
 * may be left out and reads as {@code null}: a command gains a field without breaking the clients that do not
 * send it yet. Event records are written to event data with Jackson and read back tolerantly (unknown fields
 * ignored, missing ones default), so stored events keep replaying when a record gains or loses a field. The
 * state is written to snapshots with Jackson and read back strictly; a snapshot that does not fit is ignored
 * (full replay).
 * Records should use JSON-friendly component types (numbers, strings, booleans, lists, maps, records).
 *
 * <h2>Evolving events</h2>
 * Stored events are never rewritten; a behaviour reads old ones as they were stored. A record that gains a
 * component reads it as its default from old events ({@code null}, {@code 0}, {@code false}); a component
 * renamed keeps its stored name with Jackson's {@code @JsonAlias("oldName")} on it. Any other change (an
 * event type renamed, a field renamed <em>and</em> given a default of its own, a value's type changed) is an
 * {@link Builder#upcast upcast}: stored events of a type are read as another (or the same) type, their data
 * migrated by a function first, one event to one event, as Pekko's event adapters and Axon's upcasters do.
 * Upcasts apply where this behaviour folds events (an actor's replay); give the same {@link EventUpcasts} to
 * the behaviour ({@link Builder#upcasts}) and to the Java projections and policies that read its events, so they
 * read old events as new ones too. The store, the event feed and the events API keep showing events as stored.
 * Renaming a primitive component
 * without either reads old events as {@code 0}: test old histories with the fixture's
 * {@code given(NewEvent.of("Type", oldData))}.
 *
 * <h2>Snapshot schema</h2>
 * By default the schema tag is derived from the state record's components ({@code Account(balance:long)}),
 * so changing the state's shape invalidates old snapshots by itself; {@link Builder#schema} sets it by hand.
 *
 * <p>Immutable and thread-safe when the handlers are pure.
 *
 * @param <S> the state type
 */
public final class JavaBehavior<S> implements Behavior<S> {

  private final String aggregateType;
  private final String schema;
  private final Class<S> stateType;
  private final S emptyState;
  private final Map<String, CommandBinding<S, ?>> commands;
  private final Map<String, EventBinding<S, ?>> eventsByName;
  private final Map<Class<?>, String> eventNames;
  private final EventUpcasts upcasts;
  private final boolean ignoreUnknownEvents;
  private final PayloadMapper mapper = new PayloadMapper();

  private JavaBehavior(Builder<S> b, EventUpcasts upcasts) {
    this.aggregateType = b.aggregateType;
    this.schema = b.schema != null ? b.schema : defaultSchema(b.stateType);
    this.stateType = b.stateType;
    this.emptyState = b.emptyState;
    this.commands = Map.copyOf(b.commands);
    this.eventsByName = Map.copyOf(b.events);
    Map<Class<?>, String> names = new LinkedHashMap<>();
    b.events.forEach((name, binding) -> names.put(binding.type(), name));
    this.eventNames = Map.copyOf(names);
    this.upcasts = upcasts;
    this.ignoreUnknownEvents = b.ignoreUnknownEvents;
  }

  /**
   * Starts a behaviour.
   *
   * @param aggregateType the aggregate type, for example {@code Account}
   * @param stateType the state record's class
   * @param emptyState the state of an actor without events
   * @param <S> the state type
   * @return a builder
   * @throws InvalidInputException naming the refused argument
   */
  public static <S> Builder<S> builder(String aggregateType, Class<S> stateType, S emptyState) {
    return new Builder<>(aggregateType, stateType, emptyState);
  }

  @Override
  public String aggregateType() {
    return aggregateType;
  }

  @Override
  public String schema() {
    return schema;
  }

  @Override
  public S initialState() {
    return emptyState;
  }

  @Override
  public Set<String> commandNames() {
    return commands.keySet();
  }

  @Override
  public Decision decide(S state, Command command) {
    CommandBinding<S, ?> binding = commands.get(command.name());
    if (binding == null) {
      return Decision.unknownCommand("aggregate type " + aggregateType + " has no command " + command.name()
          + "; known: " + commands.keySet());
    }
    return decide(binding, state, command);
  }

  @Override
  public S evolve(S state, Event event) {
    EventUpcasts.Upcasted read = upcasts.storedTypes().contains(event.eventType()) // most events: not upcast
        ? upcasts.upcast(event.eventType(), event.data()) : null;
    String type = read == null ? event.eventType() : read.eventType();
    Map<String, Object> data = read == null ? event.data() : read.data();
    EventBinding<S, ?> binding = eventsByName.get(type);
    if (binding == null) {
      if (ignoreUnknownEvents) {
        return state;
      }
      throw new IllegalArgumentException("aggregate type " + aggregateType + " has no event handler for "
          + event.eventType() + "; known: " + eventsByName.keySet());
    }
    if (data != event.data()) {
      EventUpcasts.requirePrimitives(binding.type(), read);
    }
    return evolve(binding, state, type, data);
  }

  @Override
  public Map<String, Object> stateToJson(S state) {
    return mapper.write(state);
  }

  @Override
  public S stateFromJson(Map<String, Object> json) {
    PayloadMapper.Read<S> read = mapper.readStrict(json, stateType, "state");
    if (!read.errors().isEmpty()) {
      throw new IllegalArgumentException("snapshot state does not fit " + stateType.getSimpleName() + ": "
          + read.errors());
    }
    return read.value();
  }

  @Override
  public String toString() {
    return "JavaBehavior[" + aggregateType + ", schema " + schema + ", commands " + commands.keySet() + "]";
  }

  private <C> Decision decide(CommandBinding<S, C> binding, S state, Command command) {
    PayloadMapper.Read<C> read = mapper.readStrict(command.payload(), binding.type(), "payload");
    if (!read.errors().isEmpty()) {
      return Decision.invalidPayload(read.errors());
    }
    Effect effect = binding.handler().handle(state, read.value());
    return switch (effect) {
      case Effect.Reject r -> Decision.reject(r.message());
      case Effect.Invalid i -> Decision.invalidPayload(i.errors());
      case Effect.Persist p -> Decision.emit(toNewEvents(p.events()));
      case null -> throw new IllegalStateException("the handler of " + command.name() + " returned null");
    };
  }

  private List<NewEvent> toNewEvents(List<?> records) {
    List<NewEvent> out = new ArrayList<>(records.size());
    for (Object record : records) {
      out.add(toNewEvent(record));
    }
    return out;
  }

  /**
   * The command a command record is sent as: the name its class is registered under with {@code .command(...)}
   * and its fields as the payload a client would send (test fixtures send records this way). Thread-safe.
   *
   * @param record an instance of a class registered with {@code .command(...)} under one name
   * @return the command's name and payload
   * @throws dev.aether.InvalidInputException naming {@code record} when null
   * @throws IllegalStateException when the record's class is registered under no command, or under several
   *     (then send it by name)
   */
  public Map.Entry<String, Map<String, Object>> toCommand(Object record) {
    Class<?> type = Checks.notNull(record, "record").getClass();
    List<String> names = commands.entrySet().stream().filter(c -> c.getValue().type() == type).map(Map.Entry::getKey)
        .toList();
    if (names.size() != 1) {
      throw new IllegalStateException("command class " + type.getName() + " is registered " + (names.isEmpty()
          ? "under no command; add .command(\"Name\", " + type.getSimpleName() + ".class, handler)"
          : "under " + names + ": send it by name"));
    }
    return Map.entry(names.getFirst(), mapper.write(record));
  }

  /**
   * The event an event record is stored as: its registered name and its fields, as a handler's
   * {@code Effect.persist(record)} stores it (test fixtures use it to write a given history). Thread-safe.
   *
   * @param record an instance of a class registered with {@code .event(...)}
   * @return the event's type and data
   * @throws dev.aether.InvalidInputException naming {@code record} when null
   * @throws IllegalStateException when the record's class is not registered with {@code .event(...)}
   */
  public NewEvent toNewEvent(Object record) {
    String name = eventNames.get(Checks.notNull(record, "record").getClass());
    if (name == null) {
      throw new IllegalStateException("event class " + record.getClass().getName() + " is not registered;"
          + " add .event(\"Name\", " + record.getClass().getSimpleName() + ".class, handler)");
    }
    return new NewEvent(name, mapper.write(record));
  }

  private <E> S evolve(EventBinding<S, E> binding, S state, String type, Map<String, Object> data) {
    E typed = mapper.readTolerant(data, binding.type());
    return Checks.notNull(binding.handler().apply(state, typed), "state after " + type);
  }

  private static String defaultSchema(Class<?> type) {
    if (!type.isRecord()) {
      return type.getName();
    }
    StringJoiner parts = new StringJoiner(",", type.getSimpleName() + "(", ")");
    for (RecordComponent c : type.getRecordComponents()) {
      parts.add(c.getName() + ":" + c.getGenericType().getTypeName().replaceAll("[a-z0-9_]+\\.", ""));
    }
    return parts.toString();
  }

  private record CommandBinding<S, C>(Class<C> type, CommandHandler<S, C> handler) {}

  private record EventBinding<S, E>(Class<E> type, EventHandler<S, E> handler) {}

  /**
   * Builds a {@link JavaBehavior}. Not thread-safe. Each method refuses a bad argument at once with an
   * {@link InvalidInputException} naming it.
   *
   * @param <S> the state type
   */
  public static final class Builder<S> {
    private final String aggregateType;
    private final Class<S> stateType;
    private final S emptyState;
    private final Map<String, CommandBinding<S, ?>> commands = new LinkedHashMap<>();
    private final Map<String, EventBinding<S, ?>> events = new LinkedHashMap<>();
    private final EventUpcasts.Builder upcasts = EventUpcasts.builder();
    /** The stored types of this builder's own upcasts: their chains must end at a handler of this behaviour. */
    private final Set<String> ownUpcasts = new HashSet<>();
    /** The stored types the shared upcasts upcast for every aggregate type: an own upcast may not differ. */
    private final Set<String> sharedEveryAggregate = new HashSet<>();
    private String schema;
    private boolean ignoreUnknownEvents;

    private Builder(String aggregateType, Class<S> stateType, S emptyState) {
      this.aggregateType = ActorKey.validAggregateType(aggregateType);
      this.stateType = Checks.notNull(stateType, "stateType");
      this.emptyState = Checks.notNull(emptyState, "emptyState");
    }

    /**
     * Handles a command.
     *
     * @param name the command name; unique in this behaviour
     * @param type the command record's class
     * @param handler decides the command
     * @param <C> the command type
     * @return this builder
     */
    public <C> Builder<S> command(String name, Class<C> type, CommandHandler<S, C> handler) {
      Checks.notBlank(name, "name");
      if (commands.putIfAbsent(name, new CommandBinding<>(Checks.notNull(type, "type"),
          Checks.notNull(handler, "handler"))) != null) {
        throw new InvalidInputException("name", "command " + name + " is already handled");
      }
      return this;
    }

    /**
     * Handles an event; its record class is also how handlers' events are named when stored.
     *
     * @param name the event type; unique in this behaviour
     * @param type the event record's class; used by one event only
     * @param handler folds the event into the state
     * @param <E> the event type
     * @return this builder
     */
    public <E> Builder<S> event(String name, Class<E> type, EventHandler<S, E> handler) {
      Checks.notBlank(name, "name");
      Checks.notNull(type, "type");
      if (events.values().stream().anyMatch(b -> b.type().equals(type))) {
        throw new InvalidInputException("type", type.getName() + " is already the record of another event");
      }
      if (events.putIfAbsent(name, new EventBinding<>(type, Checks.notNull(handler, "handler"))) != null) {
        throw new InvalidInputException("name", "event " + name + " is already handled");
      }
      return this;
    }

    /**
     * Sets the snapshot schema tag (by default derived from the state record's components). Change it when
     * old snapshots must be ignored.
     *
     * @param tag the tag; not blank
     * @return this builder
     */
    public Builder<S> schema(String tag) {
      this.schema = Checks.notBlank(tag, "schema");
      return this;
    }

    /**
     * Reads stored events of type {@code storedType} as events of type {@code eventType}, their data passed
     * through {@code migration} first: an event type renamed ({@code upcast("FundsAdded", "MoneyDeposited",
     * data -> data)}), or an event's stored shape changed in place ({@code upcast("MoneyDeposited",
     * "MoneyDeposited", ...)}). Events are never rewritten in the store: the migration runs at every replay,
     * and an in-place one also sees the events stored in the new shape, so it must leave those as they are:
     *
     * <pre>{@code
     * .upcast("MoneyDeposited", "MoneyDeposited", data -> {
     *   if (data.containsKey("amount")) { // stored before the field became "value"
     *     data.put("value", data.remove("amount"));
     *   }
     *   return data;
     * })
     * }</pre>
     *
     * Renames chain ({@code A} to {@code B}, {@code B} to {@code C}: an {@code A} is read as a {@code C}, each
     * migration in turn); each chain must end at an event with a handler. Upcasts shared with projections and
     * policies are built once as {@link EventUpcasts} and given with {@link #upcasts}; this builder's own apply to
     * this aggregate type's events only. A migration gets a deep copy of the data it may change anywhere and
     * returns the data to read (a failure or {@code null} fails the replay as the behaviour's,
     * {@code BEHAVIOR_FAILED}, naming the upcast); it is pure, and called from any thread. Old snapshots stay
     * valid: change the {@link #schema} when the migration changes states that were already folded.
     *
     * @param storedType the event type as stored
     * @param eventType the event type to read it as: {@code storedType} itself, or another; the end of the
     *     chain needs a {@link #event handler}
     * @param migration the stored data to the data {@code eventType}'s record reads
     * @return this builder
     * @throws InvalidInputException naming {@code storedType} when it is blank or already upcast,
     *     {@code eventType} when blank, {@code migration} when null ({@link #build()} checks the chains)
     */
    public Builder<S> upcast(String storedType, String eventType, UnaryOperator<Map<String, Object>> migration) {
      refuseUpcastTwice(sharedEveryAggregate, Checks.notBlank(storedType, "storedType"));
      upcasts.upcast(aggregateType, storedType, eventType, migration); // of this aggregate type only
      ownUpcasts.add(storedType);
      return this;
    }

    /**
     * Refuses an own upcast of a type the shared upcasts read for every aggregate type (it would take
     * precedence, and this behaviour would read the events unlike the projections and policies).
     */
    private static void refuseUpcastTwice(Set<String> upcastAlready, String storedType) {
      if (upcastAlready.contains(storedType)) {
        throw new InvalidInputException("storedType", "events of type " + storedType + " are already upcast");
      }
    }

    /**
     * Reads stored events through shared upcasts, the ones every projection and policy of the system is given
     * too, so that all of them read an old event as the same new one; as {@link #upcast} for each of them, beside
     * this builder's own. The shared upcasts of another aggregate type
     * ({@link EventUpcasts.Builder#upcast(String, String, String, UnaryOperator)}) do not apply to this one's
     * events, and those of this aggregate type take precedence over those of every aggregate type. Shared upcasts
     * of every aggregate type may rename other aggregates' events: unlike this builder's own, their chains need
     * not end at a handler of this behaviour (an event of this aggregate read as a type it has no handler for
     * fails its replay as any unknown event does, or is skipped with {@link #ignoreUnknownEvents}).
     *
     * @param shared the upcasts
     * @return this builder
     * @throws InvalidInputException naming {@code upcasts} when null, {@code storedType} when one of its types is
     *     already upcast here ({@link #build()} checks the chains against the handlers)
     */
    public Builder<S> upcasts(EventUpcasts shared) {
      Checks.notNull(shared, "upcasts").everyAggregateTypes().forEach(type -> refuseUpcastTwice(ownUpcasts, type));
      upcasts.upcasts(shared);
      sharedEveryAggregate.addAll(shared.everyAggregateTypes());
      return this;
    }

    /**
     * Skips stored events of types without a handler during replay, instead of failing the activation (the
     * default). Use it when an event type was retired on purpose.
     *
     * @return this builder
     */
    public Builder<S> ignoreUnknownEvents() {
      this.ignoreUnknownEvents = true;
      return this;
    }

    /**
     * Builds the behaviour.
     *
     * @return the behaviour
     * @throws InvalidInputException naming {@code storedType} when a renamed type still has a handler of its
     *     own, {@code eventType} when upcasts loop or a chain of this builder's own upcasts ends at a type without
     *     a handler
     */
    public JavaBehavior<S> build() {
      EventUpcasts built = upcasts.build().forAggregate(aggregateType);
      built.requireNoneRenamed(events.keySet());
      ownUpcasts.forEach(storedType -> checkEndsAtAHandler(built, storedType));
      return new JavaBehavior<>(this, built);
    }

    /** The chain of renames of an upcast type ends at a type with a handler. */
    private void checkEndsAtAHandler(EventUpcasts built, String storedType) {
      String type = built.typeOf(storedType);
      if (!events.containsKey(type)) {
        throw new InvalidInputException("eventType", "events of type " + storedType + " are upcast to "
            + type + ", which has no handler; add .event(\"" + type + "\", ...)");
      }
    }
  }
}
