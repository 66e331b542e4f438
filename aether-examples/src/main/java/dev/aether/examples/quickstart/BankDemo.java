package dev.aether.examples.quickstart;

import dev.aether.event.ActorSnapshot;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.VirtualMachine;
import dev.aether.store.EventStore;
import dev.aether.store.SnapshotStore;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The steps of the quick start, on any event store: bank accounts as virtual actors on a {@link Runtime}.
 *
 * <p>Opens three accounts, deposits into them concurrently from several virtual threads, transfers money
 * (Withdraw then Deposit, with command ids derived from the transfer id), gets a transfer refused for
 * insufficient funds, resends a transfer (recognised as a duplicate, nothing stored), passivates an account
 * and wakes it up from its snapshot, then closes the runtime and recovers every balance in a new runtime on
 * the same store. Each claim it prints is checked; a step that does not behave as described fails the demo
 * with a {@link DemoFailure}.
 */
final class BankDemo {

  /** The accounts and their owners, in the order they are printed. */
  static final Map<String, String> OWNERS = Map.of("alice", "Alice", "bob", "Bob", "carol", "Carol");
  static final List<String> ACCOUNTS = List.of("alice", "bob", "carol");
  static final int THREADS = 5;
  static final int DEPOSITS_PER_THREAD = 20;
  static final long DEPOSIT = 10;
  /** What step 6 deposits into the passivated account. */
  static final long LATE_DEPOSIT = 100;
  /** Resends of one command while its rejection is transient (timeout, conflict, store unavailable). */
  private static final int MAX_ATTEMPTS = 5;

  private final EventStore events;
  private final SnapshotStore snapshots;
  private final PrintStream out;
  private Runtime runtime;

  /**
   * What one account looks like from outside.
   *
   * @param owner the owner
   * @param balance the balance
   * @param version the version of its last event
   */
  record Summary(String owner, long balance, long version) {}

  /**
   * What the demo produced, for tests.
   *
   * @param before every account just before the runtime was closed
   * @param recovered every account as the new runtime recovered it
   * @param refusal the refused withdrawal of the transfer without funds
   * @param resent the outcomes of the resent transfer (Withdraw, Deposit), then of the Deposit resent to the
   *     new runtime
   * @param snapshotVersion the version of the snapshot alice's actor wrote when stopped
   */
  record Outcome(Map<String, Summary> before, Map<String, Summary> recovered, Rejected refusal,
      List<Accepted> resent, long snapshotVersion) {}

  /** A step did not behave as the demo says it does. */
  static final class DemoFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    DemoFailure(String message) {
      super(message);
    }
  }

  /**
   * @param events the event store
   * @param snapshots the snapshot store (usually the same object)
   * @param out where the demo prints
   */
  BankDemo(EventStore events, SnapshotStore snapshots, PrintStream out) {
    this.events = events;
    this.snapshots = snapshots;
    this.out = out;
  }

  /** @return whether the store holds none of the demo's accounts yet (the demo needs fresh accounts) */
  boolean storeIsFresh() {
    return ACCOUNTS.stream().allMatch(id -> events.getLatestVersion(stream(id)) == 0);
  }

  /** Runs every step in order and prints what happens. */
  Outcome run() {
    runtime = startRuntime();
    try {
      openAccounts();
      concurrentDeposits();
      transfer("t-1", "alice", "bob", 250);
      Rejected refusal = refusedTransfer();
      List<Accepted> resent = new ArrayList<>(resendTransfer());
      long snapshotVersion = passivateAndWakeUp("alice");
      Map<String, Summary> before = summaries();
      Map<String, Summary> recovered = restart();
      resent.add(duplicate(send(Account.deposit("bob", 250, "t-1/deposit")), "t-1/deposit"));
      out.println("   t-1/deposit resent to the new runtime -> duplicate again: the command ids survive restarts");
      printSummary(before, recovered);
      return new Outcome(before, recovered, refusal, resent, snapshotVersion);
    } finally {
      runtime.close();
    }
  }

  private Runtime startRuntime() {
    Runtime started = Runtime.builder().eventStore(events).snapshotStore(snapshots).behavior(Account.behavior())
        .build();
    started.start();
    return started;
  }

  private void openAccounts() {
    step(1, "Open three accounts (each account is a virtual actor, activated by its first command)");
    for (String id : ACCOUNTS) {
      Accepted opened = accepted(send(Account.open(id, OWNERS.get(id))), "Open " + id);
      out.printf("   %-6s Open -> %s v%d%n", id, opened.events().getFirst().eventType(), opened.newVersion());
    }
  }

  private void concurrentDeposits() {
    int perAccount = THREADS * DEPOSITS_PER_THREAD;
    step(2, THREADS + " virtual threads deposit concurrently: " + perAccount + " x " + DEPOSIT
        + " into each account");
    Map<String, Set<Long>> versions = new ConcurrentHashMap<>();
    ACCOUNTS.forEach(id -> versions.put(id, ConcurrentHashMap.newKeySet()));
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int thread = t;
        running.add(threads.submit(() -> {
          for (int i = 0; i < DEPOSITS_PER_THREAD; i++) {
            for (String id : ACCOUNTS) {
              String commandId = "deposit-" + id + "-" + thread + "-" + i;
              versions.get(id).add(accepted(send(Account.deposit(id, DEPOSIT, commandId)), commandId).newVersion());
            }
          }
        }));
      }
      running.forEach(BankDemo::await);
    }
    for (String id : ACCOUNTS) {
      Set<Long> used = versions.get(id);
      Summary account = summary(id);
      if (used.size() != perAccount || account.version() != perAccount + 1) {
        throw new DemoFailure(id + ": " + perAccount + " deposits got " + used.size() + " distinct versions,"
            + " account at v" + account.version());
      }
      out.printf("   %-6s %d accepted, versions 2..%d each used once (one command at a time per actor),"
          + " balance %d%n", id, perAccount, account.version(), account.balance());
    }
  }

  private void transfer(String transferId, String from, String to, long amount) {
    step(3, "Transfer " + transferId + ": " + amount + " from " + from + " to " + to
        + " (Withdraw " + transferId + "/withdraw, then Deposit " + transferId + "/deposit)");
    Accepted withdrawn = accepted(send(Account.withdraw(from, amount, transferId + "/withdraw")), "withdraw");
    Accepted deposited = accepted(send(Account.deposit(to, amount, transferId + "/deposit")), "deposit");
    out.printf("   %-6s -%d  v%d  balance %d%n", from, amount, withdrawn.newVersion(), summary(from).balance());
    out.printf("   %-6s +%d  v%d  balance %d%n", to, amount, deposited.newVersion(), summary(to).balance());
  }

  private Rejected refusedTransfer() {
    step(4, "Transfer t-2: 5000 from carol to alice (carol has " + summary("carol").balance() + ")");
    long version = events.getLatestVersion(stream("carol"));
    CommandResult result = send(Account.withdraw("carol", 5000, "t-2/withdraw"));
    if (!(result instanceof Rejected refusal)) {
      throw new DemoFailure("the withdrawal without funds was accepted: " + result);
    }
    expectVersion("carol", version);
    out.printf("   Withdraw rejected: %s (%s) - %s%n", refusal.reason(),
        refusal.isTransient() ? "transient" : "not transient: resending will not help", refusal.message());
    out.printf("   nothing stored (carol still v%d), so the Deposit to alice is never sent%n", version);
    return refusal;
  }

  private List<Accepted> resendTransfer() {
    step(5, "Idempotency: resend transfer t-1 with the same command ids");
    long alice = events.getLatestVersion(stream("alice"));
    long bob = events.getLatestVersion(stream("bob"));
    Accepted withdraw = duplicate(send(Account.withdraw("alice", 250, "t-1/withdraw")), "t-1/withdraw");
    Accepted deposit = duplicate(send(Account.deposit("bob", 250, "t-1/deposit")), "t-1/deposit");
    expectVersion("alice", alice);
    expectVersion("bob", bob);
    out.printf("   t-1/withdraw -> accepted, duplicate=%s, v%d (the first outcome)%n", withdraw.duplicate(),
        withdraw.newVersion());
    out.printf("   t-1/deposit  -> accepted, duplicate=%s, v%d (the first outcome)%n", deposit.duplicate(),
        deposit.newVersion());
    out.printf("   nothing appended: alice still v%d, bob still v%d%n", alice, bob);
    return List.of(withdraw, deposit);
  }

  private long passivateAndWakeUp(String id) {
    step(6, "Passivation: stop " + id + "'s actor, then send it a command");
    ActorKey key = Account.key(id);
    String incarnation = runtime.createVM(key).join().getId();
    if (!runtime.stopVM(key).join()) {
      throw new DemoFailure(id + "'s actor was not active");
    }
    ActorSnapshot snapshot = snapshots.getLatestSnapshot(stream(id))
        .orElseThrow(() -> new DemoFailure("no snapshot of " + id + " after stopping it"));
    out.printf("   stopped %s: snapshot written at v%d; active actors: %s%n", incarnation, snapshot.version(),
        runtime.getActiveVMs().keySet().stream().map(ActorKey::actorId).sorted().toList());
    Accepted deposited = accepted(send(Account.deposit(id, LATE_DEPOSIT, "deposit-" + id + "-after-stop")),
        "deposit");
    String next = runtime.createVM(key).join().getId();
    if (next.equals(incarnation)) {
      throw new DemoFailure(incarnation + " was not stopped");
    }
    out.printf("   Deposit %d -> %s activated from that snapshot, accepted at v%d, balance %d%n", LATE_DEPOSIT, next,
        deposited.newVersion(), summary(id).balance());
    return snapshot.version();
  }

  private Map<String, Summary> restart() {
    step(7, "Restart: close the runtime (every actor writes its snapshot), start a new one on the same store");
    runtime.close();
    List<String> written = new ArrayList<>();
    for (String id : ACCOUNTS) {
      long version = snapshots.getLatestSnapshot(stream(id)).map(ActorSnapshot::version).orElse(0L);
      written.add(id + " v" + version);
    }
    out.println("   runtime closed; latest snapshots: " + String.join(", ", written));
    runtime = startRuntime();
    out.println("   new runtime started; reading each account activates its actor from its snapshot");
    return summaries();
  }

  private void printSummary(Map<String, Summary> before, Map<String, Summary> recovered) {
    out.println();
    out.println("Summary (balance, version): before the restart -> recovered by the new runtime");
    for (String id : ACCOUNTS) {
      Summary was = before.get(id);
      Summary now = recovered.get(id);
      out.printf("   %-6s %-6s %5d v%-4d -> %5d v%-4d %s%n", id, now.owner(), was.balance(), was.version(),
          now.balance(), now.version(), was.equals(now) ? "same" : "DIFFERENT");
    }
    if (!before.equals(recovered)) {
      throw new DemoFailure("the new runtime recovered " + recovered + ", expected " + before);
    }
    long total = recovered.values().stream().mapToLong(Summary::balance).sum();
    long perAccount = THREADS * DEPOSITS_PER_THREAD * DEPOSIT;
    if (total != ACCOUNTS.size() * perAccount + LATE_DEPOSIT) {
      throw new DemoFailure("the balances add up to " + total + ", not to what was deposited");
    }
    out.printf("Every balance recovered. Total %d = %d x %d + %d deposited: transfers move money, never create"
        + " it%n", total, ACCOUNTS.size(), perAccount, LATE_DEPOSIT);
  }

  /** Sends a command; resends it with the same id while the rejection is transient (safe: idempotent). */
  private CommandResult send(RuntimeMessage message) {
    CommandResult result = runtime.sendMessage(message).join();
    for (int attempt = 1; attempt < MAX_ATTEMPTS && result instanceof Rejected r && r.isTransient(); attempt++) {
      result = runtime.sendMessage(message).join();
    }
    return result;
  }

  private Map<String, Summary> summaries() {
    Map<String, Summary> all = new LinkedHashMap<>();
    ACCOUNTS.forEach(id -> all.put(id, summary(id)));
    return all;
  }

  /** Reads an account through its actor (activating it when it is not active). */
  private Summary summary(String id) {
    VirtualMachine vm = runtime.createVM(Account.key(id)).join();
    Map<String, Object> state = vm.getState();
    return new Summary((String) state.get("owner"), ((Number) state.get("balance")).longValue(), vm.getVersion());
  }

  private void expectVersion(String id, long version) {
    long stored = events.getLatestVersion(stream(id));
    if (stored != version) {
      throw new DemoFailure(id + " moved from v" + version + " to v" + stored + " although nothing was accepted");
    }
  }

  private static Accepted accepted(CommandResult result, String what) {
    if (result instanceof Accepted accepted && !accepted.duplicate()) {
      return accepted;
    }
    throw new DemoFailure(what + " was not applied: " + result);
  }

  private static Accepted duplicate(CommandResult result, String what) {
    if (result instanceof Accepted accepted && accepted.duplicate() && accepted.events().size() == 1) {
      return accepted;
    }
    throw new DemoFailure(what + " resent was not answered as a duplicate with its first event: " + result);
  }

  private static String stream(String id) {
    return Account.key(id).streamId();
  }

  private static void await(Future<?> future) {
    try {
      future.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new DemoFailure(e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DemoFailure("interrupted");
    }
  }

  private void step(int number, String title) {
    out.println();
    out.println(number + ". " + title);
  }
}
