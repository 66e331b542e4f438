package dev.aether.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says, once, that the behaviour cannot replay an actor's history: a WARN the first time an activation or a read
 * of its state fails for a cause, an INFO when its history replays again. Every message and every read of such
 * an actor retries, so each would say it again; this remembers what it said, per actor, for at most
 * {@value #MAX_ACTORS} actors (then it forgets them all and may say it again). Thread-safe.
 */
final class ReplayFailureLog {

  private static final Logger LOG = LoggerFactory.getLogger(ReplayFailureLog.class);
  static final int MAX_ACTORS = 10_000;

  private final Map<String, String> said = new ConcurrentHashMap<>();

  /** An activation or a read of {@code streamId} failed; logs a behaviour's failure the first time for its cause. */
  void failed(String streamId, ActorFailure failure) {
    if (failure.reason != RejectionReason.BEHAVIOR_FAILED) {
      return; // an undecodable record is logged where it is read; a store outage by the store
    }
    if (said.size() >= MAX_ACTORS) {
      said.clear();
    }
    String before = said.put(streamId, failure.getMessage());
    if (!failure.getMessage().equals(before)) {
      LOG.warn("actor {}: cannot be activated or read, its commands and reads answer BEHAVIOR_FAILED until the"
          + " code can replay its history: {}", streamId, failure.getMessage());
    }
  }

  /** The history of {@code streamId} replayed; logs its recovery when a failure was said. */
  void replayed(String streamId, long version) {
    if (!said.isEmpty() && said.remove(streamId) != null) {
      LOG.info("actor {}: its history replays again (v{})", streamId, version);
    }
  }
}
