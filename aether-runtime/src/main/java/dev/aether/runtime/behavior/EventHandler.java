package dev.aether.runtime.behavior;

/**
 * Folds one typed event of a {@link JavaBehavior} into the state. Pure: returns a new state.
 *
 * @param <S> the state type
 * @param <E> the event record type
 */
@FunctionalInterface
public interface EventHandler<S, E> {

  /**
   * Applies the event.
   *
   * @param state the state before the event
   * @param event the event, mapped from its data
   * @return the state after the event
   */
  S apply(S state, E event);
}
