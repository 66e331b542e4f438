package dev.aether.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SharedFeedOptionsTest {

  @Test
  void defaults_areJetStreamsDefaults() {
    SharedFeedOptions options = SharedFeedOptions.builder().build();

    assertThat(options.ackTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(options.maxInFlight()).isEqualTo(1000);
    assertThat(options).isEqualTo(SharedFeedOptions.DEFAULTS).hasSameHashCodeAs(SharedFeedOptions.DEFAULTS);
  }

  @Test
  void fromMap_readsTheKeys() {
    SharedFeedOptions options = SharedFeedOptions.fromMap(Map.of("aether.feed.ack-timeout", "5s",
        "aether.feed.max-in-flight", "1", "aether.other.key", "ignored"));

    assertThat(options).isEqualTo(SharedFeedOptions.builder().ackTimeout(Duration.ofSeconds(5)).maxInFlight(1).build());
    assertThat(options.toBuilder().build()).isEqualTo(options);
  }

  @Test
  void fromMap_refusesUnknownKeysAndBadValues_namingTheKey() {
    assertThatThrownBy(() -> SharedFeedOptions.fromMap(Map.of("aether.feed.ack-wait", "5s")))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("aether.feed.ack-wait"));
    assertThatThrownBy(() -> SharedFeedOptions.fromMap(Map.of("aether.feed.max-in-flight", "0")))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("aether.feed.max-in-flight"));
    assertThatThrownBy(() -> SharedFeedOptions.fromMap(Map.of("aether.feed.ack-timeout", "10ms")))
        .isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("aether.feed.ack-timeout"));
  }

  @Test
  void builder_refusesOutOfRange_namingTheField() {
    assertThatThrownBy(() -> SharedFeedOptions.builder().ackTimeout(null))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("ackTimeout"));
    assertThatThrownBy(() -> SharedFeedOptions.builder().ackTimeout(Duration.ofMillis(99)))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("ackTimeout"));
    assertThatThrownBy(() -> SharedFeedOptions.builder().ackTimeout(Duration.ofDays(2)))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("ackTimeout"));
    assertThatThrownBy(() -> SharedFeedOptions.builder().maxInFlight(100_001))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("maxInFlight"));
  }
}
