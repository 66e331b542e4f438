/**
 * Aether's cluster (DESIGN section 8): actors spread over nodes by shard. This first part is the pure,
 * deterministic placement logic the rest builds on: {@link dev.aether.cluster.Shards} (a stream's shard, the
 * store's own hash), {@link dev.aether.cluster.HashRing} (consistent hashing with virtual nodes),
 * {@link dev.aether.cluster.PlacementConfig} (virtual nodes, load cap) and {@link dev.aether.cluster.ShardMap}
 * (owner per shard, an epoch that only grows, the next map for a new member set, the moves between two maps,
 * the KV encoding). Everything public here is an immutable value and safe for concurrent use; the planning
 * and the codec are package-private.
 */
package dev.aether.cluster;
