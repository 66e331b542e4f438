package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.accepted;
import static dev.aether.runtime.Fixtures.join;
import static dev.aether.runtime.Fixtures.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.event.Event;
import dev.aether.store.ForwardingEventStore;
import dev.aether.store.InMemoryEventStore;
import dev.aether.store.OutcomeUnknownException;
import dev.aether.store.StoreUnavailableException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Outcomes that store nothing under a placement that fences them ({@link ActorPlacement#fencesOutcomes()}, a
 * cluster's): when the actor fences its history, what a failed or refused fence does, and that a placement
 * without it never fences. The store's side of fences: aether-nats {@code JetStreamFenceIT}.
 */
class FencedOutcomesTest {

  private static final ActorPlacement FENCING = ActorPlacement.fencing(ActorPlacement.EVERYWHERE);

  private final InMemoryEventStore memory = InMemoryEventStore.create();
  /** Each fence asked for, as {@code stream@version}. */
  private final List<String> fences = new CopyOnWriteArrayList<>();
  private volatile RuntimeException fenceFailure;
  private final ForwardingEventStore store = new ForwardingEventStore(memory) {
    @Override
    public void fence(String streamId, long version) {
      fences.add(streamId + "@" + version);
      RuntimeException failure = fenceFailure;
      if (failure != null) {
        throw failure;
      }
      super.fence(streamId, version);
    }
  };
  private Runtime runtime;

  @AfterEach
  void close() {
    runtime.close();
  }

  private Runtime start(ActorPlacement placement) {
    runtime = Runtime.builder().eventStore(store).behavior(Bank.behavior()).placement(placement).build();
    runtime.start();
    return runtime;
  }

  @Test
  void aRejectionBeforeAnyWrite_fencesOnce_andAfterAWriteNoOutcomeFences() {
    start(FENCING);

    assertThat(rejected(runtime.sendMessage(Bank.withdraw("a", 5))).message()).contains("insufficient funds");
    assertThat(fences).containsExactly("Account/a@0");
    rejected(runtime.sendMessage(Bank.withdraw("a", 6)));
    assertThat(fences).as("once per read of the history").hasSize(1);

    accepted(runtime.sendMessage(Bank.open("a")));
    rejected(runtime.sendMessage(Bank.withdraw("a", 7)));
    accepted(runtime.sendMessage(RuntimeMessage.of(Bank.TYPE, "a", "Touch", Map.of()))); // accepted, no events
    assertThat(fences).as("its own write refuses every older decision").hasSize(1);
    assertThat(memory.getLatestVersion(Bank.stream("a"))).isEqualTo(1);
  }

  @Test
  void aFenceThatFails_answersStoreUnavailable_storesNothing_andTheResendIsDecided() {
    start(FENCING);
    for (RuntimeException failure : List.of(new StoreUnavailableException("NATS is gone", null),
        new OutcomeUnknownException(Bank.stream("b"), "no acknowledgement in time", null))) {
      fenceFailure = failure;

      CommandResult.Rejected refused = rejected(runtime.sendMessage(Bank.withdraw("b", 5, "w-1")));

      assertThat(refused.reason()).as("nothing was stored: never OUTCOME_UNKNOWN")
          .isEqualTo(RejectionReason.STORE_UNAVAILABLE);
      assertThat(refused.isTransient()).isTrue();
      assertThat(refused.message()).contains("fencing").contains(failure.getMessage());
    }
    fenceFailure = null;

    assertThat(rejected(runtime.sendMessage(Bank.withdraw("b", 5, "w-1"))).message()).contains("insufficient funds");
    assertThat(memory.getLatestVersion(Bank.stream("b"))).isZero();
    assertThat(fences).containsExactly("Account/b@0", "Account/b@0", "Account/b@0");
  }

  @Test
  void aFenceRefusedBecauseAnotherWriterMovedTheActor_catchesUp_andDecidesAgainOnTheNewState() {
    memory.append(Bank.stream("c"), 0, List.of(event("c", 1, "Opened", Map.of("owner", "c"))));
    start(FENCING);
    assertThat(join(runtime.createVM(ActorKey.of(Bank.TYPE, "c"))).getVersion()).isEqualTo(1);
    // another node deposits after this one read the history
    memory.append(Bank.stream("c"), 1, List.of(event("c", 2, "Deposited", Map.of("amount", 10))));

    // decided on balance 0: a rejection, whose fence at v1 is refused; decided again on balance 10
    assertThat(accepted(runtime.sendMessage(Bank.withdraw("c", 5))).newVersion()).isEqualTo(3);
    assertThat(fences).containsExactly("Account/c@1");
  }

  @Test
  void aPlacementThatDoesNotFence_neverFences() {
    start(ActorPlacement.EVERYWHERE);

    rejected(runtime.sendMessage(Bank.withdraw("d", 5)));
    rejected(runtime.sendMessage(Bank.deposit("d", 5)));

    assertThat(fences).isEmpty();
  }

  private static Event event(String id, long version, String type, Map<String, Object> data) {
    return Event.builder().eventType(type).streamId(Bank.stream(id)).version(version).data(data).build();
  }
}
