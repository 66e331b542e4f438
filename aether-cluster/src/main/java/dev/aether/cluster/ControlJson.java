package dev.aether.cluster;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aether.InvalidInputException;
import dev.aether.support.Json;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * The JSON of the cluster's small control values (leases, control requests, status): records bound with one
 * shared mapper. Unknown fields are skipped (a newer node may add some); a value that cannot be read is an
 * {@link InvalidInputException} naming the record. The shard map has its own strict codec. Thread-safe.
 */
final class ControlJson {

  private static final ObjectMapper MAPPER = new ObjectMapper(Json.factory())
      .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
      .configure(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES, true);

  private ControlJson() {}

  static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + value.getClass().getSimpleName(), e);
    }
  }

  static <T> T read(byte[] bytes, Class<T> type) {
    try {
      T value = MAPPER.readValue(bytes, type);
      if (value == null) {
        throw new InvalidInputException(type.getSimpleName(), "is null");
      }
      return value;
    } catch (IOException e) {
      throw new InvalidInputException(type.getSimpleName(), "cannot be read: " + Json.problem(e));
    }
  }

  /**
   * A node's lease, the value of {@code node.<id>}.
   *
   * @param activeActors the node's active actors at this renewal; null when not reported (a node of an earlier
   *     version); a negative count reads as not reported (a figure for the status, not a reason to ignore the
   *     lease)
   * @param model the model the node runs, {@code name@version}; null when it runs none or does not report it
   */
  record Lease(String node, String incarnation, State state, Integer activeActors, String model) {
    Lease {
      NodeIds.check(node, "node");
      if (incarnation == null || incarnation.isBlank() || state == null) {
        throw new InvalidInputException("lease", "needs an incarnation and a state");
      }
      if (activeActors != null && activeActors < 0) {
        activeActors = null;
      }
    }
  }

  /** A node's lifecycle in its lease. */
  enum State {
    /** Takes part in placement. */
    ACTIVE,
    /** Leaving gracefully: the leader moves its shards away, then it deletes its lease. */
    LEAVING
  }

  /**
   * The leader's lease, the value of {@code leader}: who leads, how many moves its plan has left, and the epoch of
   * the map it counted them from (null from a node that did not write it).
   */
  record LeaderLease(String node, String incarnation, int pendingMoves, Long epoch) {
    LeaderLease {
      NodeIds.check(node, "node");
    }
  }

  /** One shard to warm up on the node asked, and its current owner. */
  record WarmMove(int shard, String from) {}

  /** Leader to new owner: warm up these shards' hot actors before the switch. */
  record WarmRequest(List<WarmMove> moves) {}

  /** New owner to old owner: the most recently used actors of these shards, at most {@code limit}. */
  record HotRequest(List<Integer> shards, int limit) {}

  /** The answer to a {@link HotRequest}: stream ids, most recently used first. */
  record HotSet(List<String> streams) {}

  /** The answer to a {@link WarmRequest}. */
  record Warmed(int actors) {}

  /** A liveness probe of a suspected node (failure detection): answered at once with a {@link Pong}. */
  record Ping(String from) {}

  /** The answer to a {@link Ping}: the node and its current incarnation. */
  record Pong(String node, String incarnation) {}

  /**
   * An actor's state: to its owner (read through its VM there), or to any node ({@code <p>.<ns>.state}).
   *
   * @param unresponsive for any node: the owner the asker could not get the state from (timed out, no
   *     responders, a failure there); a node whose map still names it reads the store instead of asking it
   *     again. Null: none
   */
  record StateRequest(String aggregateType, String actorId, String unresponsive) {

    StateRequest(String aggregateType, String actorId) {
      this(aggregateType, actorId, null);
    }
  }

  /** The answer to a {@link StateRequest}: the state (JSON-ready) and its version. */
  record StateAnswer(Map<String, Object> state, long version) {
    StateAnswer {
      if (state == null || version < 0) {
        throw new InvalidInputException("StateAnswer", "needs a state and a version of at least 0");
      }
    }
  }

  /** A control request: exactly one of the fields is set. */
  record Control(WarmRequest warm, HotRequest hot, Ping ping, StateRequest state) {

    static Control warm(WarmRequest request) {
      return new Control(request, null, null, null);
    }

    static Control hot(HotRequest request) {
      return new Control(null, request, null, null);
    }

    static Control ping(String from) {
      return new Control(null, null, new Ping(from), null);
    }

    static Control state(StateRequest request) {
      return new Control(null, null, null, request);
    }
  }
}
