package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.accepted;
import static dev.aether.runtime.Fixtures.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The placement is checked again once the command is in the actor's mailbox: a shard drained between the first
 * check and the activation (a handoff in the cluster) must not leave a re-created actor on the old owner.
 */
class PlacementRecheckTest {

  private final TestStore store = new TestStore();
  private final AtomicInteger checks = new AtomicInteger();
  /** Allows "a" at the first check of each command only: the shard moves away between check and activation. */
  private volatile boolean movesAway;
  private final Runtime runtime = Fixtures.runtime(store)
      .placement(key -> !movesAway || checks.incrementAndGet() % 2 == 1).build();

  @AfterEach
  void close() {
    runtime.close();
  }

  @Test
  void anActorActivatedAfterItsShardMovedAway_answersNotOwner_andIsDrainedAgain() {
    runtime.start();
    accepted(runtime.sendMessage(Bank.open("a")));
    runtime.drain(java.util.List.of(ActorKey.of(Bank.TYPE, "a"))).join(); // the move's drain: nothing active
    movesAway = true;

    CommandResult.Rejected refused = rejected(runtime.sendMessage(Bank.deposit("a", 5)));

    assertThat(refused.reason()).isEqualTo(RejectionReason.NOT_OWNER);
    assertThat(store.appendCalls).as("only the open was stored").hasValue(1);
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> runtime.getActiveVMs().isEmpty());
  }
}
