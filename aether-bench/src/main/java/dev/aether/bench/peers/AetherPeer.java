package dev.aether.bench.peers;

import dev.aether.bench.Jit;
import static dev.aether.bench.peers.Workload.ACTORS;
import static dev.aether.bench.peers.Workload.PER_ACTOR;

import dev.aether.runtime.ActorKey;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.behavior.Effect;
import dev.aether.runtime.behavior.JavaBehavior;
import dev.aether.runtime.spi.Behavior;
import dev.aether.store.InMemoryEventStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Aether's side of the peer workload: a {@link Runtime} with a {@link JavaBehavior} account on an
 * {@link InMemoryEventStore}, every setting at its default (group commit, snapshot every 100 versions,
 * idempotency window, command timeout). Each run gets a fresh store and runtime with its {@value
 * Workload#ACTORS} actors activated ({@code createVM}) before the timed region; {@code run()} sends each
 * {@link RuntimeMessage} built when it is sent, through the {@link Workload.Window}. Used by one thread at a
 * time.
 */
final class AetherPeer extends PeerSide {

  static final String TYPE = "Account";

  /** The state. */
  record Account(long balance) {}

  /** The command. */
  record Deposit(long amount) {}

  /** The event. */
  record Deposited(long amount) {}

  private final String[] actorIds = new String[ACTORS];
  private int runNumber;
  private InMemoryEventStore store;
  private Runtime runtime;









  static Behavior<Account> behavior() {
    return JavaBehavior.builder(TYPE, Account.class, new Account(0))
        .command("Deposit", Deposit.class, (s, c) -> Effect.persist(new Deposited(c.amount())))
        .event("Deposited", Deposited.class, (s, e) -> new Account(s.balance() + e.amount()))
        .build();
  }



  @Override
  public void setUp() {
    runNumber++;
    store = InMemoryEventStore.create();
    runtime = Runtime.builder().eventStore(store).behavior(behavior()).build();
    runtime.start();
    List<CompletableFuture<?>> activations = new ArrayList<>(ACTORS);
    for (int a = 0; a < ACTORS; a++) {
      actorIds[a] = "acct-" + runNumber + "-" + a;
      activations.add(runtime.createVM(ActorKey.of(TYPE, actorIds[a])));
    }
    activations.forEach(CompletableFuture::join);
    Jit.awaitQuiet();
    startMeasuring();
  }

  @Override
  void send(int i, Workload.Window window) {
    runtime.sendMessage(RuntimeMessage.of(TYPE, actorIds[i % ACTORS], "Deposit", Map.of("amount", 1)))
        .whenComplete((result, failure) -> window.done(result != null && result.isAccepted(),
            result != null ? result : failure));
  }

  @Override
  public void tearDown() {
    try {
      for (String actorId : actorIds) {
        long version = store.getLatestVersion(ActorKey.of(TYPE, actorId).streamId());
        if (version != PER_ACTOR) {
          throw new IllegalStateException(actorId + " is at version " + version + ", expected " + PER_ACTOR);
        }
      }
      finishMeasuring();
    } finally {
      runtime.close();
      runtime = null;
      store = null;
    }
  }

  /** Closes the runtime of a run that failed before its tear-down. */
  void close() {
    if (runtime != null) {
      runtime.close();
      runtime = null;
    }
  }
}
