package dev.aether.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.event.Event;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccountTest {

  @Test
  void replay_foldsOpeningDepositsAndWithdrawals() {
    Account account = Account.replay("acc", List.of(
        BankEvents.opened("acc", 1, "Ada"),
        BankEvents.deposited("acc", 2, 100),
        BankEvents.withdrawn("acc", 5, 40)));

    assertThat(account).isEqualTo(new Account("acc", "Ada", 60, 5));
  }

  @Test
  void replay_ofNoEvents_isTheEmptyAccount() {
    assertThat(Account.replay("acc", List.of())).isEqualTo(new Account("acc", "", 0, 0));
  }

  @Test
  void fromSnapshot_restoresWhatToSnapshotSaved() {
    Account account = new Account("acc", "Ada", 42, 7);

    assertThat(Account.fromSnapshot(account.toSnapshot())).isEqualTo(account);
  }

  @Test
  void apply_ofAnUnknownEventType_fails() {
    Event unknown = Event.builder().eventType("AccountRenamed").actorId("acc").version(2).build();

    assertThatThrownBy(() -> Account.empty("acc").apply(unknown))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AccountRenamed");
  }
}
