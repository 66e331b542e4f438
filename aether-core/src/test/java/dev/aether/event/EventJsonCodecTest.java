package dev.aether.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import dev.aether.support.Json;
import dev.aether.support.Timestamps;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Properties of {@link EventJson}'s streaming codec and of the scanner in front of its parser, held to the
 * map-based codec they replaced ({@link MapBasedEventJson}, Jackson's data binding): byte-identical output, the
 * same events read back, the same refusals with the same messages, and round trips.
 */
class EventJsonCodecTest {

  private static final long SEED = 20261127L;
  private static final String AWKWARD = "emoji \uD83D\uDE80 cjk \u65E5\u672C rtl \u05E9\u05DC nul\u0000 bs\b ff\f"
      + " nl\n cr\r tab\t unit\u001f del\u007f quote\" backslash\\ slash/ latin \u00E9\u00FF \u0800 \uFFFF";
  private static final long FIRST_SECOND = Instant.parse("0000-01-01T00:00:00Z").getEpochSecond();
  private static final long LAST_SECOND = Instant.parse("9999-12-31T23:59:59Z").getEpochSecond();

  @Test
  void toBytes_ofManyEvents_equalsTheMapBasedWriterByteForByte() {
    Random random = new Random(SEED);
    for (int i = 0; i < 2_000; i++) {
      Event event = randomEvent(random);
      // when
      byte[] written = EventJson.toBytes(event);
      // then
      assertThat(new String(written, StandardCharsets.UTF_8)).as(event::toString)
          .isEqualTo(new String(MapBasedEventJson.toBytes(event), StandardCharsets.UTF_8));
      assertThat(EventJson.fromBytes(written)).isEqualTo(event);
    }
  }

  @Test
  void fromBytes_ofManyEvents_readsWhatTheMapBasedReaderReads() {
    Random random = new Random(SEED + 1);
    for (int i = 0; i < 2_000; i++) {
      byte[] json = MapBasedEventJson.toBytes(randomEvent(random));
      // when
      Event read = EventJson.fromBytes(json);
      // then
      assertThat(read).isNotNull().isEqualTo(MapBasedEventJson.fromBytes(json));
      assertDeeplyUnmodifiable(read.data());
    }
  }

  @Test
  void fromBytes_ofManyPlainEvents_readsWhatTheMapBasedReaderReads() {
    Random random = new Random(SEED + 3);
    for (int i = 0; i < 2_000; i++) {
      byte[] json = MapBasedEventJson.toBytes(randomEvent(random, true));
      // when
      Event read = EventJson.fromBytes(json);
      // then
      assertThat(read).as(() -> new String(json, StandardCharsets.UTF_8)).isNotNull()
          .isEqualTo(MapBasedEventJson.fromBytes(json));
      assertDeeplyUnmodifiable(read.data());
    }
  }

  @Test
  void scanner_ofManyPlainEvents_readsWhatTheMapBasedReaderReads() {
    Random random = new Random(SEED + 7);
    for (int i = 0; i < 2_000; i++) {
      byte[] json = MapBasedEventJson.toBytes(randomEvent(random, true));
      // when
      Event scanned = EventJsonScanner.read(json, null);
      // then: the plain form never needs the parser
      assertThat(scanned).as(() -> new String(json, StandardCharsets.UTF_8)).isNotNull()
          .isEqualTo(MapBasedEventJson.fromBytes(json));
      assertDeeplyUnmodifiable(scanned.data());
    }
  }

  @Test
  void scanner_ofMutatedDocuments_neverAcceptsWhatTheMapBasedReaderRefusesNorReadsOtherwise() {
    Random random = new Random(SEED + 8);
    byte[] alphabet = "{}[]\":,.-+eE0129 \t\n\\nultrfas\u00e9x".getBytes(StandardCharsets.UTF_8);
    int accepted = 0;
    for (int i = 0; i < 10_000; i++) {
      byte[] json = mutate(MapBasedEventJson.toBytes(randomEvent(random, random.nextBoolean())), random, alphabet);
      // when
      Event scanned = EventJsonScanner.read(json, null);
      // then: it passes (null: the parser decides), or reads what the map-based reader reads
      if (scanned != null) {
        accepted++;
        assertThat(scanned).as(() -> new String(json, StandardCharsets.UTF_8))
            .isEqualTo(MapBasedEventJson.fromBytes(json));
      }
    }
    assertThat(accepted).as("mutations the scanner took").isGreaterThan(100);
  }

  @Test
  void scanner_ofDataInTheShapeOfItsTypesLastData_orNearlySo_readsWhatTheMapBasedReaderReads() {
    // data of a few event types, mostly with the keys of the type's last data in the same order (the shortcut),
    // sometimes reordered, with a key more or less, or with nested values; a quarter of them mutated
    Random random = new Random(SEED + 12);
    byte[] alphabet = "{}[]\":,.-+eE0129 \t\n\\nultrfas\u00e9x".getBytes(StandardCharsets.UTF_8);
    int shaped = 0;
    for (int i = 0; i < 20_000; i++) {
      List<String> keys = new ArrayList<>(List.of("amount", "currency", "note"));
      switch (random.nextInt(8)) {
        case 0 -> java.util.Collections.swap(keys, 0, 2);
        case 1 -> keys.add("extra");
        case 2 -> keys.remove(1);
        default -> shaped++;
      }
      Map<String, Object> data = new LinkedHashMap<>();
      keys.forEach(key -> data.put(key, value(random, 2, true)));
      byte[] written = MapBasedEventJson.toBytes(valid().eventType("Shaped" + random.nextInt(3)).data(data).build());
      byte[] json = random.nextInt(4) == 0 ? mutate(written, random, alphabet) : written;
      // when
      Event scanned = EventJsonScanner.read(json, null);
      // then
      if (json == written) {
        assertThat(scanned).as(() -> new String(json, StandardCharsets.UTF_8)).isNotNull();
      }
      if (scanned != null) {
        assertThat(scanned).as(() -> new String(json, StandardCharsets.UTF_8))
            .isEqualTo(MapBasedEventJson.fromBytes(json));
        assertDeeplyUnmodifiable(scanned.data());
      }
    }
    assertThat(shaped).isGreaterThan(10_000);
  }

  @Test
  void scanner_readsTheWritersFieldOrder_asItReadsTheSameFieldsInAnyOtherOrder() {
    Random random = new Random(SEED + 10);
    com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    for (int i = 0; i < 2_000; i++) {
      Event event = randomEvent(random, true);
      byte[] writers = EventJson.toBytes(event);
      // the same fields in another order (the writer's order read field by field, without the order's shortcut)
      List<Map.Entry<String, Object>> fields = new ArrayList<>(readTree(mapper, writers).entrySet());
      java.util.Collections.rotate(fields, 1 + random.nextInt(fields.size() - 1));
      Map<String, Object> reordered = new LinkedHashMap<>();
      fields.forEach(f -> reordered.put(f.getKey(), f.getValue()));
      byte[] other = writeTree(mapper, reordered);
      // when
      Event fast = EventJsonScanner.read(writers, null);
      Event any = EventJsonScanner.read(other, null);
      // then: the same event, the one that was written, and what the map-based reader reads
      assertThat(fast).as(() -> new String(writers, StandardCharsets.UTF_8)).isEqualTo(event)
          .isEqualTo(any).isEqualTo(MapBasedEventJson.fromBytes(writers));
      assertDeeplyUnmodifiable(fast.data());
    }
  }

  @Test
  void scanner_ofWritersOrderWithOneFieldBroken_refusesWhatTheGeneralReaderRefuses_withTheSameError() {
    Random random = new Random(SEED + 11);
    String[] breaks = {"\"id\":\"  \"", "\"version\":0", "\"version\":-3", "\"eventType\":\"\"",
        "\"timestamp\":\"2024-13-01T00:00:00Z\"", "\"timestamp\":\"2024-01-01T00:00:00.12a4Z\"",
        "\"data\":[1]", "\"actorId\":7"};
    for (int i = 0; i < 400; i++) {
      String json = EventJson.toJson(simpleEvent(random));
      String broken = breaks[i % breaks.length];
      String field = broken.substring(0, broken.indexOf(':') + 1);
      int at = json.indexOf(field);
      int end = field.equals("\"version\":") ? json.indexOf(',', at) : json.indexOf(",\"", at + field.length() + 1);
      String mutated = json.substring(0, at) + broken + (end < 0 ? "}" : json.substring(end));
      byte[] bytes = mutated.getBytes(StandardCharsets.UTF_8);
      // when / then: the scanner passes it on, and the codec fails as the general reader does
      assertThat(EventJsonScanner.read(bytes, null)).as(mutated).isNull();
      assertSameOutcome(mutated, () -> EventJson.fromBytes(bytes), () -> EventJsonReader.event(bytes, null));
      assertThat(catchThrowable(() -> EventJson.fromBytes(bytes))).as(mutated).isInstanceOf(EventDecodingException.class);
    }
  }

  @Test
  void timestamps_ofOneSecondAcrossDocuments_readAsInstantParsesThem() {
    // the scanner keeps the second of the timestamp it parsed last, across documents and threads
    String[] times = {"2024-01-15T08:30:00.5Z", "2024-01-15T08:30:00Z", "2024-01-15T08:30:00.123456789Z",
        "2024-01-15T08:30:00.000000001Z", "2024-01-15T08:30:01Z", "2024-01-15T08:30:00.25Z",
        "2023-01-15T08:30:00.25Z", "2024-01-15T08:30:00.250Z"};
    for (int round = 0; round < 3; round++) {
      for (String time : times) {
        Event event = Event.builder().eventType("T").streamId("s").version(1).timestamp(Instant.parse(time)).build();
        String json = EventJson.toJson(event).replaceAll("\"timestamp\":\"[^\"]*\"", "\"timestamp\":\"" + time + "\"");
        // when
        Event read = EventJson.fromBytes(json.getBytes(StandardCharsets.UTF_8));
        // then
        assertThat(read.timestamp()).as(time).isEqualTo(Instant.parse(time));
      }
    }
    // a document of the same second whose fraction is not digits is refused as before
    String bad = EventJson.toJson(Event.builder().eventType("T").streamId("s").version(1)
        .timestamp(Instant.parse("2024-01-15T08:30:00.5Z")).build()).replace("08:30:00.500Z", "08:30:00.5xZ");
    assertThat(catchThrowable(() -> EventJson.fromBytes(bad.getBytes(StandardCharsets.UTF_8))))
        .isInstanceOf(EventDecodingException.class).hasMessageContaining("timestamp");
  }

  /** An event of the plain form whose texts hold no comma or quote and whose data has one field. */
  private static Event simpleEvent(Random random) {
    Event.Builder builder = Event.builder().eventType("Type" + random.nextInt(5)).streamId("Acc/a-" + random.nextInt(99))
        .version(1 + random.nextInt(1_000)).data(Map.of("a", (long) random.nextInt(1_000)))
        .timestamp(Instant.ofEpochSecond(1_700_000_000L + random.nextInt(1_000), random.nextInt(1_000_000_000)));
    if (random.nextBoolean()) {
      builder.commandId("c" + random.nextInt(1_000));
    }
    if (random.nextBoolean()) {
      builder.correlationId("r" + random.nextInt(1_000));
    }
    return builder.build();
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> readTree(com.fasterxml.jackson.databind.ObjectMapper mapper, byte[] json) {
    try {
      return mapper.readValue(json, LinkedHashMap.class);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  private static byte[] writeTree(com.fasterxml.jackson.databind.ObjectMapper mapper, Map<String, Object> tree) {
    try {
      return mapper.writeValueAsBytes(tree);
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void arrayFromBytes_ofManyCommits_readsWhatTheObjectsReadOneByOne() {
    Random random = new Random(SEED + 9);
    byte[] alphabet = "{}[]\":,.-+eE0129 \t\n\\nultrfas\u00e9x".getBytes(StandardCharsets.UTF_8);
    int scanned = 0;
    for (int i = 0; i < 3_000; i++) {
      boolean plain = random.nextBoolean();
      List<Event> events = new ArrayList<>();
      StringBuilder json = new StringBuilder("[");
      for (int n = 1 + random.nextInt(4), k = 0; k < n; k++) {
        Event event = randomEvent(random, plain);
        events.add(event);
        json.append(k > 0 ? (random.nextBoolean() ? "," : " ,\n") : "").append(EventJson.toJson(event));
      }
      byte[] bytes = json.append(']').toString().getBytes(StandardCharsets.UTF_8);
      // when / then: the events written, through the one-pass scanner when they are all of the plain form
      assertThat(EventJson.arrayFromBytes(bytes, null)).isEqualTo(events);
      if (plain) {
        assertThat(EventJsonScanner.readArray(bytes, null)).as(json.toString()).isEqualTo(events);
        scanned++;
      }
      // and a mutated array reads, or fails, as the parser's slicing of it does
      byte[] mutated = mutate(bytes, random, alphabet);
      assertSameOutcome(new String(mutated, StandardCharsets.UTF_8), () -> EventJson.arrayFromBytes(mutated, null),
          () -> EventJsonReader.events(mutated, null));
    }
    assertThat(scanned).isGreaterThan(1_000);
  }

  @Test
  void arrayFromBytes_ofCommitsSharingTypeAndStream_withTheExpectedStreamId_readsWhatTheParserReads() {
    // the scanner compares an event's type with the one before it and the stream id with the expected one as
    // bytes; stream ids the writer escapes (quote, backslash, control, non-ASCII) must not take that shortcut
    Random random = new Random(SEED + 13);
    byte[] alphabet = "{}[]\":,.-+eE0129 \t\n\\nultrfas\u00e9x".getBytes(StandardCharsets.UTF_8);
    String[] streams = {"Account/a-1", "Acc/\"q\"", "Acc/b\\s", "Acc/t\tab", "Acc/\u00e9t\u00e9", "Acc/x"};
    String[] types = {"Deposited", "DepositedX", "Deposite", "Withdrawn"};
    for (int i = 0; i < 3_000; i++) {
      String stream = streams[random.nextInt(streams.length)];
      List<Event> events = new ArrayList<>();
      StringBuilder json = new StringBuilder("[");
      for (int n = 1 + random.nextInt(5), k = 0; k < n; k++) {
        String type = random.nextInt(4) == 0 ? types[random.nextInt(types.length)] : types[0];
        Event event = valid().eventType(type).streamId(stream).version(k + 1L)
            .data(Map.of("amount", (long) random.nextInt(100))).build();
        events.add(event);
        json.append(k > 0 ? "," : "").append(EventJson.toJson(event));
      }
      byte[] bytes = json.append(']').toString().getBytes(StandardCharsets.UTF_8);
      String expected = random.nextInt(5) == 0 ? stream + "x" : new String(stream.toCharArray());
      // when / then
      List<Event> read = EventJson.arrayFromBytes(bytes, expected);
      assertThat(read).as(json.toString()).isEqualTo(events);
      if (expected.equals(stream)) {
        assertThat(read).allSatisfy(event -> assertThat(event.streamId()).isSameAs(expected));
      }
      byte[] mutated = mutate(bytes, random, alphabet);
      assertSameOutcome(new String(mutated, StandardCharsets.UTF_8),
          () -> EventJson.arrayFromBytes(mutated, expected), () -> EventJsonReader.events(mutated, expected));
    }
  }

  @Test
  void snapshots_ofManyStates_areWrittenAndReadAsTheMapBasedCodecDoes() {
    Random random = new Random(SEED + 6);
    for (int i = 0; i < 1_000; i++) {
      Event source = randomEvent(random, random.nextBoolean());
      ActorSnapshot snapshot = new ActorSnapshot(source.streamId(), source.version(), source.data(),
          source.timestamp(), source.eventType());
      // when
      byte[] written = EventJson.snapshotToBytes(snapshot);
      // then
      assertThat(written).isEqualTo(MapBasedEventJson.snapshotToBytes(snapshot));
      assertThat(EventJson.snapshotFromBytes(written)).isEqualTo(snapshot)
          .isEqualTo(MapBasedEventJson.snapshotFromBytes(written));
    }
  }

  @Test
  void theSharedFactory_poolsBuffersAcrossThreads_notPerThread() {
    // Jackson's default pool is a ThreadLocal: on virtual threads (each one new) it would recycle nothing
    assertThat(Json.factory()._getRecyclerPool()).isSameAs(JsonRecyclerPools.sharedBoundedPool());
  }

  @Test
  void fromBytes_withTheExpectedStreamId_sharesThatString_andReadsEveryEventAsWithout() {
    Random random = new Random(SEED + 5);
    for (int i = 0; i < 500; i++) {
      Event event = randomEvent(random, random.nextBoolean());
      byte[] json = MapBasedEventJson.toBytes(event);
      String expected = new String(event.streamId().toCharArray());
      // when
      Event matching = EventJson.fromBytes(json, expected);
      Event other = EventJson.fromBytes(json, expected + "x");
      // then: the same event either way; the expected string itself only when it matches
      assertThat(matching).isEqualTo(EventJson.fromBytes(json)).isEqualTo(other);
      assertThat(matching.streamId()).isSameAs(expected);
      assertThat(other.streamId()).isNotSameAs(expected).isEqualTo(expected);
    }
  }

  @Test
  void fromBytes_ofMutatedDocuments_acceptsAndRefusesExactlyWhatTheMapBasedReaderDoes() {
    Random random = new Random(SEED + 4);
    byte[] alphabet = "{}[]\":,.-+eE0129 \t\n\\nultrfas\u00e9x".getBytes(StandardCharsets.UTF_8);
    int accepted = 0;
    for (int i = 0; i < 10_000; i++) {
      byte[] json = mutate(MapBasedEventJson.toBytes(randomEvent(random, random.nextBoolean())), random, alphabet);
      // when / then: the same event, or the same refusal
      if (assertSameOutcome(new String(json, StandardCharsets.UTF_8), () -> EventJson.fromBytes(json),
          () -> MapBasedEventJson.fromBytes(json))) {
        accepted++;
      }
    }
    assertThat(accepted).as("mutations that are still valid events").isGreaterThan(100);
  }

  @Test
  void timestamps_overTheWholeFastRange_areWrittenAndReadAsInstantDoes() {
    Random random = new Random(SEED + 2);
    List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Instant.ofEpochSecond(FIRST_SECOND),
        Instant.ofEpochSecond(LAST_SECOND, 999_999_999), Instant.ofEpochSecond(-1, 999_999_999),
        Instant.parse("2024-02-29T12:00:00.100Z"), Instant.parse("2026-11-27T00:00:00.000001Z")));
    for (int i = 0; i < 5_000; i++) {
      long second = FIRST_SECOND + (long) (random.nextDouble() * (LAST_SECOND - FIRST_SECOND));
      int nano = switch (i % 4) {
        case 0 -> 0;
        case 1 -> random.nextInt(1_000) * 1_000_000;
        case 2 -> random.nextInt(1_000_000) * 1_000;
        default -> random.nextInt(1_000_000_000);
      };
      instants.add(Instant.ofEpochSecond(second, nano));
    }
    for (Instant instant : instants) {
      Event event = Event.builder().eventType("T").streamId("a").version(1).timestamp(instant).build();
      String json = new String(EventJson.toBytes(event), StandardCharsets.UTF_8);
      assertThat(json).endsWith(",\"timestamp\":\"" + instant + "\"}");
      assertThat(Timestamps.canonical(instant.toString())).isEqualTo(instant);
      assertThat(EventJson.fromJson(json).timestamp()).isEqualTo(instant);
    }
  }

  @Test
  void canonicalInstant_refusesWhatItDoesNotParseExactly() {
    for (String text : List.of("2026-02-30T00:00:00Z", "2026-13-01T00:00:00Z", "2026-01-01T24:00:00Z",
        "2026-01-01T00:60:00Z", "2026-12-31T23:59:60Z", "2026-01-01T00:00:00.Z", "2026-01-01t00:00:00Z",
        "2026-01-01T00:00:00+01:00", "+10000-01-01T00:00:00Z", "2026-01-01T00:00:00.1234567890Z",
        "2026-0a-01T00:00:00Z", "yesterday")) {
      assertThat(Timestamps.canonical(text)).as(text).isNull();
    }
  }

  @Test
  void toBytes_ofAYearPast9999_isWhatTheMapBasedWriterWrites_andReadsBack() {
    // beyond the canonical form Timestamps reads by hand: Instant.parse reads it
    Event farFuture = valid().timestamp(Instant.parse("+12026-01-01T00:00:00Z")).build();
    assertThat(EventJson.toBytes(farFuture)).isEqualTo(MapBasedEventJson.toBytes(farFuture));
    assertThat(EventJson.fromBytes(EventJson.toBytes(farFuture))).isEqualTo(farFuture);
  }

  @Test
  void toBytes_withUnpairedSurrogates_escapesThemAsTheGeneralWriterDoes() {
    Event surrogate = valid().data(Map.of("text \uDE80", "broken \uD83D pair \uD83D")).build();
    assertThat(EventJson.toBytes(surrogate)).isEqualTo(MapBasedEventJson.toBytes(surrogate));
    assertThat(EventJson.fromBytes(EventJson.toBytes(surrogate))).isEqualTo(surrogate);
  }

  @Test
  void fromBytes_ofUnusualButValidJson_readsWhatTheGeneralReaderReads() {
    for (String json : List.of(
        // duplicate fields: the last one wins
        "{\"id\":\"e-1\",\"id\":\"e-2\",\"eventType\":\"T\",\"actorId\":\"a\",\"version\":1,"
            + "\"timestamp\":\"2026-01-02T03:04:05Z\"}",
        "{\"id\":\"e\",\"eventType\":\"T\",\"actorId\":\"a\",\"version\":1,\"data\":{\"k\":1,\"k\":[2]},"
            + "\"timestamp\":\"2026-01-02T03:04:05Z\"}",
        // offsets, lower-case separators, leap seconds: Instant.parse
        "{\"id\":\"e\",\"eventType\":\"T\",\"actorId\":\"a\",\"version\":1,"
            + "\"timestamp\":\"2026-01-02T03:04:05+01:00\"}",
        "{\"id\":\"e\",\"eventType\":\"T\",\"actorId\":\"a\",\"version\":1,\"timestamp\":\"2026-01-02t03:04:05z\"}",
        // nulls, unknown fields with any content, whitespace
        " {\"id\":\"e\",\"eventType\":\"T\",\"actorId\":\"a\",\"commandId\":null,\"version\":7,\"data\":null,"
            + "\"metadata\":null,\"x\":{\"y\":[1e999,18446744073709551616]},\"timestamp\":\"2026-01-02T03:04:05Z\"} ",
        // numbers of every JSON form
        "{\"id\":\"e\",\"eventType\":\"T\",\"actorId\":\"a\",\"version\":1,\"data\":{\"a\":-0,\"b\":-0.0,\"c\":1E2,"
            + "\"d\":9223372036854775807,\"e\":-9223372036854775808,\"f\":[true,false,null,{}],\"g\":0.1},"
            + "\"timestamp\":\"2026-01-02T03:04:05Z\"}")) {
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      assertThat(EventJson.fromBytes(bytes)).as(json).isEqualTo(MapBasedEventJson.fromBytes(bytes));
    }
  }

  @Test
  void fromBytes_ofInvalidEvents_failsExactlyAsTheGeneralReader() {
    for (String json : List.of("", "   ", "[1,2]", "null", "{\"id\":", "{}",
        "{\"eventType\":\"T\",\"actorId\":\"a\",\"version\":1,\"timestamp\":\"2026-01-02T03:04:05Z\"}",
        "{\"id\":\"e\",\"eventType\":\"T\",\"actorId\":\"a\",\"version\":1}",
        "{\"id\":\"e\",\"eventType\":\"T\",\"actorId\":\"a\",\"timestamp\":\"2026-01-02T03:04:05Z\"}",
        "{\"id\":\"e\",\"eventType\":\"T\",\"actorId\":\"a\",\"version\":1.0,\"timestamp\":\"2026-01-02T03:04:05Z\"}",
        "{\"id\":\"e\",\"eventType\":\"T\",\"actorId\":\"a\",\"version\":1,\"data\":{\"n\":1e999},"
            + "\"timestamp\":\"2026-01-02T03:04:05Z\"}",
        "{\"id\":\"e\",\"eventType\":\"T\",\"actorId\":\"a\",\"version\":1,\"data\":{\"n\":[18446744073709551616]},"
            + "\"timestamp\":\"2026-01-02T03:04:05Z\"}",
        "{\"id\":\"e\",\"eventType\":\"T\",\"actorId\":\"a\",\"version\":1,\"metadata\":{\" \":\"v\"},"
            + "\"timestamp\":\"2026-01-02T03:04:05Z\"}",
        "{\"id\":\"e\",\"eventType\":\"T\",\"actorId\":\"a\",\"version\":1,\"metadata\":{\"k\":1},"
            + "\"timestamp\":\"2026-01-02T03:04:05Z\"}",
        "{\"id\":\"e\",\"eventType\":\"T\",\"actorId\":\"a\",\"version\":1,\"timestamp\":\"2026-02-30T03:04:05Z\"}",
        "{\"id\":\"e\",\"eventType\":\"T\",\"actorId\":\"a\",\"version\":1,"
            + "\"timestamp\":\"2026-01-02T03:04:05Z\"}{}")) {
      byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
      assertSameOutcome(json, () -> EventJson.fromBytes(bytes), () -> MapBasedEventJson.fromBytes(bytes));
      assertThat(catchThrowable(() -> EventJson.fromBytes(bytes))).as(json).isInstanceOf(EventDecodingException.class);
    }
  }

  @Test
  void fromBytes_ofDataOneLevelBeyondTheCeiling_isRefusedNamingThePathAndTheLimit() {
    // the shared factory allows two levels around a payload (commit arrays, envelopes): the codec itself
    // refuses a payload deeper than the ceiling, as Event.Builder does
    int depth = PayloadLimits.MAX_DEPTH_CEILING + 1;
    String json = "{\"id\":\"i\",\"eventType\":\"T\",\"actorId\":\"a\",\"version\":1,\"data\":"
        + "{\"a\":".repeat(depth) + "1" + "}".repeat(depth) + ",\"timestamp\":\"2026-01-01T00:00:00Z\"}";
    assertThat(catchThrowable(() -> EventJson.fromJson(json))).isInstanceOf(EventDecodingException.class)
        .hasMessageStartingWith("not a valid event").hasMessageContaining("data" + ".a".repeat(10))
        .hasMessageContaining(PayloadLimits.MAX_DEPTH_KEY);
  }

  @Test
  void fromBytes_ofAHundredThousandLevels_isMalformedWithoutOverflowingTheStack() {
    int depth = 100_000;
    String json = "{\"id\":\"i\",\"eventType\":\"T\",\"actorId\":\"a\",\"version\":1,\"data\":"
        + "[".repeat(depth) + "]".repeat(depth) + ",\"timestamp\":\"2026-01-01T00:00:00Z\"}";
    assertThat(catchThrowable(() -> EventJson.fromJson(json))).isInstanceOf(EventDecodingException.class)
        .hasMessageStartingWith("malformed JSON");
  }

  private static void assertDeeplyUnmodifiable(Object value) {
    if (value instanceof Map<?, ?> map) {
      assertThat(catchThrowable(() -> map.remove("x"))).isInstanceOf(UnsupportedOperationException.class);
      map.values().forEach(EventJsonCodecTest::assertDeeplyUnmodifiable);
    } else if (value instanceof List<?> list) {
      assertThat(catchThrowable(() -> list.add(null))).isInstanceOf(UnsupportedOperationException.class);
      list.forEach(EventJsonCodecTest::assertDeeplyUnmodifiable);
    } else {
      assertThat(value).satisfiesAnyOf(v -> assertThat(v).isNull(), v -> assertThat(v).isInstanceOfAny(
          String.class, Long.class, Double.class, Boolean.class));
    }
  }

  /**
   * The same event, or the same exception with the same message. Two messages were data binding's own, not
   * the parser's, and are worded by the codec now: a document of only whitespace and trailing content after
   * the object; there both say {@code malformed JSON}.
   */
  private static boolean assertSameOutcome(String json, ThrowingSupplier codec, ThrowingSupplier oracle) {
    Object[] results = new Object[2];
    Throwable error = catchThrowable(() -> results[0] = codec.get());
    Throwable expected = catchThrowable(() -> results[1] = oracle.get());
    if (expected == null) {
      assertThat(error).as(json).isNull();
      assertThat(results[0]).as(json).isEqualTo(results[1]);
      return true;
    }
    if (expected.getMessage().startsWith("malformed JSON: No content to map")
        || expected.getMessage().startsWith("malformed JSON: Trailing token")) {
      assertThat(error).as(json).isNotNull().hasSameClassAs(expected).hasMessageStartingWith("malformed JSON");
    } else {
      assertThat(error).as(json).isNotNull().hasSameClassAs(expected).hasMessage(expected.getMessage());
    }
    return false;
  }

  private static Event.Builder valid() {
    return Event.builder().eventType("Happened").streamId("actor-1").version(1);
  }

  /** Mutates one to three bytes: replaced, inserted or deleted, from an alphabet of JSON-significant bytes. */
  private static byte[] mutate(byte[] json, Random random, byte[] alphabet) {
    byte[] out = json;
    for (int m = random.nextInt(3); m >= 0; m--) {
      int at = random.nextInt(out.length);
      byte b = alphabet[random.nextInt(alphabet.length)];
      out = switch (random.nextInt(3)) {
        case 0 -> {
          byte[] copy = out.clone();
          copy[at] = b;
          yield copy;
        }
        case 1 -> {
          byte[] copy = new byte[out.length + 1];
          System.arraycopy(out, 0, copy, 0, at);
          copy[at] = b;
          System.arraycopy(out, at, copy, at + 1, out.length - at);
          yield copy;
        }
        default -> {
          byte[] copy = new byte[out.length - 1];
          System.arraycopy(out, 0, copy, 0, at);
          System.arraycopy(out, at + 1, copy, at, out.length - at - 1);
          yield copy;
        }
      };
    }
    return out;
  }

  private static Event randomEvent(Random random) {
    return randomEvent(random, false);
  }

  private static Event randomEvent(Random random, boolean plain) {
    Event.Builder builder = Event.builder().eventType(text(random, plain))
        .streamId("actor-" + text(random, plain).strip() + "x")
        .version(plain ? 1 + random.nextInt(1_000_000) : 1 + (random.nextLong() >>> 2))
        .data(object(random, 3, plain))
        .timestamp(Instant.ofEpochSecond(FIRST_SECOND + (long) (random.nextDouble() * (LAST_SECOND - FIRST_SECOND)),
            random.nextInt(1_000_000_000)));
    if (random.nextBoolean()) {
      builder.commandId(text(random, plain));
    }
    if (random.nextBoolean()) {
      builder.metadata("k-" + random.nextInt(10), text(random, plain)).correlationId(text(random, plain));
    }
    return builder.build();
  }

  private static Map<String, Object> object(Random random, int depth, boolean plain) {
    Map<String, Object> map = new LinkedHashMap<>();
    int size = random.nextInt(6);
    for (int i = 0; i < size; i++) {
      map.put(text(random, plain) + i, value(random, depth, plain));
    }
    return map;
  }

  private static Object value(Random random, int depth, boolean plain) {
    return switch (random.nextInt(depth > 0 ? 10 : 8)) {
      case 0 -> null;
      case 1 -> random.nextBoolean();
      case 2 -> plain ? random.nextLong() % 1_000_000_000_000_000_000L : random.nextLong();
      case 3 -> (long) random.nextInt(1_000);
      case 4 -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
      case 5 -> Double.longBitsToDouble(random.nextLong() & 0x7FEFFFFFFFFFFFFFL) * (random.nextBoolean() ? 1 : -1);
      case 6, 7 -> text(random, plain);
      case 8 -> object(random, depth - 1, plain);
      default -> {
        List<Object> list = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          list.add(value(random, depth - 1, plain));
        }
        yield list;
      }
    };
  }

  /** Text from the awkward sample, or for {@code plain}, printable ASCII without quote and backslash. */
  private static String text(Random random, boolean plain) {
    if (plain) {
      StringBuilder text = new StringBuilder("p");
      for (int i = random.nextInt(12); i > 0; i--) {
        char c = (char) (' ' + random.nextInt(95));
        text.append(c == '"' || c == '\\' ? '_' : c);
      }
      return text.toString();
    }
    int start = random.nextInt(AWKWARD.length() - 1);
    if (Character.isLowSurrogate(AWKWARD.charAt(start))) {
      start++;
    }
    int end = Math.min(AWKWARD.length(), start + random.nextInt(12));
    if (end < AWKWARD.length() && Character.isLowSurrogate(AWKWARD.charAt(end))) {
      end++;
    }
    String text = AWKWARD.substring(start, end);
    return text.isBlank() ? "t" + text : text;
  }

  @FunctionalInterface
  private interface ThrowingSupplier {
    Object get() throws Exception;
  }
}
