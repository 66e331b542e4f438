package dev.aether.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Sends race with LRU eviction and explicit stops: no command is lost or applied twice, every reply
 * completes, and each actor's events match its accepted commands.
 */
class MailboxStressTest {

  private static final int PER_SENDER = 200;

  @Test
  void sendsRacingWithPassivation_loseNothing_andApplyNothingTwice() throws Exception {
    TestStore store = new TestStore();
    int actors = 12;
    try (Runtime runtime = Fixtures.runtime(store)
        .config(RuntimeConfig.builder().maxActiveVMs(3).snapshotInterval(5).groupCommitLimit(8).build()).build()) {
      runtime.start();
      for (int a = 0; a < actors; a++) {
        Fixtures.accepted(runtime.sendMessage(Bank.open("s" + a)));
      }
      List<Map.Entry<Integer, CompletableFuture<CommandResult>>> replies = new CopyOnWriteArrayList<>();
      AtomicBoolean sending = new AtomicBoolean(true);
      try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
        pool.execute(() -> {
          Random random = new Random(7);
          while (sending.get()) {
            runtime.stopVM(ActorKey.of("Account", "s" + random.nextInt(actors)));
            LockSupport.parkNanos(200_000);
          }
        });
        CompletableFuture<?>[] senders = new CompletableFuture<?>[6];
        for (int t = 0; t < senders.length; t++) {
          int seed = t;
          senders[t] = CompletableFuture.runAsync(() -> {
            Random random = new Random(seed);
            for (int i = 0; i < PER_SENDER; i++) {
              int a = random.nextInt(actors);
              replies.add(Map.entry(a, runtime.sendMessage(Bank.deposit("s" + a, 1))));
            }
          }, pool);
        }
        CompletableFuture.allOf(senders).join();
        replies.forEach(r -> Fixtures.join(r.getValue()));
        sending.set(false);
      }

      assertThat(replies).allMatch(r -> Fixtures.join(r.getValue()).isAccepted());
      Map<Integer, Long> sent = replies.stream()
          .collect(Collectors.groupingBy(Map.Entry::getKey, Collectors.counting()));
      for (int a = 0; a < actors; a++) {
        long deposits = store.events("Account/s" + a).stream().filter(e -> e.eventType().equals("Deposited")).count();
        assertThat(deposits).as("actor s%d", a).isEqualTo(sent.getOrDefault(a, 0L));
      }
      assertThat(replies).hasSize(6 * PER_SENDER);
    }
  }
}
