package dev.aether.runtime;

import dev.aether.InvalidInputException;
import dev.aether.runtime.spi.Behavior;
import java.util.Set;

/**
 * What the VMs of one aggregate type share: the behaviour, its snapshot schema tag and command names, its
 * meters, and the runtime's services. Immutable.
 *
 * @param <S> the behaviour's state type
 */
final class AggregateContext<S> {

  /** Prefix of snapshot schema tags: the version of the runtime's snapshot envelope. */
  static final String SNAPSHOT_FORMAT = "aether.rt1:";

  final Behavior<S> behavior;
  final RuntimeServices rt;
  final String snapshotSchema;
  final Set<String> commandNames;
  final AggregateMetrics meters;

  /**
   * @throws InvalidInputException when the behaviour's aggregate type is not valid, or its {@code schema()},
   *     {@code initialState()} or {@code commandNames()} is null (field {@code behavior.<method>}, the message
   *     naming the aggregate type and the behaviour's class)
   */
  AggregateContext(Behavior<S> behavior, RuntimeServices rt) {
    String type = ActorKey.validAggregateType(behavior.aggregateType());
    this.behavior = behavior;
    this.rt = rt;
    this.snapshotSchema = SNAPSHOT_FORMAT + present(behavior.schema(), behavior, "schema");
    present(behavior.initialState(), behavior, "initialState");
    Set<String> names = present(behavior.commandNames(), behavior, "commandNames");
    if (names.stream().anyMatch(java.util.Objects::isNull)) { // Set.copyOf would throw a bare NullPointerException
      throw new InvalidInputException("behavior.commandNames", "the behaviour of aggregate type " + type + " ("
          + behavior.getClass().getName() + ") lists a null command name in commandNames()");
    }
    this.commandNames = Set.copyOf(names);
    this.meters = rt.metrics.aggregate(type);
  }

  /**
   * @param stored the schema tag a snapshot was stored under
   * @return whether the behaviour reads it: the same tag, or one of this format its behaviour accepts
   */
  boolean readsSnapshotOf(String stored) {
    return stored.equals(snapshotSchema) || (stored.startsWith(SNAPSHOT_FORMAT)
        && behavior.readsSnapshotOf(stored.substring(SNAPSHOT_FORMAT.length())));
  }

  /** Refuses what a behaviour's method returned when it is null: the SPI's contract, checked at registration. */
  private static <T> T present(T value, Behavior<?> behavior, String method) {
    if (value == null) {
      throw new InvalidInputException("behavior." + method, "the behaviour of aggregate type "
          + behavior.aggregateType() + " (" + behavior.getClass().getName() + ") returned null from " + method
          + "(); it must not be null");
    }
    return value;
  }

  /**
   * Tells whether the behaviour certainly does not handle a command.
   *
   * @param command the command name
   * @return {@code true} when the behaviour lists its commands and this is not one of them
   */
  boolean refuses(String command) {
    return !commandNames.isEmpty() && !commandNames.contains(command);
  }

  /**
   * Folds an actor's state from the store (snapshot and the events after it) into a detached state that no
   * VM holds.
   *
   * @param key the actor, of this aggregate type
   * @return the state and its version
   * @throws RuntimeException the read's failure, in its public form
   */
  StoredState readState(ActorKey key) {
    ActorState<S> folded = ActorState.detached(this, key.streamId());
    try {
      folded.fold();
    } catch (ActorFailure failure) {
      throw failure.toPublic();
    }
    return new StoredState(key, behavior.stateToJson(folded.state), folded.version);
  }
}
