package dev.aether.nats.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.event.Event;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.store.EventStore;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.LongStream;

/** The accounts' histories as stored, and the checks every bank test makes on them. */
final class Histories {

  final Map<String, List<Event>> byAccount = new TreeMap<>();

  private Histories() {}

  /** Reads every account's whole history. */
  static Histories read(EventStore store, Collection<String> accounts) {
    Histories h = new Histories();
    accounts.forEach(account -> h.byAccount.put(account, store.getEvents(Bank.stream(account), 1)));
    return h;
  }

  /** @return each account's balance as its history computes it */
  Map<String, Long> balances() {
    Map<String, Long> balances = new TreeMap<>();
    byAccount.forEach((account, history) -> balances.put(account, Bank.balanceOf(history)));
    return balances;
  }

  /** @return each account's latest version */
  Map<String, Long> versions() {
    Map<String, Long> versions = new TreeMap<>();
    byAccount.forEach((account, history) -> versions.put(account, history.isEmpty() ? 0 : history.getLast().version()));
    return versions;
  }

  /** Versions are 1, 2, 3, ... per account: strictly increasing, never two events with one version. */
  void assertVersionsUniqueAndIncreasing() {
    byAccount.forEach((account, history) -> {
      assertThat(history).extracting(Event::version).as("versions of %s", account)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, history.size()).boxed().toList());
      assertThat(history).extracting(Event::id).as("event ids of %s", account).doesNotHaveDuplicates();
    });
  }

  /**
   * Every accepted command's events are stored exactly once and are the events its result named; nothing is
   * stored for a command the client did not learn was accepted.
   */
  void assertEveryAcceptedCommandStoredExactlyOnce(BankClient client) {
    Map<String, List<Event>> stored = byAccount.values().stream().flatMap(List::stream)
        .collect(Collectors.groupingBy(e -> e.commandId().orElseThrow(), HashMap::new, Collectors.toList()));
    Map<String, Accepted> accepted = client.accepted().stream()
        .collect(Collectors.toMap(Accepted::commandId, Function.identity()));
    assertThat(stored.keySet()).as("command ids in the store").containsExactlyInAnyOrderElementsOf(accepted.keySet());
    accepted.forEach((commandId, result) -> assertThat(stored.get(commandId)).as("events of %s", commandId)
        .hasSize(1).containsExactlyElementsOf(result.events()));
  }
}
