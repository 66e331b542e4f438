package dev.aether.runtime;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says, once, that the behaviour cannot replay an actor's history: a WARN the first time an activation or a read
 * of its state fails for a cause, an INFO when its history replays again. Every message and every read of such
 * an actor retries, so each would say it again; this remembers what it said, per actor ({@link SaidOnce}).
 * Thread-safe.
 */
final class ReplayFailureLog {

  private static final Logger LOG = LoggerFactory.getLogger(ReplayFailureLog.class);
  private final SaidOnce said = new SaidOnce();

  /** An activation or a read of {@code streamId} failed; logs a behaviour's failure the first time for its cause. */
  void failed(String streamId, ActorFailure failure) {
    if (failure.reason != RejectionReason.BEHAVIOR_FAILED) {
      return; // an undecodable record is logged where it is read; a store outage by the store
    }
    if (said.say(streamId, failure.getMessage())) {
      LOG.warn("actor {}: cannot be activated or read, its commands and reads answer BEHAVIOR_FAILED until the"
          + " code can replay its history: {}", streamId, failure.getMessage());
    }
  }

  /** The history of {@code streamId} replayed; logs its recovery when a failure was said. */
  void replayed(String streamId, long version) {
    if (said.forget(streamId)) {
      LOG.info("actor {}: its history replays again (v{})", streamId, version);
    }
  }
}
