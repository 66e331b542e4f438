package dev.aether.bench.runtime;

import dev.aether.event.Event;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.behavior.Effect;
import dev.aether.runtime.behavior.JavaBehavior;
import dev.aether.runtime.spi.Behavior;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;

/**
 * The actor every case of {@link RuntimeSuite} drives: an account with a one-field state and one command,
 * {@code Deposit}, that always emits one small {@code Deposited} event. Stateless helpers; thread-safe.
 */
final class Bank {

  static final String TYPE = "Account";

  /** The state. */
  record Account(long balance) {}

  /** The command. */
  record Deposit(long amount) {}

  /** The event. */
  record Deposited(long amount) {}

  private Bank() {}

  static Behavior<Account> behavior() {
    return JavaBehavior.builder(TYPE, Account.class, new Account(0))
        .command("Deposit", Deposit.class, (s, c) -> Effect.persist(new Deposited(c.amount())))
        .event("Deposited", Deposited.class, (s, e) -> new Account(s.balance() + e.amount()))
        .build();
  }

  /** A runtime builder with the account registered (the suite loads no model). */
  static Runtime.Builder runtime() {
    return Runtime.builder().behavior(behavior());
  }

  static RuntimeMessage deposit(String actorId) {
    return RuntimeMessage.of(TYPE, actorId, "Deposit", Map.of("amount", 1));
  }

  /** The event the runtime writes for one deposit, built the same way (for raw payloads of equal size). */
  static Event depositedEvent(String actorId, long version) {
    String streamId = ActorKey.of(TYPE, actorId).streamId();
    String commandId = dev.aether.event.EventIds.newId();
    return Event.builder().eventType("Deposited").streamId(streamId).commandId(commandId).version(version)
        .data(Map.of("amount", 1)).causationId(commandId).correlationId(commandId).timestamp(Instant.now())
        .build();
  }

  /**
   * Deposit messages for {@code bursts} bursts: each burst sends {@code perActor} commands to each of
   * {@code actors} actors {@code <prefix><n>}, round-robin (every actor once, then again).
   */
  static RuntimeMessage[][] spread(int bursts, int perActor, int actors, String prefix) {
    RuntimeMessage[][] messages = new RuntimeMessage[bursts][perActor * actors];
    for (int b = 0; b < bursts; b++) {
      for (int i = 0; i < perActor * actors; i++) {
        messages[b][i] = deposit(prefix + (i % actors));
      }
    }
    return messages;
  }

  /**
   * Sends each burst of messages at once and waits until every reply of the burst is accepted.
   *
   * @return the number of commands sent
   */
  static long sendBursts(Runtime runtime, RuntimeMessage[][] bursts) {
    long sent = 0;
    for (RuntimeMessage[] burst : bursts) {
      sent += sendBurst(runtime, burst.length, i -> burst[i]);
    }
    return sent;
  }

  /**
   * Sends {@code size} messages at once, message {@code i} made by {@code message} when it is sent, and waits
   * until every reply is accepted.
   *
   * @return the number of commands sent
   */
  static long sendBurst(Runtime runtime, int size, IntFunction<RuntimeMessage> message) {
    List<CompletableFuture<CommandResult>> replies = new ArrayList<>(size);
    for (int i = 0; i < size; i++) {
      replies.add(runtime.sendMessage(message.apply(i)));
    }
    requireAccepted(replies);
    return size;
  }

  /** Waits for every reply and fails unless each was accepted. */
  static void requireAccepted(List<CompletableFuture<CommandResult>> replies) {
    for (CompletableFuture<CommandResult> reply : replies) {
      requireAccepted(reply.join());
    }
  }

  static void requireAccepted(CommandResult result) {
    if (!result.isAccepted()) {
      throw new IllegalStateException("a benchmark command was refused: " + result);
    }
  }
}
