package dev.aether.examples.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.aether.event.Event;
import dev.aether.model.exec.ModelExecution;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.store.EventStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

/**
 * The bank model end to end, on whatever store the runtime uses: accounts opened, concurrent transfers
 * debited by the sender and credited by the {@code creditTransfer} policy, refusals checked, and the money
 * conserved once every policy delivery is done; every credit is caused by exactly one debit.
 */
final class BankScenario {

  static final int ACCOUNTS = 4;
  static final long INITIAL = 1_000;

  private final Runtime runtime;
  private final EventStore store;
  private final List<String> accounts = IntStream.range(0, ACCOUNTS).mapToObj(i -> "acc-" + i).toList();

  BankScenario(Runtime runtime, EventStore store) {
    this.runtime = runtime;
    this.store = store;
  }

  private CommandResult send(String actor, String command, Map<String, ?> payload) {
    return runtime.sendMessage(RuntimeMessage.of("Account", actor, command, payload)).join();
  }

  void run(int clients, int transfersPerClient) {
    accounts.forEach(a -> assertThat(send(a, "Open", Map.of("owner", a, "initialDeposit", INITIAL)).isAccepted())
        .isTrue());
    refusalsStoreNothing();

    List<CompletableFuture<Void>> running = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      Random random = new Random(c);
      running.add(CompletableFuture.runAsync(() -> {
        for (int i = 0; i < transfersPerClient; i++) {
          String from = accounts.get(random.nextInt(ACCOUNTS));
          String to = accounts.get(random.nextInt(ACCOUNTS));
          CommandResult r = send(from, "Transfer", Map.of("to", to, "amount", 1 + random.nextInt(300)));
          if (r instanceof Rejected rejected) {
            assertThat(rejected.message()).isIn("insufficient funds", "an account cannot transfer to itself");
          }
        }
      }));
    }
    CompletableFuture.allOf(running.toArray(CompletableFuture[]::new)).join();

    ModelExecution execution = ModelExecution.of(runtime).orElseThrow();
    await().atMost(Duration.ofSeconds(30)).until(() -> execution.pendingPolicyDeliveries() == 0);
    assertThat(execution.failedPolicyDeliveries()).isZero();
    assertMoneyConserved();
  }

  private void refusalsStoreNothing() {
    long version = store.getLatestVersion("Account/acc-0");
    assertThat(send("acc-0", "Withdraw", Map.of("amount", INITIAL + 1))).isInstanceOfSatisfying(Rejected.class,
        r -> assertThat(r.message()).isEqualTo("insufficient funds"));
    assertThat(send("acc-0", "Transfer", Map.of("to", "acc 1", "amount", -1))).isInstanceOfSatisfying(
        Rejected.class, r -> {
          assertThat(r.reason()).isEqualTo(RejectionReason.INVALID_PAYLOAD);
          assertThat(r.fieldErrors()).hasSize(2);
        });
    assertThat(store.getLatestVersion("Account/acc-0")).isEqualTo(version);
  }

  private void assertMoneyConserved() {
    long total = 0;
    Map<String, Integer> debits = new HashMap<>();
    Map<String, Integer> credits = new HashMap<>();
    for (String account : accounts) {
      Map<String, Object> state = runtime.createVM(ActorKey.of("Account", account)).join().getState();
      long balance = (Long) state.get("balance");
      assertThat(balance).isGreaterThanOrEqualTo(0);
      total += balance;
      for (Event e : store.getEvents("Account/" + account, 1)) {
        if (e.eventType().equals("TransferSent")) {
          debits.merge(ModelExecution.policyCommandId("creditTransfer", e.id()), 1, Integer::sum);
        } else if (e.eventType().equals("TransferReceived")) {
          credits.merge(e.commandId().orElseThrow(), 1, Integer::sum);
        }
      }
    }
    assertThat(total).isEqualTo(ACCOUNTS * INITIAL);
    assertThat(credits).isEqualTo(debits);
  }
}
