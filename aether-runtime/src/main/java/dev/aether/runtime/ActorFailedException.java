package dev.aether.runtime;

import dev.aether.NonTransientAetherException;

/**
 * An actor could not be activated or read ({@link RuntimeManagement#createVM}, {@link RuntimeManagement#readState},
 * {@link VirtualMachine#processEvent}) for a reason retrying cannot fix: the {@linkplain #reason() reason} its
 * commands are rejected with meanwhile, such as {@link RejectionReason#BEHAVIOR_FAILED} when the behaviour
 * cannot apply a stored event, or {@link RejectionReason#STORE_FAILED} when a record cannot be decoded. The
 * message names the actor. (A transient cause, the store unreachable, is a
 * {@link dev.aether.TransientAetherException} instead.) Immutable.
 */
public final class ActorFailedException extends NonTransientAetherException {

  private final RejectionReason reason;
  private final String problem;

  /**
   * Creates the failure.
   *
   * @param reason why, as a command's rejection would say it; non-transient
   * @param message what failed, naming the actor
   * @param cause the underlying failure, or {@code null}
   * @throws IllegalArgumentException when the reason is transient (that is a {@link
   *     dev.aether.TransientAetherException})
   */
  public ActorFailedException(RejectionReason reason, String message, Throwable cause) {
    super(reason + ": " + message, cause);
    if (reason.isTransient()) {
      throw new IllegalArgumentException(reason + " is transient: not an ActorFailedException");
    }
    this.reason = reason;
    this.problem = message;
  }

  /**
   * The reason the actor's commands are rejected with.
   *
   * @return the reason
   */
  public RejectionReason reason() {
    return reason;
  }

  /**
   * What failed, without the reason: the message a command to the actor is rejected with.
   *
   * @return the message given at construction
   */
  public String problem() {
    return problem;
  }
}
