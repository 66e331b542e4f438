package dev.aether.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.aether.InvalidInputException;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StoreHealthTest {

  @Test
  void inMemoryStore_isAlwaysConnected() {
    InMemoryEventStore store = InMemoryEventStore.create();

    StoreHealth health = store.health();

    assertThat(health.status()).isEqualTo(StoreHealth.Status.CONNECTED);
    assertThat(health.isHealthy()).isTrue();
    assertThat(health.server()).isEqualTo("in-memory");
    assertThat(health.lastError()).isEmpty();
  }

  @Test
  void health_refusesMissingValues_namingTheField() {
    assertThatExceptionOfType(InvalidInputException.class)
        .isThrownBy(() -> new StoreHealth(null, "nats://x:4222", Optional.empty())).withMessageContaining("status");
    assertThatExceptionOfType(InvalidInputException.class)
        .isThrownBy(() -> new StoreHealth(StoreHealth.Status.CLOSED, " ", Optional.empty()))
        .withMessageContaining("server");
    assertThatExceptionOfType(InvalidInputException.class)
        .isThrownBy(() -> new StoreHealth(StoreHealth.Status.CLOSED, "x", null)).withMessageContaining("lastError");
  }

  @Test
  void onlyConnected_isHealthy() {
    assertThat(new StoreHealth(StoreHealth.Status.RECONNECTING, "x", Optional.of("refused")).isHealthy()).isFalse();
    assertThat(new StoreHealth(StoreHealth.Status.CLOSED, "x", Optional.empty()).isHealthy()).isFalse();
  }
}
