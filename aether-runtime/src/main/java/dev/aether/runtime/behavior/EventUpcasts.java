package dev.aether.runtime.behavior;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.runtime.ActorKey;
import dev.aether.support.Checks;
import dev.aether.support.JsonValues;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;
import java.util.function.UnaryOperator;

/**
 * The upcasts of a system's stored events, built once and given to every reader of events: a {@link JavaBehavior}
 * ({@code .upcasts(shared)}), a Java projection and a Java policy of aether-model, so that all of them read an
 * old event as the new one (Axon's upcaster chain, Pekko's event adapters). Stored events are never rewritten.
 *
 * <pre>{@code
 * EventUpcasts upcasts = EventUpcasts.builder()
 *     .upcast("FundsAdded", "MoneyDeposited", data -> data) // a type renamed
 *     .upcast("MoneyDeposited", "MoneyDeposited", data -> { // a field renamed in place
 *       if (data.containsKey("amount")) {
 *         data.put("value", data.remove("amount"));
 *       }
 *       return data;
 *     })
 *     .build();
 * }</pre>
 *
 * An upcast reads stored events of one type as another type (a rename) or as the same type (a change of shape),
 * their data passed through a migration first, one event to one event. Renames chain ({@code A} to {@code B},
 * {@code B} to {@code C}: an {@code A} is read as a {@code C}, each migration in turn; an in-place upcast of the
 * last type ends the chain). A migration gets a deep copy of the data it may change anywhere and returns the data
 * to read; it also sees events already stored in the new shape, so it must leave those as they are.
 *
 * <p>An upcast applies to the events of every aggregate type, or of one
 * ({@link Builder#upcast(String, String, String, UnaryOperator) upcast("Customer", "Opened", "CustomerOpened",
 * ...)}: two aggregates may both have an {@code Opened} event, and only one of them renamed). For the events of
 * an aggregate type, its own upcast of a stored type takes precedence over one of every aggregate type, and its
 * chains of renames go on through both. {@link #upcast(Event)} picks by the event's stream id;
 * {@link #forAggregate} gives the upcasts one aggregate type's events are read with (a behaviour's).
 *
 * <p>Immutable and thread-safe; migrations must be pure, as they run on any thread, at every read.
 */
public final class EventUpcasts {

  private static final EventUpcasts NONE = new EventUpcasts(Map.of(), Map.of(), null);

  /** The names of a record's primitive components (none for a class that is no record). */
  private static final ClassValue<List<String>> PRIMITIVES = new ClassValue<>() {
    @Override
    protected List<String> computeValue(Class<?> type) {
      return type.isRecord() ? Arrays.stream(type.getRecordComponents())
          .filter(c -> c.getType().isPrimitive()).map(RecordComponent::getName).toList() : List.of();
    }
  };

  /** The upcasts of every aggregate type, by stored type. */
  private final Map<String, Upcast> byStoredType;
  /** The upcasts of one aggregate type, by aggregate type, then by stored type. */
  private final Map<String, Map<String, Upcast>> byAggregate;
  /** How an aggregate type without upcasts of its own is read: these upcasts when none has any. */
  private final EventUpcasts everyAggregate;
  /** How each aggregate type with upcasts of its own is read: those over the ones of every aggregate type. */
  private final Map<String, EventUpcasts> views;
  /** {@code views}' aggregate types and views side by side, for a stream id's lookup without cutting it. */
  private final String[] viewTypes;
  private final EventUpcasts[] viewUpcasts;
  /** The aggregate type this value is the reading of ({@link #forAggregate}), its upcasts merged; else null. */
  private final String viewOf;

  private EventUpcasts(Map<String, Upcast> byStoredType, Map<String, Map<String, Upcast>> byAggregate,
      String viewOf) {
    this.viewOf = viewOf;
    this.byStoredType = Collections.unmodifiableMap(new LinkedHashMap<>(byStoredType)); // in declaration order
    Map<String, Map<String, Upcast>> scoped = new LinkedHashMap<>();
    byAggregate.forEach((type, own) -> scoped.put(type, Collections.unmodifiableMap(new LinkedHashMap<>(own))));
    this.byAggregate = Collections.unmodifiableMap(scoped);
    this.everyAggregate = scoped.isEmpty() ? this
        : byStoredType.isEmpty() ? NONE : new EventUpcasts(byStoredType, Map.of(), null);
    Map<String, EventUpcasts> read = new LinkedHashMap<>();
    scoped.forEach((type, own) -> {
      Map<String, Upcast> merged = new LinkedHashMap<>(byStoredType);
      merged.putAll(own);
      read.put(type, new EventUpcasts(merged, Map.of(), type));
    });
    this.views = Collections.unmodifiableMap(read);
    this.viewTypes = read.keySet().toArray(String[]::new);
    this.viewUpcasts = read.values().toArray(EventUpcasts[]::new);
  }

  /** @return upcasts that read every event as stored */
  public static EventUpcasts none() {
    return NONE;
  }

  /** @return a builder of upcasts, empty */
  public static Builder builder() {
    return new Builder();
  }

  /** @return whether no upcast is set: every event is read as stored */
  public boolean isEmpty() {
    return byStoredType.isEmpty() && byAggregate.isEmpty();
  }

  /**
   * @return the stored event types that are upcast (renamed or migrated in place) for the events of every
   *     aggregate type or of some, in declaration order
   */
  public Set<String> storedTypes() {
    if (byAggregate.isEmpty()) {
      return byStoredType.keySet();
    }
    Set<String> types = new LinkedHashSet<>(byStoredType.keySet());
    byAggregate.values().forEach(own -> types.addAll(own.keySet()));
    return Collections.unmodifiableSet(types);
  }

  /** @return the stored types upcast for the events of every aggregate type (not of one only) */
  Set<String> everyAggregateTypes() {
    return byStoredType.keySet();
  }

  /**
   * The upcasts the events of one aggregate type are read with: its own, over those of every aggregate type.
   * Every method of the result applies to that aggregate type's events ({@link #typeOf}, {@link #upcast}); it is
   * no set of upcasts to share ({@link Builder#upcasts} refuses it: its aggregate type's upcasts would apply to
   * every aggregate type's events there).
   *
   * @param aggregateType an aggregate type
   * @return its upcasts (none of its own: those of every aggregate type)
   * @throws InvalidInputException naming {@code aggregateType} when null
   */
  public EventUpcasts forAggregate(String aggregateType) {
    return views.getOrDefault(Checks.notNull(aggregateType, "aggregateType"), everyAggregate);
  }

  /**
   * The upcasts the events of a stream are read with: as {@link #forAggregate} of its aggregate type (the part
   * of {@code <aggregateType>/<actorId>} before the first {@code /}), found without cutting the id.
   *
   * @param streamId a stream id
   * @return the upcasts of its aggregate type
   * @throws InvalidInputException naming {@code streamId} when null
   */
  public EventUpcasts forStream(String streamId) {
    Checks.notNull(streamId, "streamId");
    for (int i = 0; i < viewTypes.length; i++) {
      if (ActorKey.isOfType(streamId, viewTypes[i])) {
        return viewUpcasts[i];
      }
    }
    return everyAggregate;
  }

  /**
   * The type an event stored as {@code storedType} is read as, without migrating anything: the end of its
   * chain of renames, or {@code storedType} itself. Only the upcasts of every aggregate type apply; those of one
   * apply through {@link #forAggregate}.
   *
   * @param storedType an event type as stored
   * @return the type it is read as
   * @throws InvalidInputException naming {@code storedType} when null
   */
  public String typeOf(String storedType) {
    String type = Checks.notNull(storedType, "storedType");
    for (Upcast up = byStoredType.get(type); up != null && !up.eventType().equals(type); ) {
      type = up.eventType();
      up = byStoredType.get(type);
    }
    return type;
  }

  /**
   * Refuses a reader's handler of a type these upcasts rename: its events are read as the new type, so the
   * handler would never run (a behaviour, projection or policy calls it when built).
   *
   * @param handledTypes the event types the reader has handlers of
   * @throws InvalidInputException naming {@code storedType} for the first handled type that is renamed
   */
  public void requireNoneRenamed(Collection<String> handledTypes) {
    for (String handled : handledTypes) {
      String type = typeOf(handled);
      if (!type.equals(handled)) {
        throw new InvalidInputException("storedType", "events of type " + handled + " are upcast to " + type
            + " and also handled as " + handled + ": remove one (upcast it to " + handled + " itself to change"
            + " its data)");
      }
    }
  }

  /**
   * Reads a stored event's type and data through the upcasts of every aggregate type (those of one apply
   * through {@link #forAggregate}, or {@link #upcast(Event)}).
   *
   * @param storedType the event type as stored
   * @param data the data as stored; not changed
   * @return the type and data to read; {@code data} itself when no upcast applies
   * @throws InvalidInputException naming a null argument
   * @throws IllegalStateException naming the upcast when its migration throws, returns {@code null} or returns
   *     data that is not JSON values (maps, lists, strings, numbers, booleans, nulls)
   */
  public Upcasted upcast(String storedType, Map<String, Object> data) {
    Checks.notNull(storedType, "storedType");
    Checks.notNull(data, "data");
    String type = storedType;
    Map<String, Object> read = data;
    for (Upcast up = byStoredType.get(type); up != null; ) {
      read = up.migrate(type, read);
      boolean renamed = !up.eventType().equals(type);
      type = up.eventType();
      up = renamed ? byStoredType.get(type) : null; // a chain of renames (acyclic: checked by build())
    }
    return new Upcasted(storedType, type, read);
  }

  /**
   * Reads a stored event through the upcasts of its aggregate type ({@link #forStream}): an event of the type
   * and data to read, with everything else as stored (id, stream id, version, command id, metadata, timestamp).
   *
   * @param stored the event as stored
   * @return {@code stored} itself when no upcast applies to its type, else the upcast event
   * @throws InvalidInputException naming {@code stored} when null
   * @throws IllegalStateException naming the upcast when its migration throws, returns {@code null} or returns
   *     data an event cannot hold
   */
  public Event upcast(Event stored) {
    Checks.notNull(stored, "stored");
    if (!byAggregate.isEmpty()) {
      return forStream(stored.streamId()).upcast(stored);
    }
    if (!byStoredType.containsKey(stored.eventType())) {
      return stored;
    }
    Upcasted read = upcast(stored.eventType(), stored.data());
    try {
      return stored.toBuilder().eventType(read.eventType()).data(read.data()).build();
    } catch (RuntimeException e) {
      throw new IllegalStateException(read.name() + " returned data an event cannot hold: " + e.getMessage(), e);
    }
  }

  /**
   * Refuses an upcast's data holding {@code null} for a primitive component of the record it is read as: no
   * record writes one, so it is a migration's slip (an in-place upcast that moved a field the event, already in
   * the new shape, did not have), which a tolerant read would turn into a silent {@code 0}. Every reader calls
   * it before reading upcast data as a record.
   *
   * @param record the class the data is read as (nothing is checked for a class that is no record)
   * @param upcasted the upcast's result
   * @throws IllegalArgumentException naming the upcast and the field
   */
  public static void requirePrimitives(Class<?> record, Upcasted upcasted) {
    Map<String, Object> data = upcasted.data();
    for (String name : PRIMITIVES.get(record)) {
      if (data.containsKey(name) && data.get(name) == null) {
        throw new IllegalArgumentException(upcasted.name() + " left data." + name + " null, which "
            + record.getSimpleName() + "'s primitive cannot hold: an in-place upcast must leave events already"
            + " in the new shape as they are (test for the old field first)");
      }
    }
  }

  @Override
  public String toString() {
    StringJoiner text = new StringJoiner(", ", "EventUpcasts[", "]");
    byStoredType.forEach((stored, up) -> text.add(stored + " -> " + up.eventType()));
    byAggregate.forEach((type, own) -> own.forEach((stored, up) -> text.add(type + ": " + stored + " -> "
        + up.eventType())));
    return text.toString();
  }

  /**
   * A stored event's type and data as the upcasts read them.
   *
   * @param storedType the type as stored
   * @param eventType the type to read it as
   * @param data the data to read (the stored data itself when no upcast applied)
   */
  public record Upcasted(String storedType, String eventType, Map<String, Object> data) {

    /**
     * Checks the components.
     *
     * @throws InvalidInputException naming a null component
     */
    public Upcasted {
      Checks.notNull(storedType, "storedType");
      Checks.notNull(eventType, "eventType");
      Checks.notNull(data, "data");
    }

    /** @return how messages name the upcast: {@code the upcast of <storedType> to <eventType>} */
    public String name() {
      return "the upcast of " + storedType + " to " + eventType;
    }
  }

  /** Stored events of one type are read as {@code eventType}, their data migrated first. */
  private record Upcast(String eventType, UnaryOperator<Map<String, Object>> migration) {

    @SuppressWarnings("unchecked")
    Map<String, Object> migrate(String storedType, Map<String, Object> data) {
      Map<String, Object> migrated;
      try {
        migrated = migration.apply((Map<String, Object>) mutableCopy(data));
      } catch (RuntimeException e) {
        throw new IllegalStateException("the upcast of " + storedType + " to " + eventType + " failed: " + e, e);
      }
      if (migrated == null) {
        throw new IllegalStateException("the upcast of " + storedType + " to " + eventType + " returned null");
      }
      try { // JSON values only, as stored data holds: every reader (behaviour, projection, policy) reads the same
        return JsonValues.copyObject(migrated, "data");
      } catch (RuntimeException e) {
        throw new IllegalStateException("the upcast of " + storedType + " to " + eventType + " returned data an"
            + " event cannot hold: " + e.getMessage() + " (a java.time value goes in as its ISO-8601 text)", e);
      }
    }

    /** A deep copy the migration may change anywhere (stored data is immutable; its depth is bounded). */
    private static Object mutableCopy(Object value) {
      if (value instanceof Map<?, ?> map) {
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((key, item) -> copy.put((String) key, mutableCopy(item)));
        return copy;
      }
      if (value instanceof List<?> list) {
        List<Object> copy = new ArrayList<>(list.size());
        list.forEach(item -> copy.add(mutableCopy(item)));
        return copy;
      }
      return value;
    }
  }

  /**
   * Builds {@link EventUpcasts}. Not thread-safe. Each method refuses a bad argument at once with an
   * {@link InvalidInputException} naming it.
   */
  public static final class Builder {

    private final Map<String, Upcast> byStoredType = new LinkedHashMap<>();
    private final Map<String, Map<String, Upcast>> byAggregate = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Reads stored events of type {@code storedType} as events of type {@code eventType}, their data passed
     * through {@code migration} first: an event type renamed ({@code upcast("FundsAdded", "MoneyDeposited",
     * data -> data)}), or an event's stored shape changed in place ({@code upcast("MoneyDeposited",
     * "MoneyDeposited", ...)}, which must leave events already in the new shape as they are). A migration that
     * throws or returns {@code null} fails the read naming the upcast.
     *
     * @param storedType the event type as stored
     * @param eventType the event type to read it as: {@code storedType} itself, or another
     * @param migration the stored data (a deep copy it may change) to the data {@code eventType}'s record reads
     * @return this builder
     * @throws InvalidInputException naming {@code storedType} when it is blank or already upcast,
     *     {@code eventType} when blank, {@code migration} when null
     */
    public Builder upcast(String storedType, String eventType, UnaryOperator<Map<String, Object>> migration) {
      Checks.notBlank(storedType, "storedType");
      Upcast up = new Upcast(Checks.notBlank(eventType, "eventType"), Checks.notNull(migration, "migration"));
      add(byStoredType, null, storedType, up);
      return this;
    }

    /**
     * As {@link #upcast(String, String, String, UnaryOperator)} for the events of one aggregate type only: the
     * events of that type stored by other aggregate types are read as they are (or through an upcast of every
     * aggregate type), and for this aggregate type's events it takes precedence over an upcast of every
     * aggregate type of the same stored type.
     *
     * @param aggregateType the aggregate type whose events are upcast
     * @param storedType the event type as stored
     * @param eventType the event type to read it as: {@code storedType} itself, or another
     * @param migration the stored data (a deep copy it may change) to the data {@code eventType}'s record reads
     * @return this builder
     * @throws InvalidInputException naming {@code aggregateType} when it is no valid aggregate type,
     *     {@code storedType} when it is blank or already upcast for that aggregate type, {@code eventType} when
     *     blank, {@code migration} when null
     */
    public Builder upcast(String aggregateType, String storedType, String eventType,
        UnaryOperator<Map<String, Object>> migration) {
      ActorKey.validAggregateType(aggregateType);
      Checks.notBlank(storedType, "storedType");
      Upcast up = new Upcast(Checks.notBlank(eventType, "eventType"), Checks.notNull(migration, "migration"));
      add(byAggregate.computeIfAbsent(aggregateType, type -> new LinkedHashMap<>()), aggregateType, storedType, up);
      return this;
    }

    /**
     * Adds every upcast of a built value (shared upcasts, beside this builder's own).
     *
     * @param upcasts the upcasts to add
     * @return this builder
     * @throws InvalidInputException naming {@code upcasts} when null or one aggregate type's reading
     *     ({@link #forAggregate}), {@code storedType} when one of its types is already upcast here
     */
    public Builder upcasts(EventUpcasts upcasts) {
      if (Checks.notNull(upcasts, "upcasts").viewOf != null) {
        throw new InvalidInputException("upcasts", "are how aggregate type " + upcasts.viewOf + " reads its events"
            + " (forAggregate, forStream), with its own upcasts applied to every event type: give the upcasts"
            + " they came from");
      }
      upcasts.byStoredType.forEach((stored, up) -> add(byStoredType, null, stored, up));
      upcasts.byAggregate.forEach((type, own) -> own.forEach((stored, up) ->
          add(byAggregate.computeIfAbsent(type, t -> new LinkedHashMap<>()), type, stored, up)));
      return this;
    }

    private static void add(Map<String, Upcast> to, String aggregateType, String storedType, Upcast up) {
      if (to.putIfAbsent(storedType, up) != null) {
        throw new InvalidInputException("storedType", "events of type " + storedType
            + (aggregateType == null ? "" : " of aggregate type " + aggregateType) + " are already upcast");
      }
    }

    /**
     * Builds the upcasts.
     *
     * @return the upcasts
     * @throws InvalidInputException naming {@code eventType} when renames loop ({@code A -> B -> A})
     */
    public EventUpcasts build() {
      byStoredType.forEach((stored, up) -> checkNoLoop(byStoredType, stored, up));
      byAggregate.values().forEach(own -> {
        Map<String, Upcast> read = new LinkedHashMap<>(byStoredType);
        read.putAll(own);
        read.forEach((stored, up) -> checkNoLoop(read, stored, up));
      });
      return byStoredType.isEmpty() && byAggregate.isEmpty() ? NONE
          : new EventUpcasts(byStoredType, byAggregate, null);
    }

    private static void checkNoLoop(Map<String, Upcast> byStoredType, String storedType, Upcast first) {
      List<String> chain = new ArrayList<>(List.of(storedType));
      for (Upcast up = first; up != null; ) {
        String next = up.eventType();
        if (next.equals(chain.getLast())) {
          return; // an in-place migration ends the chain
        }
        if (chain.contains(next)) {
          throw new InvalidInputException("eventType", "the upcasts loop: " + String.join(" -> ", chain) + " -> "
              + next);
        }
        chain.add(next);
        up = byStoredType.get(next);
      }
    }
  }
}
