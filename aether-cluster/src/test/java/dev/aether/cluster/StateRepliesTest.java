package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.runtime.ActorFailedException;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.StoredState;
import dev.aether.store.StoreUnavailableException;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import io.nats.client.impl.NatsMessage;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** {@link StateReplies}: each kind of answer read back as what it was written from. */
class StateRepliesTest {

  private static final ActorKey KEY = ActorKey.of("Account", "acc-1");

  private static Message received(StateReplies.Reply reply) {
    return NatsMessage.builder().subject("reply").headers(reply.headers()).data(reply.body()).build();
  }

  private static Message failedWith(Headers headers, String body) {
    return NatsMessage.builder().subject("reply").headers(headers).data(body.getBytes(StandardCharsets.UTF_8))
        .build();
  }

  @Test
  void aState_readsBackAsTheSameStateAndVersion() {
    StoredState state = new StoredState(KEY, Map.of("balance", 110L, "owner", "Ada"), 7);

    assertThat(StateReplies.read(KEY, received(StateReplies.state(state)))).isEqualTo(state);
  }

  @Test
  void eachFailure_readsBackAsItsKind_withItsFieldReasonAndText() {
    InvalidInputException invalid = new InvalidInputException("key.aggregateType", "unknown aggregate type Nonesuch");
    assertThatThrownBy(() -> StateReplies.read(KEY, received(StateReplies.failure(new CompletionException(invalid)))))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> {
          assertThat(e.field()).isEqualTo("key.aggregateType");
          assertThat(e.getMessage()).isEqualTo(invalid.getMessage());
        });

    ActorFailedException failed = new ActorFailedException(RejectionReason.BEHAVIOR_FAILED,
        "Account/acc-1 cannot apply Mystery", null);
    assertThatThrownBy(() -> StateReplies.read(KEY, received(StateReplies.failure(failed))))
        .isInstanceOfSatisfying(ActorFailedException.class, e -> {
          assertThat(e.reason()).isEqualTo(RejectionReason.BEHAVIOR_FAILED);
          assertThat(e.getMessage()).isEqualTo(failed.getMessage());
        });

    assertThatThrownBy(() -> StateReplies.read(KEY, received(StateReplies.failure(
        new StoreUnavailableException("the store did not answer", null)))))
        .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("the store did not answer");
    assertThatThrownBy(() -> StateReplies.read(KEY, received(StateReplies.failure(
        new IllegalStateException("the runtime is closed")))))
        .isInstanceOf(StoreUnavailableException.class).hasMessageContaining("the runtime is closed");
    assertThatThrownBy(() -> StateReplies.read(KEY, received(StateReplies.failure(
        new NullPointerException("a bug")))))
        .as("a failure of unknown kind: retrying cannot be known to fix it")
        .isInstanceOfSatisfying(ActorFailedException.class,
            e -> assertThat(e.reason()).isEqualTo(RejectionReason.STORE_FAILED))
        .hasMessageContaining("a bug");
  }

  @Test
  void anAnswerWithoutAStatusThatIsNoState_isAStoreFailure_notTheCallersInvalidInput() {
    assertThatThrownBy(() -> StateReplies.read(KEY, failedWith(new Headers(), "{\"state\": 7}")))
        .isInstanceOfSatisfying(ActorFailedException.class,
            e -> assertThat(e.reason()).isEqualTo(RejectionReason.STORE_FAILED))
        .hasMessageContaining(KEY.toString());
  }

  @Test
  void aFailedAnswerWithoutAKnownPermanentReason_isAStoreFailure_andAStatusOfALaterVersionIsUnavailable() {
    for (String reason : new String[] {null, "NO_SUCH_REASON", "STORE_UNAVAILABLE"}) {
      Headers headers = new Headers().put(Wire.STATUS, Wire.FAILED);
      if (reason != null) {
        headers.put(Wire.REASON, reason);
      }
      assertThatThrownBy(() -> StateReplies.read(KEY, failedWith(headers, "broken")))
          .as("reason %s", reason).isInstanceOfSatisfying(ActorFailedException.class,
              e -> assertThat(e.reason()).isEqualTo(RejectionReason.STORE_FAILED));
    }
    assertThatThrownBy(() -> StateReplies.read(KEY, failedWith(new Headers().put(Wire.STATUS, "SOMETHING_NEW"),
        "later"))).isInstanceOf(StoreUnavailableException.class).hasMessageContaining("SOMETHING_NEW");
    assertThatThrownBy(() -> StateReplies.read(KEY, failedWith(new Headers().put(Wire.STATUS, Wire.BAD_REQUEST),
        "no field"))).isInstanceOfSatisfying(InvalidInputException.class,
            e -> assertThat(e.field()).isEqualTo("request"));
  }
}
