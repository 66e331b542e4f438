package dev.aether.runtime.behavior;

/**
 * Decides one typed command of a {@link JavaBehavior}. Pure: no I/O, and never changes {@code state}.
 *
 * @param <S> the state type
 * @param <C> the command record type
 */
@FunctionalInterface
public interface CommandHandler<S, C> {

  /**
   * Decides the command.
   *
   * @param state the actor's current state
   * @param command the command, mapped from the payload
   * @return the effect; an exception rejects the command as {@code BEHAVIOR_FAILED}
   */
  Effect handle(S state, C command);
}
