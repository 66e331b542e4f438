package dev.aether.examples.quickstart;

import dev.aether.event.ActorSnapshot;
import dev.aether.event.Event;
import dev.aether.store.EventStore;
import dev.aether.store.InMemoryEventStore;
import dev.aether.store.SnapshotStore;
import dev.aether.store.VersionConflictException;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The quick start ({@code ./scripts/demo}): event sourcing by hand on the in-memory store.
 *
 * <p>Three bank accounts save events one by one, a second writer with a stale version is refused, one
 * account appends a batch in a single commit, a snapshot is taken, and finally every account is rebuilt by
 * replaying its events (and once from the snapshot plus the events after it). The folding is done by
 * {@link Account#apply}; the actor runtime will do this for you later.
 */
public final class QuickStartDemo {

  /** The accounts of the demo, in the order they are printed. */
  static final List<String> ACCOUNTS = List.of("alice", "bob", "carol");

  private final EventStore events;
  private final SnapshotStore snapshots;
  private final PrintStream out;

  /**
   * What the demo produced, for tests.
   *
   * @param replayed each account rebuilt from its full history
   * @param conflict the conflict the stale writer got
   * @param restored alice rebuilt from her snapshot plus the events after it
   */
  record Outcome(Map<String, Account> replayed, VersionConflictException conflict, Account restored) {}

  QuickStartDemo(EventStore events, SnapshotStore snapshots, PrintStream out) {
    this.events = events;
    this.snapshots = snapshots;
    this.out = out;
  }

  /**
   * Runs the demo on a new in-memory store and prints what happens.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    try (InMemoryEventStore store = InMemoryEventStore.create()) {
      new QuickStartDemo(store, store, System.out).run();
    }
  }

  /** Runs every step in order. */
  Outcome run() {
    out.println("Aether quick start: three bank accounts on the in-memory event store");
    saveEvents();
    VersionConflictException conflict = staleWrite();
    appendBatch();
    takeSnapshot();
    Map<String, Account> replayed = replayAll();
    Account restored = restoreFromSnapshot(replayed.get("alice"));
    return new Outcome(replayed, conflict, restored);
  }

  private void saveEvents() {
    step(1, "saveEvent: open the accounts, deposit money");
    save(BankEvents.opened("alice", 1, "Alice"));
    save(BankEvents.opened("bob", 1, "Bob"));
    save(BankEvents.opened("carol", 1, "Carol"));
    save(BankEvents.deposited("alice", 2, 100));
    save(BankEvents.deposited("bob", 2, 50));
  }

  private VersionConflictException staleWrite() {
    long seen = events.getLatestVersion("alice");
    step(2, "version conflict: writers A and B both read alice at v" + seen);
    save(BankEvents.withdrawn("alice", seen + 1, 30), "  <- writer A");
    try {
      events.saveEvent(BankEvents.deposited("alice", seen + 1, 10));
      throw new IllegalStateException("the store accepted a stale write");
    } catch (VersionConflictException e) {
      out.println("   writer B: refused, nothing stored: " + e.getMessage());
      out.printf("   (actorId=%s, attemptedVersion=%d, currentVersion=%d)%n",
          e.actorId(), e.attemptedVersion(), e.currentVersion());
      return e;
    }
  }

  private void appendBatch() {
    long expected = events.getLatestVersion("carol");
    step(3, "append: three events for carol in one atomic commit, expecting v" + expected);
    long now = events.append("carol", expected, List.of(
        BankEvents.deposited("carol", expected + 1, 200),
        BankEvents.withdrawn("carol", expected + 2, 20),
        BankEvents.deposited("carol", expected + 3, 5)));
    out.printf("   carol v%d -> v%d (+200, -20, +5)%n", expected, now);
  }

  private void takeSnapshot() {
    step(4, "snapshot: save alice's state, then one more event");
    Account alice = Account.replay("alice", events.getEvents("alice", 1));
    snapshots.saveSnapshot(alice.toSnapshot());
    out.printf("   snapshot of alice at v%d, balance %d%n", alice.version(), alice.balance());
    save(BankEvents.deposited("alice", alice.version() + 1, 25));
  }

  private Map<String, Account> replayAll() {
    step(5, "replay: getEvents + fold, per account");
    Map<String, Account> replayed = new LinkedHashMap<>();
    for (String id : ACCOUNTS) {
      List<Event> history = events.getEvents(id, 1);
      Account account = Account.replay(id, history);
      replayed.put(id, account);
      out.printf("   %-6s %-6s balance %4d  version %d  (%d events)%n",
          id, account.owner(), account.balance(), account.version(), history.size());
    }
    return replayed;
  }

  private Account restoreFromSnapshot(Account fullReplay) {
    step(6, "snapshot + tail: alice from her snapshot plus the events after it");
    ActorSnapshot snapshot = snapshots.getLatestSnapshot("alice").orElseThrow();
    List<Event> tail = events.getEvents("alice", snapshot.version() + 1);
    Account restored = Account.fromSnapshot(snapshot).applyAll(tail);
    out.printf("   snapshot v%d + %d event(s) -> balance %d  version %d  (%s full replay)%n",
        snapshot.version(), tail.size(), restored.balance(), restored.version(),
        restored.equals(fullReplay) ? "same as" : "DIFFERENT FROM");
    return restored;
  }

  private void save(Event event) {
    save(event, "");
  }

  private void save(Event event, String note) {
    events.saveEvent(event);
    out.printf("   %-6s v%d %-15s %s%s%n", event.actorId(), event.version(), event.eventType(), event.data(), note);
  }

  private void step(int number, String title) {
    out.println();
    out.println(number + ". " + title);
  }
}
