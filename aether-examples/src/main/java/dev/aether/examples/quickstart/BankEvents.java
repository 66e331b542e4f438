package dev.aether.examples.quickstart;

import dev.aether.event.Event;
import java.util.Map;

/** Builds the three event types of the quick-start bank account. */
final class BankEvents {

  static final String OPENED = "AccountOpened";
  static final String DEPOSITED = "MoneyDeposited";
  static final String WITHDRAWN = "MoneyWithdrawn";

  private BankEvents() {}

  static Event opened(String accountId, long version, String owner) {
    return event(OPENED, accountId, version, Map.of("owner", owner));
  }

  static Event deposited(String accountId, long version, long amount) {
    return event(DEPOSITED, accountId, version, Map.of("amount", amount));
  }

  static Event withdrawn(String accountId, long version, long amount) {
    return event(WITHDRAWN, accountId, version, Map.of("amount", amount));
  }

  private static Event event(String type, String accountId, long version, Map<String, ?> data) {
    return Event.builder().eventType(type).actorId(accountId).version(version).data(data).build();
  }
}
