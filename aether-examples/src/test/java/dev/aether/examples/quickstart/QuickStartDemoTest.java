package dev.aether.examples.quickstart;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.event.ActorSnapshot;
import dev.aether.event.Event;
import dev.aether.examples.quickstart.BankDemo.Summary;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.RejectionReason;
import dev.aether.store.ForwardingEventStore;
import dev.aether.store.InMemoryEventStore;
import dev.aether.store.ReplayResult;
import dev.aether.store.SnapshotStore;
import dev.aether.testkit.net.RefusingPort;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class QuickStartDemoTest {

  /** What the demo must end with: 100 x 10 each, t-1 moves 250 from alice to bob, alice gets 100 more. */
  private static final Map<String, Summary> EXPECTED = Map.of(
      "alice", new Summary("Alice", 850, 103),
      "bob", new Summary("Bob", 1250, 102),
      "carol", new Summary("Carol", 1000, 101));

  private final RecordingStore store = new RecordingStore();
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

  private BankDemo.Outcome runDemo() {
    return new BankDemo(store, store, new PrintStream(printed, true, UTF_8)).run();
  }

  private List<Event> history(String account) {
    return store.getEvents("Account/" + account, 1);
  }

  @Test
  void run_newRuntimeRecoversTheExpectedBalances_equalToThoseBeforeTheRestart() {
    BankDemo.Outcome outcome = runDemo();

    assertThat(outcome.recovered()).isEqualTo(EXPECTED);
    assertThat(outcome.before()).isEqualTo(EXPECTED);
    EXPECTED.forEach((account, summary) ->
        assertThat(store.getLatestVersion("Account/" + account)).isEqualTo(summary.version()));
  }

  @Test
  void run_refusesTheTransferWithoutFunds_asABusinessRule_andStoresNothingForIt() {
    BankDemo.Outcome outcome = runDemo();

    assertThat(outcome.refusal().reason()).isEqualTo(RejectionReason.BUSINESS_RULE);
    assertThat(outcome.refusal().isTransient()).isFalse();
    assertThat(outcome.refusal().message()).isEqualTo("insufficient funds: balance 1000, asked 5000");
    assertThat(outcome.refusal().commandId()).isEqualTo("t-2/withdraw");
    assertThat(history("carol")).extracting(Event::eventType).doesNotContain("MoneyWithdrawn");
    assertThat(history("alice")).noneMatch(e -> e.commandId().orElseThrow().startsWith("t-2/"));
  }

  @Test
  void run_resentTransfer_isAnsweredAsDuplicate_withItsFirstOutcome_andStoredOnce() {
    BankDemo.Outcome outcome = runDemo();

    assertThat(outcome.resent()).hasSize(3).allSatisfy(resent -> {
      assertThat(resent.duplicate()).isTrue();
      assertThat(resent.newVersion()).isEqualTo(102);
    });
    assertThat(outcome.resent()).extracting(Accepted::commandId)
        .containsExactly("t-1/withdraw", "t-1/deposit", "t-1/deposit");
    assertThat(history("alice")).filteredOn(e -> e.commandId().orElseThrow().equals("t-1/withdraw"))
        .singleElement().satisfies(e -> assertThat(e.version()).isEqualTo(102));
    assertThat(history("bob")).filteredOn(e -> e.commandId().orElseThrow().equals("t-1/deposit"))
        .singleElement().satisfies(e -> assertThat(e.data()).isEqualTo(Map.of("amount", 250L)));
  }

  @Test
  void run_storesEveryConcurrentDepositOnce_withGaplessVersions() {
    runDemo();

    for (String account : BankDemo.ACCOUNTS) {
      List<Event> history = history(account);
      assertThat(history).extracting(Event::version)
          .isEqualTo(LongStream.rangeClosed(1, history.size()).boxed().toList());
      assertThat(history).filteredOn(e -> e.commandId().orElseThrow().startsWith("deposit-" + account + "-"))
          .hasSize(BankDemo.THREADS * BankDemo.DEPOSITS_PER_THREAD + (account.equals("alice") ? 1 : 0));
    }
  }

  @Test
  void run_reactivatesFromSnapshots_afterPassivationAndRestart_neverReplayingTheWholeHistoryAgain() {
    BankDemo.Outcome outcome = runDemo();

    assertThat(outcome.snapshotVersion()).isEqualTo(102);
    // alice: first activation at Open; the resent t-1/withdraw reads its stored event (v102) to answer as a
    // duplicate; after the stop (snapshot v102) and in the new runtime (snapshot v103) an activation reads from
    // the snapshot's own version, whose stored event vouches for the snapshot
    assertThat(store.replayedFrom("Account/alice")).containsExactly(1L, 102L, 102L, 103L);
    // bob: t-1/deposit (v102) is resent twice, then the new runtime activates from its snapshot v102
    assertThat(store.replayedFrom("Account/bob")).containsExactly(1L, 102L, 102L, 102L);
    assertThat(store.replayedFrom("Account/carol")).containsExactly(1L, 101L);
  }

  @Test
  void run_printsTheStepsAndTheSummary() {
    runDemo();

    assertThat(printed.toString(UTF_8))
        .contains("Withdraw rejected: BUSINESS_RULE (not transient: resending will not help)"
            + " - insufficient funds: balance 1000, asked 5000")
        .contains("t-1/withdraw -> accepted, duplicate=true, v102")
        .contains("stopped Account/alice#1: snapshot written at v102; active actors: [bob, carol]")
        .contains("runtime closed; latest snapshots: alice v103, bob v102, carol v101")
        .contains("alice  Alice    850 v103  ->   850 v103  same")
        .contains("bob    Bob     1250 v102  ->  1250 v102  same")
        .contains("carol  Carol   1000 v101  ->  1000 v101  same")
        .contains("Every balance recovered. Total 3100")
        .doesNotContain("DIFFERENT");
  }

  @Test
  void storeIsFresh_isFalse_onceTheDemoRan() {
    assertThat(new BankDemo(store, store, new PrintStream(printed, true, UTF_8)).storeIsFresh()).isTrue();
    runDemo();

    assertThat(new BankDemo(store, store, new PrintStream(printed, true, UTF_8)).storeIsFresh()).isFalse();
  }

  // --- the command line ---

  private record Run(int code, String out, String err) {}

  private static Run main(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code = QuickStartDemo.run(args, new PrintStream(out, true, UTF_8), new PrintStream(err, true, UTF_8));
    return new Run(code, out.toString(UTF_8), err.toString(UTF_8));
  }

  @Test
  void main_withoutArguments_runsOnTheInMemoryStore_andExitsZero() {
    Run run = main();

    assertThat(run.code()).isZero();
    assertThat(run.err()).isEmpty();
    assertThat(run.out())
        .startsWith("Aether quick start: bank accounts as virtual actors, on the in-memory event store")
        .contains("carol  Carol   1000 v101  ->  1000 v101  same");
  }

  @Test
  void main_withBadArguments_printsOneLine_andExitsTwo() {
    for (String[] args : List.of(new String[] {"--frob"}, new String[] {"--nats"}, new String[] {"--namespace", "x"},
        new String[] {"--nats", "http://localhost:4222"}, new String[] {"--nats=nats://127.0.0.1:4222",
            "--namespace", "events"})) {
      Run run = main(args);

      assertThat(run.code()).as("%s", List.of(args)).isEqualTo(2);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).startsWith("error: ").hasLineCount(1);
    }
  }

  @Test
  void main_help_printsTheUsage() {
    Run run = main("--help");

    assertThat(run.code()).isZero();
    assertThat(run.out()).contains("--nats URL").contains("--namespace NAME");
  }

  @Test
  void main_withAnUnreachableServer_printsOneLine_andExitsOne() {
    try (RefusingPort down = RefusingPort.open()) {
      Run run = main("--nats", "nats://127.0.0.1:" + down.port());

      assertThat(run.code()).isEqualTo(1);
      assertThat(run.out()).isEmpty();
      assertThat(run.err()).startsWith("error: cannot connect to NATS server [nats://127.0.0.1:" + down.port() + "]")
          .hasLineCount(1);
    }
  }

  /**
   * The in-memory store, recording from which version each actor's events are read (the runtime's replays, other
   * reads and range reads).
   */
  private static final class RecordingStore extends ForwardingEventStore implements SnapshotStore {
    private final List<Map.Entry<String, Long>> replays = new CopyOnWriteArrayList<>();

    RecordingStore() {
      super(InMemoryEventStore.create());
    }

    List<Long> replayedFrom(String actorId) {
      return replays.stream().filter(r -> r.getKey().equals(actorId)).map(Map.Entry::getValue).toList();
    }

    @Override
    public ReplayResult getEventsWithErrors(String actorId, long fromVersion) {
      replays.add(Map.entry(actorId, fromVersion));
      return super.getEventsWithErrors(actorId, fromVersion);
    }

    @Override
    public ReplayResult getEventsForWriter(String actorId, long fromVersion) {
      replays.add(Map.entry(actorId, fromVersion)); // an activation or a catch-up
      return super.getEventsForWriter(actorId, fromVersion);
    }

    @Override
    public ReplayResult getEventsWithErrors(String actorId, long fromVersion, long toVersion) {
      replays.add(Map.entry(actorId, fromVersion)); // a range read: a duplicate's own events
      return super.getEventsWithErrors(actorId, fromVersion, toVersion);
    }

    @Override
    public void saveSnapshot(ActorSnapshot snapshot) {
      ((SnapshotStore) delegate()).saveSnapshot(snapshot);
    }

    @Override
    public Optional<ActorSnapshot> getLatestSnapshot(String actorId) {
      return ((SnapshotStore) delegate()).getLatestSnapshot(actorId);
    }
  }
}
