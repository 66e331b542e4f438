package dev.aether.model.exec;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.model.projection.ViewCodec;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandGateway;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.behavior.EventUpcasts;
import dev.aether.store.EventFeed;
import dev.aether.store.EventStore;
import dev.aether.store.ReadModelStore;
import dev.aether.support.Checks;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A policy written in Java: when an event of a given aggregate and type is stored, by any writer, send a command
 * (Axon's event handler that sends a command, a saga's step; the model's {@code policies} for code). It runs on
 * the same machinery as a model's policies ({@code docs/model.md}, "Policies"): a durable shared group of the
 * event feed, so every event is handled at least once, by one member at a time of all the processes that run the
 * policy, resumed by another after a crash; the command's id is derived from the policy's name and the event's id
 * ({@link #commandId}), so a redelivery is answered as a duplicate and applied once; a command answered
 * {@code NOT_RUNNING} (the gateway stopped: its cluster node closed, or the node's connection closed, before the
 * policy) is handed back at once to the group's other members, and this one takes no more events while its
 * gateway is not running (it tries one every 2 s at most); another transient rejection is retried with back-off,
 * a business rejection (or the 30th attempt, or a reaction that throws) becomes a {@link DeadLetter} in the given read-model store (a table of Java policies' own), to replay or discard.
 *
 * <pre>{@code
 * record TransferSent(String to, long amount) {}
 *
 * Policy credit = Policy.builder("credit-transfers")
 *     .on("Account", "TransferSent", TransferSent.class, (sent, event) -> RuntimeMessage.of("Account", sent.to(),
 *         "ReceiveTransfer", Map.of("amount", sent.amount(), "from", event.streamId())))
 *     .build();
 * try (RunningPolicy running = credit.start(eventStore, runtime, readModels)) {
 *   ...
 * }
 * }</pre>
 *
 * <p>The command a reaction returns gives the target, the command's name and its payload; its id and metadata
 * are the policy's: causation = the event's id, correlation = the event's correlation id (else the id of the
 * command that stored the event, else the event's id), user and trace ids = the event's. Reactions run on the
 * policy's one thread, one event at a time; order across streams is not kept on redelivery.
 *
 * <p>Events are read through the policy's {@linkplain Builder#upcasts upcasts} before a reaction is chosen: a
 * reaction to the new type gets old events too, and both its {@code data} and its {@code event} carry the upcast
 * type and data; the event's id (so the command's id), stream id, version, command id, metadata and timestamp
 * stay as stored, and so does what the group acknowledges. A migration that fails dead-letters its event, as a
 * reaction that throws does, naming the upcast; a dead letter names the event as stored.
 *
 * <p>Immutable and thread-safe.
 */
public final class Policy {

  /**
   * The command a policy sends for one event.
   *
   * @param <E> the event data type
   */
  @FunctionalInterface
  public interface Reaction<E> {
    /**
     * @param data the event's data, read as the route's data type
     * @param event the event (stream id, version, metadata as stored; type and data as the upcasts read them)
     * @return the command to send (target, name, payload), or {@code null} to send none for this event
     */
    RuntimeMessage react(E data, Event event);
  }

  /** One reaction with its data type. */
  private record Route<E>(Class<E> dataType, Reaction<E> reaction) {

    /**
     * Reacts to an event as the upcasts read it; when it is not the stored one, its data is checked first. Data
     * its record cannot read fails as {@link Unreadable}, not as the reaction's failure.
     */
    RuntimeMessage react(Event event, Event stored) {
      E data;
      try {
        if (event != stored) {
          EventUpcasts.requirePrimitives(dataType,
              new EventUpcasts.Upcasted(stored.eventType(), event.eventType(), event.data()));
        }
        data = ViewCodec.readData(event.data(), dataType);
      } catch (IllegalArgumentException e) {
        throw new Unreadable(e);
      }
      return reaction.react(data, event);
    }
  }

  private final String name;
  private final boolean startsAtEnd;
  /** Per aggregate type, its routes by event type. */
  private final Map<String, Map<String, Route<?>>> routes;
  private final EventUpcasts upcasts;

  private Policy(Builder b) {
    this.name = b.name;
    this.upcasts = b.upcasts.build();
    b.routes.forEach((aggregate, byType) -> upcasts.forAggregate(aggregate).requireNoneRenamed(byType.keySet()));
    this.startsAtEnd = b.startsAtEnd;
    Map<String, Map<String, Route<?>>> byAggregate = new LinkedHashMap<>();
    b.routes.forEach((aggregate, byType) -> byAggregate.put(aggregate, Map.copyOf(byType)));
    this.routes = Map.copyOf(byAggregate);
  }

  /**
   * Starts a policy definition.
   *
   * @param name the policy's name: its shared group, its dead letters, its meters and its commands' ids; not
   *     blank. Renaming a policy starts a new group (from the beginning of the feed, or its end with {@link
   *     Builder#startAtEnd()}) and gives its commands other ids.
   * @return a builder
   * @throws InvalidInputException naming {@code name} when blank
   */
  public static Builder builder(String name) {
    return new Builder(Checks.notBlank(name, "name"));
  }

  /** @return the policy's name */
  public String name() {
    return name;
  }

  /**
   * The id of the command this policy sends for an event: a name-based UUID of the policy's name and the event's
   * id, the same on every delivery (so a redelivery is answered as a duplicate), in a namespace of Java policies'
   * own (never a model's policy's, whatever their names).
   *
   * @param eventId the event's id
   * @return the command id
   * @throws InvalidInputException naming {@code eventId} when null
   */
  public String commandId(String eventId) {
    return PolicyRunner.javaCommandId(name, Checks.notNull(eventId, "eventId"));
  }

  /** @return the aggregate types whose events the policy reacts to */
  public Set<String> aggregates() {
    return routes.keySet();
  }

  /** @return the upcasts events are read through before a reaction is chosen */
  public EventUpcasts upcasts() {
    return upcasts;
  }

  /**
   * Starts running the policy in this process, as one member of its shared group: at the group's stored position
   * (where any member left it), or, the first time, at the beginning of the feed (its end with {@link
   * Builder#startAtEnd()}).
   *
   * @param events the event store, which must also be its {@link EventFeed} ({@code JetStreamEventStore},
   *     {@code InMemoryEventStore})
   * @param gateway where the commands go: the runtime, or a cluster node's gateway
   * @param deadLetters where dead letters are kept (shared with the model's policies' when it is the runtime's
   *     read-model store)
   * @return the running policy; close it to stop
   * @throws InvalidInputException naming a null argument, or {@code events} when it is no event feed
   */
  public RunningPolicy start(EventStore events, CommandGateway gateway, ReadModelStore deadLetters) {
    return start(events, gateway, deadLetters, null);
  }

  /**
   * Starts running the policy, publishing its meters ({@code aether.policy.deliveries} by outcome,
   * {@code aether.policy.backlog}, tagged with the policy's name).
   *
   * @param events the event store, which must also be its {@link EventFeed}
   * @param gateway where the commands go
   * @param deadLetters where dead letters are kept
   * @param registry where meters go; {@code null} for none
   * @return the running policy
   * @throws InvalidInputException naming a null argument, or {@code events} when it is no event feed
   */
  public RunningPolicy start(EventStore events, CommandGateway gateway, ReadModelStore deadLetters,
      MeterRegistry registry) {
    if (!(Checks.notNull(events, "events") instanceof EventFeed feed)) {
      throw new InvalidInputException("events", "must also be an EventFeed (JetStreamEventStore and "
          + "InMemoryEventStore are): a policy reads every writer's events from it");
    }
    DeadLetterStore letters = new DeadLetterStore(Checks.notNull(deadLetters, "deadLetters"),
        DeadLetterStore.JAVA_TABLE);
    PolicyRunner runner = new PolicyRunner(List.of(definition()), PolicyRunner::javaGroup,
        "this running policy", Checks.notNull(gateway, "gateway"), feed, events, letters, Clock.systemUTC(),
        registry);
    runner.start();
    return new RunningJavaPolicy(name, runner, letters);
  }

  /** @return the policy as its runner sees it */
  PolicyDefinition definition() {
    return new Definition();
  }

  /** The policy as its runner sees it. */
  private final class Definition implements PolicyDefinition {

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean startsNow() {
      return startsAtEnd;
    }

    @Override
    public boolean reactsTo(Event event) {
      return route(event.streamId(), upcasts.forStream(event.streamId()).typeOf(event.eventType())) != null;
    }

    @Override
    public RuntimeMessage.Builder command(Event event) {
      Event read;
      try {
        read = upcasts.upcast(event);
      } catch (IllegalStateException e) {
        throw new Unreadable(e);
      }
      RuntimeMessage sent = route(read.streamId(), read.eventType()).react(read, event);
      return sent == null ? null : RuntimeMessage.builder(sent.aggregateType(), sent.actorId(), sent.command())
          .payload(sent.payload());
    }

    @Override
    public String commandId(String eventId) {
      return PolicyRunner.javaCommandId(name, eventId);
    }

    @Override
    public String failure(RuntimeException e) {
      return e instanceof Unreadable ? "the policy could not read the event: " + e.getMessage()
          : "the policy's reaction failed: " + e;
    }

    private Route<?> route(String streamId, String eventType) {
      int slash = streamId.indexOf('/');
      Map<String, Route<?>> byType = slash < 0 ? null : routes.get(streamId.substring(0, slash));
      return byType == null ? null : byType.get(eventType);
    }
  }

  /**
   * A migration of the policy's upcasts failed, or the event's data does not fit the reaction's record: the dead
   * letter says so, not "the reaction failed".
   */
  private static final class Unreadable extends RuntimeException {
    Unreadable(RuntimeException cause) {
      super(cause.getMessage(), cause);
    }
  }

  /** Builds a {@link Policy}. Not thread-safe. */
  public static final class Builder {

    private final String name;
    private boolean startsAtEnd;
    private final Map<String, Map<String, Route<?>>> routes = new LinkedHashMap<>();
    private final EventUpcasts.Builder upcasts = EventUpcasts.builder();

    private Builder(String name) {
      this.name = name;
    }

    /**
     * Reacts to one event type of one aggregate type.
     *
     * @param aggregateType the aggregate type whose events it reacts to
     * @param eventType the event type
     * @param dataType the type the event's data is read as (a record, a bean, or {@code Map}); data that does
     *     not fit it dead-letters the event
     * @param reaction computes the command
     * @param <E> the data type
     * @return this builder
     * @throws InvalidInputException naming the argument that is missing or not a valid aggregate type, or
     *     {@code eventType} when that event already has a reaction
     */
    public <E> Builder on(String aggregateType, String eventType, Class<E> dataType, Reaction<E> reaction) {
      ActorKey.validAggregateType(aggregateType);
      Checks.notBlank(eventType, "eventType");
      Route<E> route = new Route<>(Checks.notNull(dataType, "dataType"), Checks.notNull(reaction, "reaction"));
      if (routes.computeIfAbsent(aggregateType, k -> new LinkedHashMap<>()).putIfAbsent(eventType, route) != null) {
        throw new InvalidInputException("eventType", aggregateType + "." + eventType + " has a reaction already");
      }
      return this;
    }

    /**
     * Starts the policy's first run at the end of the feed: events stored before its group first exists get no
     * command (a policy added to a system with a history). By default a first run starts at the beginning.
     *
     * @return this builder
     */
    public Builder startAtEnd() {
      this.startsAtEnd = true;
      return this;
    }

    /**
     * Reads stored events of type {@code storedType} as events of type {@code eventType}, their data passed
     * through {@code migration} first, before a reaction is chosen: as {@link EventUpcasts.Builder#upcast}. Give
     * the upcasts a behaviour has to every policy of its events, best as one shared {@link EventUpcasts}
     * ({@link #upcasts}).
     *
     * @param storedType the event type as stored
     * @param eventType the event type to read it as: {@code storedType} itself, or another
     * @param migration the stored data (a deep copy it may change) to the data the reaction reads
     * @return this builder
     * @throws InvalidInputException naming {@code storedType} when it is blank or already upcast,
     *     {@code eventType} when blank, {@code migration} when null
     */
    public Builder upcast(String storedType, String eventType, UnaryOperator<Map<String, Object>> migration) {
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
     * @param migration the stored data (a deep copy it may change) to the data the reaction reads
     * @return this builder
     * @throws InvalidInputException naming {@code aggregateType} when it is no valid aggregate type,
     *     {@code storedType} when it is blank or already upcast for that aggregate type, {@code eventType} when
     *     blank, {@code migration} when null
     */
    public Builder upcast(String aggregateType, String storedType, String eventType,
        UnaryOperator<Map<String, Object>> migration) {
      upcasts.upcast(aggregateType, storedType, eventType, migration);
      return this;
    }

    /**
     * Reads stored events through shared upcasts (the ones the behaviour and the projections of these events are
     * given too), beside this builder's own {@link #upcast}s.
     *
     * @param shared the upcasts
     * @return this builder
     * @throws InvalidInputException naming {@code upcasts} when null, {@code storedType} when one of its types is
     *     already upcast here
     */
    public Builder upcasts(EventUpcasts shared) {
      upcasts.upcasts(shared);
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the policy
     * @throws InvalidInputException naming {@code on} when no reaction was added, {@code eventType} when the
     *     upcasts loop, or {@code storedType} when a type with a reaction is renamed by the upcasts (its reaction
     *     would never run)
     */
    public Policy build() {
      if (routes.isEmpty()) {
        throw new InvalidInputException("on", "a policy needs at least one reaction");
      }
      return new Policy(this);
    }
  }
}
