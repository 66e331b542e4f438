package dev.aether.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotJsonTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void snapshotToBytes_writesTheSnapshotFieldNamesInOrder() throws Exception {
    // given
    ActorSnapshot snapshot = new ActorSnapshot("actor-1", 7, Map.of("n", 1L),
        Instant.parse("2026-11-26T23:39:36.123456789Z"), "counter/v2");
    // when
    JsonNode json = JSON.readTree(EventJson.snapshotToBytes(snapshot));
    // then
    List<String> names = new ArrayList<>();
    json.fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("actorId", "version", "state", "timestamp", "schema");
    assertThat(json.get("timestamp").asText()).isEqualTo("2026-11-26T23:39:36.123456789Z");
  }

  @Test
  void roundTrip_keepsEveryField() {
    // given
    Map<String, Object> state = new LinkedHashMap<>();
    state.put("text", "emoji \uD83D\uDE80 cjk \u65E5\u672C rtl \u05E9\u05DC\u05D5\u05DD nul\u0000 tab\t");
    state.put("nested", Map.of("list", Arrays.asList(1L, null, 2.5, Map.of())));
    state.put("nothing", null);
    ActorSnapshot snapshot = new ActorSnapshot("actor \u65E5", 42, state,
        Instant.parse("1969-12-31T23:59:59.999999999Z"), "orders.Account/v3");
    // when
    ActorSnapshot read = EventJson.snapshotFromBytes(EventJson.snapshotToBytes(snapshot));
    // then
    assertThat(read).isEqualTo(snapshot);
  }

  @Test
  void snapshotFromBytes_withoutSchema_readsAnEmptySchema() {
    // given: written before the schema tag existed (upstream has none)
    String json = "{\"actorId\":\"a-1\",\"version\":3,\"state\":{\"n\":1,\"x\":0.5},"
        + "\"timestamp\":\"2026-01-02T03:04:05.123456789+01:00\"}";
    // when
    ActorSnapshot snapshot = EventJson.snapshotFromBytes(json.getBytes(StandardCharsets.UTF_8));
    // then
    assertThat(snapshot).isEqualTo(new ActorSnapshot("a-1", 3, Map.of("n", 1L, "x", 0.5),
        Instant.parse("2026-01-02T02:04:05.123456789Z"), ""));
  }

  @Test
  void snapshotFromBytes_withMalformedInput_failsNamingTheProblem() {
    assertFails("").withMessageContaining("empty");
    assertFails("not json").withMessageContaining("malformed JSON");
    assertFails("[]").withMessageContaining("expected a JSON object");
    assertFails("{\"version\":1,\"state\":{},\"timestamp\":\"2026-01-02T03:04:05Z\"}")
        .withMessageContaining("not a valid snapshot").withMessageContaining("actorId");
    assertFails("{\"actorId\":\"a\",\"version\":0,\"state\":{},\"timestamp\":\"2026-01-02T03:04:05Z\"}")
        .withMessageContaining("version");
    assertFails("{\"actorId\":\"a\",\"version\":1,\"state\":[],\"timestamp\":\"2026-01-02T03:04:05Z\"}")
        .withMessageContaining("state");
    assertFails("{\"actorId\":\"a\",\"version\":1,\"state\":{},\"timestamp\":\"soon\"}")
        .withMessageContaining("timestamp");
    assertFails("{\"actorId\":\"a\",\"version\":1,\"state\":{},\"timestamp\":\"2026-01-02T03:04:05Z\",\"schema\":2}")
        .withMessageContaining("schema");
  }

  private static org.assertj.core.api.ThrowableAssertAlternative<EventDecodingException> assertFails(String text) {
    return assertThatExceptionOfType(EventDecodingException.class)
        .isThrownBy(() -> EventJson.snapshotFromBytes(text.getBytes(StandardCharsets.UTF_8)));
  }
}
