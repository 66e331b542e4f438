package dev.aether.runtime;

/**
 * Why a command was not accepted. Each reason says whether {@linkplain #isTransient() retrying} the same
 * command (same {@code commandId}) may succeed.
 *
 * <p>Nothing was stored for any reason except {@link #TIMEOUT} and {@link #OUTCOME_UNKNOWN}, where the
 * command may or may not have been applied (a {@code TIMEOUT} for a passed deadline may say that it was not):
 * resending it with the same {@code commandId} is safe, because a command id that was applied returns its
 * first outcome and stores nothing again.
 *
 * <p>A cause that retrying cannot fix (invalid input, a behaviour that throws, events too large, an
 * undecodable stored event) is never reported with a transient reason, and each command is rejected for its
 * own cause: a failure caused by one command of a group commit does not reject the others.
 */
public enum RejectionReason {
  /** No behaviour is registered for the message's aggregate type. */
  UNKNOWN_AGGREGATE(false),
  /** The aggregate's behaviour does not handle the command. */
  UNKNOWN_COMMAND(false),
  /** The payload does not fit the command: see the field errors. */
  INVALID_PAYLOAD(false),
  /** The behaviour refused the command in the actor's current state (a business rule). */
  BUSINESS_RULE(false),
  /** The behaviour threw, or produced something the runtime cannot store; the actor stays usable. */
  BEHAVIOR_FAILED(false),
  /** Other writers kept changing the actor; the runtime caught up and retried, and gave up. */
  CONFLICT(true),
  /**
   * No outcome within the command timeout, or by the message's {@linkplain RuntimeMessage#deadline()
   * deadline} when that came first; the command may still be applied later, when it was being decided at
   * that moment (a command whose reply has timed out is not decided any more, nor one whose deadline has
   * passed when it is taken from the mailbox). When the message says the deadline had passed before the command was routed, or passed while it waited
   * in the actor's mailbox, the command was not decided: nothing was stored for it (and nothing was
   * activated for a deadline passed before routing).
   */
  TIMEOUT(true),
  /** The actor's mailbox is full. */
  OVERLOADED(true),
  /**
   * The runtime (or cluster gateway, client) is not started, or is closing or closed: nothing was stored.
   * Transient for the system, not for the one that answered: a closed runtime, node or client answers it for
   * ever, so resend through a running one (another node, a restarted runtime).
   */
  NOT_RUNNING(true),
  /**
   * The actor is not placed on this node (its shard is owned by another node, or is moving there): nothing
   * was stored. Resend the same command; a cluster's gateway sends it to the current owner.
   */
  NOT_OWNER(true),
  /** The store could not be reached; nothing was stored. */
  STORE_UNAVAILABLE(true),
  /** The store did not confirm the write: it may or may not have been stored. */
  OUTCOME_UNKNOWN(true),
  /**
   * The store failed in a way that retrying will not fix: a stored event that cannot be decoded (the message
   * names the actor and the position), a refused write, events of an applied command no longer stored.
   */
  STORE_FAILED(false),
  /**
   * The command's own events are larger than the store accepts in one commit, or one of them exceeds the
   * payload limits ({@code aether.payload.max-bytes}, {@code max-string-length}, {@code max-depth}); the message
   * gives the size and the limit. Nothing was stored for it; the other commands of its group commit are decided
   * and stored without it.
   */
  TOO_LARGE(false);

  private final boolean isTransient;

  RejectionReason(boolean isTransient) {
    this.isTransient = isTransient;
  }

  /** @return whether resending the same command later may succeed */
  public boolean isTransient() {
    return isTransient;
  }
}
