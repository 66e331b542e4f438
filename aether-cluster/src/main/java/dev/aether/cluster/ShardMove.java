package dev.aether.cluster;

import dev.aether.InvalidInputException;
import dev.aether.support.Checks;
import java.util.Optional;

/**
 * One shard changing owner between two {@link ShardMap}s: from its old owner (empty when it had none) to its
 * new one (empty when it has none). An immutable value.
 *
 * @param shard the shard number, at least 0
 * @param from the node that owned it, if any
 * @param to the node that owns it now, if any
 */
public record ShardMove(int shard, Optional<String> from, Optional<String> to) {

  /**
   * Checks the move.
   *
   * @throws InvalidInputException naming {@code shard} when negative, {@code from} or {@code to} when null,
   *     {@code to} when it equals {@code from} (that is no move)
   */
  public ShardMove {
    Checks.notNegative(shard, "shard");
    Checks.notNull(from, "from");
    Checks.notNull(to, "to");
    if (from.equals(to)) {
      throw new InvalidInputException("to", "must differ from \"from\", both were " + from);
    }
  }
}
