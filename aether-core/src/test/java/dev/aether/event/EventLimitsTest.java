package dev.aether.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.aether.InvalidInputException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The payload limits of {@link Event}: nesting depth, string length (values and keys) and encoded size are
 * refused where the event is built, naming the path and the limit, and whatever is built reads back.
 */
class EventLimitsTest {

  private static final int DEPTH = PayloadLimits.DEFAULT_MAX_DEPTH;

  // ---- depth

  @Test
  void build_withDataNestedAThousandDeep_isRefusedNamingThePathAndTheLimit() {
    // regression: such an event was accepted, stored on JetStream and could then never be decoded
    InvalidInputException refused = refused(valid().data(nestedObjects(1_000)));
    assertThat(refused.field()).isEqualTo("data" + ".a".repeat(DEPTH));
    assertThat(refused.getMessage()).contains(Integer.toString(DEPTH)).contains("aether.payload.max-depth");
    assertThat(refused).isInstanceOfSatisfying(PayloadLimitException.class,
        e -> assertThat(e.limitKey()).isEqualTo(PayloadLimits.MAX_DEPTH_KEY));
  }

  @Test
  void build_withDataNestedAHundredThousandDeep_isRefusedWithoutOverflowingTheStack() {
    // regression: StackOverflowError from the recursive copy
    assertThat(refused(valid().data(nestedObjects(100_000))).field()).startsWith("data.a.a.a");
    assertThat(refused(valid().data(Map.of("list", nestedLists(100_000)))).field())
        .isEqualTo("data.list" + "[0]".repeat(DEPTH - 1));
  }

  @Test
  void build_withDataThatContainsItself_isRefusedWithoutOverflowingTheStack() {
    Map<String, Object> cyclic = new HashMap<>();
    cyclic.put("self", cyclic);
    assertThat(refused(valid().data(cyclic)).field()).startsWith("data.self.self");
  }

  @Test
  void build_withDataAtTheDepthLimit_isAcceptedAndRoundTripsThroughJson() {
    // given
    Event event = valid().data(nestedObjects(DEPTH)).build();
    Event withList = valid().data(Map.of("list", nestedLists(DEPTH - 1))).build();
    // when / then
    assertThat(EventJson.fromBytes(EventJson.toBytes(event))).isEqualTo(event);
    assertThat(EventJson.fromBytes(EventJson.toBytes(withList))).isEqualTo(withList);
  }

  @Test
  void build_withADeeperLimit_acceptsWhatTheDefaultRefuses_andItStillReadsBack() {
    // given
    PayloadLimits deeper = PayloadLimits.builder().maxDepth(PayloadLimits.MAX_DEPTH_CEILING).build();
    Event event = valid().limits(deeper).data(nestedObjects(PayloadLimits.MAX_DEPTH_CEILING)).build();
    // when / then: decoding reads anything within the ceilings, whatever the reader's own limits
    assertThat(EventJson.fromBytes(EventJson.toBytes(event))).isEqualTo(event);
    assertThat(refused(valid().limits(deeper).data(nestedObjects(PayloadLimits.MAX_DEPTH_CEILING + 1))).field())
        .isEqualTo("data" + ".a".repeat(PayloadLimits.MAX_DEPTH_CEILING));
  }

  @Test
  void fromBytes_ofAnEventNestedBeyondTheCeiling_isADecodingError() {
    int depth = PayloadLimits.MAX_DEPTH_CEILING + 1;
    String deep = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);
    String json = "{\"id\":\"i\",\"eventType\":\"T\",\"actorId\":\"a\",\"version\":1,\"data\":" + deep
        + ",\"timestamp\":\"2026-01-01T00:00:00Z\"}";
    assertThatExceptionOfType(EventDecodingException.class).isThrownBy(() -> EventJson.fromJson(json));
  }

  // ---- strings

  @Test
  void build_withAStringValueLongerThanTheLimit_isRefusedNamingItsPath() {
    String tooLong = "x".repeat(PayloadLimits.DEFAULT_MAX_STRING_LENGTH + 1);
    InvalidInputException refused = refused(valid().data(Map.of("items", List.of("ok", tooLong))));
    assertThat(refused.field()).isEqualTo("data.items[1]");
    assertThat(refused.getMessage()).contains("aether.payload.max-string-length");
    assertThat(refused).isInstanceOfSatisfying(PayloadLimitException.class,
        e -> assertThat(e.limitKey()).isEqualTo(PayloadLimits.MAX_STRING_LENGTH_KEY));
  }

  @Test
  void build_withAKeyLongerThanTheLimit_isRefusedNamingTheObject() {
    String tooLong = "k".repeat(PayloadLimits.DEFAULT_MAX_STRING_LENGTH + 1);
    assertThat(refused(valid().data(Map.of("nested", Map.of(tooLong, 1)))).field()).isEqualTo("data.nested");
  }

  @Test
  void build_withAStringOfExactlyTheLimit_isAccepted() {
    String longest = "x".repeat(PayloadLimits.DEFAULT_MAX_STRING_LENGTH);
    assertThat(valid().data(Map.of(longest, longest)).build().data()).containsEntry(longest, longest);
  }

  @Test
  void build_withMetadataKeyOrValueLongerThanTheLimit_isRefusedNamingIt() {
    String tooLong = "m".repeat(PayloadLimits.DEFAULT_MAX_STRING_LENGTH + 1);
    assertThat(refused(valid().metadata("traceId", tooLong)).field()).isEqualTo("metadata.traceId");
    assertThat(refused(valid().metadata(Map.of(tooLong, "v"))).field()).isEqualTo("metadata");
  }

  @Test
  void build_withEventTypeOrCommandIdLongerThanTheLimit_isRefusedNamingIt() {
    String tooLong = "t".repeat(PayloadLimits.DEFAULT_MAX_STRING_LENGTH + 1);
    assertThat(refused(valid().eventType(tooLong)).field()).isEqualTo("eventType");
    assertThat(refused(valid().commandId(tooLong)).field()).isEqualTo("commandId");
    assertThat(refused(valid().id(tooLong)).field()).isEqualTo("id");
  }

  // ---- size

  @Test
  void build_withAnEventWhoseJsonExceedsTheSizeLimit_isRefusedNamingSizeAndLimit() {
    // given: strings within the length limit, together above the size limit
    Map<String, Object> data = new LinkedHashMap<>();
    for (int i = 0; i < 5; i++) {
      data.put("part" + i, "x".repeat(PayloadLimits.DEFAULT_MAX_STRING_LENGTH));
    }
    // when
    InvalidInputException refused = refused(valid().data(data));
    // then
    assertThat(refused.field()).isEqualTo("data");
    assertThat(refused.getMessage()).contains(Integer.toString(PayloadLimits.DEFAULT_MAX_BYTES))
        .contains("aether.payload.max-bytes");
    assertThat(refused).isInstanceOfSatisfying(PayloadLimitException.class,
        e -> assertThat(e.limitKey()).isEqualTo(PayloadLimits.MAX_BYTES_KEY));
  }

  @Test
  void build_sizeIsTheEncodedJson_soEscapesAndMultiByteCharactersCount() {
    // given: 200,000 characters, each written as a six-byte escape: 1.2 MB of JSON
    String controls = "\u0001".repeat(200_000);
    // when / then
    assertThat(refused(valid().data(Map.of("c", controls))).field()).isEqualTo("data");
    PayloadLimits small = PayloadLimits.builder().maxBytes(1_000).build();
    Event fits = valid().limits(small).data(Map.of("t", "\u65E5".repeat(200))).build();
    assertThat(EventJson.toBytes(fits).length).isLessThanOrEqualTo(1_000);
    assertThat(refused(valid().limits(small).data(Map.of("t", "\u65E5".repeat(300)))).field()).isEqualTo("data");
  }

  @Test
  void build_everyAcceptedEvent_encodesWithinTheSizeLimit() {
    // given: an event just under the limit
    PayloadLimits limits = PayloadLimits.builder().maxBytes(10_000).build();
    Event probe = valid().data(Map.of("s", "")).build();
    int overhead = EventJson.toBytes(probe).length;
    String text = "y".repeat(10_000 - overhead);
    // when
    Event atLimit = valid().limits(limits).id(probe.id()).timestamp(probe.timestamp()).data(Map.of("s", text)).build();
    // then
    assertThat(EventJson.toBytes(atLimit)).hasSize(10_000);
    assertThat(refused(valid().limits(limits).id(probe.id()).timestamp(probe.timestamp())
        .data(Map.of("s", text + "y"))).field()).isEqualTo("data");
  }

  // ---- helpers

  private static Event.Builder valid() {
    return Event.builder().eventType("Tested").streamId("actor-1").version(1);
  }

  private static InvalidInputException refused(Event.Builder builder) {
    try {
      builder.build();
    } catch (InvalidInputException e) {
      return e;
    }
    throw new AssertionError("the event was accepted");
  }

  /** {@code depth} objects nested in each other through the key {@code a}; the innermost is empty. */
  static Map<String, Object> nestedObjects(int depth) {
    Map<String, Object> inner = new HashMap<>();
    for (int i = 1; i < depth; i++) {
      Map<String, Object> outer = new HashMap<>();
      outer.put("a", inner);
      inner = outer;
    }
    return inner;
  }

  /** {@code depth} lists nested in each other; the innermost holds one number. */
  static List<Object> nestedLists(int depth) {
    List<Object> inner = new ArrayList<>(List.of(1L));
    for (int i = 1; i < depth; i++) {
      List<Object> outer = new ArrayList<>();
      outer.add(inner);
      inner = outer;
    }
    return inner;
  }
}
