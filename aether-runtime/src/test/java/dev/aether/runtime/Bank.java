package dev.aether.runtime;

import dev.aether.runtime.behavior.Effect;
import dev.aether.runtime.behavior.JavaBehavior;
import java.util.Map;

/** The test domain: a bank account. Open, Deposit, Withdraw (insufficient funds is refused). */
final class Bank {

  static final String TYPE = "Account";

  record AccountState(boolean open, String owner, long balance) {}

  record Open(String owner) {}

  record Deposit(long amount) {}

  record Withdraw(long amount) {}

  record Explode(String why) {}

  record Touch() {}

  record Opened(String owner) {}

  record Deposited(long amount) {}

  record Withdrawn(long amount) {}

  private Bank() {}

  static JavaBehavior<AccountState> behavior() {
    return builder().build();
  }

  static JavaBehavior.Builder<AccountState> builder() {
    return JavaBehavior.builder(TYPE, AccountState.class, new AccountState(false, "", 0))
        .command("Open", Open.class, (s, c) -> s.open() ? Effect.reject("account is already open")
            : Effect.persist(new Opened(c.owner())))
        .command("Deposit", Deposit.class, (s, c) -> !s.open() ? Effect.reject("account is not open")
            : c.amount() <= 0 ? Effect.reject("amount must be positive") : Effect.persist(new Deposited(c.amount())))
        .command("Withdraw", Withdraw.class, (s, c) -> c.amount() > s.balance()
            ? Effect.reject("insufficient funds: balance " + s.balance() + ", asked " + c.amount())
            : Effect.persist(new Withdrawn(c.amount())))
        .command("Explode", Explode.class, (s, c) -> {
          throw new IllegalStateException("boom: " + c.why());
        })
        .command("Touch", Touch.class, (s, c) -> Effect.none())
        .event("Opened", Opened.class, (s, e) -> new AccountState(true, e.owner(), s.balance()))
        .event("Deposited", Deposited.class, (s, e) -> new AccountState(s.open(), s.owner(), s.balance() + e.amount()))
        .event("Withdrawn", Withdrawn.class, (s, e) -> new AccountState(s.open(), s.owner(), s.balance() - e.amount()));
  }

  static RuntimeMessage open(String id) {
    return RuntimeMessage.of(TYPE, id, "Open", Map.of("owner", "owner-of-" + id));
  }

  static RuntimeMessage deposit(String id, long amount) {
    return RuntimeMessage.of(TYPE, id, "Deposit", Map.of("amount", amount));
  }

  static RuntimeMessage deposit(String id, long amount, String commandId) {
    return RuntimeMessage.builder(TYPE, id, "Deposit").payload(Map.of("amount", amount)).commandId(commandId)
        .build();
  }

  static RuntimeMessage withdraw(String id, long amount) {
    return RuntimeMessage.of(TYPE, id, "Withdraw", Map.of("amount", amount));
  }

  static RuntimeMessage withdraw(String id, long amount, String commandId) {
    return RuntimeMessage.builder(TYPE, id, "Withdraw").payload(Map.of("amount", amount)).commandId(commandId)
        .build();
  }

  static String stream(String id) {
    return TYPE + "/" + id;
  }
}
