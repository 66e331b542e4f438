package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Placement by {@link ShardMap#next}: balance within the cap, few moves on a join, only the leaver's shards on
 * a leave, and the same map for the same members in any order.
 */
class ShardMapPlacementProperties {

  @Property(tries = 300)
  void everyShardIsOwned_andNoNodeIsAboveTheCap(@ForAll("members") List<String> members,
      @ForAll("shardCounts") int shardCount) {
    ShardMap map = ShardMap.create(new Shards(shardCount), PlacementConfig.defaults()).next(members);
    assertBalanced(map);
  }

  @Property(tries = 100)
  void balanceHolds_afterAnyHistoryOfJoinsAndLeaves(@ForAll("histories") List<List<String>> history) {
    ShardMap map = Maps.empty();
    for (List<String> members : history) {
      ShardMap next = map.next(members);
      assertThat(next.epoch()).isEqualTo(map.epoch() + 1);
      assertBalanced(next);
      map = next;
    }
  }

  @Property(tries = 200)
  void aJoin_movesAtMostTheJoinersCappedShare_orWhatTheCapForces(@ForAll("histories") List<List<String>> history,
      @ForAll("joiner") String joiner) {
    ShardMap before = replay(history);
    if (before.members().contains(joiner)) {
      return;
    }
    List<String> members = new ArrayList<>(before.members());
    members.add(joiner);
    ShardMap after = before.next(members);
    List<ShardMove> moves = before.movesTo(after);
    // 1/N of the shards (N counting the joiner) + 10 %, the capacity of a node in the new map; or, when the cap
    // falls by one and takes a shard off each of many full nodes, exactly the shards the lower cap forces off
    int capacity = Maps.capacity(after);
    int forced = before.loads().values().stream().mapToInt(load -> Math.max(0, load - capacity)).sum();
    assertThat(moves.size()).isLessThanOrEqualTo(Math.max(capacity, forced));
    assertThat(moves).allSatisfy(move -> assertThat(move.from()).isPresent());
    assertThat(after.shardsOf(joiner)).isNotEmpty();
  }

  @Property(tries = 200)
  void aLeave_movesOnlyTheLeaversShards(@ForAll("histories") List<List<String>> history, @ForAll long pick) {
    ShardMap before = replay(history);
    if (before.members().size() < 2) {
      return;
    }
    String leaver = before.members().get((int) Math.floorMod(pick, before.members().size()));
    List<String> members = new ArrayList<>(before.members());
    members.remove(leaver);
    ShardMap after = before.next(members);
    List<ShardMove> moves = before.movesTo(after);
    // the cap only rises when a node leaves, so it forces nothing more
    assertThat(moves).extracting(ShardMove::shard).containsExactlyElementsOf(before.shardsOf(leaver));
    assertThat(moves).allSatisfy(move -> assertThat(move.from()).contains(leaver));
  }

  @Property(tries = 200)
  void theSameMembersInAnyOrder_giveTheSameMap(@ForAll("histories") List<List<String>> history,
      @ForAll("members") List<String> members, @ForAll long seed) {
    ShardMap before = replay(history);
    assertThat(before.next(Maps.shuffled(members, seed))).isEqualTo(before.next(members));
    assertThat(Maps.empty().next(Maps.shuffled(members, seed))).isEqualTo(Maps.empty().next(members));
  }

  @Property(tries = 100)
  void theSameMembersAgain_moveNothing(@ForAll("histories") List<List<String>> history) {
    ShardMap before = replay(history);
    ShardMap again = before.next(before.members());
    assertThat(before.movesTo(again)).isEmpty();
    assertThat(again.epoch()).isEqualTo(before.epoch() + 1);
  }

  @Property(tries = 100)
  void movesTo_listsExactlyTheShardsWhoseOwnerChanged(@ForAll("histories") List<List<String>> history,
      @ForAll("members") List<String> members) {
    ShardMap before = replay(history);
    ShardMap after = before.next(members);
    List<ShardMove> moves = before.movesTo(after);
    int m = 0;
    for (int s = 0; s < before.shards().count(); s++) {
      Optional<String> from = before.owner(s);
      Optional<String> to = after.owner(s);
      if (!from.equals(to)) {
        assertThat(moves.get(m++)).isEqualTo(new ShardMove(s, from, to));
      }
    }
    assertThat(moves).hasSize(m);
  }

  static void assertBalanced(ShardMap map) {
    if (map.members().isEmpty()) {
      assertThat(map.loads()).isEmpty();
      for (int s = 0; s < map.shards().count(); s++) {
        assertThat(map.owner(s)).isEmpty();
      }
      return;
    }
    int capacity = Maps.capacity(map);
    assertThat(map.loads().values()).allSatisfy(load -> assertThat(load).isLessThanOrEqualTo(capacity));
    assertThat(map.loads().values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(map.shards().count());
  }

  static ShardMap replay(List<List<String>> history) {
    ShardMap map = Maps.empty();
    for (List<String> members : history) {
      map = map.next(members);
    }
    return map;
  }

  @Provide
  Arbitrary<List<String>> members() {
    return Maps.members(1, 50);
  }

  @Provide
  Arbitrary<String> joiner() {
    return Maps.nodeIds();
  }

  @Provide
  Arbitrary<Integer> shardCounts() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, Arbitraries.just(1024)),
        net.jqwik.api.Tuple.of(1, Arbitraries.of(1, 2, 16, 64, 256, 4096)));
  }

  /** Member sets over a pool of 60 ids, so that successive sets overlap (joins, leaves, both at once). */
  @Provide
  Arbitrary<List<List<String>>> histories() {
    Arbitrary<String> pooled = Arbitraries.integers().between(0, 59).map(i -> "node-" + i);
    Arbitrary<List<String>> members = pooled.list().uniqueElements().ofMinSize(1).ofMaxSize(50);
    return members.list().ofMinSize(1).ofMaxSize(8);
  }
}
