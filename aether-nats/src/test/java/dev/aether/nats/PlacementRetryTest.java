package dev.aether.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.nats.client.JetStreamApiException;
import io.nats.client.api.ApiResponse;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PlacementRetryTest {

  @Test
  void aCreationRefusedForPlacement_isTriedAgainUntilItSucceeds() throws Exception {
    AtomicInteger attempts = new AtomicInteger();

    PlacementRetry.create("stream S", Duration.ofSeconds(30), () -> {
      if (attempts.incrementAndGet() < 3) {
        throw refusal(PlacementRetry.NO_SUITABLE_PEERS, "no suitable peers for placement, peer offline");
      }
    });

    assertThat(attempts).hasValue(3);
  }

  @Test
  void anyOtherRefusal_isThrownAtOnce() {
    AtomicInteger attempts = new AtomicInteger();

    assertThatExceptionOfType(JetStreamApiException.class).isThrownBy(() -> PlacementRetry.create("stream S",
            Duration.ofSeconds(30), () -> {
              attempts.incrementAndGet();
              throw refusal(10058, "stream name already in use with a different configuration");
            }))
        .satisfies(e -> assertThat(e.getApiErrorCode()).isEqualTo(10058));
    assertThat(attempts).hasValue(1);
  }

  @Test
  void replicasOnAServerWithoutClustering_isThrownAtOnce_sayingWhatToDo() {
    // found by an operator: the server's words alone, naming neither the cause nor the setting
    AtomicInteger attempts = new AtomicInteger();

    assertThatExceptionOfType(JetStreamStoreException.class).isThrownBy(() -> PlacementRetry.create("stream S",
            Duration.ofSeconds(30), () -> {
              attempts.incrementAndGet();
              throw refusal(10074, "replicas > 1 not supported in non-clustered mode");
            }))
        .withMessageStartingWith("cannot create stream S: ")
        .withMessageContaining("without clustering", "a NATS cluster", "configure 1 replica")
        .satisfies(e -> assertThat(e.apiErrorCode()).isEqualTo(10074));
    assertThat(attempts).hasValue(1);
  }

  @Test
  void aPlacementRefusal_isThrownOnceTheBudgetIsSpent() {
    AtomicInteger attempts = new AtomicInteger();

    assertThatExceptionOfType(JetStreamApiException.class).isThrownBy(() -> PlacementRetry.create("stream S",
            Duration.ZERO, () -> {
              attempts.incrementAndGet();
              throw refusal(PlacementRetry.NO_SUITABLE_PEERS, "no suitable peers for placement");
            }))
        .satisfies(e -> assertThat(e.getApiErrorCode()).isEqualTo(PlacementRetry.NO_SUITABLE_PEERS));
    assertThat(attempts).hasValue(1);
  }

  private static JetStreamApiException refusal(int code, String description) {
    String json = "{\"type\":\"io.nats.jetstream.api.v1.stream_create_response\",\"error\":{\"code\":503,"
        + "\"err_code\":" + code + ",\"description\":\"" + description + "\"}}";
    NatsMessage answer = NatsMessage.builder().subject("reply").data(json.getBytes(StandardCharsets.UTF_8)).build();
    return new JetStreamApiException(new ApiResponse<Void>(answer) {});
  }
}
