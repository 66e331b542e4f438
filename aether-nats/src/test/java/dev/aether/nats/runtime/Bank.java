package dev.aether.nats.runtime;

import dev.aether.event.Event;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.behavior.Effect;
import dev.aether.runtime.behavior.JavaBehavior;
import java.util.List;
import java.util.Map;

/**
 * The test domain: bank accounts. Open, Deposit, Withdraw (insufficient funds is a rejection). A transfer is
 * driven by the client: Withdraw on the source, then Deposit on the target, with command ids derived from the
 * transfer id ({@code <id>/w}, {@code <id>/d}), so resending a transfer never applies it twice.
 */
final class Bank {

  static final String TYPE = "Account";

  record AccountState(boolean open, long balance) {}

  record Open() {}

  record Deposit(long amount) {}

  record Withdraw(long amount) {}

  record Opened() {}

  record Deposited(long amount) {}

  record Withdrawn(long amount) {}

  private Bank() {}

  static JavaBehavior<AccountState> behavior() {
    return JavaBehavior.builder(TYPE, AccountState.class, new AccountState(false, 0))
        .command("Open", Open.class, (s, c) -> s.open() ? Effect.reject("account is already open")
            : Effect.persist(new Opened()))
        .command("Deposit", Deposit.class, (s, c) -> !s.open() ? Effect.reject("account is not open")
            : c.amount() <= 0 ? Effect.reject("amount must be positive") : Effect.persist(new Deposited(c.amount())))
        .command("Withdraw", Withdraw.class, (s, c) -> !s.open() ? Effect.reject("account is not open")
            : c.amount() > s.balance() ? Effect.reject("insufficient funds: balance " + s.balance() + ", asked "
                + c.amount())
            : Effect.persist(new Withdrawn(c.amount())))
        .event("Opened", Opened.class, (s, e) -> new AccountState(true, s.balance()))
        .event("Deposited", Deposited.class, (s, e) -> new AccountState(s.open(), s.balance() + e.amount()))
        .event("Withdrawn", Withdrawn.class, (s, e) -> new AccountState(s.open(), s.balance() - e.amount()))
        .build();
  }

  static ActorKey key(String account) {
    return ActorKey.of(TYPE, account);
  }

  static String stream(String account) {
    return key(account).streamId();
  }

  static RuntimeMessage open(String account) {
    return RuntimeMessage.builder(TYPE, account, "Open").commandId("open-" + account).build();
  }

  static RuntimeMessage deposit(String account, long amount, String commandId) {
    return RuntimeMessage.builder(TYPE, account, "Deposit").payload(Map.of("amount", amount)).commandId(commandId)
        .build();
  }

  static RuntimeMessage withdraw(String account, long amount, String commandId) {
    return RuntimeMessage.builder(TYPE, account, "Withdraw").payload(Map.of("amount", amount))
        .commandId(commandId).build();
  }

  /** The command that produced a stored event, rebuilt from it (to resend it). */
  static RuntimeMessage commandOf(Event event) {
    String account = ActorKey.fromStreamId(event.streamId()).actorId();
    long amount = (Long) event.data().get("amount");
    String commandId = event.commandId().orElseThrow();
    return switch (event.eventType()) {
      case "Deposited" -> deposit(account, amount, commandId);
      case "Withdrawn" -> withdraw(account, amount, commandId);
      default -> throw new IllegalArgumentException("no amount command for " + event);
    };
  }

  /** The balance an account's history comes to. */
  static long balanceOf(List<Event> history) {
    long balance = 0;
    for (Event event : history) {
      switch (event.eventType()) {
        case "Deposited" -> balance += (Long) event.data().get("amount");
        case "Withdrawn" -> balance -= (Long) event.data().get("amount");
        default -> { }
      }
    }
    return balance;
  }

  /** The balance in a VM's state view. */
  static long balanceOf(Map<String, Object> state) {
    return (Long) state.get("balance");
  }
}
