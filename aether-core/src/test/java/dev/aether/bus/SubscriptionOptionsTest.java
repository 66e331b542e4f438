package dev.aether.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SubscriptionOptionsTest {

  @Test
  void defaults_leaveEverythingToTheBus() {
    SubscriptionOptions options = SubscriptionOptions.defaults();

    assertThat(options.queueCapacity()).isEmpty();
    assertThat(options.overflowPolicy()).isEmpty();
    assertThat(options.blockTimeout()).isEmpty();
  }

  @Test
  void builder_setsEveryValue() {
    SubscriptionOptions options = SubscriptionOptions.builder()
        .queueCapacity(8)
        .overflowPolicy(OverflowPolicy.BLOCK)
        .blockTimeout(Duration.ofSeconds(2))
        .build();

    assertThat(options.queueCapacity()).hasValue(8);
    assertThat(options.overflowPolicy()).contains(OverflowPolicy.BLOCK);
    assertThat(options.blockTimeout()).contains(Duration.ofSeconds(2));
  }

  @Test
  void badValues_areRefusedNamingTheField() {
    assertRefused(() -> SubscriptionOptions.builder().queueCapacity(0), "queueCapacity");
    assertRefused(() -> SubscriptionOptions.builder().queueCapacity(-5), "queueCapacity");
    assertRefused(() -> SubscriptionOptions.builder().overflowPolicy(null), "overflowPolicy");
    assertRefused(() -> SubscriptionOptions.builder().blockTimeout(null), "blockTimeout");
    assertRefused(() -> SubscriptionOptions.builder().blockTimeout(Duration.ZERO), "blockTimeout");
    assertRefused(() -> SubscriptionOptions.builder().blockTimeout(Duration.ofMillis(-1)), "blockTimeout");
  }

  @Test
  void options_haveNoPublicConstructor_soAnOptionCanBeAddedWithoutBreakingCallers() {
    assertThat(SubscriptionOptions.class.getConstructors()).isEmpty();
    assertThat(SubscriptionOptions.class.isRecord()).isFalse();
  }

  @Test
  void toBuilder_roundTrips_andEqualityIsByValue() {
    SubscriptionOptions options = SubscriptionOptions.builder().queueCapacity(8)
        .overflowPolicy(OverflowPolicy.BLOCK).blockTimeout(Duration.ofSeconds(2)).build();

    assertThat(options.toBuilder().build()).isEqualTo(options).hasSameHashCodeAs(options);
    assertThat(SubscriptionOptions.defaults().toBuilder().build()).isEqualTo(SubscriptionOptions.defaults());
    assertThat(options).isNotEqualTo(options.toBuilder().queueCapacity(9).build());
    assertThat(options.toString()).contains("queueCapacity=OptionalInt[8]", "BLOCK", "PT2S");
  }

  @Test
  void blockTimeout_withoutExplicitBlockPolicy_isRefused() {
    assertRefused(() -> SubscriptionOptions.builder().blockTimeout(Duration.ofSeconds(1)).build(), "blockTimeout");
    assertRefused(() -> SubscriptionOptions.builder()
        .overflowPolicy(OverflowPolicy.DROP_NEWEST).blockTimeout(Duration.ofSeconds(1)).build(), "blockTimeout");
  }

  private static void assertRefused(Runnable call, String field) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field));
  }
}
