package dev.aether.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import dev.aether.InvalidInputException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class EventTest {

  // ---- required fields and defaults

  @Test
  void build_withRequiredFieldsOnly_appliesDefaults() {
    // when
    Event event = valid().build();
    // then
    assertThat(UUID.fromString(event.id()).version()).isEqualTo(7);
    assertThat(event.timestamp()).isNotNull();
    assertThat(event.commandId()).isEmpty();
    assertThat(event.data()).isEmpty();
    assertThat(event.metadata()).isEmpty();
  }

  @Test
  void build_twice_givesEachEventItsOwnDefaultId() {
    assertThat(valid().build().id()).isNotEqualTo(valid().build().id());
  }

  @Test
  void build_withNullOrBlankId_isRefusedNamingId() {
    assertRefused(() -> valid().id(null).build(), "id");
    assertRefused(() -> valid().id("").build(), "id");
    assertRefused(() -> valid().id(" \t").build(), "id");
  }

  @Test
  void build_withNullOrBlankEventType_isRefusedNamingEventType() {
    assertRefused(() -> valid().eventType(null).build(), "eventType");
    assertRefused(() -> valid().eventType("").build(), "eventType");
    assertRefused(() -> valid().eventType("  ").build(), "eventType");
  }

  @Test
  void build_withNullOrBlankStreamId_isRefusedNamingStreamId() {
    assertRefused(() -> valid().streamId(null).build(), "streamId");
    assertRefused(() -> valid().streamId("").build(), "streamId");
    assertRefused(() -> valid().streamId("\n").build(), "streamId");
  }

  @Test
  void build_withVersionZeroOrNegative_isRefusedNamingVersion() {
    for (long version : new long[] {0, -1, Long.MIN_VALUE}) {
      assertRefused(() -> valid().version(version).build(), "version");
    }
  }

  @Test
  void build_withoutVersion_isRefusedNamingVersion() {
    assertRefused(() -> Event.builder().eventType("Happened").streamId("actor-1").build(), "version");
  }

  @Test
  void build_withNullTimestamp_isRefusedNamingTimestamp() {
    assertRefused(() -> valid().timestamp(null).build(), "timestamp");
  }

  @Test
  void build_withStreamIdOfExactlyTheMaximumBytes_isAccepted() {
    // given: 682 three-byte characters and two one-byte characters are 2048 UTF-8 bytes
    String ascii = "a".repeat(Event.MAX_STREAM_ID_BYTES);
    String multiByte = "\u65E5".repeat(682) + "ab";
    // when / then
    assertThat(valid().streamId(ascii).build().streamId()).isEqualTo(ascii);
    assertThat(valid().streamId(multiByte).build().streamId()).isEqualTo(multiByte);
  }

  @Test
  void build_withStreamIdLongerThanTheMaximumBytes_isRefusedNamingStreamId() {
    // given: 683 three-byte characters are only 683 chars but 2049 UTF-8 bytes
    String ascii = "a".repeat(Event.MAX_STREAM_ID_BYTES + 1);
    String multiByte = "\u65E5".repeat(683);
    // when / then
    assertRefused(() -> valid().streamId(ascii).build(), "streamId");
    assertRefused(() -> valid().streamId(multiByte).build(), "streamId");
  }

  // ---- data that JSON cannot represent

  @Test
  void build_withArbitraryObjectInData_isRefusedNamingItsPath() {
    Map<String, Object> data = Map.of("items", List.of("first", new Object()));
    assertRefused(() -> valid().data(data).build(), "data.items[1]");
  }

  @Test
  void build_withNaNOrInfinityInData_isRefusedNamingItsPath() {
    assertRefused(() -> valid().data(Map.of("ratio", Double.NaN)).build(), "data.ratio");
    assertRefused(() -> valid().data(Map.of("ratio", Float.NaN)).build(), "data.ratio");
    assertRefused(() -> valid().data(Map.of("limit", Double.POSITIVE_INFINITY)).build(), "data.limit");
    assertRefused(() -> valid().data(Map.of("nested", Map.of("low", Double.NEGATIVE_INFINITY))).build(),
        "data.nested.low");
  }

  @Test
  void build_withNonStringKeysInData_isRefusedNamingTheObject() {
    Map<String, Object> data = Map.of("nested", Map.of(1, "one"));
    assertRefused(() -> valid().data(data).build(), "data.nested");
  }

  @Test
  void build_withIntegerBeyondSixtyFourBitsInData_isRefusedNamingItsPath() {
    BigInteger twoToThe63 = BigInteger.ONE.shiftLeft(63);
    assertRefused(() -> valid().data(Map.of("big", twoToThe63)).build(), "data.big");
    assertRefused(() -> valid().data(Map.of("big", twoToThe63.negate().subtract(BigInteger.ONE))).build(),
        "data.big");
    assertRefused(() -> valid().data(Map.of("big", new BigDecimal("1e19"))).build(), "data.big");
  }

  @Test
  void build_withUnsupportedNumberTypeInData_isRefusedNamingItsPath() {
    assertRefused(() -> valid().data(Map.of("counter", new AtomicInteger(1))).build(), "data.counter");
  }

  // ---- number normalisation and other conversions

  @Test
  void build_normalisesIntegralNumbersToLongAndOthersToDouble() {
    // given
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("int", 42);
    data.put("short", (short) 7);
    data.put("byte", (byte) -3);
    data.put("float", 1.5f);
    data.put("double", 3.0);
    data.put("bigIntegerMax", BigInteger.valueOf(Long.MAX_VALUE));
    data.put("bigIntegerMin", BigInteger.valueOf(Long.MIN_VALUE));
    data.put("integralBigDecimal", new BigDecimal("3.00"));
    data.put("exponentBigDecimal", new BigDecimal("1E+3"));
    data.put("zeroBigDecimal", new BigDecimal("0.000"));
    data.put("fractionalBigDecimal", new BigDecimal("2.50"));
    data.put("nested", Map.of("list", List.of(1, 2.5f)));
    // when
    Map<String, Object> normalised = valid().data(data).build().data();
    // then: Map.equals tells Long 42 from Integer 42, so the types are checked too
    Map<String, Object> expected = new LinkedHashMap<>();
    expected.put("int", 42L);
    expected.put("short", 7L);
    expected.put("byte", -3L);
    expected.put("float", 1.5);
    expected.put("double", 3.0);
    expected.put("bigIntegerMax", Long.MAX_VALUE);
    expected.put("bigIntegerMin", Long.MIN_VALUE);
    expected.put("integralBigDecimal", 3L);
    expected.put("exponentBigDecimal", 1000L);
    expected.put("zeroBigDecimal", 0L);
    expected.put("fractionalBigDecimal", 2.5);
    expected.put("nested", Map.of("list", List.of(1L, 2.5)));
    assertThat(normalised).isEqualTo(expected);
  }

  @Test
  void build_convertsCharactersToStringsAndArraysToLists() {
    // given
    Map<String, Object> data = Map.of("letter", 'x', "array", new Object[] {1, "two"});
    // when
    Map<String, Object> converted = valid().data(data).build().data();
    // then
    assertThat(converted).containsEntry("letter", "x").containsEntry("array", List.of(1L, "two"));
  }

  @Test
  void build_withArrayContainingNull_keepsTheNull() {
    // given (regression: arrays were copied with List.of, which threw NullPointerException on a null element)
    Map<String, Object> data = Map.of("array", new Object[] {"a", null});
    // when
    Map<String, Object> converted = valid().data(data).build().data();
    // then
    assertThat(converted).containsEntry("array", Arrays.asList("a", null));
  }

  @Test
  void build_keepsNullValuesAndInsertionOrder() {
    // given
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("z", 1L);
    data.put("nothing", null);
    data.put("a", Arrays.asList(null, "x"));
    // when
    Map<String, Object> copy = valid().data(data).build().data();
    // then
    assertThat(copy).containsExactly(entry("z", 1L), entry("nothing", null), entry("a", Arrays.asList(null, "x")));
  }

  // ---- immutability

  @Test
  @SuppressWarnings("unchecked")
  void data_isDeeplyUnmodifiable() {
    // given
    Event event = valid().data(mutableData()).build();
    // when / then
    assertThatThrownBy(() -> event.data().put("added", 1L)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((List<Object>) event.data().get("items")).add("c"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> ((Map<String, Object>) event.data().get("nested")).put("k", "changed"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void metadata_isUnmodifiable() {
    Event event = valid().correlationId("c-1").build();
    assertThatThrownBy(() -> event.metadata().put("userId", "u")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  @SuppressWarnings("unchecked")
  void build_thenMutatingTheSources_changesNothing() {
    // given
    Map<String, Object> data = mutableData();
    Map<String, String> metadata = new HashMap<>(Map.of("userId", "u-1"));
    Event.Builder builder = valid().data(data).metadata(metadata);
    Event event = builder.build();
    // when
    ((List<Object>) data.get("items")).add("c");
    ((Map<String, Object>) data.get("nested")).put("k", "changed");
    data.put("added", true);
    metadata.put("userId", "u-2");
    builder.metadata("traceId", "t-1").version(99);
    // then
    assertThat(event.data()).isEqualTo(mutableData());
    assertThat(event.metadata()).containsExactly(Map.entry("userId", "u-1"));
    assertThat(event.version()).isEqualTo(1);
  }

  // ---- metadata

  @Test
  void metadataHelpers_setAndReadTheWellKnownKeys() {
    // when
    Event event = valid().correlationId("corr").causationId("cause").userId("user").traceId("trace")
        .spanId("span").metadata("tenant", "acme").build();
    // then
    assertThat(event.metadata()).containsOnly(Map.entry(EventMetadata.CORRELATION_ID, "corr"),
        Map.entry(EventMetadata.CAUSATION_ID, "cause"), Map.entry(EventMetadata.USER_ID, "user"),
        Map.entry(EventMetadata.TRACE_ID, "trace"), Map.entry(EventMetadata.SPAN_ID, "span"),
        Map.entry("tenant", "acme"));
    assertThat(event.correlationId()).contains("corr");
    assertThat(event.causationId()).contains("cause");
    assertThat(event.userId()).contains("user");
    assertThat(event.traceId()).contains("trace");
    assertThat(event.spanId()).contains("span");
    assertThat(event.metadata("tenant")).contains("acme");
  }

  @Test
  void metadataKeys_areTheUpstreamWireNames() {
    assertThat(List.of(EventMetadata.CORRELATION_ID, EventMetadata.CAUSATION_ID, EventMetadata.USER_ID,
        EventMetadata.TRACE_ID, EventMetadata.SPAN_ID))
        .containsExactly("correlationId", "causationId", "userId", "traceId", "spanId");
  }

  @Test
  void metadataGetters_withoutTheEntry_areEmpty() {
    Event event = valid().build();
    assertThat(event.correlationId()).isEmpty();
    assertThat(event.causationId()).isEmpty();
    assertThat(event.userId()).isEmpty();
    assertThat(event.traceId()).isEmpty();
    assertThat(event.spanId()).isEmpty();
    assertThat(event.metadata("tenant")).isEmpty();
  }

  @Test
  void metadata_withBlankKeyOrNullValue_isRefused() {
    assertRefused(() -> valid().metadata(" ", "v"), "metadata key");
    assertRefused(() -> valid().metadata("tenant", null), "metadata.tenant");
    assertRefused(() -> valid().correlationId(null), "metadata.correlationId");
    Map<String, String> withNullValue = new HashMap<>();
    withNullValue.put("tenant", null);
    assertRefused(() -> valid().metadata(withNullValue).build(), "metadata.tenant");
  }

  @Test
  void withMetadata_returnsACopyWithTheEntryAndLeavesTheOriginal() {
    // given
    Event original = valid().userId("u-1").build();
    // when
    Event copy = original.withMetadata("tenant", "acme");
    // then
    assertThat(copy.metadata()).containsOnly(Map.entry("userId", "u-1"), Map.entry("tenant", "acme"));
    assertThat(original.metadata()).containsOnly(Map.entry("userId", "u-1"));
    assertThat(copy.toBuilder().metadata(Map.of("userId", "u-1")).build()).isEqualTo(original);
  }

  @Test
  void withMetadataFrom_carriesTheCausesContextAndNamesItAsCause() {
    // given
    Event cause = valid().correlationId("corr").userId("user").traceId("trace").spanId("span")
        .causationId("cause-of-cause").metadata("tenant", "acme").build();
    Event caused = valid().streamId("actor-2").metadata("own", "kept").build();
    // when
    Event result = caused.withMetadataFrom(cause);
    // then
    assertThat(result.metadata()).containsOnly(Map.entry("own", "kept"),
        Map.entry(EventMetadata.CORRELATION_ID, "corr"), Map.entry(EventMetadata.USER_ID, "user"),
        Map.entry(EventMetadata.TRACE_ID, "trace"), Map.entry(EventMetadata.SPAN_ID, "span"),
        Map.entry(EventMetadata.CAUSATION_ID, cause.id()));
    assertThat(result.id()).isEqualTo(caused.id());
    assertThat(result.streamId()).isEqualTo("actor-2");
  }

  @Test
  void withMetadataFrom_causeWithoutContext_keepsTheOwnContext() {
    // given
    Event cause = valid().build();
    Event caused = valid().correlationId("own-corr").build();
    // when
    Event result = caused.withMetadataFrom(cause);
    // then
    assertThat(result.correlationId()).contains("own-corr");
    assertThat(result.causationId()).contains(cause.id());
    assertThat(result.userId()).isEmpty();
  }

  // ---- copies and equality

  @Test
  void toBuilder_build_givesAnEqualEvent() {
    // given
    Event event = valid().commandId("cmd-1").data(Map.of("n", 1L)).correlationId("c")
        .timestamp(Instant.parse("2026-11-26T23:39:36.123456789Z")).build();
    // when / then
    assertThat(event.toBuilder().build()).isEqualTo(event).hasSameHashCodeAs(event);
  }

  @Test
  void withVersion_changesOnlyTheVersion() {
    // given
    Event event = valid().commandId("cmd-1").data(Map.of("n", 1L)).build();
    // when
    Event copy = event.withVersion(5);
    // then
    assertThat(copy.version()).isEqualTo(5);
    assertThat(copy.toBuilder().version(1).build()).isEqualTo(event);
    assertRefused(() -> event.withVersion(0), "version");
  }

  @Test
  void equals_comparesEveryField() {
    // given
    Event event = valid().commandId("cmd").data(Map.of("n", 1L)).userId("u")
        .timestamp(Instant.parse("2026-01-01T00:00:00Z")).build();
    // when / then
    assertThat(event).isEqualTo(event.toBuilder().build());
    assertThat(event).isNotEqualTo(event.toBuilder().id("other").build());
    assertThat(event).isNotEqualTo(event.toBuilder().eventType("Other").build());
    assertThat(event).isNotEqualTo(event.toBuilder().streamId("other").build());
    assertThat(event).isNotEqualTo(event.toBuilder().commandId(null).build());
    assertThat(event).isNotEqualTo(event.toBuilder().version(2).build());
    assertThat(event).isNotEqualTo(event.toBuilder().data(Map.of("n", 2L)).build());
    assertThat(event).isNotEqualTo(event.toBuilder().userId("v").build());
    assertThat(event).isNotEqualTo(event.toBuilder().timestamp(event.timestamp().plusNanos(1)).build());
  }

  private static Event.Builder valid() {
    return Event.builder().eventType("Happened").streamId("actor-1").version(1);
  }

  private static Map<String, Object> mutableData() {
    Map<String, Object> nested = new HashMap<>(Map.of("k", "v"));
    Map<String, Object> data = new HashMap<>();
    data.put("items", new ArrayList<>(List.of("a", "b")));
    data.put("nested", nested);
    return data;
  }

  private static void assertRefused(ThrowingCallable call, String field) {
    assertThatExceptionOfType(InvalidInputException.class).isThrownBy(call)
        .extracting(InvalidInputException::field).isEqualTo(field);
  }
}
