package dev.aether.examples.quickstart;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import dev.aether.event.Event;
import dev.aether.store.InMemoryEventStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class QuickStartDemoTest {

  private final InMemoryEventStore store = InMemoryEventStore.create();
  private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

  private QuickStartDemo.Outcome runDemo() {
    return new QuickStartDemo(store, store, new PrintStream(printed, true, UTF_8)).run();
  }

  private List<String> typesOf(String accountId) {
    return store.getEvents(accountId, 1).stream().map(Event::eventType).toList();
  }

  @Test
  void run_rebuildsEveryAccountFromItsEvents() {
    QuickStartDemo.Outcome outcome = runDemo();

    assertThat(outcome.replayed()).containsExactly(
        entry("alice", new Account("alice", "Alice", 95, 4)),
        entry("bob", new Account("bob", "Bob", 50, 2)),
        entry("carol", new Account("carol", "Carol", 185, 4)));
  }

  @Test
  void run_refusesTheStaleWriter_andStoresNothingForIt() {
    QuickStartDemo.Outcome outcome = runDemo();

    assertThat(outcome.conflict()).isNotNull();
    assertThat(outcome.conflict().actorId()).isEqualTo("alice");
    assertThat(outcome.conflict().attemptedVersion()).isEqualTo(3);
    assertThat(outcome.conflict().currentVersion()).isEqualTo(3);
    assertThat(typesOf("alice")).containsExactly(
        BankEvents.OPENED, BankEvents.DEPOSITED, BankEvents.WITHDRAWN, BankEvents.DEPOSITED);
  }

  @Test
  void run_appendsCarolsBatchAfterHerOpening() {
    runDemo();

    assertThat(store.getEvents("carol", 1)).extracting(Event::version).containsExactly(1L, 2L, 3L, 4L);
    assertThat(typesOf("carol")).containsExactly(
        BankEvents.OPENED, BankEvents.DEPOSITED, BankEvents.WITHDRAWN, BankEvents.DEPOSITED);
  }

  @Test
  void run_restoresAliceFromSnapshotPlusTail_likeAFullReplay() {
    QuickStartDemo.Outcome outcome = runDemo();

    assertThat(store.getLatestSnapshot("alice")).hasValueSatisfying(snapshot -> {
      assertThat(snapshot.version()).isEqualTo(3);
      assertThat(snapshot.state()).containsEntry("balance", 70L);
    });
    assertThat(outcome.restored()).isEqualTo(new Account("alice", "Alice", 95, 4));
  }

  @Test
  void run_printsTheConflictAndTheRebuiltBalances() {
    runDemo();

    assertThat(printed.toString(UTF_8))
        .contains("actorId=alice, attemptedVersion=3, currentVersion=3")
        .contains("carol  Carol  balance  185  version 4")
        .contains("same as full replay")
        .doesNotContain("DIFFERENT");
  }
}
