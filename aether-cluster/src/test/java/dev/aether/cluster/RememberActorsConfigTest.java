package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.nats.JetStreamConfig;
import org.junit.jupiter.api.Test;

/** {@link ClusterConfig.Builder#rememberActors}: the types kept, bad input refused naming its place. */
class RememberActorsConfigTest {

  private final JetStreamConfig store = JetStreamConfig.builder().servers("nats://127.0.0.1:4222")
      .namespace("remember").build();

  @Test
  void noTypeIsRememberedByDefault_andTheGivenOnesAreKept_alsoThroughToBuilder() {
    assertThat(ClusterConfig.builder(store).build().rememberActors()).isEmpty();
    ClusterConfig config = ClusterConfig.builder(store).rememberActors("Account", "Order").build();
    assertThat(config.rememberActors()).containsExactlyInAnyOrder("Account", "Order");
    assertThat(config.toBuilder().build().rememberActors()).containsExactlyInAnyOrder("Account", "Order");
    assertThat(ClusterNames.of(store).rememberBucket()).isEqualTo("aether_remember_REMEMBER");
  }

  @Test
  void aNullBlankOrInvalidType_isRefusedNamingItsIndex() {
    assertThatThrownBy(() -> ClusterConfig.builder(store).rememberActors("Account", " "))
        .isInstanceOf(InvalidInputException.class).extracting(e -> ((InvalidInputException) e).field())
        .isEqualTo("rememberActors[1]");
    assertThatThrownBy(() -> ClusterConfig.builder(store).rememberActors("Account", null))
        .isInstanceOf(InvalidInputException.class).extracting(e -> ((InvalidInputException) e).field())
        .isEqualTo("rememberActors[1]");
    assertThatThrownBy(() -> ClusterConfig.builder(store).rememberActors("bad/type")) // no actor can have it
        .isInstanceOf(InvalidInputException.class).hasMessageContaining("bad/type")
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("rememberActors[0]");
    assertThatThrownBy(() -> ClusterConfig.builder(store).rememberActors((String[]) null))
        .isInstanceOf(InvalidInputException.class).extracting(e -> ((InvalidInputException) e).field())
        .isEqualTo("rememberActors");
  }

  @Test
  void theKeyOfARememberedActor_isItsShardAndItsStreamIdInBase64url() {
    assertThat(RememberedActors.key(17, "Account/acc-42")).isEqualTo("s17.QWNjb3VudC9hY2MtNDI");
  }
}
