package dev.aether.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aether.support.Json;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.assertj.core.api.ThrowableAssertAlternative;
import org.junit.jupiter.api.Test;

class EventJsonTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String AWKWARD_TEXT = "emoji \uD83D\uDE80\uD83C\uDF89 cjk \u65E5\u672C\u8A9E"
      + " rtl \u05E9\u05DC\u05D5\u05DD \u0645\u0631\u062D\u0628\u0627"
      + " nul\u0000 newline\n tab\t unit\u001f del\u007f quote\" backslash\\";

  // ---- writing

  @Test
  void toJson_writesExactlyTheUpstreamFieldNamesInOrder() throws Exception {
    // given
    Event event = valid().commandId("cmd-1").correlationId("corr").build();
    // when
    JsonNode json = JSON.readTree(EventJson.toBytes(event));
    // then
    assertThat(fieldNames(json))
        .containsExactly("id", "eventType", "actorId", "commandId", "version", "data", "metadata", "timestamp");
  }

  @Test
  void toJson_withoutCommandIdOrMetadata_omitsThem() throws Exception {
    // when
    JsonNode json = JSON.readTree(EventJson.toJson(valid().build()));
    // then
    assertThat(fieldNames(json)).containsExactly("id", "eventType", "actorId", "version", "data", "timestamp");
  }

  @Test
  void toJson_writesVersionAsNumberAndTimestampAsIsoStringWithNanoseconds() throws Exception {
    // given
    Event event = valid().version(12).timestamp(Instant.parse("2026-11-26T23:39:36.123456789Z")).build();
    // when
    JsonNode json = JSON.readTree(EventJson.toBytes(event));
    // then
    assertThat(json.get("version").isIntegralNumber()).isTrue();
    assertThat(json.get("version").asLong()).isEqualTo(12);
    assertThat(json.get("timestamp").asText()).isEqualTo("2026-11-26T23:39:36.123456789Z");
  }

  @Test
  void write_insideADocument_writesTheSameBytesAsToBytes() throws Exception {
    // given
    Event event = valid().commandId("cmd-1").correlationId("corr").data(Map.of("text", AWKWARD_TEXT)).build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    // when
    try (JsonGenerator g = Json.factory().createGenerator(out)) {
      g.writeStartArray();
      EventJson.write(g, event);
      g.writeEndArray();
    }
    // then
    byte[] alone = EventJson.toBytes(event);
    byte[] expected = new byte[alone.length + 2];
    expected[0] = '[';
    System.arraycopy(alone, 0, expected, 1, alone.length);
    expected[expected.length - 1] = ']';
    assertThat(out.toByteArray()).isEqualTo(expected);
  }

  // ---- round trips

  @Test
  void roundTrip_keepsEveryField() {
    // given
    Event event = valid().commandId("cmd-1").data(Map.of("amount", 100L, "price", 9.99))
        .correlationId("corr").causationId("cause").userId("user").traceId("trace").spanId("span")
        .metadata("tenant", "acme").timestamp(Instant.parse("2026-11-26T23:39:36.123456789Z")).build();
    // when / then
    assertThat(roundTrip(event)).isEqualTo(event);
  }

  @Test
  void roundTrip_keepsUnicodeAndControlCharactersEverywhere() {
    // given
    Event event = valid().eventType("Type " + AWKWARD_TEXT).streamId("actor " + AWKWARD_TEXT)
        .commandId("cmd " + AWKWARD_TEXT).data(Map.of("text", AWKWARD_TEXT, AWKWARD_TEXT, "as key"))
        .metadata("key " + AWKWARD_TEXT, AWKWARD_TEXT).build();
    // when / then
    assertThat(roundTrip(event)).isEqualTo(event);
  }

  @Test
  void toJson_escapesControlCharacters() {
    // when
    String json = EventJson.toJson(valid().data(Map.of("text", "a\u0000b\nc\td\u001fe")).build());
    // then: JSON forbids raw control characters in strings
    assertThat(json.chars().filter(c -> c < 0x20)).isEmpty();
  }

  @Test
  void roundTrip_keepsAOneMegabytePayload() {
    // given: above the default payload limits, which only builders check; decoding takes any size
    PayloadLimits large = PayloadLimits.builder().maxStringLength(1 << 21).maxBytes(1 << 23).build();
    Event event = valid().limits(large).data(Map.of("blob", "x\u00E9\u65E5\uD83D\uDE80".repeat(1 << 18),
        "numbers", LongStream.range(0, 10_000).boxed().toList())).build();
    // when
    byte[] bytes = EventJson.toBytes(event);
    // then
    assertThat(bytes.length).isGreaterThan(1 << 20);
    assertThat(EventJson.fromBytes(bytes)).isEqualTo(event);
  }

  @Test
  void roundTrip_keepsNanosecondTimestamps() {
    for (String text : List.of("2026-11-26T23:39:36.123456789Z", "2026-11-26T23:39:36.000000001Z",
        "2026-11-26T23:39:36.100Z", "2026-11-26T23:39:36Z", "1969-12-31T23:59:59.999999999Z",
        "1970-01-01T00:00:00Z")) {
      Event event = valid().timestamp(Instant.parse(text)).build();
      assertThat(roundTrip(event).timestamp()).as(text).isEqualTo(Instant.parse(text));
    }
  }

  @Test
  void fromJson_parsesTimestampsWithOffsets() {
    assertThat(parseWithTimestamp("2026-01-02T03:04:05.123456789+01:00"))
        .isEqualTo(Instant.parse("2026-01-02T02:04:05.123456789Z"));
    assertThat(parseWithTimestamp("2026-01-02T03:04:05-05:30"))
        .isEqualTo(Instant.parse("2026-01-02T08:34:05Z"));
    assertThat(parseWithTimestamp("2026-01-02T03:04:05.5+00:00"))
        .isEqualTo(Instant.parse("2026-01-02T03:04:05.500Z"));
  }

  @Test
  void roundTrip_keepsNestedObjectsListsNullsAndEmptyContainers() {
    // given
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("nested", Map.of("deeper", Map.of("matrix", List.of(List.of(1L, 2L), List.of()))));
    data.put("list", Arrays.asList("a", null, true, 1.5, Map.of("k", "v")));
    data.put("nothing", null);
    data.put("emptyObject", Map.of());
    data.put("emptyString", "");
    Event event = valid().data(data).build();
    // when / then
    assertThat(roundTrip(event)).isEqualTo(event);
  }

  @Test
  void fromJson_readsIntegralNumbersAsLongAndOthersAsDouble() {
    // given: JSON as another implementation (Go) would write it
    String json = "{\"id\":\"e-1\",\"eventType\":\"Priced\",\"actorId\":\"a-1\",\"version\":1,"
        + "\"data\":{\"small\":1,\"large\":9007199254740993,\"max\":9223372036854775807,\"price\":9.99,"
        + "\"whole\":1.0,\"exponent\":1e3,\"negative\":-0.5,\"list\":[1,2.5]},"
        + "\"timestamp\":\"2026-01-02T03:04:05Z\"}";
    // when
    Map<String, Object> data = EventJson.fromJson(json).data();
    // then: Map.equals tells Long 1 from Integer 1 and Double 1.0, so the types are checked too
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("small", 1L);
    expected.put("large", 9007199254740993L);
    expected.put("max", Long.MAX_VALUE);
    expected.put("price", 9.99);
    expected.put("whole", 1.0);
    expected.put("exponent", 1000.0);
    expected.put("negative", -0.5);
    expected.put("list", List.of(1L, 2.5));
    assertThat(data).isEqualTo(expected);
  }

  @Test
  void fromJson_withUnknownFieldsOrNullOptionals_ignoresThem() {
    // given: a newer writer added a field; a Go writer may send null metadata and data
    String json = "{\"id\":\"e-1\",\"eventType\":\"T\",\"actorId\":\"a-1\",\"version\":3,\"data\":null,"
        + "\"metadata\":null,\"commandId\":null,\"timestamp\":\"2026-01-02T03:04:05Z\",\"schemaVersion\":2}";
    // when
    Event event = EventJson.fromJson(json);
    // then
    assertThat(event.version()).isEqualTo(3);
    assertThat(event.data()).isEmpty();
    assertThat(event.metadata()).isEmpty();
    assertThat(event.commandId()).isEmpty();
  }

  // ---- malformed input

  @Test
  void fromBytes_withEmptyBytes_failsSayingSo() {
    assertDecodingFails(new byte[0]).withMessageContaining("empty");
  }

  @Test
  void fromBytes_withTextThatIsNotJson_failsAsMalformed() {
    assertDecodingFails("hello, world").withMessageContaining("malformed JSON");
    assertDecodingFails("{\"id\":").withMessageContaining("malformed JSON");
    assertDecodingFails("   ").withMessageContaining("malformed JSON");
  }

  @Test
  void fromBytes_withTrailingContent_failsAsMalformed() {
    String event = EventJson.toJson(valid().build());
    assertDecodingFails(event + event).withMessageContaining("malformed JSON");
  }

  @Test
  void fromBytes_withJsonThatIsNotAnObject_failsNamingWhatItFound() {
    assertDecodingFails("[1,2]").withMessageContaining("expected a JSON object").withMessageContaining("[1, 2]");
    assertDecodingFails("\"text\"").withMessageContaining("expected a JSON object");
    assertDecodingFails("42").withMessageContaining("expected a JSON object");
    assertDecodingFails("null").withMessageContaining("expected a JSON object");
  }

  @Test
  void fromBytes_withMissingField_failsNamingIt() {
    for (String field : List.of("id", "eventType", "actorId", "version", "timestamp")) {
      Map<String, Object> json = validJson();
      json.remove(field);
      assertDecodingFails(json).as(field).withMessageContaining(field).withMessageContaining("missing");
    }
  }

  @Test
  void fromBytes_withWrongTypes_failsNamingTheField() {
    assertDecodingFails(validJsonWith("id", 5)).withMessageContaining("id");
    assertDecodingFails(validJsonWith("version", "1")).withMessageContaining("version");
    assertDecodingFails(validJsonWith("version", 1.5)).withMessageContaining("version");
    assertDecodingFails(validJsonWith("data", List.of(1))).withMessageContaining("data");
    assertDecodingFails(validJsonWith("data", "text")).withMessageContaining("data");
    assertDecodingFails(validJsonWith("metadata", Map.of("tenant", 7))).withMessageContaining("metadata.tenant");
    assertDecodingFails(validJsonWith("timestamp", 1_767_322_245)).withMessageContaining("timestamp");
  }

  @Test
  void fromBytes_withInvalidValues_failsNamingTheField() {
    assertDecodingFails(validJsonWith("version", 0)).withMessageContaining("version");
    assertDecodingFails(validJsonWith("actorId", " ")).withMessageContaining("actorId");
    assertDecodingFails(validJsonWith("timestamp", "yesterday")).withMessageContaining("timestamp")
        .withMessageContaining("yesterday");
    assertDecodingFails(validJsonWith("metadata", Map.of("", "v"))).withMessageContaining("metadata key");
  }

  @Test
  void fromBytes_withIntegerBeyondSixtyFourBits_failsNamingItsPath() {
    // regression: the parser refused it as "malformed JSON" without saying where the value was
    String json = "{\"id\":\"e\",\"eventType\":\"T\",\"actorId\":\"a\",\"version\":1,"
        + "\"data\":{\"items\":[1,18446744073709551616]},\"timestamp\":\"2026-01-02T03:04:05Z\"}";
    assertDecodingFails(json).withMessageContaining("data.items[1]").withMessageContaining("64 bits");
    assertDecodingFails(validJsonWith("version", new BigInteger("18446744073709551616")))
        .withMessageContaining("version");
  }

  @Test
  void decodingFailure_isNotTransient() {
    assertThat(new EventDecodingException("bad", null).isTransient()).isFalse();
  }

  private static Event.Builder valid() {
    return Event.builder().eventType("Happened").streamId("actor-1").version(1);
  }

  private static Event roundTrip(Event event) {
    return EventJson.fromBytes(EventJson.toBytes(event));
  }

  private static Instant parseWithTimestamp(String timestamp) {
    return EventJson.fromBytes(json(validJsonWith("timestamp", timestamp))).timestamp();
  }

  private static Map<String, Object> validJson() {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("id", "e-1");
    json.put("eventType", "Happened");
    json.put("actorId", "actor-1");
    json.put("version", 1);
    json.put("data", Map.of());
    json.put("timestamp", "2026-01-02T03:04:05Z");
    return json;
  }

  private static Map<String, Object> validJsonWith(String field, Object value) {
    Map<String, Object> json = validJson();
    json.put(field, value);
    return json;
  }

  private static byte[] json(Map<String, Object> value) {
    try {
      return JSON.writeValueAsBytes(value);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private static ThrowableAssertAlternative<EventDecodingException> assertDecodingFails(byte[] bytes) {
    return assertThatExceptionOfType(EventDecodingException.class).isThrownBy(() -> EventJson.fromBytes(bytes));
  }

  private static ThrowableAssertAlternative<EventDecodingException> assertDecodingFails(String text) {
    return assertDecodingFails(text.getBytes(StandardCharsets.UTF_8));
  }

  private static ThrowableAssertAlternative<EventDecodingException> assertDecodingFails(Map<String, Object> json) {
    return assertDecodingFails(json(json));
  }
}
