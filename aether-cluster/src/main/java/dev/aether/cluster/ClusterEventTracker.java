package dev.aether.cluster;

import dev.aether.cluster.ClusterEvent.LeaderChanged;
import dev.aether.cluster.ClusterEvent.MemberLeaving;
import dev.aether.cluster.ClusterEvent.MemberReachable;
import dev.aether.cluster.ClusterEvent.MemberRemoved;
import dev.aether.cluster.ClusterEvent.MemberUnreachable;
import dev.aether.cluster.ClusterEvent.MemberUp;
import dev.aether.cluster.ClusterEvent.PlacementChanged;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Turns a node's successive {@link ClusterStatus}es into {@link ClusterEvent}s: what changed since the status
 * before ({@link #update}), or what is now, for a listener that just came ({@link #current}). A member is tracked
 * from the first status that shows its incarnation alive; one whose incarnation is gone from a status, or replaced
 * by another, is removed. Not thread-safe: one thread feeds it (the node's events thread).
 */
final class ClusterEventTracker {

  private record Member(String incarnation, boolean leaving, boolean reachable) {}

  private final Map<String, Member> members = new TreeMap<>();
  private Optional<String> leader = Optional.empty();
  private PlacementChanged placement;

  /** @return the events that lead from the statuses seen before to {@code status}, which is remembered */
  List<ClusterEvent> update(ClusterStatus status) {
    List<ClusterEvent> events = new ArrayList<>();
    Map<String, ClusterStatus.Node> now = new LinkedHashMap<>();
    status.nodes().stream().filter(n -> n.incarnation() != null).forEach(n -> now.put(n.id(), n));
    for (Iterator<Map.Entry<String, Member>> it = members.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<String, Member> tracked = it.next();
      ClusterStatus.Node node = now.get(tracked.getKey());
      if (node == null || !node.incarnation().equals(tracked.getValue().incarnation())) {
        events.add(new MemberRemoved(tracked.getKey(), tracked.getValue().incarnation()));
        it.remove();
      }
    }
    for (ClusterStatus.Node node : now.values()) {
      Member member = members.get(node.id());
      if (member == null) {
        if (!node.alive()) {
          continue; // a lease left behind by a node that is gone: not a member until it is seen alive
        }
        events.add(new MemberUp(node.id(), node.incarnation()));
        member = new Member(node.incarnation(), false, true);
      }
      boolean leaving = member.leaving();
      if (!leaving && ControlJson.State.LEAVING.name().equals(node.state())) {
        events.add(new MemberLeaving(node.id(), node.incarnation()));
        leaving = true;
      }
      if (member.reachable() && !node.alive()) {
        events.add(new MemberUnreachable(node.id(), node.incarnation()));
      } else if (!member.reachable() && node.alive()) {
        events.add(new MemberReachable(node.id(), node.incarnation()));
      }
      members.put(node.id(), new Member(node.incarnation(), leaving, node.alive()));
    }
    Optional<String> leaderNow = Optional.ofNullable(status.leader());
    if (!leaderNow.equals(leader)) {
      leader = leaderNow;
      events.add(new LeaderChanged(leaderNow));
    }
    if (status.epoch() >= 0) {
      Map<String, Integer> shards = new TreeMap<>();
      status.nodes().stream().filter(n -> n.shards() > 0).forEach(n -> shards.put(n.id(), n.shards()));
      PlacementChanged placementNow = new PlacementChanged(status.epoch(), Map.copyOf(shards),
          status.movesInProgress());
      if (!Objects.equals(placementNow, placement)) {
        placement = placementNow;
        events.add(placementNow);
      }
    }
    return events;
  }

  /** @return the events that tell what is now: each member (up, then leaving or unreachable), leader, placement */
  List<ClusterEvent> current() {
    List<ClusterEvent> events = new ArrayList<>();
    members.forEach((id, member) -> {
      events.add(new MemberUp(id, member.incarnation()));
      if (member.leaving()) {
        events.add(new MemberLeaving(id, member.incarnation()));
      }
      if (!member.reachable()) {
        events.add(new MemberUnreachable(id, member.incarnation()));
      }
    });
    leader.ifPresent(id -> events.add(new LeaderChanged(leader)));
    if (placement != null) {
      events.add(placement);
    }
    return events;
  }
}
