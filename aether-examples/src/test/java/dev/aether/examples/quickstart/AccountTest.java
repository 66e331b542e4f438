package dev.aether.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.event.Event;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.store.InMemoryEventStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The account's rules and events, through a runtime on the in-memory store. */
class AccountTest {

  private final InMemoryEventStore store = InMemoryEventStore.create();
  private final Runtime runtime = Runtime.builder().eventStore(store).behavior(Account.behavior()).build();
  private int commands;

  AccountTest() {
    runtime.start();
  }

  @AfterEach
  void close() {
    runtime.close();
  }

  private CommandResult send(RuntimeMessage message) {
    return runtime.sendMessage(message).join();
  }

  private CommandResult deposit(long amount) {
    return send(Account.deposit("acc", amount, "c" + commands++));
  }

  private CommandResult withdraw(long amount) {
    return send(Account.withdraw("acc", amount, "c" + commands++));
  }

  private static void assertRefused(CommandResult result, String message) {
    assertThat(result).isInstanceOfSatisfying(Rejected.class, r -> {
      assertThat(r.reason()).isEqualTo(RejectionReason.BUSINESS_RULE);
      assertThat(r.message()).isEqualTo(message);
    });
  }

  @Test
  void openDepositWithdraw_storeTheThreeEventTypes_withTypedData() {
    send(Account.open("acc", "Ada"));
    deposit(100);
    withdraw(30);

    List<Event> history = store.getEvents("Account/acc", 1);
    assertThat(history).extracting(Event::eventType)
        .containsExactly("AccountOpened", "MoneyDeposited", "MoneyWithdrawn");
    assertThat(history).extracting(Event::data)
        .containsExactly(Map.of("owner", "Ada"), Map.of("amount", 100L), Map.of("amount", 30L));
    assertThat(runtime.createVM(Account.key("acc")).join().getState())
        .isEqualTo(Map.of("open", true, "owner", "Ada", "balance", 70L));
  }

  @Test
  void withdraw_aboveTheBalance_isRefusedForInsufficientFunds_andTheWholeBalanceCanBeWithdrawn() {
    send(Account.open("acc", "Ada"));
    deposit(30);

    assertRefused(withdraw(31), "insufficient funds: balance 30, asked 31");
    assertThat(withdraw(30)).isInstanceOfSatisfying(Accepted.class, a -> assertThat(a.newVersion()).isEqualTo(3));
    assertRefused(withdraw(1), "insufficient funds: balance 0, asked 1");
    assertThat(store.getLatestVersion("Account/acc")).isEqualTo(3);
  }

  @Test
  void commands_onAnAccountNotOpen_areRefused() {
    assertRefused(deposit(10), "account is not open");
    assertRefused(withdraw(10), "account is not open");
    assertThat(store.getLatestVersion("Account/acc")).isZero();
  }

  @Test
  void open_twice_isRefused_butResendingTheSameOpen_isADuplicate() {
    send(Account.open("acc", "Ada"));

    assertThat(send(Account.open("acc", "Bob"))).isInstanceOfSatisfying(Accepted.class,
        a -> assertThat(a.duplicate()).isTrue());
    assertRefused(send(RuntimeMessage.builder("Account", "acc", "Open").payload(Map.of("owner", "Bob")).build()),
        "account is already open");
    assertRefused(send(Account.open("other", " ")), "owner must not be blank");
  }

  @Test
  void amounts_mustBePositive() {
    send(Account.open("acc", "Ada"));

    assertRefused(deposit(0), "amount must be positive");
    assertRefused(withdraw(-5), "amount must be positive");
    assertThat(store.getLatestVersion("Account/acc")).isEqualTo(1);
  }
}
