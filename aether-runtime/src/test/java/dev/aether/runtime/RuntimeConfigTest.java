package dev.aether.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.ThrowingConsumer;

class RuntimeConfigTest {

  @Test
  void defaults_areTheDocumentedConstants() {
    RuntimeConfig c = RuntimeConfig.defaults();
    assertThat(c.idleTimeout()).isEqualTo(RuntimeConfig.DEFAULT_IDLE_TIMEOUT);
    assertThat(c.maxActiveVMs()).isEqualTo(RuntimeConfig.DEFAULT_MAX_ACTIVE_VMS);
    assertThat(c.snapshotInterval()).isEqualTo(RuntimeConfig.DEFAULT_SNAPSHOT_INTERVAL);
    assertThat(c.maxConcurrentActivations()).isEqualTo(RuntimeConfig.DEFAULT_MAX_CONCURRENT_ACTIVATIONS);
    assertThat(c.commandTimeout()).isEqualTo(RuntimeConfig.DEFAULT_COMMAND_TIMEOUT);
    assertThat(c.conflictRetries()).isEqualTo(RuntimeConfig.DEFAULT_CONFLICT_RETRIES);
    assertThat(c.groupCommitLimit()).isEqualTo(RuntimeConfig.DEFAULT_GROUP_COMMIT_LIMIT);
    assertThat(c.mailboxCapacity()).isEqualTo(RuntimeConfig.DEFAULT_MAILBOX_CAPACITY);
    assertThat(c.idempotencyWindow()).isEqualTo(RuntimeConfig.DEFAULT_IDEMPOTENCY_WINDOW);
  }

  @Test
  void builder_keepsEveryValue_andToBuilderRoundTrips() {
    RuntimeConfig c = RuntimeConfig.builder().idleTimeout(Duration.ofSeconds(30)).maxActiveVMs(7)
        .snapshotInterval(0).maxConcurrentActivations(3).commandTimeout(Duration.ofMillis(250))
        .conflictRetries(0).groupCommitLimit(1).mailboxCapacity(5).idempotencyWindow(9).build();
    assertThat(c.toBuilder().build()).isEqualTo(c);
    assertThat(c.snapshotInterval()).isZero();
    assertThat(c.groupCommitLimit()).isEqualTo(1);
  }

  @Test
  void badValues_areRefused_namingTheField() {
    refused("idleTimeout", b -> b.idleTimeout(Duration.ZERO));
    refused("idleTimeout", b -> b.idleTimeout(Duration.ofSeconds(-1)));
    refused("idleTimeout", b -> b.idleTimeout(null));
    refused("maxActiveVMs", b -> b.maxActiveVMs(0));
    refused("snapshotInterval", b -> b.snapshotInterval(-1));
    refused("maxConcurrentActivations", b -> b.maxConcurrentActivations(0));
    refused("commandTimeout", b -> b.commandTimeout(Duration.ZERO));
    refused("conflictRetries", b -> b.conflictRetries(-1));
    refused("groupCommitLimit", b -> b.groupCommitLimit(0));
    refused("groupCommitLimit", b -> b.groupCommitLimit(RuntimeConfig.MAX_GROUP_COMMIT_LIMIT + 1));
    refused("mailboxCapacity", b -> b.mailboxCapacity(0));
    refused("idempotencyWindow", b -> b.idempotencyWindow(0));
  }

  @Test
  void groupCommitLimitAboveMailboxCapacity_isRefusedAtBuild() {
    assertThatThrownBy(() -> RuntimeConfig.builder().mailboxCapacity(10).groupCommitLimit(11).build())
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("groupCommitLimit"))
        .hasMessageContaining("mailboxCapacity");
  }

  private static void refused(String field, ThrowingConsumer<RuntimeConfig.Builder> change) {
    assertThatThrownBy(() -> change.accept(RuntimeConfig.builder()))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field));
  }
}
