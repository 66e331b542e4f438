package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.aether.InvalidInputException;
import dev.aether.cluster.ClusterEvent.LeaderChanged;
import dev.aether.cluster.ClusterEvent.MemberLeaving;
import dev.aether.cluster.ClusterEvent.MemberRemoved;
import dev.aether.cluster.ClusterEvent.MemberUnreachable;
import dev.aether.cluster.ClusterEvent.MemberUp;
import dev.aether.cluster.ClusterEvent.PlacementChanged;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A node's {@link ClusterListener}s, told the cluster's changes as the node sees them, on real nodes. */
@NatsTest
class ClusterEventsIT {

  private ClusterFixture cluster;

  /** Records what it is told. */
  private static class Recorder implements ClusterListener {
    final List<ClusterEvent> events = new CopyOnWriteArrayList<>();
    final List<Thread> threads = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(ClusterEvent event) {
      events.add(event);
      threads.add(Thread.currentThread());
    }

    void await(String what, Predicate<ClusterEvent> event) {
      org.awaitility.Awaitility.await(what).atMost(Duration.ofSeconds(20)).until(() -> events.stream().anyMatch(event));
    }

    int indexOf(ClusterEvent event) {
      return events.indexOf(event);
    }
  }

  @BeforeEach
  void cluster(NatsServer server) {
    cluster = new ClusterFixture(server.url());
    cluster.startSettled("n1", "n2");
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  @Test
  void aListener_isToldWhatIsNow_thenAJoinAndAGracefulLeave_inOrder_onOneThread() {
    ClusterNode n1 = cluster.node("n1");
    Recorder recorder = new Recorder();
    n1.addListener(recorder);

    recorder.await("the current state", e -> e instanceof PlacementChanged);
    ClusterStatus before = n1.status();
    assertThat(recorder.events).startsWith(new MemberUp("n1", n1.incarnation()),
        new MemberUp("n2", cluster.node("n2").incarnation()), new LeaderChanged(Optional.of(before.leader())));

    ClusterNode n3 = cluster.start("n3");
    String n3Incarnation = n3.incarnation();
    recorder.await("n3 up", e -> e.equals(new MemberUp("n3", n3Incarnation)));
    recorder.await("n3 given shards, the plan done", e -> e instanceof PlacementChanged p
        && p.shardsPerNode().getOrDefault("n3", 0) > 0 && p.movesInProgress() == 0);

    n3.close();
    recorder.await("n3 removed", e -> e.equals(new MemberRemoved("n3", n3Incarnation)));
    int leaving = recorder.indexOf(new MemberLeaving("n3", n3Incarnation));
    assertThat(leaving).as("told it was leaving").isNotNegative()
        .isLessThan(recorder.indexOf(new MemberRemoved("n3", n3Incarnation)));
    assertThat(recorder.events.subList(leaving, recorder.events.size())).as("its shards handed off first")
        .anyMatch(e -> e instanceof PlacementChanged p && !p.shardsPerNode().containsKey("n3"));
    assertThat(recorder.threads.stream().distinct().count()).as("told on one thread").isEqualTo(1);
    assertThat(recorder.threads.getFirst().isVirtual()).isTrue();
  }

  /**
   * A frozen member is found dead after {@code deadAfter} without renewals, when it also turns unreachable, and the
   * leader ends its incarnation at once: the unreachable state is told when the status shows it before the lease's
   * deletion (most often; the transition itself is {@link ClusterEventTrackerTest}'s).
   */
  @Test
  void aFrozenMember_isRemoved_andThawedItComesUpAsANewMember() {
    ClusterNode n2 = cluster.node("n2");
    String incarnation = n2.incarnation();
    Recorder recorder = new Recorder();
    cluster.node("n1").addListener(recorder);
    recorder.await("n2 up", e -> e.equals(new MemberUp("n2", incarnation)));

    ClusterFaults.freeze(n2);
    recorder.await("n2 removed", e -> e.equals(new MemberRemoved("n2", incarnation)));
    int unreachable = recorder.indexOf(new MemberUnreachable("n2", incarnation));
    if (unreachable >= 0) {
      assertThat(unreachable).as("unreachable before removed")
          .isLessThan(recorder.indexOf(new MemberRemoved("n2", incarnation)));
    }
    ClusterFaults.thaw(n2);

    recorder.await("n2 up again", e -> e instanceof MemberUp up && up.nodeId().equals("n2")
        && !up.incarnation().equals(incarnation));
  }

  @Test
  void aListenerThatThrows_isToldTheNextChangesAllTheSame_andARemovedOneIsToldNothingMore_evenWhileToldWhatIsNow() {
    ClusterNode n1 = cluster.node("n1");
    Recorder throwing = new Recorder() {
      @Override
      public void onEvent(ClusterEvent event) {
        super.onEvent(event);
        throw new IllegalStateException("a listener's bug");
      }
    };
    Recorder removed = new Recorder();
    Recorder once = new Recorder() { // removes itself at its first event, while it is told what is now
      @Override
      public void onEvent(ClusterEvent event) {
        super.onEvent(event);
        n1.removeListener(this);
      }
    };
    n1.addListener(throwing);
    n1.addListener(removed);
    n1.addListener(once);
    throwing.await("the current state", e -> e instanceof PlacementChanged);
    removed.await("the current state", e -> e instanceof PlacementChanged);
    n1.removeListener(removed);
    int told = removed.events.size();

    ClusterNode n3 = cluster.start("n3");
    throwing.await("n3 up, after its exceptions", e -> e.equals(new MemberUp("n3", n3.incarnation())));
    await().atMost(Duration.ofSeconds(10)).until(() -> cluster.node("n1").status().movesInProgress() == 0);
    assertThat(removed.events).as("told nothing after its removal").hasSize(told);
    assertThat(once.events).as("told nothing after it removed itself").hasSize(1);
  }

  @Test
  void addListener_refusesNull_namingIt_andAStoppedNode_refusesListeners() {
    ClusterNode n2 = cluster.node("n2");
    assertThatThrownBy(() -> n2.addListener(null)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("listener");
    n2.removeListener(event -> { }); // never added: nothing happens
    n2.close();
    assertThatThrownBy(() -> n2.addListener(event -> { })).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("stopped");
  }
}
