package dev.aether.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ActorKeyTest {

  @Test
  void streamId_isTypeSlashId_andSplitsBack() {
    ActorKey key = ActorKey.of("Account", "a/b c");
    assertThat(key.streamId()).isEqualTo("Account/a/b c");
    assertThat(ActorKey.fromStreamId(key.streamId())).isEqualTo(key);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "1Account", "Acc/ount", "Acc ount", "Konto\u00e9", "_x"})
  void badAggregateTypes_areRefused(String type) {
    assertThatThrownBy(() -> ActorKey.of(type, "a"))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("aggregateType"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"Account", "a", "Order-Line_2.v1"})
  void goodAggregateTypes_areAccepted(String type) {
    assertThat(ActorKey.of(type, "x").aggregateType()).isEqualTo(type);
  }

  @Test
  void streamIdLongerThanTheStoreAllows_isRefused() {
    String longest = "x".repeat(Event.MAX_STREAM_ID_BYTES - "Account/".length());
    assertThat(ActorKey.of("Account", longest).streamId()).hasSize(Event.MAX_STREAM_ID_BYTES);
    assertThatThrownBy(() -> ActorKey.of("Account", longest + "x"))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("actorId"))
        .hasMessageContaining("2048");
    assertThatThrownBy(() -> RuntimeMessage.of("Account", longest + "\u00e9", "Open", Map.of()))
        .isInstanceOf(InvalidInputException.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bad\uD800id", "\uDC00", "end\uD83D", "\uDE00\uD83D"})
  void anActorIdWithAnUnpairedSurrogate_isRefusedWhenTheKeyIsBuilt(String id) {
    // found by a new user: accepted here, then every command was a STORE_FAILED and left an active VM behind
    assertThatThrownBy(() -> ActorKey.of("Account", id))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("actorId"))
        .hasMessageContaining("unpaired UTF-16 surrogate");
    assertThatThrownBy(() -> RuntimeMessage.of("Account", id, "Open", Map.of()))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("actorId"));
    assertThat(ActorKey.of("Account", "smile\uD83D\uDE00").actorId()).endsWith("\uD83D\uDE00");
  }

  @Test
  void message_copiesPayloadAndMetadata_andGivesAFreshCommandId() {
    Map<String, Object> payload = new HashMap<>(Map.of("amount", 5));
    RuntimeMessage m = RuntimeMessage.builder("Account", "a", "Deposit").payload(payload).correlationId("c")
        .causationId("k").userId("u").traceId("t").build();
    payload.put("amount", 6);

    assertThat(m.payload()).isEqualTo(Map.of("amount", 5L));
    assertThat(m.commandId()).isNotBlank();
    assertThat(RuntimeMessage.of("Account", "a", "Deposit", Map.of()).commandId()).isNotEqualTo(m.commandId());
    assertThat(m.correlationId()).contains("c");
    assertThat(m.causationId()).contains("k");
    assertThat(m.userId()).contains("u");
    assertThat(m.traceId()).contains("t");
    assertThatThrownBy(() -> m.payload().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void message_refusesBadValues_namingTheField() {
    assertThatThrownBy(() -> RuntimeMessage.builder("Account", "a", " ").build())
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("command"));
    assertThatThrownBy(() -> RuntimeMessage.builder("Account", "a", "Open").commandId("").build())
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("commandId"));
    assertThatThrownBy(() -> RuntimeMessage.builder("Account", "a", "Open").payload(Map.of("x", new Object())).build())
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("payload.x"));
  }

  @Test
  void isOfType_isTheTypeThenASlash_notATypeThatOnlyStartsTheSame() {
    assertThat(ActorKey.isOfType("Customer/c1", "Customer")).isTrue();
    assertThat(ActorKey.isOfType("Customer/a/b", "Customer")).isTrue();
    assertThat(ActorKey.isOfType("Customers/c1", "Customer")).isFalse();
    assertThat(ActorKey.isOfType("Customer.x/c1", "Customer")).isFalse();
    assertThat(ActorKey.isOfType("Customer", "Customer")).isFalse();
    assertThat(ActorKey.isOfType("Cust/c1", "Customer")).isFalse();
  }
}
