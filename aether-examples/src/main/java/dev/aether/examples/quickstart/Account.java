package dev.aether.examples.quickstart;

import dev.aether.event.ActorSnapshot;
import dev.aether.event.Event;
import java.util.List;
import java.util.Map;

/**
 * The state of one bank account, rebuilt by folding its events: the whole "runtime" of the quick start.
 *
 * <p>{@link #apply(Event)} is the event handler (evolve): it never fails for a known event and never looks at
 * anything but the event, so replaying the same events always gives the same state.
 *
 * @param id the account (actor) id
 * @param owner the owner's name; empty before the account is opened
 * @param balance the balance in whole currency units
 * @param version the version of the last event applied; 0 for a new account
 */
record Account(String id, String owner, long balance, long version) {

  /** The state of an account that has no events yet. */
  static Account empty(String id) {
    return new Account(id, "", 0, 0);
  }

  /** Rebuilds an account from its complete history. */
  static Account replay(String id, List<Event> events) {
    return empty(id).applyAll(events);
  }

  /** Restores an account from a snapshot made by {@link #toSnapshot()}. */
  static Account fromSnapshot(ActorSnapshot snapshot) {
    Map<String, Object> state = snapshot.state();
    return new Account(snapshot.actorId(), (String) state.get("owner"), (Long) state.get("balance"),
        snapshot.version());
  }

  /** Applies events in order. */
  Account applyAll(List<Event> events) {
    Account account = this;
    for (Event event : events) {
      account = account.apply(event);
    }
    return account;
  }

  /** Applies one event: the state after it. */
  Account apply(Event event) {
    return switch (event.eventType()) {
      case BankEvents.OPENED -> new Account(id, (String) event.data().get("owner"), balance, event.version());
      case BankEvents.DEPOSITED -> new Account(id, owner, balance + amount(event), event.version());
      case BankEvents.WITHDRAWN -> new Account(id, owner, balance - amount(event), event.version());
      default -> throw new IllegalArgumentException("unknown event type " + event.eventType());
    };
  }

  /** The snapshot of this state. */
  ActorSnapshot toSnapshot() {
    return ActorSnapshot.of(id, version, Map.of("owner", owner, "balance", balance));
  }

  private static long amount(Event event) {
    return (Long) event.data().get("amount");
  }
}
