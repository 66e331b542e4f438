package dev.aether.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a log has said about each actor, so that a condition every retry meets again is said once, and its end
 * once: remembered for at most {@value #MAX_ACTORS} actors (then all are forgotten and may be said again).
 * Thread-safe.
 */
final class SaidOnce {

  static final int MAX_ACTORS = 10_000;

  private final Map<String, String> said = new ConcurrentHashMap<>();

  /**
   * Remembers what is said of an actor.
   *
   * @return whether it is news: nothing, or something else, was said of the actor before
   */
  boolean say(String streamId, String what) {
    if (said.size() >= MAX_ACTORS) {
      said.clear();
    }
    return !what.equals(said.put(streamId, what));
  }

  /** @return whether something was said of the actor (and is now forgotten): its end is news */
  boolean forget(String streamId) {
    return !said.isEmpty() && said.remove(streamId) != null;
  }
}
