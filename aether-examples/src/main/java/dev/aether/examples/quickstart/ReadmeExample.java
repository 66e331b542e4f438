package dev.aether.examples.quickstart;

import dev.aether.event.Event;
import dev.aether.store.EventStore;
import dev.aether.store.InMemoryEventStore;
import dev.aether.store.VersionConflictException;
import java.util.List;
import java.util.Map;

/**
 * The "Using the event store" snippet of the repository README, as compiled code. {@code ReadmeExampleTest}
 * checks that the README shows these lines, so the two cannot drift apart.
 */
public final class ReadmeExample {

  private ReadmeExample() {}

  /**
   * Runs the snippet.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    EventStore store = InMemoryEventStore.create();

    // One event at a time: each version must be above the actor's latest one.
    store.saveEvent(Event.builder()
        .eventType("AccountOpened").streamId("account-42").version(1)
        .data(Map.of("owner", "Ada"))
        .build());

    // Several events in one atomic commit, only if the actor is still at version 1.
    long version = store.append("account-42", 1, List.of(
        Event.builder().eventType("MoneyDeposited").streamId("account-42").version(2)
            .data(Map.of("amount", 100)).build(),
        Event.builder().eventType("MoneyWithdrawn").streamId("account-42").version(3)
            .data(Map.of("amount", 30)).build()));
    System.out.println("account-42 is at version " + version);

    // A writer that still believes the account is at version 1 is refused; nothing is stored.
    try {
      store.saveEvent(Event.builder().eventType("MoneyDeposited").streamId("account-42").version(2)
          .data(Map.of("amount", 5)).build());
    } catch (VersionConflictException e) {
      System.out.println(e.streamId() + ": attempted v" + e.attemptedVersion()
          + ", current v" + e.currentVersion());
    }

    // Replay: the history in version order (numbers in data read back as Long).
    for (Event event : store.getEvents("account-42", 1)) {
      System.out.println("v" + event.version() + " " + event.eventType() + " " + event.data());
    }
  }
}
