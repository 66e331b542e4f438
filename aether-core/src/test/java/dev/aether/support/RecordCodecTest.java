package dev.aether.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.aether.InvalidInputException;
import dev.aether.event.PayloadLimits;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@link RecordCodec} against Jackson's data binding, its oracle: whatever the codec reads or writes, Jackson
 * reads or writes the same; what it leaves to Jackson is only what it cannot take exactly.
 */
class RecordCodecTest {

  enum Kind { CASH, CARD }

  record Money(long cents, String currency) {}

  record Wide(String text, boolean flag, Boolean boxedFlag, long big, Long boxedBig, int small, Integer boxedSmall,
      short tiny, byte octet, double ratio, Double boxedRatio, float single, Kind kind, Money money,
      List<Money> history, Map<String, Long> totals, List<String> tags) {}

  record Flat(String id, long amount) {}

  record Empty() {}

  private static final ObjectMapper STRICT = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .build();
  private static final ObjectMapper TOLERANT = JsonMapper.builder()
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private static Wide wide() {
    return new Wide("t", true, null, 1L << 40, -3L, 7, null, (short) -2, (byte) 5, 0.25, 1.5, 0.5f, Kind.CARD,
        new Money(120, "EUR"), List.of(new Money(1, "USD"), new Money(2, "USD")), Map.of("a", 1L), List.of());
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> jacksonWrite(Object value) {
    return JsonValues.copyObject(STRICT.convertValue(value, Map.class), "value");
  }

  @Test
  void writesWhatJacksonWritesAndReadsItBack() {
    for (Object value : List.of(wide(), new Flat("a", 3), new Empty(), new Flat(null, 0))) {
      @SuppressWarnings({"unchecked", "rawtypes"})
      RecordCodec<Object> codec = (RecordCodec) RecordCodec.of(value.getClass()).orElseThrow();
      Map<String, Object> written = codec.write(value);
      assertThat(written).isEqualTo(jacksonWrite(value));
      assertThat(List.copyOf(written.keySet())).isEqualTo(List.copyOf(jacksonWrite(value).keySet()));
      assertThat(codec.read(written, false)).isEqualTo(value);
      assertThat(codec.read(written, true)).isEqualTo(value);
    }
  }

  @Test
  void writtenObjectsAreImmutableAndKeptByCopies() {
    Map<String, Object> written = RecordCodec.of(Flat.class).orElseThrow().write(new Flat("a", 3));
    assertThatThrownBy(() -> written.put("x", 1L)).isInstanceOf(UnsupportedOperationException.class);
    assertThat(JsonValues.isImmutableObject(written)).isTrue();
    assertThat(JsonValues.copyObject(written, "data")).isSameAs(written);
    assertThat(written).isEqualTo(Map.of("id", "a", "amount", 3L)).hasSameHashCodeAs(Map.of("id", "a", "amount", 3L));
  }

  @Test
  void aKeptObjectIsStillCheckedAgainstTheLimits() {
    Map<String, Object> written = RecordCodec.of(Flat.class).orElseThrow().write(new Flat("x".repeat(50), 3));
    PayloadLimits limits = PayloadLimits.builder().maxStringLength(10).build();
    assertThatThrownBy(() -> new JsonValues.Copier(limits).copyObject(written, "data"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("data.id");
  }

  /** Changes of a valid input: each the codec must either read as Jackson does or leave to Jackson. */
  private static List<UnaryOperator<Map<String, Object>>> mutations() {
    List<UnaryOperator<Map<String, Object>>> all = new ArrayList<>();
    all.add(m -> m);
    all.add(m -> with(m, "extra", 1L));
    all.add(m -> without(m, "small"));
    all.add(m -> without(m, "text"));
    all.add(m -> with(m, "small", null));
    all.add(m -> with(m, "boxedSmall", 4L));
    all.add(m -> with(m, "small", 1L << 33));
    all.add(m -> with(m, "small", 2.5));
    all.add(m -> with(m, "small", "12"));
    all.add(m -> with(m, "tiny", 40_000L));
    all.add(m -> with(m, "octet", 300L));
    all.add(m -> with(m, "ratio", 3L));
    all.add(m -> with(m, "ratio", null));
    all.add(m -> with(m, "boxedRatio", null));
    all.add(m -> with(m, "text", 5L));
    all.add(m -> with(m, "text", null));
    all.add(m -> with(m, "flag", "true"));
    all.add(m -> with(m, "kind", "CHEQUE"));
    all.add(m -> with(m, "kind", 0L));
    all.add(m -> with(m, "kind", null));
    all.add(m -> with(m, "money", Map.of("cents", 1L)));
    all.add(m -> with(m, "money", Map.of("cents", 1L, "currency", "X", "rate", 2L)));
    all.add(m -> with(m, "money", "none"));
    all.add(m -> with(m, "money", null));
    all.add(m -> with(m, "history", List.of(Map.of("cents", 1L, "currency", "X"), "x")));
    all.add(m -> with(m, "history", Map.of()));
    all.add(m -> with(m, "totals", Map.of("a", "b")));
    all.add(m -> with(m, "totals", null));
    all.add(m -> with(m, "tags", java.util.Arrays.asList("a", null)));
    return all;
  }

  @Test
  void readsExactlyWhatJacksonReadsOrLeavesItToJackson() {
    RecordCodec<Wide> codec = RecordCodec.of(Wide.class).orElseThrow();
    Map<String, Object> valid = codec.write(wide());
    int fast = 0;
    for (UnaryOperator<Map<String, Object>> mutation : mutations()) {
      Map<String, Object> input = mutation.apply(valid);
      for (boolean tolerant : new boolean[] {false, true}) {
        Wide read = codec.read(input, tolerant);
        if (read == null) {
          continue;
        }
        fast++;
        assertThat(read).as("%s (tolerant %s)", input, tolerant)
            .isEqualTo((tolerant ? TOLERANT : STRICT).convertValue(input, Wide.class));
      }
    }
    assertThat(fast).as("inputs the codec read itself").isGreaterThanOrEqualTo(10);
    assertThat(codec.read(valid, false)).isNotNull();
    assertThat(codec.read(with(valid, "extra", 1L), true)).isNotNull();
    assertThat(codec.read(with(valid, "extra", 1L), false)).isNull();
    assertThat(codec.read(without(valid, "small"), true)).isNull();
  }

  record Annotated(@JsonProperty("n") long amount) {}

  record WithGetter(long amount) {
    public long getDouble() {
      return amount * 2;
    }
  }

  record Generic<T>(T value) {}

  record Decimal(BigDecimal amount) {}

  record Node(String name, List<Node> children) {}

  record HoldsNotPlain(Flat ok, Decimal notOk) {}

  record Throwing(long amount) {
    Throwing {
      if (amount < 0) {
        throw new IllegalArgumentException("negative");
      }
    }
  }

  @Test
  void recordsJacksonMapsOtherwiseHaveNoCodec() {
    for (Class<?> type : List.of(Annotated.class, WithGetter.class, Generic.class, Decimal.class, Node.class,
        HoldsNotPlain.class, String.class, Map.class, Optional.class)) {
      assertThat(RecordCodec.of(type)).as(type.getSimpleName()).isEmpty();
    }
  }

  @Test
  void aConstructorThatThrowsIsLeftToJackson() {
    RecordCodec<Throwing> codec = RecordCodec.of(Throwing.class).orElseThrow();
    assertThat(codec.read(Map.of("amount", 5L), false)).isEqualTo(new Throwing(5));
    assertThat(codec.read(Map.of("amount", -5L), false)).isNull();
  }

  private static Map<String, Object> with(Map<String, Object> m, String key, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(m);
    copy.put(key, value);
    return copy;
  }

  private static Map<String, Object> without(Map<String, Object> m, String key) {
    Map<String, Object> copy = new LinkedHashMap<>(m);
    copy.remove(key);
    return copy;
  }
}
