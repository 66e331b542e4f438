package dev.aether.bench.peers;

import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * Pekko's account, the peer of {@link AetherPeer#behavior()}: an {@link EventSourcedBehavior} whose
 * {@code Deposit} persists one {@code Deposited} event and then acknowledges ({@link StatusReply#ack()}), as
 * Pekko's guide writes it. {@code Balance} reads the state (to check a run and to wait for recovery), {@code
 * Stop} stops the entity. Defaults otherwise: no snapshots, no tags, no retention.
 */
final class PekkoAccount extends EventSourcedBehavior<PekkoAccount.Command, PekkoAccount.Deposited,
    PekkoAccount.Account> {

  /** The commands. */
  sealed interface Command {}

  /** The command measured. */
  record Deposit(long amount, ActorRef<StatusReply<Done>> replyTo) implements Command {}

  /** Reads the balance. */
  record Balance(ActorRef<Long> replyTo) implements Command {}

  /** Stops the entity. */
  record Stop(ActorRef<Done> replyTo) implements Command {}

  /** The event. */
  record Deposited(long amount) {}

  /** The state. */
  record Account(long balance) {}

  PekkoAccount(PersistenceId persistenceId) {
    super(persistenceId);
  }

  @Override
  public Account emptyState() {
    return new Account(0);
  }

  @Override
  public CommandHandler<Command, Deposited, Account> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Deposit.class, (state, c) -> Effect().persist(new Deposited(c.amount()))
            .thenReply(c.replyTo(), s -> StatusReply.ack()))
        .onCommand(Balance.class, (state, c) -> Effect().reply(c.replyTo(), state.balance()))
        .onCommand(Stop.class, (state, c) -> Effect().stop().thenReply(c.replyTo(), s -> Done.getInstance()))
        .build();
  }

  @Override
  public EventHandler<Account, Deposited> eventHandler() {
    return newEventHandlerBuilder().forAnyState()
        .onEvent(Deposited.class, (state, e) -> new Account(state.balance() + e.amount()))
        .build();
  }
}
