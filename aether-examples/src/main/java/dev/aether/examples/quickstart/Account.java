package dev.aether.examples.quickstart;

import dev.aether.runtime.ActorKey;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.behavior.Effect;
import dev.aether.runtime.behavior.JavaBehavior;
import java.util.Map;

/**
 * The quick start's bank account as a virtual actor: its commands, its events and the state they fold into,
 * wired into a {@link JavaBehavior}. The runtime activates an account when a command arrives (snapshot +
 * replay), lets {@link #behavior()} decide, stores the events and passivates the account when idle.
 *
 * <p>Rules: an account is opened once; deposits and withdrawals need an open account and a positive amount;
 * a withdrawal above the balance is refused ("insufficient funds"), so a balance never goes negative.
 */
final class Account {

  /** The aggregate type: the accounts' events are stored under {@code Account/<id>}. */
  static final String TYPE = "Account";

  /**
   * What an account remembers; written to snapshots.
   *
   * @param open whether the account was opened
   * @param owner the owner's name; empty before opening
   * @param balance the balance in whole currency units
   */
  record State(boolean open, String owner, long balance) {
    static final State EMPTY = new State(false, "", 0);

    State withBalance(long newBalance) {
      return new State(open, owner, newBalance);
    }
  }

  /** Command: opens the account for an owner. */
  record Open(String owner) {}

  /** Command: puts money in. */
  record Deposit(long amount) {}

  /** Command: takes money out, if there is enough. */
  record Withdraw(long amount) {}

  /** Event: the account was opened. */
  record AccountOpened(String owner) {}

  /** Event: money was deposited. */
  record MoneyDeposited(long amount) {}

  /** Event: money was withdrawn. */
  record MoneyWithdrawn(long amount) {}

  private Account() {}

  /** @return the behaviour to register on a runtime */
  static JavaBehavior<State> behavior() {
    return JavaBehavior.builder(TYPE, State.class, State.EMPTY)
        .command("Open", Open.class, (state, open) -> state.open() ? Effect.reject("account is already open")
            : open.owner().isBlank() ? Effect.reject("owner must not be blank")
            : Effect.persist(new AccountOpened(open.owner())))
        .command("Deposit", Deposit.class, (state, deposit) -> !state.open() ? Effect.reject("account is not open")
            : deposit.amount() <= 0 ? Effect.reject("amount must be positive")
            : Effect.persist(new MoneyDeposited(deposit.amount())))
        .command("Withdraw", Withdraw.class, (state, withdraw) -> !state.open() ? Effect.reject("account is not open")
            : withdraw.amount() <= 0 ? Effect.reject("amount must be positive")
            : withdraw.amount() > state.balance() ? Effect.reject("insufficient funds: balance " + state.balance()
                + ", asked " + withdraw.amount())
            : Effect.persist(new MoneyWithdrawn(withdraw.amount())))
        .event("AccountOpened", AccountOpened.class, (state, e) -> new State(true, e.owner(), state.balance()))
        .event("MoneyDeposited", MoneyDeposited.class, (state, e) -> state.withBalance(state.balance() + e.amount()))
        .event("MoneyWithdrawn", MoneyWithdrawn.class, (state, e) -> state.withBalance(state.balance() - e.amount()))
        .build();
  }

  /** @return the actor key of an account */
  static ActorKey key(String id) {
    return ActorKey.of(TYPE, id);
  }

  /** @return the Open command; its id is {@code open-<id>}, so opening twice is recognised as a duplicate */
  static RuntimeMessage open(String id, String owner) {
    return message(id, "Open", Map.of("owner", owner), "open-" + id);
  }

  /** @return a Deposit command with the caller's command id */
  static RuntimeMessage deposit(String id, long amount, String commandId) {
    return message(id, "Deposit", Map.of("amount", amount), commandId);
  }

  /** @return a Withdraw command with the caller's command id */
  static RuntimeMessage withdraw(String id, long amount, String commandId) {
    return message(id, "Withdraw", Map.of("amount", amount), commandId);
  }

  private static RuntimeMessage message(String id, String command, Map<String, ?> payload, String commandId) {
    return RuntimeMessage.builder(TYPE, id, command).payload(payload).commandId(commandId).build();
  }
}
