package dev.aether.bus;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.support.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which events a subscription wants, applied after its namespace pattern: an event passes when its type is
 * one of {@link #eventTypes()} (an empty set lets every type pass) <b>and</b> its stream id matches
 * {@link #actorPattern()} (an absent pattern lets every actor pass). The actor pattern uses the NATS-style
 * matcher of {@link NamespacePattern}, on stream ids split at {@code '.'}; see
 * {@link NamespacePattern#parseActorPattern(String)} for its rules.
 *
 * <p>A bus applies the filter when an event is published, before the event takes a place in the
 * subscriber's queue, so filtered-out events are never queued, dropped or counted as received.
 *
 * <p>Build one with {@link #all()}, {@link #eventTypes(String, String...)} or {@link #actorPattern(String)},
 * and combine with {@link #withEventTypes(Collection)} and {@link #withActorPattern(String)}. Immutable and
 * thread-safe.
 *
 * @param eventTypes the accepted event types; empty accepts every type; each not blank
 * @param actorPattern the pattern stream ids must match; absent accepts every actor
 */
public record SubscriptionFilter(Set<String> eventTypes, Optional<NamespacePattern> actorPattern) {

  private static final SubscriptionFilter ALL = new SubscriptionFilter(Set.of(), Optional.empty());

  /**
   * Validates and copies the components.
   *
   * @throws InvalidInputException naming {@code eventTypes} when it is null or holds a null or blank type,
   *     or {@code actorPattern} when it is null
   */
  public SubscriptionFilter {
    eventTypes = copyTypes(eventTypes);
    Checks.notNull(actorPattern, "actorPattern");
  }

  /**
   * The filter that lets every event pass.
   *
   * @return the filter
   */
  public static SubscriptionFilter all() {
    return ALL;
  }

  /**
   * A filter that lets events of the given types pass, whatever their actor.
   *
   * @param first an accepted event type
   * @param more further accepted event types
   * @return the filter
   * @throws InvalidInputException naming {@code eventTypes} when a type is null or blank
   */
  public static SubscriptionFilter eventTypes(String first, String... more) {
    return ALL.withEventTypes(asList(first, more));
  }

  /**
   * A filter that lets events pass whose stream id matches a pattern, whatever their type.
   *
   * @param actorPattern the pattern, for example {@code order.*} (see
   *     {@link NamespacePattern#parseActorPattern(String)})
   * @return the filter
   * @throws InvalidInputException naming {@code actorPattern} when the pattern is refused
   */
  public static SubscriptionFilter actorPattern(String actorPattern) {
    return ALL.withActorPattern(actorPattern);
  }

  /**
   * Returns a copy of this filter that accepts exactly the given event types.
   *
   * @param types the accepted types; empty accepts every type
   * @return the copy
   * @throws InvalidInputException naming {@code eventTypes} when the collection is null or holds a null or
   *     blank type
   */
  public SubscriptionFilter withEventTypes(Collection<String> types) {
    return new SubscriptionFilter(copyTypes(types), actorPattern);
  }

  /**
   * Returns a copy of this filter that requires stream ids to match the given pattern.
   *
   * @param pattern the actor pattern (see {@link NamespacePattern#parseActorPattern(String)})
   * @return the copy
   * @throws InvalidInputException naming {@code actorPattern} when the pattern is refused
   */
  public SubscriptionFilter withActorPattern(String pattern) {
    return new SubscriptionFilter(eventTypes, Optional.of(NamespacePattern.parseActorPattern(pattern)));
  }

  /**
   * Tells whether an event passes this filter.
   *
   * @param event the event
   * @return {@code true} when both the type and the actor criteria accept it
   * @throws InvalidInputException naming {@code event} when it is null
   */
  public boolean matches(Event event) {
    Checks.notNull(event, "event");
    return (eventTypes.isEmpty() || eventTypes.contains(event.eventType()))
        && (actorPattern.isEmpty() || actorPattern.get().matches(event.streamId()));
  }

  /**
   * Tells whether this filter lets every event pass.
   *
   * @return {@code true} when there is neither a type nor an actor restriction
   */
  public boolean isAll() {
    return eventTypes.isEmpty() && actorPattern.isEmpty();
  }

  private static Set<String> copyTypes(Collection<String> types) {
    Checks.notNull(types, "eventTypes");
    for (String type : types) {
      if (type == null || type.isBlank()) {
        throw new InvalidInputException("eventTypes", "must not contain a null or blank event type");
      }
    }
    return Set.copyOf(types);
  }

  private static List<String> asList(String first, String... more) {
    Checks.notNull(more, "eventTypes");
    List<String> all = new ArrayList<>(more.length + 1);
    all.add(first);
    all.addAll(Arrays.asList(more));
    return all;
  }
}
