package dev.aether.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link RuntimeMessage.Builder} refuses payloads and metadata beyond the payload limits, at the door. */
class RuntimeMessageLimitsTest {

  @Test
  void build_withAPayloadNestedAHundredThousandDeep_isRefusedWithoutOverflowingTheStack() {
    // regression: StackOverflowError thrown from RuntimeMessage.builder on the caller's thread
    assertThat(refused(nestedObjects(100_000)).field()).startsWith("payload.a.a.a");
  }

  @Test
  void build_withAPayloadNestedAThousandDeep_isRefusedNamingThePathAndTheLimit() {
    InvalidInputException refused = refused(nestedObjects(1_000));
    assertThat(refused.field()).isEqualTo("payload" + ".a".repeat(64));
    assertThat(refused.getMessage()).contains("64");
  }

  @Test
  void build_withAPayloadAtTheDepthLimit_isAccepted() {
    assertThat(RuntimeMessage.of("Account", "a-1", "Deposit", nestedObjects(64)).payload()).containsKey("a");
  }

  @Test
  void build_withATooLongStringOrMetadataValue_isRefusedNamingIt() {
    String tooLong = "x".repeat(262_145);
    assertThat(refused(Map.of("note", tooLong)).field()).isEqualTo("payload.note");
    assertThatExceptionOfType(InvalidInputException.class)
        .isThrownBy(() -> RuntimeMessage.builder("Account", "a-1", "Deposit").traceId(tooLong).build())
        .extracting(InvalidInputException::field).isEqualTo("metadata.traceId");
  }

  @Test
  void aCommandIdUpTo256Characters_andADeadlineWithinTheYears0To9999_areTaken_longerOrFurtherAreRefused() {
    RuntimeMessage.Builder message = RuntimeMessage.builder("Account", "a-1", "Deposit");
    assertThat(message.commandId("k".repeat(256)).deadline(Instant.parse("9999-12-31T23:59:59Z")).build().commandId())
        .hasSize(256);
    assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> message.commandId("k".repeat(257)).build())
        .extracting(InvalidInputException::field).isEqualTo("commandId");
    message.commandId("c-1");
    for (Instant far : new Instant[] {Instant.parse("+10000-01-01T00:00:00Z"), Instant.MAX, Instant.MIN}) {
      assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> message.deadline(far).build())
          .extracting(InvalidInputException::field).isEqualTo("deadline");
    }
    RuntimeMessage built = message.deadline(Instant.parse("2026-01-01T00:00:00Z")).build();
    assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> built.withDeadline(Instant.MAX))
        .extracting(InvalidInputException::field).isEqualTo("deadline");
  }

  @Test
  void build_withAPayloadAboveTheSizeLimit_isRefusedNamingThePayload() {
    Map<String, Object> payload = new HashMap<>();
    for (int i = 0; i < 5; i++) {
      payload.put("part" + i, "x".repeat(262_144));
    }
    assertThat(refused(payload).field()).isEqualTo("payload");
  }

  private static InvalidInputException refused(Map<String, ?> payload) {
    try {
      RuntimeMessage.builder("Account", "a-1", "Deposit").payload(payload).build();
    } catch (InvalidInputException e) {
      return e;
    }
    throw new AssertionError("the message was accepted");
  }

  private static Map<String, Object> nestedObjects(int depth) {
    Map<String, Object> inner = new HashMap<>();
    for (int i = 1; i < depth; i++) {
      Map<String, Object> outer = new HashMap<>();
      outer.put("a", inner);
      inner = outer;
    }
    return inner;
  }

  @Test
  void aNullPayload_isACommandWithoutFields() {
    assertThat(RuntimeMessage.of("Account", "a-1", "Close", null).payload()).isEmpty();
    assertThat(RuntimeMessage.builder("Account", "a-1", "Close").build().payload()).isEmpty();
  }

  @Test
  void withDeadline_keepsEverythingButTheDeadline_andRefusesNull() {
    RuntimeMessage message = RuntimeMessage.builder("Account", "a-1", "Deposit").payload(Map.of("amount", 5))
        .correlationId("c-1").build();
    Instant deadline = Instant.parse("2030-01-01T00:00:00Z");

    RuntimeMessage routed = message.withDeadline(deadline);

    assertThat(routed.deadline()).contains(deadline);
    assertThat(routed.commandId()).isEqualTo(message.commandId());
    assertThat(routed.payload()).isEqualTo(message.payload());
    assertThat(routed.metadata()).isEqualTo(message.metadata());
    assertThat(routed.target()).isEqualTo(message.target());
    assertThat(message.deadline()).isEmpty();
    assertThatThrownBy(() -> message.withDeadline(null)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("deadline");
  }
}
