package dev.aether.nats.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.event.Event;
import dev.aether.nats.JetStreamConfig;
import dev.aether.runtime.ActorPlacement;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.RuntimeConfig;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hole the fence closes (aether-cluster README, "An outcome that stores nothing is fenced first"): an old
 * owner decides a command and is held between its decision and its publish (paused, cut off) while a new owner
 * answers a rejection that the old owner's write would have changed. Two runtimes on two connections both run
 * the account; the old one's append is held by a hook until the new one has answered.
 */
@NatsTest
class RuntimeOnJetStreamFencedOutcomesIT {

  /** A cluster's kind of placement: every actor allowed here, outcomes that store nothing fenced first. */
  private static final ActorPlacement FENCING = ActorPlacement.fencing(ActorPlacement.EVERYWHERE);

  private final List<AutoCloseable> resources = new ArrayList<>();
  private String url;
  private JetStreamConfig config;

  @BeforeEach
  void namespace(NatsServer server) {
    url = server.url();
    config = JetStreamConfig.builder().servers(url).namespace("fenced-" + UUID.randomUUID().toString().substring(0, 8))
        .build();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable resource : resources.reversed()) {
      resource.close();
    }
  }

  @Test
  void withFencing_theOldOwnersLateCredit_isRefused_andTheRejectionStands() throws Exception {
    Race race = race(FENCING);

    assertThat(race.spend).isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.isTransient()).isFalse());
    assertThat(race.credit).as("the old owner's late write was refused by the fence")
        .isInstanceOfSatisfying(Rejected.class, r -> assertThat(r.reason()).isEqualTo(RejectionReason.NOT_OWNER));
    assertThat(commandIds(race.newOwner.store.getEvents(Bank.stream("acc"), 0))).containsExactly("open-acc");
    assertThat(race.newOwner.store.fences).hasValue(1);

    // the sender follows the owner: the credit is applied once, then the spend is decided on it
    BankClient viaNewOwner = new BankClient(List.of(race.newOwner.runtime));
    assertThat(viaNewOwner.send(Bank.deposit("acc", 100, "credit"))).isInstanceOf(Accepted.class);
    assertThat(viaNewOwner.send(Bank.withdraw("acc", 50, "spend"))).isInstanceOf(Accepted.class);
    List<Event> history = race.newOwner.store.getEvents(Bank.stream("acc"), 0);
    assertThat(commandIds(history)).containsExactly("open-acc", "credit", "spend");
    assertThat(Bank.balanceOf(history)).isEqualTo(50);
    assertThat(race.newOwner.store.fences).as("one fence per activation, none after a write").hasValue(1);

    // the old owner, given the actor back, reads the history it was fenced from and writes on it
    assertThat(race.oldOwner.runtime.sendMessage(Bank.deposit("acc", 5, "back")).get(10, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(Accepted.class, a -> assertThat(a.newVersion()).isEqualTo(4));
    assertThat(Bank.balanceOf(race.newOwner.store.getEvents(Bank.stream("acc"), 0))).isEqualTo(55);
  }

  @Test
  void withFencing_readsOfTheHistoryInTheOldOwnersProcess_duringItsHold_doNotLetItsLateCreditPass() throws Exception {
    // while the old owner's actor is held, something else in its process reads the actor's history after the
    // new owner's fence (its state or a page of its history over HTTP, a policy's look-back): not the actor's own
    Race race = race(FENCING, oldOwner -> {
      assertThat(await(oldOwner.runtime.readState(Bank.key("acc"))).version()).isEqualTo(1);
      CountingStore oldOwnersStore = oldOwner.store;
      assertThat(oldOwnersStore.getEvents(Bank.stream("acc"), 0)).hasSize(1);
      assertThat(oldOwnersStore.getEventsWithErrors(Bank.stream("acc"), 1, 1).events()).hasSize(1);
      assertThat(oldOwnersStore.getLatestVersion(Bank.stream("acc"))).isEqualTo(1);
    });

    assertThat(race.spend).isInstanceOf(Rejected.class);
    assertThat(race.credit).isInstanceOfSatisfying(Rejected.class,
        r -> assertThat(r.reason()).isEqualTo(RejectionReason.NOT_OWNER));
    assertThat(commandIds(race.newOwner.store.getEvents(Bank.stream("acc"), 0))).containsExactly("open-acc");

    // the old owner, given the actor back, reads the history up to the fence (its own read) and writes after it
    assertThat(race.oldOwner.runtime.sendMessage(Bank.deposit("acc", 100, "credit")).get(10, TimeUnit.SECONDS))
        .isInstanceOfSatisfying(Accepted.class, a -> assertThat(a.newVersion()).isEqualTo(2));
  }

  @Test
  void withoutFencing_theOldOwnersLateCredit_landsAfterTheRejectionWasAnswered() throws Exception {
    Race race = race(ActorPlacement.EVERYWHERE);

    // what one process may do, and a cluster must not: the answer "insufficient funds" was given at v1 while
    // the credit it did not see is stored after it
    assertThat(race.spend).isInstanceOf(Rejected.class);
    assertThat(race.credit).isInstanceOf(Accepted.class);
    assertThat(commandIds(race.newOwner.store.getEvents(Bank.stream("acc"), 0))).containsExactly("open-acc", "credit");
    assertThat(race.newOwner.store.fences).hasValue(0);
  }

  /** The nodes and outcomes of one race: the old owner's credit (held before its publish), the new owner's spend. */
  private record Race(Node oldOwner, Node newOwner, CommandResult credit, CommandResult spend) {}

  private Race race(ActorPlacement placement) throws Exception {
    return race(placement, oldOwner -> {});
  }

  /**
   * @param duringHold what else the old owner's process does after the new owner answered, before the old owner's
   *     held publish goes on
   */
  private Race race(ActorPlacement placement, Consumer<Node> duringHold) throws Exception {
    Node oldOwner = node(placement);
    Node newOwner = node(placement);
    assertThat(oldOwner.runtime.sendMessage(Bank.open("acc")).get(10, TimeUnit.SECONDS)).isInstanceOf(Accepted.class);
    // the new owner takes the actor over: it reads the history (v1, balance 0)
    assertThat(newOwner.runtime.createVM(Bank.key("acc")).get(10, TimeUnit.SECONDS).getVersion()).isEqualTo(1);

    CountDownLatch decided = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    oldOwner.store.beforeAppend = actorId -> {
      decided.countDown();
      await(release);
    };
    CompletableFuture<CommandResult> credit = oldOwner.runtime.sendMessage(Bank.deposit("acc", 100, "credit"));
    assertThat(decided.await(10, TimeUnit.SECONDS)).as("the old owner decided the credit").isTrue();

    CommandResult spend = newOwner.runtime.sendMessage(Bank.withdraw("acc", 50, "spend")).get(10, TimeUnit.SECONDS);
    duringHold.accept(oldOwner);
    release.countDown();
    return new Race(oldOwner, newOwner, credit.get(10, TimeUnit.SECONDS), spend);
  }

  private Node node(ActorPlacement placement) {
    Node node = Node.start(url, config, RuntimeConfig.defaults(), false);
    resources.add(node);
    node.runtime.setPlacement(placement);
    return node;
  }

  private static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static List<String> commandIds(List<Event> events) {
    return events.stream().map(e -> e.commandId().orElseThrow()).toList();
  }
}
