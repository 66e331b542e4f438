package dev.aether.cluster;

import static dev.aether.cluster.ClusterFixture.account;
import static dev.aether.cluster.ClusterFixture.deposit;
import static dev.aether.cluster.ClusterFixture.openAccount;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.cluster.ControlJson.Control;
import dev.aether.cluster.ControlJson.StateRequest;
import dev.aether.event.Event;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.StoredState;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link DistributedRuntime#readState}: an actor's state read through its VM on the owner, from any node, current
 * with the store; MOVED followed; read from the store where no owner answers.
 */
@NatsTest
class StateReadsIT {

  private ClusterFixture cluster;

  @BeforeEach
  void cluster(NatsServer server) {
    cluster = new ClusterFixture(server.url());
    cluster.startSettled("n1", "n2", "n3");
  }

  @AfterEach
  void close() {
    cluster.close();
  }

  private String notOwnerOf(String account) {
    String owner = cluster.ownerOf(account);
    return cluster.running().stream().map(ClusterNode::nodeId).filter(n -> !n.equals(owner)).findFirst()
        .orElseThrow();
  }

  /** A reader with a map that never changes: {@code stale}, whatever the cluster's map says. */
  private StateReads frozenReader(Connection connection, ShardMap stale) {
    return new StateReads(connection, ClusterNames.of(cluster.store), cluster.frozenMap(connection, stale),
        "reader", shard -> false, cluster.node("n1").runtime(), 3, Duration.ofSeconds(2));
  }

  @Test
  void aReadThroughAnyNode_isTheOwnersVm_andIncludesEveryAcknowledgedCommand_andActivatesOnlyThere() {
    for (int i = 0; i < 12; i++) {
      String id = "read-" + i;
      List<ClusterNode> nodes = cluster.running();
      assertThat(nodes.get(i % 3).gateway().sendMessage(openAccount(id)).join()).isInstanceOf(Accepted.class);
      assertThat(nodes.get((i + 1) % 3).gateway().sendMessage(deposit(id, i + 1)).join()).isInstanceOf(Accepted.class);
      String owner = cluster.ownerOf(id);
      cluster.node(owner).runtime().stopVM(account(id)).join(); // read from a passivated actor

      // the other nodes first: their reads activate the actor on its owner, and only there
      List<ClusterNode> othersFirst = nodes.stream().sorted((a, b) -> Boolean.compare(
          a.nodeId().equals(owner), b.nodeId().equals(owner))).toList();
      for (ClusterNode via : othersFirst) {
        StoredState read = via.gateway().readState(account(id)).join();
        assertThat(read.version()).as("read via %s", via.nodeId()).isEqualTo(3);
        assertThat(read.state()).containsEntry("balance", 100L + i + 1).containsEntry("open", true);
        for (ClusterNode node : nodes) {
          assertThat(node.runtime().registry().get(account(id)).isPresent())
              .as("%s active on %s after a read via %s", id, node.nodeId(), via.nodeId())
              .isEqualTo(node.nodeId().equals(owner));
        }
      }
    }
  }

  @Test
  void aReadIncludesAnEventAnotherWriterStored_behindTheOwnersActiveVm() {
    String id = "foreign-1";
    assertThat(cluster.node("n1").gateway().sendMessage(openAccount(id)).join()).isInstanceOf(Accepted.class);
    JetStreamEventStore migration = cluster.reader();
    migration.append("Account/" + id, 2, List.of(Event.builder().eventType("Deposited").streamId("Account/" + id)
        .version(3).data(Map.of("amount", 9)).build()));

    StoredState read = cluster.node(notOwnerOf(id)).gateway().readState(account(id)).join();

    assertThat(read.version()).isEqualTo(3);
    assertThat(read.state()).containsEntry("balance", 109L);
  }

  @Test
  void aReaderWithAStaleMap_isAnsweredMoved_andFollowsItToTheOwner() throws Exception {
    String id = "stale-read-1";
    assertThat(cluster.node("n1").gateway().sendMessage(openAccount(id)).join()).isInstanceOf(Accepted.class);
    String other = notOwnerOf(id);
    cluster.node(cluster.ownerOf(id)).runtime().stopVM(account(id)).join(); // only the read can activate it again
    StateReads reads = frozenReader(cluster.connect(), cluster.mapGiving(id, other));

    StoredState read = reads.read(account(id), null).join();

    assertThat(read.version()).isEqualTo(2);
    assertThat(read.state()).containsEntry("balance", 100L);
    assertThat(cluster.node(other).runtime().registry().get(account(id))).isEmpty();
    assertThat(cluster.node(cluster.ownerOf(id)).runtime().registry().get(account(id))).isPresent();
  }

  @Test
  void aReadWhoseOwnerDoesNotAnswer_orDoesNotKnowTheRequest_isFoldedFromTheStore() throws Exception {
    String id = "fold-1";
    assertThat(cluster.node("n1").gateway().sendMessage(openAccount(id)).join()).isInstanceOf(Accepted.class);
    assertThat(cluster.node("n2").gateway().sendMessage(deposit(id, 5)).join()).isInstanceOf(Accepted.class);
    Connection connection = cluster.connect();

    // "ghost" is in the map but nowhere: no responders
    StateReads toNobody = frozenReader(connection, cluster.mapGiving(id, "ghost"));
    assertThat(toNobody.read(account(id), null).join()).extracting(StoredState::version).isEqualTo(3L);

    // "elder" answers as a node of an earlier version, which knows no state request
    Connection elder = cluster.connect();
    elder.createDispatcher(m -> elder.publish(m.getReplyTo(), new Headers().put(Wire.STATUS, Wire.BAD_REQUEST)
        .put(Wire.ERROR_FIELD, "Control"), "names no operation".getBytes()))
        .subscribe(ClusterNames.of(cluster.store).nodeControl("elder"));
    elder.flush(Duration.ofSeconds(5));
    StateReads toElder = frozenReader(connection, cluster.mapGiving(id, "elder"));
    StoredState read = toElder.read(account(id), null).join();
    assertThat(read.version()).isEqualTo(3);
    assertThat(read.state()).containsEntry("balance", 105L);

    // "broken" answers that its read failed; "mute" takes the request and never answers (a paused process)
    Connection fakes = cluster.connect();
    ClusterNames names = ClusterNames.of(cluster.store);
    fakes.createDispatcher(m -> fakes.publish(m.getReplyTo(), new Headers().put(Wire.STATUS, Wire.FAILED),
        "store down".getBytes())).subscribe(names.nodeControl("broken"));
    fakes.createDispatcher(m -> {}).subscribe(names.nodeControl("mute"));
    fakes.flush(Duration.ofSeconds(5));
    for (String node : List.of("broken", "mute")) {
      assertThat(frozenReader(connection, cluster.mapGiving(id, node)).read(account(id), null).join())
          .as("read with the owner %s", node).isEqualTo(read);
    }
  }

  @Test
  void anOwnerTheAskerNamesUnresponsive_isNotAskedAgain_theStoreIsReadInstead() throws Exception {
    String id = "unresponsive-1";
    assertThat(cluster.node("n1").gateway().sendMessage(openAccount(id)).join()).isInstanceOf(Accepted.class);
    Connection connection = cluster.connect();
    Connection fake = cluster.connect();
    AtomicInteger asked = new AtomicInteger();
    fake.createDispatcher(m -> asked.incrementAndGet()).subscribe(ClusterNames.of(cluster.store).nodeControl("slow"));
    fake.flush(Duration.ofSeconds(5));
    StateReads reads = frozenReader(connection, cluster.mapGiving(id, "slow"));

    assertThat(reads.read(account(id), "slow").join().version()).isEqualTo(2);
    assertThat(asked).as("the unresponsive owner, not asked").hasValue(0);

    assertThat(reads.read(account(id), "someone-else").join().version()).isEqualTo(2);
    assertThat(asked).as("an owner nobody named unresponsive is asked (and folded from after its silence)")
        .hasValue(1);
  }

  @Test
  void aStateRequestForAnInvalidActor_isABadRequestNamingTheField_andAStoppedNodeRefusesReads() throws Exception {
    Connection connection = cluster.connect();
    Message reply = connection.request(ClusterNames.of(cluster.store).nodeControl("n1"),
        ControlJson.write(Control.state(new StateRequest("Account", ""))), Duration.ofSeconds(10));
    assertThat(Wire.header(reply, Wire.STATUS)).isEqualTo(Wire.BAD_REQUEST);
    assertThat(Wire.header(reply, Wire.ERROR_FIELD)).isNotBlank();

    assertThatThrownBy(() -> cluster.node("n1").gateway().readState(null))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("key"));
    ClusterNode n3 = cluster.node("n3");
    n3.close();
    cluster.forget("n3");
    assertThatThrownBy(() -> n3.gateway().readState(account("any")).join())
        .cause().isInstanceOf(IllegalStateException.class).hasMessageContaining("not running");
  }
}
