package dev.aether.bench.peers;

import dev.aether.bench.Jit;
import static dev.aether.bench.peers.Workload.ACTORS;
import static dev.aether.bench.peers.Workload.PER_ACTOR;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.SpawnProtocol;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.pattern.Patterns;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import org.apache.pekko.persistence.typed.PersistenceId;

/**
 * Pekko's side of the peer workload: {@link PekkoAccount} entities on Pekko's in-memory journal
 * ({@code pekko.persistence.journal.inmem}, no snapshot store), in one {@link ActorSystem} started with the
 * suite and terminated by {@link #close()}. Each run spawns {@value Workload#ACTORS} fresh entities (new
 * persistence ids) through {@link SpawnProtocol} and waits until each has recovered, before the timed region;
 * {@code run()} asks each {@code Deposit}, built when it is sent, through the {@link Workload.Window}. After a
 * run (untimed) the entities stop and their events are deleted from the journal, so runs do not pile up
 * events. Used by one thread at a time.
 */
final class PekkoPeer extends PeerSide implements AutoCloseable {

  private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(60);

  static final String CONFIG = """
      pekko.loglevel = WARNING
      pekko.stdout-loglevel = WARNING
      pekko.persistence.journal.plugin = "pekko.persistence.journal.inmem"
      pekko.persistence.snapshot-store.plugin = "pekko.persistence.no-snapshot-store"
      """;

  private final ActorSystem<SpawnProtocol.Command> system;
  private final Scheduler scheduler;
  private final org.apache.pekko.actor.ActorRef journal;
  @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array; filled with typed refs only
  private final ActorRef<PekkoAccount.Command>[] entities = new ActorRef[ACTORS];
  private final String[] persistenceIds = new String[ACTORS];
  private int runNumber;

  /** Starts the actor system. */
  PekkoPeer() {
    Config config = ConfigFactory.parseString(CONFIG).withFallback(ConfigFactory.load());
    system = ActorSystem.create(SpawnProtocol.create(), "peers", config);
    scheduler = system.scheduler();
    // the journal actor of the default plugin, to delete a run's events afterwards (untimed)
    journal = Persistence.get(Adapter.toClassic(system)).journalFor("", ConfigFactory.empty());
  }











  @Override
  public void setUp() {
    runNumber++;
    List<CompletableFuture<ActorRef<PekkoAccount.Command>>> spawned = new ArrayList<>(ACTORS);
    for (int a = 0; a < ACTORS; a++) {
      String id = "acct-" + runNumber + "-" + a;
      PersistenceId persistenceId = PersistenceId.of("Account", id);
      persistenceIds[a] = persistenceId.id();
      spawned.add(AskPattern.<SpawnProtocol.Command, ActorRef<PekkoAccount.Command>>ask(system,
          replyTo -> new SpawnProtocol.Spawn<>(new PekkoAccount(persistenceId), id, Props.empty(), replyTo),
          SETUP_TIMEOUT, scheduler).toCompletableFuture());
    }
    for (int a = 0; a < ACTORS; a++) {
      entities[a] = spawned.get(a).join();
    }
    requireBalances(0); // every entity has recovered (from nothing)
    Jit.awaitQuiet();
    startMeasuring();
  }

  @Override
  void send(int i, Workload.Window window) {
    AskPattern.<PekkoAccount.Command, StatusReply<Done>>ask(entities[i % ACTORS],
            replyTo -> new PekkoAccount.Deposit(1, replyTo), Workload.TIMEOUT, scheduler)
        .whenComplete((reply, failure) -> window.done(reply != null && reply.isSuccess(),
            reply != null ? reply : failure));
  }

  @Override
  public void tearDown() {
    finishMeasuring();
    requireBalances(PER_ACTOR); // after the measurement: its asks' timers are not the run's
    List<CompletableFuture<?>> pending = new ArrayList<>(ACTORS);
    for (ActorRef<PekkoAccount.Command> entity : entities) {
      pending.add(AskPattern.<PekkoAccount.Command, Done>ask(entity, PekkoAccount.Stop::new, SETUP_TIMEOUT,
          scheduler).toCompletableFuture());
    }
    pending.forEach(CompletableFuture::join);
    pending.clear();
    for (String persistenceId : persistenceIds) {
      pending.add(Patterns.askWithReplyTo(journal,
          replyTo -> new JournalProtocol.DeleteMessagesTo(persistenceId, Long.MAX_VALUE, replyTo), SETUP_TIMEOUT)
          .toCompletableFuture());
    }
    for (CompletableFuture<?> deleted : pending) {
      if (!(deleted.join() instanceof org.apache.pekko.persistence.DeleteMessagesSuccess)) {
        throw new IllegalStateException("the journal did not delete a run's events: " + deleted.join());
      }
    }
  }

  /** Asks every entity its balance and throws unless each is {@code expected}. */
  private void requireBalances(long expected) {
    List<CompletionStage<Long>> balances = new ArrayList<>(ACTORS);
    for (ActorRef<PekkoAccount.Command> entity : entities) {
      balances.add(AskPattern.ask(entity, PekkoAccount.Balance::new, SETUP_TIMEOUT, scheduler));
    }
    for (int a = 0; a < ACTORS; a++) {
      long balance = balances.get(a).toCompletableFuture().join();
      if (balance != expected) {
        throw new IllegalStateException(persistenceIds[a] + " has balance " + balance + ", expected " + expected);
      }
    }
  }

  /** Terminates the actor system and waits for it. */
  @Override
  public void close() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
  }
}
