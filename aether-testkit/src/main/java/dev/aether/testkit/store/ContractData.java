package dev.aether.testkit.store;

import dev.aether.event.Event;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Values shared by the store contract suites: awkward stream ids and payloads. */
final class ContractData {

  /** Text that stresses encodings: emoji, CJK, right-to-left, JSON control characters, quotes. */
  static final String AWKWARD_TEXT =
      "emoji \uD83D\uDE80\uD83C\uDF89 cjk \u65E5\u672C\u8A9E rtl \u05E9\u05DC\u05D5\u05DD"
          + " \u0645\u0631\u062D\u0628\u0627 nul\u0000 newline\n tab\t unit\u001f quote\" backslash\\ slash/ ";

  private ContractData() {}

  /** @return a fresh stream id that no earlier test used */
  static String newStreamId() {
    return "contract-" + UUID.randomUUID();
  }

  /**
   * Actor ids that a naive subject or key encoding would merge or misroute: NATS wildcards and separators,
   * whitespace, control characters, escape-like sequences, case differences and non-ASCII text.
   */
  static List<String> awkwardStreamIds(String base) {
    return List.of(base, base + ".1", base + ".*", base + ".>", base + "*", base + ">", base + " 1",
        base + "\t1", base + "\u00071", base + "/1", base + "\\1", base + "%2E1", base + "_2E1", base + "-CASE",
        base + "-case", base + "-\u00FC\u65E5\u05E9\uD83D\uDE80");
  }

  /**
   * An stream id of exactly {@link Event#MAX_STREAM_ID_BYTES} UTF-8 bytes, mostly three-byte characters, that
   * ends in {@code last}; two such ids differ only in their last character.
   */
  static String maxLengthStreamId(String prefix, char last) {
    int remaining = Event.MAX_STREAM_ID_BYTES - prefix.getBytes(StandardCharsets.UTF_8).length - 1;
    String id = prefix + "\u65E5".repeat(remaining / 3) + "x".repeat(remaining % 3) + last;
    if (id.getBytes(StandardCharsets.UTF_8).length != Event.MAX_STREAM_ID_BYTES) {
      throw new IllegalStateException("test data bug: stream id is not " + Event.MAX_STREAM_ID_BYTES + " bytes");
    }
    return id;
  }

  /** A JSON object using every kind of value: nesting, nulls, empty containers, extremes, awkward text. */
  static Map<String, Object> richObject() {
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("text", AWKWARD_TEXT);
    object.put("empty", "");
    object.put("yes", true);
    object.put("no", false);
    object.put("nothing", null);
    object.put("max", Long.MAX_VALUE);
    object.put("min", Long.MIN_VALUE);
    object.put("zero", 0L);
    object.put("decimal", 12.375);
    object.put("tiny", 4.9e-324);
    object.put("huge", 1.7976931348623157e308);
    object.put("whole double", 3.0);
    object.put("list", Arrays.asList(1L, "two", 3.5, null, List.of(), Map.of("k", "v")));
    object.put("emptyObject", Map.of());
    object.put("nested", Map.of("deeper", Map.of("matrix", List.of(List.of(1L, 2L), List.of(3L)))));
    object.put(AWKWARD_TEXT, "awkward key");
    return object;
  }

  /** {@code depth} objects nested in each other through the key {@code a}; the innermost holds a number. */
  static Map<String, Object> nestedObjects(int depth) {
    Map<String, Object> inner = new LinkedHashMap<>(Map.of("leaf", 1L));
    for (int i = 1; i < depth; i++) {
      Map<String, Object> outer = new LinkedHashMap<>();
      outer.put("a", inner);
      inner = outer;
    }
    return inner;
  }

  /** {@code depth} arrays nested in each other; the innermost holds a string. */
  static List<Object> nestedLists(int depth) {
    List<Object> inner = new ArrayList<>(List.of("leaf"));
    for (int i = 1; i < depth; i++) {
      List<Object> outer = new ArrayList<>();
      outer.add(inner);
      inner = outer;
    }
    return inner;
  }

  /** Keys that look like paths, wildcards or nothing: a store must keep them as they are. */
  static Map<String, Object> pathLikeKeys() {
    Map<String, Object> object = new LinkedHashMap<>();
    for (String key : List.of("", " ", "a.b", "[0]", "data.items[1]", "*", ">", "\u0000", "\"", "\uD83D\uDE80")) {
      object.put(key, key);
    }
    return object;
  }

  /** A JSON object whose numbers have Java types that the store must normalise to Long or Double. */
  static Map<String, Object> numbersOfEveryJavaType() {
    Map<String, Object> numbers = new LinkedHashMap<>();
    numbers.put("int", 42);
    numbers.put("short", (short) 7);
    numbers.put("byte", (byte) -3);
    numbers.put("float", 1.5f);
    numbers.put("bigInteger", BigInteger.valueOf(Long.MAX_VALUE));
    numbers.put("integralBigDecimal", new BigDecimal("3.000"));
    numbers.put("fractionalBigDecimal", new BigDecimal("2.50"));
    numbers.put("wholeDouble", 3.0);
    numbers.put("inList", List.of(1, 2.5f));
    numbers.put("inObject", Map.of("int", 5));
    return numbers;
  }

  /** The values of {@link #numbersOfEveryJavaType()} as every store must return them. */
  static Map<String, Object> numbersNormalised() {
    Map<String, Object> numbers = new LinkedHashMap<>();
    numbers.put("int", 42L);
    numbers.put("short", 7L);
    numbers.put("byte", -3L);
    numbers.put("float", 1.5);
    numbers.put("bigInteger", Long.MAX_VALUE);
    numbers.put("integralBigDecimal", 3L);
    numbers.put("fractionalBigDecimal", 2.5);
    numbers.put("wholeDouble", 3.0);
    numbers.put("inList", List.of(1L, 2.5));
    numbers.put("inObject", Map.of("int", 5L));
    return numbers;
  }

  /** A mutable object holding a mutable list and a mutable nested object, to mutate after saving. */
  static Map<String, Object> mutableObject() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("status", "original");
    Map<String, Object> object = new LinkedHashMap<>();
    object.put("items", new ArrayList<>(List.of("a", "b")));
    object.put("nested", nested);
    object.put("count", 1L);
    return object;
  }

  /** Changes every level of an object made by {@link #mutableObject()}. */
  @SuppressWarnings("unchecked")
  static void mutate(Map<String, Object> object) {
    ((List<Object>) object.get("items")).add("c");
    ((Map<String, Object>) object.get("nested")).put("status", "changed");
    object.put("count", 2L);
    object.put("added", true);
  }
}
