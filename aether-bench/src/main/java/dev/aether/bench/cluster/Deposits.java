package dev.aether.bench.cluster;

import dev.aether.event.Event;
import dev.aether.event.EventIds;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.behavior.Effect;
import dev.aether.runtime.behavior.JavaBehavior;
import dev.aether.runtime.spi.Behavior;
import java.time.Instant;
import java.util.Map;

/**
 * The actor every case of {@link ClusterSuite} drives (the runtime suite's account): a one-field state and one
 * command, {@code Deposit}, that always emits one small {@code Deposited} event. Stateless; thread-safe.
 */
final class Deposits {

  static final String TYPE = "Account";

  /** The state. */
  record Account(long balance) {}

  /** The command. */
  record Deposit(long amount) {}

  /** The event. */
  record Deposited(long amount) {}

  private Deposits() {}

  static Behavior<Account> behavior() {
    return JavaBehavior.builder(TYPE, Account.class, new Account(0))
        .command("Deposit", Deposit.class, (s, c) -> Effect.persist(new Deposited(c.amount())))
        .event("Deposited", Deposited.class, (s, e) -> new Account(s.balance() + e.amount()))
        .build();
  }

  static RuntimeMessage deposit(String actorId) {
    return RuntimeMessage.of(TYPE, actorId, "Deposit", Map.of("amount", 1));
  }

  /** The event the runtime writes for one deposit, built the same way (for raw payloads of equal size). */
  static Event deposited(String actorId, long version) {
    String streamId = ActorKey.of(TYPE, actorId).streamId();
    String commandId = EventIds.newId();
    return Event.builder().eventType("Deposited").streamId(streamId).commandId(commandId).version(version)
        .data(Map.of("amount", 1)).causationId(commandId).correlationId(commandId).timestamp(Instant.now())
        .build();
  }

  static void requireAccepted(CommandResult result) {
    if (!result.isAccepted()) {
      throw new IllegalStateException("a benchmark command was refused: " + result);
    }
  }
}
