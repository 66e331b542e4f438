package dev.aether.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.aether.runtime.MailboxItem.Start;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The mailbox never spins: a drain that finds the queue empty while a sender has counted its item but not
 * queued it yet ends, and that sender starts the drain once it has queued. Driven step by step on one
 * thread with an executor that only records its tasks.
 */
class MailboxHandOffTest {

  /** Records tasks; the test runs them. */
  private static final class RecordingExecutor extends AbstractExecutorService {
    final Deque<Runnable> tasks = new ArrayDeque<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    @Override
    public void shutdown() { }

    @Override
    public List<Runnable> shutdownNow() {
      return List.of();
    }

    @Override
    public boolean isShutdown() {
      return false;
    }

    @Override
    public boolean isTerminated() {
      return false;
    }

    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) {
      return true;
    }
  }

  @Test
  void drainFindingACountedItemNotYetQueued_endsWithoutSpinning_andTheSenderDrainsIt() {
    RecordingExecutor executor = new RecordingExecutor();
    Runtime runtime = Fixtures.runtime(new TestStore()).executor(executor).build();
    runtime.start();
    ActorKey key = ActorKey.of(Bank.TYPE, "h1");
    CompletableFuture<VirtualMachine> created = runtime.createVM(key);
    ActorVM<?> vm = (ActorVM<?>) runtime.getActiveVMs().get(key);
    int before = vm.count(false); // a second sender counted its item and has not queued it yet
    assertThat(executor.tasks).as("one drain, started by the first item").hasSize(1);

    assertTimeoutPreemptively(Duration.ofSeconds(30), () -> executor.tasks.poll().run(),
        "the drain must end instead of waiting for the item");
    assertThat(created).as("the first item was processed").isCompleted();
    assertThat(executor.tasks).isEmpty();

    CompletableFuture<Void> second = new CompletableFuture<>();
    vm.enqueue(new Start(second), before);
    assertThat(executor.tasks).as("the late sender started the drain").hasSize(1);
    executor.tasks.poll().run();

    assertThat(second).isCompleted();
    assertThat(vm.isActive()).isTrue();
  }
}
