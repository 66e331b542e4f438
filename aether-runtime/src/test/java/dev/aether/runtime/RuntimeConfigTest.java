package dev.aether.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
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

  @Test
  void aSmallMailboxAlone_lowersTheDefaultGroupCommitLimit_insteadOfBeingRefusedForIt() {
    assertThat(RuntimeConfig.builder().mailboxCapacity(1).build().groupCommitLimit()).isEqualTo(1);
    assertThat(RuntimeConfig.fromMap(Map.of("aether.runtime.mailbox-capacity", "10")).groupCommitLimit())
        .isEqualTo(10);
    assertThat(RuntimeConfig.builder().mailboxCapacity(200).build().groupCommitLimit())
        .isEqualTo(RuntimeConfig.DEFAULT_GROUP_COMMIT_LIMIT);

    RuntimeConfig small = RuntimeConfig.builder().mailboxCapacity(10).build();
    assertThat(small.toBuilder().mailboxCapacity(500).build().groupCommitLimit())
        .isEqualTo(RuntimeConfig.DEFAULT_GROUP_COMMIT_LIMIT);
    RuntimeConfig set = RuntimeConfig.builder().mailboxCapacity(10).groupCommitLimit(3).build();
    assertThat(set.toBuilder().mailboxCapacity(500).build().groupCommitLimit()).isEqualTo(3);
  }

  @Test
  void config_hasNoPublicConstructor_soASettingCanBeAddedWithoutBreakingCallers() {
    assertThat(RuntimeConfig.class.getConstructors()).isEmpty();
    assertThat(RuntimeConfig.class.isRecord()).isFalse();
  }

  @Test
  void emptyMap_givesTheBuilderDefaults() {
    assertThat(RuntimeConfig.fromMap(Map.of())).isEqualTo(RuntimeConfig.defaults())
        .hasSameHashCodeAs(RuntimeConfig.defaults());
  }

  @Test
  void fromMap_readsEveryKey_andIgnoresOtherPrefixes() {
    Map<String, String> settings = new HashMap<>(Map.of(
        "aether.runtime.idle-timeout", "30s",
        "aether.runtime.max-active-vms", "7",
        "aether.runtime.snapshot-interval", "0",
        "aether.runtime.max-concurrent-activations", "3",
        "aether.runtime.command-timeout", "PT0.25S",
        "aether.runtime.conflict-retries", "0",
        "aether.runtime.group-commit-limit", "1",
        "aether.runtime.mailbox-capacity", "5",
        "aether.runtime.idempotency-window", "9"));
    settings.put("aether.nats.servers", "nats://elsewhere:4222");
    settings.put("aether.payload.max-depth", "not read here");
    settings.put("aether.runtimes.idle-timeout", "x");

    assertThat(RuntimeConfig.fromMap(settings)).isEqualTo(RuntimeConfig.builder().idleTimeout(Duration.ofSeconds(30))
        .maxActiveVMs(7).snapshotInterval(0).maxConcurrentActivations(3).commandTimeout(Duration.ofMillis(250))
        .conflictRetries(0).groupCommitLimit(1).mailboxCapacity(5).idempotencyWindow(9).build());
  }

  @Test
  void fromMap_refusesEachBadValueNamingTheKey() {
    refusedKey("aether.runtime.idle-timeout", "15");
    refusedKey("aether.runtime.idle-timeout", "0ms");
    refusedKey("aether.runtime.max-active-vms", "0");
    refusedKey("aether.runtime.max-active-vms", "many");
    refusedKey("aether.runtime.snapshot-interval", "-1");
    refusedKey("aether.runtime.max-concurrent-activations", "0");
    refusedKey("aether.runtime.command-timeout", "-PT1S");
    // regression: accepted, then every sendMessage threw ArithmeticException (the timer's milliseconds overflowed)
    refusedKey("aether.runtime.command-timeout", "9999999999999d");
    refusedKey("aether.runtime.command-timeout", "2d");
    refusedKey("aether.runtime.idle-timeout", "400d");
    refusedKey("aether.runtime.idle-timeout", "PT0.0000001S");
    refusedKey("aether.runtime.conflict-retries", "-1");
    refusedKey("aether.runtime.group-commit-limit", "10001");
    refusedKey("aether.runtime.mailbox-capacity", "0");
    refusedKey("aether.runtime.idempotency-window", "1.5");
  }

  @Test
  void fromMap_refusesAnUnknownKeyOfItsPrefix() {
    refusedKey("aether.runtime.idleTimeout", "15m");
    refusedKey("aether.runtime.node-id", "n1");
  }

  @Test
  void fromMap_namesTheKeyWhenARuleBetweenSettingsIsBroken() {
    assertThatThrownBy(() -> RuntimeConfig.fromMap(Map.of("aether.runtime.mailbox-capacity", "10",
        "aether.runtime.group-commit-limit", "11")))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("aether.runtime.group-commit-limit"))
        .hasMessageContaining("aether.runtime.mailbox-capacity").hasMessageNotContaining("mailboxCapacity");
  }

  @Test
  void builderApply_thenBuild_namesTheKeyOfABrokenRule_asFromMapDoes() {
    // found by a new user: fromMap named the key, builder().apply(map).build() the builder's field
    assertThatThrownBy(() -> RuntimeConfig.builder().apply(Map.of("aether.runtime.mailbox-capacity", "10",
        "aether.runtime.group-commit-limit", "11")).build())
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("aether.runtime.group-commit-limit"));
    assertThatThrownBy(() -> RuntimeConfig.builder().mailboxCapacity(10).groupCommitLimit(11).build())
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("groupCommitLimit"));
  }

  @Test
  void builderApply_overridesOnlyWhatTheMapSets_andToBuilderRoundTrips() {
    RuntimeConfig base = RuntimeConfig.builder().maxActiveVMs(7).build();

    RuntimeConfig applied = base.toBuilder().apply(Map.of("aether.runtime.idle-timeout", "1h")).build();

    assertThat(applied.maxActiveVMs()).isEqualTo(7);
    assertThat(applied.idleTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(applied.toBuilder().build()).isEqualTo(applied).hasSameHashCodeAs(applied);
    assertThat(applied).isNotEqualTo(base);
    assertThat(applied.toString()).startsWith("RuntimeConfig[idleTimeout=PT1H, maxActiveVMs=7,");
  }

  private static void refusedKey(String key, String value) {
    assertThatThrownBy(() -> RuntimeConfig.fromMap(Map.of(key, value))).as(key + "=" + value)
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(key));
  }

  private static void refused(String field, ThrowingConsumer<RuntimeConfig.Builder> change) {
    assertThatThrownBy(() -> change.accept(RuntimeConfig.builder()))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field));
  }
}
