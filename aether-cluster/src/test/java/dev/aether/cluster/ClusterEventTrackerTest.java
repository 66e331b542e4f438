package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.cluster.ClusterEvent.LeaderChanged;
import dev.aether.cluster.ClusterEvent.MemberLeaving;
import dev.aether.cluster.ClusterEvent.MemberReachable;
import dev.aether.cluster.ClusterEvent.MemberRemoved;
import dev.aether.cluster.ClusterEvent.MemberUnreachable;
import dev.aether.cluster.ClusterEvent.MemberUp;
import dev.aether.cluster.ClusterEvent.PlacementChanged;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterEventTrackerTest {

  private final ClusterEventTracker tracker = new ClusterEventTracker();

  private static ClusterStatus.Node node(String id, String incarnation, String state, boolean alive, int shards) {
    return new ClusterStatus.Node(id, incarnation, state, alive, shards, 0, null);
  }

  private static ClusterStatus status(String leader, long epoch, int moves, ClusterStatus.Node... nodes) {
    return new ClusterStatus("n1", epoch, 1024, leader, List.of(nodes), moves, 0);
  }

  @Test
  void theFirstStatus_tellsEachLiveMember_theLeader_andThePlacement() {
    List<ClusterEvent> events = tracker.update(status("n1", 3, 0, node("n1", "a", "ACTIVE", true, 600),
        node("n2", "b", "ACTIVE", true, 424)));

    assertThat(events).containsExactly(new MemberUp("n1", "a"), new MemberUp("n2", "b"),
        new LeaderChanged(Optional.of("n1")), new PlacementChanged(3, Map.of("n1", 600, "n2", 424), 0));
    assertThat(tracker.update(status("n1", 3, 0, node("n1", "a", "ACTIVE", true, 600),
        node("n2", "b", "ACTIVE", true, 424)))).as("the same status again").isEmpty();
  }

  @Test
  void aLeaseSeenButNotAlive_isNoMember_untilItIsAlive() {
    assertThat(tracker.update(status(null, -1, 0, node("n9", "z", "ACTIVE", false, 0)))).isEmpty();
    assertThat(tracker.update(status(null, -1, 0, node("n9", "z", "ACTIVE", true, 0))))
        .containsExactly(new MemberUp("n9", "z"));
  }

  @Test
  void aMembersLife_upLeavingUnreachableReachableRemoved_andANewIncarnation() {
    tracker.update(status("n1", 1, 0, node("n1", "a", "ACTIVE", true, 1024), node("n2", "b", "ACTIVE", true, 0)));

    assertThat(tracker.update(status("n1", 1, 0, node("n1", "a", "ACTIVE", true, 1024),
        node("n2", "b", "ACTIVE", false, 0)))).containsExactly(new MemberUnreachable("n2", "b"));
    assertThat(tracker.update(status("n1", 1, 0, node("n1", "a", "ACTIVE", true, 1024),
        node("n2", "b", "ACTIVE", true, 0)))).containsExactly(new MemberReachable("n2", "b"));
    assertThat(tracker.update(status("n1", 1, 0, node("n1", "a", "ACTIVE", true, 1024),
        node("n2", "c", "ACTIVE", true, 0)))).as("joined again: a new member")
        .containsExactly(new MemberRemoved("n2", "b"), new MemberUp("n2", "c"));
    assertThat(tracker.update(status("n1", 1, 0, node("n1", "a", "ACTIVE", true, 1024),
        node("n2", "c", "LEAVING", true, 0)))).containsExactly(new MemberLeaving("n2", "c"));
    assertThat(tracker.update(status("n1", 1, 0, node("n1", "a", "ACTIVE", true, 1024),
        node("n2", null, "GONE", false, 0)))).as("its lease gone").containsExactly(new MemberRemoved("n2", "c"));
    assertThat(tracker.update(status("n1", 1, 0, node("n1", "a", "ACTIVE", true, 1024)))).isEmpty();
  }

  @Test
  void aMemberGoneFromTheStatus_isRemoved_andOneThatNeverCameUpIsNot() {
    tracker.update(status("n1", 1, 0, node("n1", "a", "ACTIVE", true, 1024), node("n3", "x", "ACTIVE", false, 0)));

    assertThat(tracker.update(status("n1", 1, 0))).containsExactly(new MemberRemoved("n1", "a"),
        new PlacementChanged(1, Map.of(), 0));
  }

  @Test
  void theLeader_andThePlacement_areToldWhenTheyChange() {
    tracker.update(status("n1", 4, 0, node("n1", "a", "ACTIVE", true, 1024)));

    assertThat(tracker.update(status(null, 4, 0, node("n1", "a", "ACTIVE", true, 1024))))
        .containsExactly(new LeaderChanged(Optional.empty()));
    assertThat(tracker.update(status("n2", 4, 300, node("n1", "a", "ACTIVE", true, 1024))))
        .as("a plan began: same map, moves to come")
        .containsExactly(new LeaderChanged(Optional.of("n2")), new PlacementChanged(4, Map.of("n1", 1024), 300));
    assertThat(tracker.update(status("n2", 5, 172, node("n1", "a", "ACTIVE", true, 896),
        node("n2", "b", "ACTIVE", true, 128)))).containsExactly(new MemberUp("n2", "b"),
        new PlacementChanged(5, Map.of("n1", 896, "n2", 128), 172));
    assertThat(tracker.update(status("n2", 5, 0, node("n1", "a", "ACTIVE", true, 896),
        node("n2", "b", "ACTIVE", true, 128)))).as("settled")
        .containsExactly(new PlacementChanged(5, Map.of("n1", 896, "n2", 128), 0));
  }

  @Test
  void noMapYet_tellsNoPlacement() {
    assertThat(tracker.update(status(null, -1, 0, node("n1", "a", "ACTIVE", true, 0))))
        .containsExactly(new MemberUp("n1", "a"));
  }

  @Test
  void current_tellsWhatIsNow_forAListenerThatJustCame() {
    assertThat(tracker.current()).isEmpty();
    tracker.update(status("n1", 7, 12, node("n1", "a", "ACTIVE", true, 1000), node("n2", "b", "LEAVING", true, 24),
        node("n3", "c", "ACTIVE", true, 0)));
    tracker.update(status("n1", 7, 12, node("n1", "a", "ACTIVE", true, 1000), node("n2", "b", "LEAVING", true, 24),
        node("n3", "c", "ACTIVE", false, 0)));

    assertThat(tracker.current()).containsExactly(new MemberUp("n1", "a"), new MemberUp("n2", "b"),
        new MemberLeaving("n2", "b"), new MemberUp("n3", "c"), new MemberUnreachable("n3", "c"),
        new LeaderChanged(Optional.of("n1")), new PlacementChanged(7, Map.of("n1", 1000, "n2", 24), 12));
  }
}
