package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.accepted;
import static dev.aether.runtime.Fixtures.eventually;
import static dev.aether.runtime.Fixtures.rejected;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.event.Event;
import dev.aether.store.EventStore;
import dev.aether.store.ForwardingEventStore;
import dev.aether.store.InMemoryEventStore;
import dev.aether.store.OutcomeUnknownException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link Runtime#sendMessageToRelay}: the reply completes from the store's acknowledgement (here: the test
 * thread completing {@link EventStore#appendAsync}'s future), with the VM's state already past the command, and
 * the actor's worker does not wait for it; {@link Runtime#sendMessage} keeps completing on the actor's thread; a
 * failed acknowledgement is handled as a failed synchronous append is.
 */
class RelayReplyTest {

  private static final ActorKey KEY = ActorKey.of(Bank.TYPE, "relay");

  private final AcknowledgingStore store = new AcknowledgingStore();
  private final Runtime runtime = Runtime.builder().eventStore(store).behavior(Bank.behavior()).build();

  @AfterEach
  void close() {
    store.holding = false;
    store.acknowledgeAll();
    runtime.close();
  }

  @Test
  void aRelayedReply_completesOnTheAcknowledgingThread_withTheVmAlreadyPastTheCommand() {
    runtime.start();
    accepted(runtime.sendMessage(Bank.open("relay")));
    store.holding = true;
    CompletableFuture<CommandResult> reply = runtime.sendMessageToRelay(Bank.deposit("relay", 5));
    AtomicReference<Thread> answeredOn = new AtomicReference<>();
    AtomicReference<Long> versionSeen = new AtomicReference<>();
    AtomicReference<Map<String, Object>> stateSeen = new AtomicReference<>();
    reply.whenComplete((result, failure) -> {
      answeredOn.set(Thread.currentThread());
      VirtualMachine vm = runtime.registry().get(KEY).orElseThrow();
      versionSeen.set(vm.getVersion());
      stateSeen.set(vm.getState());
    });
    eventually().until(() -> store.held.size() == 1);
    assertThat(reply).isNotDone();

    store.acknowledgeAll(); // the "acknowledgement", on this thread

    assertThat(reply).as("answered from the acknowledgement itself").isDone();
    assertThat(answeredOn.get()).isSameAs(Thread.currentThread());
    assertThat(accepted(reply).newVersion()).isEqualTo(2);
    assertThat(versionSeen.get()).as("the VM's version seen by the reply's callback").isEqualTo(2);
    assertThat(stateSeen.get()).containsEntry("balance", 5L);
    // the next command is decided on the committed state
    store.holding = false;
    assertThat(accepted(runtime.sendMessage(Bank.deposit("relay", 7))).newVersion()).isEqualTo(3);
    assertThat(runtime.registry().get(KEY).orElseThrow().getState()).containsEntry("balance", 12L);
  }

  @Test
  void aPlainReply_completesOnTheActorsThread_notOnTheAcknowledgingOne() {
    runtime.start();
    accepted(runtime.sendMessage(Bank.open("relay")));
    store.holding = true;
    CompletableFuture<CommandResult> reply = runtime.sendMessage(Bank.deposit("relay", 5));
    AtomicReference<Thread> answeredOn = new AtomicReference<>();
    reply.whenComplete((result, failure) -> answeredOn.set(Thread.currentThread()));
    eventually().until(() -> store.held.size() == 1);

    store.acknowledgeAll();

    // wait for the callback without joining the reply: a thread waiting in join() may run the callback itself
    eventually().until(() -> answeredOn.get() != null);
    assertThat(answeredOn.get()).isNotSameAs(Thread.currentThread());
    assertThat(accepted(reply).newVersion()).isEqualTo(2);
    assertThat(answeredOn.get().isVirtual()).as("the actor's worker").isTrue();
  }

  @Test
  void aRelayedCommand_whoseAcknowledgementFails_isAnsweredAsAnUnknownOutcome_andAResendIsADuplicate() {
    runtime.start();
    accepted(runtime.sendMessage(Bank.open("relay")));
    store.holding = true;
    RuntimeMessage deposit = Bank.deposit("relay", 5, "relay-deposit-1");
    CompletableFuture<CommandResult> reply = runtime.sendMessageToRelay(deposit);
    eventually().until(() -> store.held.size() == 1);

    // the commit was stored, but the writer learns nothing (a lost acknowledgement)
    store.failAll(new OutcomeUnknownException(Bank.stream("relay"), "no acknowledgement in time", null));

    CommandResult.Rejected unknown = rejected(reply);
    assertThat(unknown.reason().isTransient()).as(unknown.reason() + " is transient").isTrue();
    store.holding = false;
    CommandResult.Accepted resent = accepted(runtime.sendMessageToRelay(deposit));
    assertThat(resent.duplicate()).isTrue();
    assertThat(resent.newVersion()).isEqualTo(2);
    assertThat(store.inner.getEvents(Bank.stream("relay"), 0)).extracting(Event::version).containsExactly(1L, 2L);
    assertThat(accepted(runtime.sendMessage(Bank.deposit("relay", 1))).newVersion()).isEqualTo(3);
  }

  @Test
  void aRelayedBatch_doesNotHoldItsWorker_whileItsCommitWaitsForTheAcknowledgement() {
    ExecutorService oneThread = Executors.newSingleThreadExecutor();
    try (Runtime single = Runtime.builder().eventStore(store).behavior(Bank.behavior()).executor(oneThread).build()) {
      single.start();
      accepted(single.sendMessage(Bank.open("a")));
      accepted(single.sendMessage(Bank.open("b")));
      store.holding = true;
      CompletableFuture<CommandResult> relayed = single.sendMessageToRelay(Bank.deposit("a", 5));
      eventually().until(() -> store.held.size() == 1);

      // the runtime's only thread is free: another actor's command is decided while the first commit waits
      CompletableFuture<CommandResult> other = single.sendMessageToRelay(Bank.deposit("b", 7));
      eventually().until(() -> store.held.size() == 2);

      store.acknowledgeAll();
      assertThat(accepted(relayed).newVersion()).isEqualTo(2);
      assertThat(accepted(other).newVersion()).isEqualTo(2);
    } finally {
      oneThread.shutdownNow();
    }
  }

  @Test
  void aCommandQueuedBehindARelayedCommit_isDecidedOnceTheAcknowledgementEndsTheTurn() {
    runtime.start();
    accepted(runtime.sendMessage(Bank.open("relay")));
    store.holding = true;
    CompletableFuture<CommandResult> first = runtime.sendMessageToRelay(Bank.deposit("relay", 5));
    eventually().until(() -> store.held.size() == 1);

    CompletableFuture<CommandResult> second = runtime.sendMessageToRelay(Bank.deposit("relay", 7));
    assertThat(store.held).as("one turn at a time: the second waits for the first's acknowledgement").hasSize(1);

    store.acknowledgeNext(); // only the first: the second's commit may be sent from within this call
    eventually().until(() -> store.held.size() == 1); // the second, in a turn of its own
    store.acknowledgeNext();
    assertThat(accepted(first).newVersion()).isEqualTo(2);
    assertThat(accepted(second).newVersion()).isEqualTo(3);
    assertThat(runtime.registry().get(KEY).orElseThrow().getState()).containsEntry("balance", 12L);
  }

  @Test
  void aStop_waitsForTheRelayedCommitInFlight_thenStoresItsSnapshot() {
    runtime.start();
    accepted(runtime.sendMessage(Bank.open("relay")));
    store.holding = true;
    CompletableFuture<CommandResult> deposit = runtime.sendMessageToRelay(Bank.deposit("relay", 5));
    eventually().until(() -> store.held.size() == 1);

    CompletableFuture<Void> stopped = runtime.registry().get(KEY).orElseThrow().stop();
    assertThat(stopped).as("the turn still holds the mailbox").isNotDone();

    store.acknowledgeAll();
    stopped.join();
    assertThat(accepted(deposit).newVersion()).isEqualTo(2);
    eventually().until(() -> runtime.registry().get(KEY).isEmpty());
    store.holding = false;
    assertThat(accepted(runtime.sendMessage(Bank.deposit("relay", 1))).newVersion()).isEqualTo(3);
    assertThat(runtime.registry().get(KEY).orElseThrow().getState()).containsEntry("balance", 6L);
  }

  /**
   * An in-memory store whose {@link #appendAsync} stores at once and, while {@link #holding}, completes its
   * future only when the test acknowledges it.
   */
  private static final class AcknowledgingStore extends ForwardingEventStore {
    final InMemoryEventStore inner;
    final ConcurrentLinkedQueue<Held> held = new ConcurrentLinkedQueue<>();
    volatile boolean holding;

    record Held(CompletableFuture<Long> future, long version) {}

    AcknowledgingStore() {
      this(InMemoryEventStore.create());
    }

    private AcknowledgingStore(InMemoryEventStore inner) {
      super(inner);
      this.inner = inner;
    }

    @Override
    public CompletableFuture<Long> appendAsync(String streamId, long expectedVersion, List<Event> events) {
      long version;
      try {
        version = inner.append(streamId, expectedVersion, events);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
      if (!holding) {
        return CompletableFuture.completedFuture(version);
      }
      CompletableFuture<Long> future = new CompletableFuture<>();
      held.add(new Held(future, version));
      return future;
    }

    void acknowledgeNext() {
      Held h = held.poll();
      h.future().complete(h.version());
    }

    void acknowledgeAll() {
      for (Held h; (h = held.poll()) != null; ) {
        h.future().complete(h.version());
      }
    }

    void failAll(RuntimeException failure) {
      for (Held h; (h = held.poll()) != null; ) {
        h.future().completeExceptionally(failure);
      }
    }
  }
}
