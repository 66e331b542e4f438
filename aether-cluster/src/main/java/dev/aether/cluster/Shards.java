package dev.aether.cluster;

import dev.aether.InvalidInputException;
import dev.aether.support.StreamHash;

/**
 * The fixed set of shards a cluster spreads its actors over: a stream id's shard is
 * {@link StreamHash#bucket(String, int) bucket(streamId, count)}, the hash the JetStream store uses for its
 * partition streams. The count is fixed when the cluster is created (changing it would move almost every actor),
 * is a power of two from 1 to {@value #MAX_COUNT}, and is {@value #DEFAULT_COUNT} by default.
 *
 * <p>Why a power of two: every power-of-two partition count up to the shard count divides it, and when the
 * partition count divides the shard count each shard lives in exactly one partition stream
 * ({@link #partitionOf}), so the owner of a shard reads and consumes one stream only. Why at most 65,536:
 * the shard map holds one owner per shard in one KV value, which must stay well under NATS' 1 MiB message.
 *
 * <p>An immutable value; thread-safe.
 *
 * @param count the number of shards, a power of two in {@code 1 .. MAX_COUNT}
 */
public record Shards(int count) {

  /** The shard count of a new cluster: about ten times the largest expected node count. */
  public static final int DEFAULT_COUNT = 1024;

  /** The most shards a cluster can have (the shard map must fit one KV value). */
  public static final int MAX_COUNT = 1 << 16;

  /**
   * Checks the count.
   *
   * @throws InvalidInputException naming {@code shards} (the setting's name) when the count is not a power of
   *     two in {@code 1 .. MAX_COUNT}
   */
  public Shards {
    if (count < 1 || count > MAX_COUNT || Integer.bitCount(count) != 1) {
      throw new InvalidInputException("shards", "must be a power of two from 1 to " + MAX_COUNT + ", was " + count);
    }
  }

  /**
   * The default shards: {@value #DEFAULT_COUNT}.
   *
   * @return the default
   */
  public static Shards defaults() {
    return new Shards(DEFAULT_COUNT);
  }

  /**
   * The shard of a stream id (an actor's stream, {@code <aggregateType>/<actorId>}).
   *
   * @param streamId the stream id
   * @return its shard in {@code 0 .. count - 1}
   * @throws InvalidInputException naming {@code streamId} when it is null
   */
  public int shardOf(String streamId) {
    return StreamHash.fnv1a32(streamId) & (count - 1);
  }

  /**
   * Tells whether each shard lives in exactly one of {@code partitions} partition streams: whether the
   * partition count divides the shard count.
   *
   * @param partitions the store's partition count, at least 1
   * @return {@code true} when {@code partitions} divides {@link #count()}
   * @throws InvalidInputException naming {@code partitions} when it is below 1
   */
  public boolean alignsWith(int partitions) {
    if (partitions < 1) {
      throw new InvalidInputException("partitions", "must be >= 1, was " + partitions);
    }
    return count % partitions == 0;
  }

  /**
   * The one partition stream that holds every stream of a shard: {@code shard mod partitions}.
   *
   * @param shard a shard of this set
   * @param partitions the store's partition count; must {@linkplain #alignsWith align} with the shards
   * @return the partition in {@code 0 .. partitions - 1}
   * @throws InvalidInputException naming {@code shard} when it is out of range, {@code partitions} when it
   *     does not divide the shard count (then a shard's streams are spread over several partitions)
   */
  public int partitionOf(int shard, int partitions) {
    check(shard);
    if (!alignsWith(partitions)) {
      throw new InvalidInputException("partitions", "must divide the shard count " + count + ", was " + partitions);
    }
    return shard % partitions;
  }

  /**
   * Refuses a shard number outside this set.
   *
   * @param shard the shard number
   * @return the shard
   * @throws InvalidInputException naming {@code shard} when it is not in {@code 0 .. count - 1}
   */
  public int check(int shard) {
    if (shard < 0 || shard >= count) {
      throw new InvalidInputException("shard", "must be in 0.." + (count - 1) + ", was " + shard);
    }
    return shard;
  }
}
