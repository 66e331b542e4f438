package dev.aether.testkit.store;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntFunction;

/**
 * Runs racers on named virtual threads and releases them together, so that their calls overlap as much as
 * the scheduler allows. The outcome of each racer is collected; nothing here measures time. The timeout only
 * turns a hung store into a failed test.
 */
final class Race {

  private static final long TIMEOUT_SECONDS = 120;

  /** What one racer returned or threw. */
  record Outcome<T>(T value, Throwable failure) {
    boolean succeeded() {
      return failure == null;
    }
  }

  private Race() {}

  /**
   * Runs {@code racers} tasks at once.
   *
   * @param racers how many tasks
   * @param racer makes the task of racer {@code i}
   * @return the outcomes, in racer order
   */
  static <T> List<Outcome<T>> run(int racers, IntFunction<Callable<T>> racer) throws InterruptedException {
    CountDownLatch ready = new CountDownLatch(racers);
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService executor =
        Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("contract-racer-", 0).factory());
    try {
      List<Future<T>> futures = new ArrayList<>(racers);
      for (int i = 0; i < racers; i++) {
        Callable<T> task = racer.apply(i);
        futures.add(executor.submit(() -> {
          ready.countDown();
          go.await();
          return task.call();
        }));
      }
      if (!ready.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        throw new AssertionError("racers did not start within " + TIMEOUT_SECONDS + " s");
      }
      go.countDown();
      List<Outcome<T>> outcomes = new ArrayList<>(racers);
      for (Future<T> future : futures) {
        outcomes.add(outcome(future));
      }
      return outcomes;
    } finally {
      executor.shutdownNow();
    }
  }

  private static <T> Outcome<T> outcome(Future<T> future) throws InterruptedException {
    try {
      return new Outcome<>(future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS), null);
    } catch (ExecutionException e) {
      return new Outcome<>(null, e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError("a racer did not finish within " + TIMEOUT_SECONDS + " s", e);
    }
  }
}
