package dev.aether.runtime;

import dev.aether.TransientAetherException;
import dev.aether.store.CommitTooLargeException;
import dev.aether.store.OutcomeUnknownException;
import dev.aether.store.StoreUnavailableException;
import dev.aether.store.VersionConflictException;

/**
 * An internal failure of one actor (activation, catch-up) already classified as a {@link RejectionReason};
 * also the table that classifies any other failure. Never escapes the runtime.
 */
final class ActorFailure extends RuntimeException {

  final RejectionReason reason;

  ActorFailure(RejectionReason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  /**
   * Classifies a failure of the store or of the runtime. Only the store's transient failures map to
   * transient reasons; anything else (including an {@link Error} or an exception of unknown kind) is
   * non-transient, so a cause that retrying cannot fix never invites endless retries.
   *
   * @param failure what was thrown
   * @return the reason a command fails with
   */
  static RejectionReason reasonOf(Throwable failure) {
    return switch (failure) {
      case ActorFailure f -> f.reason;
      case CommitTooLargeException t -> RejectionReason.TOO_LARGE;
      case VersionConflictException c -> RejectionReason.CONFLICT;
      case OutcomeUnknownException u -> RejectionReason.OUTCOME_UNKNOWN;
      case TransientAetherException t -> RejectionReason.STORE_UNAVAILABLE;
      default -> RejectionReason.STORE_FAILED;
    };
  }

  /**
   * Converts this failure to the public exception family: transient when retrying may help.
   *
   * @return the exception to report to a caller outside the runtime
   */
  RuntimeException toPublic() {
    if (reason == RejectionReason.STORE_UNAVAILABLE) { // the store's own type, as its callers know it
      return getCause() instanceof StoreUnavailableException unavailable ? unavailable
          : new StoreUnavailableException(getMessage(), getCause());
    }
    return reason.isTransient() ? new dev.aether.TransientAetherException(reason + ": " + getMessage(), getCause())
        : new ActorFailedException(reason, getMessage(), getCause());
  }

  /**
   * Describes a failure for a rejection message, which callers (an HTTP client among them) read: the failure's
   * message, or its kind when it has none (a {@code NullPointerException} without a message). The exception
   * itself, with its class and stack, stays the rejection's cause and goes to the log where one is written.
   *
   * @param failure what was thrown
   * @return its message, or its class's simple name
   */
  static String describe(Throwable failure) {
    String message = failure.getMessage();
    return message == null || message.isBlank() ? failure.getClass().getSimpleName() : message;
  }
}
