package dev.aether.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.InvalidInputException;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.FieldError;
import dev.aether.runtime.RejectionReason;
import dev.aether.store.StoreUnavailableException;
import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorTableTest {

  @Test
  void everyRejectionReason_hasAStatus_transientOnesNeverA4xxButOverloadedOrConflict() {
    for (RejectionReason reason : RejectionReason.values()) {
      int status = ErrorTable.status(reason);
      assertThat(status).as(reason.name()).isBetween(400, 599);
      if (reason.isTransient() && status < 500) {
        assertThat(reason).isIn(RejectionReason.OVERLOADED, RejectionReason.CONFLICT);
      }
    }
  }

  @Test
  void rejected_keepsReasonMessageAndFields() {
    ApiException e = ErrorTable.of(new CommandResult.Rejected("c1", RejectionReason.INVALID_PAYLOAD, "bad",
        List.of(new FieldError("payload.amount", "must be at least 1"))));
    assertThat(e.status()).isEqualTo(400);
    assertThat(e.code()).isEqualTo("INVALID_PAYLOAD");
    assertThat(e.fields()).containsExactly(new ApiException.Field("payload.amount", "must be at least 1"));
  }

  @Test
  void aResendAdvice_namesTheIdempotencyKey_inEitherWordingOfTheRuntimeAndTheCluster() {
    // found by a review: only the single runtime's "the same commandId" was rewritten
    for (String advice : List.of("resend it with the same commandId to learn its outcome",
        "nothing was stored, resend with the same command id")) {
      assertThat(ErrorTable.of(new CommandResult.Rejected("c1", RejectionReason.TIMEOUT, advice, List.of()))
          .getMessage()).contains("the same Idempotency-Key").doesNotContainIgnoringCase("command id")
          .doesNotContain("commandId");
    }
  }

  @Test
  void exceptions_mappedWithoutClassNames() {
    assertThat(ErrorTable.of(new InvalidInputException("actorId", "must not be blank")).fields())
        .containsExactly(new ApiException.Field("actorId", "must not be blank"));
    assertThat(ErrorTable.of(new StoreUnavailableException("down", null)).status()).isEqualTo(503);
    assertThat(ErrorTable.of(new StoreUnavailableException(null, null)).getMessage())
        .isEqualTo("the store is unavailable");
    ApiException unexpected = ErrorTable.of(new IllegalStateException("secret internals"));
    assertThat(unexpected.status()).isEqualTo(500);
    assertThat(unexpected.getMessage()).doesNotContain("secret").doesNotContain("IllegalState");
  }
}
