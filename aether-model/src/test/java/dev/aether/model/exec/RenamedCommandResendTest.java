package dev.aether.model.exec;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.model.ModelLoader;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.store.InMemoryEventStore;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A command accepted under one model version and resent with its command id (an HTTP Idempotency-Key) after the
 * next version renamed the command gets its first outcome, not {@code UNKNOWN_COMMAND} (found by a user
 * evaluation: a client retrying after a timeout could not tell that its command was applied).
 */
class RenamedCommandResendTest {

  private final InMemoryEventStore store = InMemoryEventStore.create();
  private final Runtime runtime = Runtime.builder().eventStore(store).build();

  @AfterEach
  void close() {
    runtime.close();
  }

  private CommandResult send(String command, String commandId, Map<String, ?> payload) {
    return runtime.sendMessage(RuntimeMessage.builder("Account", "a", command).commandId(commandId)
        .payload(payload).build()).join();
  }

  /** Version 2 calls Withdraw Debit. */
  private void loadTheRename() {
    runtime.loadModel(ModelLoader.fromYaml(BankModel.yaml().replace("version: \"1\"", "version: \"2\"")
        .replace("      - name: Withdraw\n", "      - name: Debit\n")));
  }

  @Test
  void aResendOfAnAcceptedCommandAfterItsRename_getsItsFirstOutcome_asADuplicate() {
    runtime.loadModel(BankModel.load());
    runtime.start();
    send("Open", "open-1", Map.of("owner", "Ann", "initialDeposit", 100));
    Accepted first = (Accepted) send("Withdraw", "key-1", Map.of("amount", 30));
    loadTheRename();

    CommandResult resent = send("Withdraw", "key-1", Map.of("amount", 30));

    assertThat(resent).isInstanceOfSatisfying(Accepted.class, a -> {
      assertThat(a.duplicate()).isTrue();
      assertThat(a.newVersion()).isEqualTo(first.newVersion());
      assertThat(a.events()).isEqualTo(first.events());
    });
    assertThat(store.getLatestVersion("Account/a")).as("nothing stored again").isEqualTo(first.newVersion());
  }

  @Test
  void aResendToAPassivatedActor_isADuplicateToo_theActorIsActivatedToKnow() {
    runtime.loadModel(BankModel.load());
    runtime.start();
    send("Open", "open-1", Map.of("owner", "Ann", "initialDeposit", 100));
    send("Withdraw", "key-1", Map.of("amount", 30));
    runtime.stopVM(ActorKey.of("Account", "a")).join();
    loadTheRename();

    assertThat(send("Withdraw", "key-1", Map.of("amount", 30))).isInstanceOfSatisfying(Accepted.class,
        a -> assertThat(a.duplicate()).isTrue());
  }

  @Test
  void anUnknownCommandWithANewId_isStillRefused_namingTheCommandsAClientMaySend_andStoresNothing() {
    runtime.loadModel(BankModel.load());
    runtime.start();
    send("Open", "open-1", Map.of("owner", "Ann", "initialDeposit", 100));
    loadTheRename();

    CommandResult refused = send("Withdraw", "key-2", Map.of("amount", 30));

    assertThat(refused).isInstanceOfSatisfying(Rejected.class, r -> {
      assertThat(r.reason()).isEqualTo(RejectionReason.UNKNOWN_COMMAND);
      assertThat(r.message()).isEqualTo("aggregate type Account has no command Withdraw in model bank; known: "
          + "[Debit, Deposit, Open, ReceiveTransfer, Transfer]");
    });
    assertThat(store.getLatestVersion("Account/a")).isEqualTo(2);
    assertThat(send("Debit", "key-2", Map.of("amount", 30)).isAccepted()).as("a refusal is not remembered")
        .isTrue();
  }

  @Test
  void aDeclaredCommandsBadPayload_isStillRefusedBeforeTheActor() {
    runtime.loadModel(BankModel.load());
    runtime.start();

    CommandResult refused = send("Deposit", "key-3", Map.of("amount", "x"));

    assertThat(refused).isInstanceOfSatisfying(Rejected.class,
        r -> assertThat(r.reason()).isEqualTo(RejectionReason.INVALID_PAYLOAD));
    assertThat(runtime.getActiveVMs()).isEmpty();
  }
}
