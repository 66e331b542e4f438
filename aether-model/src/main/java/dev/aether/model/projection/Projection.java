package dev.aether.model.projection;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.behavior.EventUpcasts;
import dev.aether.store.EventFeed;
import dev.aether.store.ReadModelStore;
import dev.aether.support.Checks;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * A projection written in Java: one handler per event type over a typed view, kept in a {@link ReadModelStore}
 * as rows by key, fed by an {@link EventFeed} (every writer's events, at least once, from a stored position).
 *
 * <pre>{@code
 * record Balance(long amount) {}
 * record Deposited(long amount) {}
 *
 * Projection<Balance> balances = Projection.builder("balances", Balance.class)
 *     .initialView(() -> new Balance(0))
 *     .on("Account", "Deposited", Deposited.class, (view, e, event) -> new Balance(view.amount() + e.amount()))
 *     .build();
 * try (RunningProjection<Balance> running = balances.start(store, readModels)) {
 *   running.awaitCaughtUp("Account/acc-42", 3, Duration.ofSeconds(5));
 *   Optional<Balance> balance = running.get("acc-42");
 * }
 * }</pre>
 *
 * <p>Views are stored as JSON objects (Jackson data binding: records and beans with a JSON-object form).
 * Delivery is at least once and exactly-once in effect: each row remembers, per source stream, the version of
 * the last event applied, so a redelivered event changes nothing. A handler that throws skips its event
 * (counted in {@link RunningProjection#failures()}, logged); returning {@code null} removes the row.
 *
 * <p>Events are read through the projection's {@linkplain Builder#upcasts upcasts} before a handler is chosen:
 * a handler of the new type gets old events too, and both its {@code data} and its {@code event} carry the
 * upcast type and data; the stream id, version, id, command id, metadata and timestamp stay as stored, and so
 * do the checkpoints and the feed position. A migration that fails skips its event as a failing handler does.
 *
 * <p>Immutable and thread-safe; handlers run on the projection's one thread, one event at a time.
 *
 * @param <V> the view type
 */
public final class Projection<V> {

  /**
   * Computes the row key of an event.
   *
   * @param <E> the event data type
   */
  @FunctionalInterface
  public interface KeyOf<E> {
    /**
     * @param data the event's data
     * @param event the event (stream id, version, metadata as stored; type and data as the upcasts read them)
     * @return the key of the row the event updates; not blank
     */
    String key(E data, Event event);
  }

  /**
   * Applies one event to a view.
   *
   * @param <V> the view type
   * @param <E> the event data type
   */
  @FunctionalInterface
  public interface Handler<V, E> {
    /**
     * @param view the row's current view, or the initial view for a new row
     * @param data the event's data
     * @param event the event (type and data as the upcasts read them, the rest as stored)
     * @return the new view, or {@code null} to remove the row
     */
    V apply(V view, E data, Event event);
  }

  /** One handler with its key function and data type. */
  record Route<V, E>(Class<E> dataType, KeyOf<E> key, Handler<V, E> handler) {

    /**
     * Reads an event's data as the route's type.
     *
     * @param event the event as the upcasts read it
     * @param stored the event as stored: when it is another, the upcast's data is checked first
     * @throws RuntimeException when the data does not fit, naming the upcast when it left a primitive null
     */
    E read(Event event, Event stored) {
      if (event != stored) {
        EventUpcasts.requirePrimitives(dataType,
            new EventUpcasts.Upcasted(stored.eventType(), event.eventType(), event.data()));
      }
      return ViewCodec.readData(event.data(), dataType);
    }
  }

  private final String name;
  private final String schema;
  private final Class<V> viewType;
  private final Supplier<V> initialView;
  /** Per aggregate type, its routes by event type. */
  private final Map<String, Map<String, Route<V, ?>>> routes;
  private final Set<String> aggregates;
  private final EventUpcasts upcasts;

  private Projection(Builder<V> b) {
    this.name = b.name;
    this.schema = b.schema;
    this.viewType = b.viewType;
    this.initialView = b.initialView;
    Map<String, Map<String, Route<V, ?>>> byAggregate = new LinkedHashMap<>();
    b.routes.forEach((key, route) -> byAggregate
        .computeIfAbsent(key.substring(0, key.indexOf(' ')), k -> new LinkedHashMap<>())
        .put(key.substring(key.indexOf(' ') + 1), route));
    byAggregate.replaceAll((aggregate, byType) -> Map.copyOf(byType));
    this.routes = Map.copyOf(byAggregate);
    this.aggregates = Set.copyOf(byAggregate.keySet());
    this.upcasts = b.upcasts.build();
    routes.forEach((aggregate, byType) -> upcasts.forAggregate(aggregate).requireNoneRenamed(byType.keySet()));
  }

  /**
   * Starts a projection definition.
   *
   * @param name the projection's name: its rows, checkpoints and position in the read-model store; not blank
   * @param viewType the type of a row's view
   * @param <V> the view type
   * @return a builder
   * @throws InvalidInputException naming {@code name} or {@code viewType}
   */
  public static <V> Builder<V> builder(String name, Class<V> viewType) {
    return new Builder<>(Checks.notBlank(name, "name"), Checks.notNull(viewType, "viewType"));
  }

  /** @return the projection's name */
  public String name() {
    return name;
  }

  /** @return the schema tag; rows written under another tag are dropped and rebuilt at start */
  public String schema() {
    return schema;
  }

  /** @return the view type */
  public Class<V> viewType() {
    return viewType;
  }

  /** @return the aggregate types whose events the projection handles */
  public Set<String> aggregates() {
    return aggregates;
  }

  /** @return the upcasts events are read through before a handler is chosen */
  public EventUpcasts upcasts() {
    return upcasts;
  }

  V initialView() {
    return initialView.get();
  }

  /**
   * An event as the projection reads it.
   *
   * @param stored the event as stored
   * @return {@code stored}, or the upcast event when an upcast applies to its type
   * @throws IllegalStateException naming the upcast when its migration fails
   */
  Event read(Event stored) {
    return upcasts.isEmpty() ? stored : upcasts.upcast(stored);
  }

  /**
   * The routes of a stream's events, found without cutting the stream id: the aggregate types are few.
   *
   * @param streamId {@code <aggregateType>/<id>}
   * @return the routes by event type, or null when the projection handles no event of the stream
   */
  Map<String, Route<V, ?>> routes(String streamId) {
    for (Map.Entry<String, Map<String, Route<V, ?>>> entry : routes.entrySet()) {
      if (ActorKey.isOfType(streamId, entry.getKey())) {
        return entry.getValue();
      }
    }
    return null;
  }

  /**
   * Starts projecting: resumes after the position saved in {@code store} (from the beginning the first time,
   * or when the schema tag changed), on one virtual thread, until closed.
   *
   * @param feed the events (the event store, when it implements {@link EventFeed})
   * @param store where rows, checkpoints and the position are kept
   * @return the running projection
   * @throws InvalidInputException naming a null argument
   */
  public RunningProjection<V> start(EventFeed feed, ReadModelStore store) {
    return start(feed, store, null);
  }

  /**
   * Starts projecting, publishing meters ({@code aether.projection.*}, tagged with the projection's name).
   *
   * @param feed the events
   * @param store where rows, checkpoints and the position are kept
   * @param registry where meters go; {@code null} for none
   * @return the running projection
   * @throws InvalidInputException naming a null argument
   */
  public RunningProjection<V> start(EventFeed feed, ReadModelStore store, MeterRegistry registry) {
    return start(feed, store, registry, () -> true);
  }

  /**
   * Starts projecting only while {@code runsHere} holds, for a projection on a store shared by several
   * processes that should run it one at a time (a cluster runs it on one node; see
   * {@code dev.aether.runtime.ReactionPlacement}): while it does not hold, the projection reads nothing and
   * follows the position the running process saves (its rows stay readable through {@code get} and
   * {@code rows}, {@code awaitCaughtUp} and {@code idle} wait for the running process); it is asked again every
   * 250 ms while standing by (at once on {@link RunningProjection#checkRunsHere()}) and before each event while
   * running, so it stops before its next event once the condition turns. Should two processes run it at once,
   * an event both handle is applied once (per-stream checkpoints) and each row write is a compare-and-set on the
   * row the handler read ({@link ReadModelStore#putIfUnchanged}: a refused write reads the row again and handles
   * the event again), so no update is lost. A {@code rebuild} runs where the projection runs.
   *
   * @param feed the events
   * @param store where rows, checkpoints and the position are kept
   * @param registry where meters go; {@code null} for none
   * @param runsHere whether this process runs the projection now; quick and non-blocking
   * @return the running projection
   * @throws InvalidInputException naming a null argument
   */
  public RunningProjection<V> start(EventFeed feed, ReadModelStore store, MeterRegistry registry,
      BooleanSupplier runsHere) {
    return FeedProjector.start(this, Checks.notNull(feed, "feed"), Checks.notNull(store, "store"),
        registry == null ? ProjectionMeters.NONE : new ProjectionMeters(registry, name),
        Checks.notNull(runsHere, "runsHere"));
  }

  /**
   * Builds a {@link Projection}. Not thread-safe.
   *
   * @param <V> the view type
   */
  public static final class Builder<V> {

    private final String name;
    private final Class<V> viewType;
    private String schema = "1";
    private Supplier<V> initialView;
    private final Map<String, Route<V, ?>> routes = new LinkedHashMap<>();
    private final EventUpcasts.Builder upcasts = EventUpcasts.builder();

    private Builder(String name, Class<V> viewType) {
      this.name = name;
      this.viewType = viewType;
    }

    /**
     * Sets the schema tag (default {@code "1"}); change it when the view's shape or the handlers change, and
     * the rows are rebuilt from the beginning at the next start.
     *
     * @param schema the tag; not blank
     * @return this builder
     */
    public Builder<V> schema(String schema) {
      this.schema = Checks.notBlank(schema, "schema");
      return this;
    }

    /**
     * Sets the view a handler gets for a key without a row.
     *
     * @param initialView supplies a new initial view each time; it must not return {@code null}
     * @return this builder
     */
    public Builder<V> initialView(Supplier<V> initialView) {
      this.initialView = Checks.notNull(initialView, "initialView");
      return this;
    }

    /**
     * Handles one event type of one aggregate type, in the row named by the actor id (the stream id without
     * its aggregate type: {@code acc-42} for {@code Account/acc-42}).
     *
     * @param aggregateType the aggregate type
     * @param eventType the event type
     * @param dataType the type the event's data is read as (a record, a bean, or {@code Map})
     * @param handler applies the event
     * @param <E> the data type
     * @return this builder
     */
    public <E> Builder<V> on(String aggregateType, String eventType, Class<E> dataType, Handler<V, E> handler) {
      return on(aggregateType, eventType, dataType, new ActorIdKey<>(), handler);
    }

    /**
     * Handles one event type of one aggregate type, in the row its key function names.
     *
     * @param aggregateType the aggregate type
     * @param eventType the event type
     * @param dataType the type the event's data is read as
     * @param key computes the row key
     * @param handler applies the event
     * @param <E> the data type
     * @return this builder
     * @throws InvalidInputException naming the argument that is missing, or {@code eventType} when the event
     *     type of this aggregate has a handler already
     */
    public <E> Builder<V> on(String aggregateType, String eventType, Class<E> dataType, KeyOf<E> key,
        Handler<V, E> handler) {
      dev.aether.runtime.ActorKey.validAggregateType(aggregateType); // the runtime's rule: a type it can run
      Checks.notBlank(eventType, "eventType");
      Route<V, E> route = new Route<>(Checks.notNull(dataType, "dataType"), Checks.notNull(key, "key"),
          Checks.notNull(handler, "handler"));
      if (routes.putIfAbsent(aggregateType + " " + eventType, route) != null) {
        throw new InvalidInputException("eventType", aggregateType + "." + eventType + " has a handler already");
      }
      return this;
    }

    /**
     * Reads stored events of type {@code storedType} as events of type {@code eventType}, their data passed
     * through {@code migration} first, before a handler is chosen: as {@link EventUpcasts.Builder#upcast}. Give
     * the upcasts a behaviour has to every projection of its events, best as one shared {@link EventUpcasts}
     * ({@link #upcasts}). Changing the upcasts of a projection with rows already written does not rebuild them:
     * change the {@link #schema} too when the old events should be read again.
     *
     * @param storedType the event type as stored
     * @param eventType the event type to read it as: {@code storedType} itself, or another
     * @param migration the stored data (a deep copy it may change) to the data the handler reads
     * @return this builder
     * @throws InvalidInputException naming {@code storedType} when it is blank or already upcast,
     *     {@code eventType} when blank, {@code migration} when null
     */
    public Builder<V> upcast(String storedType, String eventType, UnaryOperator<Map<String, Object>> migration) {
      upcasts.upcast(storedType, eventType, migration);
      return this;
    }

    /**
     * As {@link #upcast(String, String, String, UnaryOperator)} for the events of one aggregate type only
     * ({@link EventUpcasts.Builder#upcast(String, String, String, UnaryOperator)}): another aggregate type's events
     * of {@code storedType} are read as they are.
     *
     * @param aggregateType the aggregate type whose events are upcast
     * @param storedType the event type as stored
     * @param eventType the event type to read it as: {@code storedType} itself, or another
     * @param migration the stored data (a deep copy it may change) to the data the handler reads
     * @return this builder
     * @throws InvalidInputException naming {@code aggregateType} when it is no valid aggregate type,
     *     {@code storedType} when it is blank or already upcast for that aggregate type, {@code eventType} when
     *     blank, {@code migration} when null
     */
    public Builder<V> upcast(String aggregateType, String storedType, String eventType,
        UnaryOperator<Map<String, Object>> migration) {
      upcasts.upcast(aggregateType, storedType, eventType, migration);
      return this;
    }

    /**
     * Reads stored events through shared upcasts (the ones the behaviour and the policies of these events are
     * given too), beside this builder's own {@link #upcast}s.
     *
     * @param shared the upcasts
     * @return this builder
     * @throws InvalidInputException naming {@code upcasts} when null, {@code storedType} when one of its types is
     *     already upcast here
     */
    public Builder<V> upcasts(EventUpcasts shared) {
      upcasts.upcasts(shared);
      return this;
    }

    /**
     * Builds the projection.
     *
     * @return the projection
     * @throws InvalidInputException naming {@code initialView} when it was not set, {@code on} when no
     *     handler was added, {@code eventType} when the upcasts loop, or {@code storedType} when a handled type is
     *     renamed by the upcasts (its handler would never run)
     */
    public Projection<V> build() {
      if (initialView == null) {
        throw new InvalidInputException("initialView", "is required: the view of a key without a row");
      }
      if (routes.isEmpty()) {
        throw new InvalidInputException("on", "a projection needs at least one event handler");
      }
      return new Projection<>(this);
    }
  }

  /** @return the actor id of an event's stream: the part after the aggregate type */
  static String actorIdOf(Event event) {
    String streamId = event.streamId();
    return streamId.substring(streamId.indexOf('/') + 1);
  }

  /**
   * The default key, {@link #actorIdOf}, remembering the last stream id it cut (the very string) and its actor
   * id: the events of a commit share one stream id string, so a row key is cut once per commit instead of
   * once per event. Thread-safe: a racy field holding an immutable pair; a miss only costs the cut.
   */
  static final class ActorIdKey<E> implements KeyOf<E> {

    /** A stream id and its actor id. */
    private record Cut(String streamId, String actorId) {}

    private Cut last;

    @Override
    public String key(E data, Event event) {
      String streamId = event.streamId();
      Cut cut = last;
      if (cut != null && cut.streamId() == streamId) {
        return cut.actorId();
      }
      String actorId = actorIdOf(event);
      last = new Cut(streamId, actorId);
      return actorId;
    }
  }
}
