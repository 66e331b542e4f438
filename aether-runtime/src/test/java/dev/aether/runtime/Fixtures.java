package dev.aether.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;

/** Small helpers shared by the runtime tests. */
final class Fixtures {

  private Fixtures() {}

  /** Waits up to 10 s, polling every 2 ms. */
  static ConditionFactory eventually() {
    return Awaitility.await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(2));
  }

  static <T> T join(CompletableFuture<T> future) {
    try {
      return future.get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("future did not complete normally", e);
    }
  }

  static CommandResult.Accepted accepted(CompletableFuture<CommandResult> future) {
    CommandResult result = join(future);
    assertThat(result).as("result").isInstanceOf(CommandResult.Accepted.class);
    return (CommandResult.Accepted) result;
  }

  static CommandResult.Rejected rejected(CompletableFuture<CommandResult> future) {
    CommandResult result = join(future);
    assertThat(result).as("result").isInstanceOf(CommandResult.Rejected.class);
    return (CommandResult.Rejected) result;
  }

  static Runtime.Builder runtime(TestStore store) {
    return Runtime.builder().eventStore(store).behavior(Bank.behavior());
  }
}
