package dev.aether.nats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ConcurrentMap;
import org.junit.jupiter.api.Test;

/**
 * The store's bounded caches ({@link BoundedMaps}: actor positions, unresolved commits), without a server:
 * the bound holds, and a full cache drops single entries instead of every entry at once.
 */
class BoundedCachesTest {

  @Test
  void positions_ofMoreActorsThanTheBound_neverExceedIt_andTheActorInUseKeepsItsPosition() {
    // given
    ActorPositions positions = new ActorPositions(null, null);
    Position hot = new Position(7, 70);
    positions.advance("hot", hot);
    int largest = 0;
    int hotLostAfter = -1;
    // when: three times as many one-off actors as fit, while the hot actor's position is read for each
    for (int i = 0; i < 3 * ActorPositions.MAX_CACHED; i++) {
      positions.advance("actor-" + i, new Position(1, i + 1));
      largest = Math.max(largest, positions.cachedCount());
      if (hotLostAfter < 0 && !hot.equals(positions.cached("hot"))) {
        hotLostAfter = i + 1;
      }
    }
    // then
    assertThat(largest).isLessThanOrEqualTo(ActorPositions.MAX_CACHED);
    assertThat(positions.cachedCount()).isGreaterThan(ActorPositions.MAX_CACHED / 2);
    // regression: a full cache was cleared, dropping the position of every actor in use at once
    assertThat(hotLostAfter).as("one-off actors after which the hot actor's position was gone").isEqualTo(-1);
  }

  @Test
  void unresolvedCommits_beyondTheBound_neverExceedIt_andDropSingleEntriesOnly() {
    // given
    UnresolvedCommits unresolved = new UnresolvedCommits();
    int commits = UnresolvedCommits.MAX_REMEMBERED + 100;
    // when
    int largest = 0;
    for (int i = 0; i < commits; i++) {
      unresolved.remember("commit-" + i, i);
      largest = Math.max(largest, unresolved.size());
    }
    assertThat(largest).isLessThanOrEqualTo(UnresolvedCommits.MAX_REMEMBERED);
    // then: regression: the full map was cleared, so a retry of any of those commits that found the actor
    // moved on by another writer became a conflict although it was stored
    int kept = 0;
    for (int i = 0; i < commits; i++) {
      Long expected = unresolved.expectedSequence("commit-" + i);
      if (expected != null) {
        assertThat(expected).isEqualTo(i);
        kept++;
      }
    }
    assertThat(kept).isEqualTo(UnresolvedCommits.MAX_REMEMBERED);
  }

  @Test
  void anUnresolvedCommit_isKept_whilePositionsOfManyActorsChurn() {
    // given: a lost acknowledgement remembered, in its own cache apart from the positions
    ActorPositions positions = new ActorPositions(null, null);
    UnresolvedCommits unresolved = new UnresolvedCommits();
    unresolved.remember("3-lostAck", 41);
    // when: the position cache overflows twice
    for (int i = 0; i < 2 * ActorPositions.MAX_CACHED + 1; i++) {
      positions.advance("actor-" + i, new Position(1, i + 1));
    }
    // then
    assertThat(positions.cachedCount()).isLessThanOrEqualTo(ActorPositions.MAX_CACHED);
    assertThat(unresolved.expectedSequence("3-lostAck")).isEqualTo(41);
    unresolved.resolved("3-lostAck");
    assertThat(unresolved.expectedSequence("3-lostAck")).isNull();
  }

  @Test
  void boundedMap_isAConcurrentMapOfAtMostItsSize() {
    ConcurrentMap<String, Long> map = BoundedMaps.create(10);
    int largest = 0;
    for (long i = 0; i < 1_000; i++) {
      map.merge("k" + i % 50, i, Math::max);
      largest = Math.max(largest, map.size());
    }
    assertThat(largest).isLessThanOrEqualTo(10);
    assertThat(map).isNotEmpty().allSatisfy((key, value) -> assertThat(value % 50).isEqualTo(
        Long.parseLong(key.substring(1))));
  }
}
