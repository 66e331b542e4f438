package dev.aether.nats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.event.PayloadLimits;
import dev.aether.store.EventStore;
import dev.aether.store.InMemoryEventStore;
import dev.aether.store.ReplayResult;
import dev.aether.testkit.nats.NatsServer;
import io.nats.client.Connection;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.Tag;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Whatever one store accepts, every store accepts and reads back equal: generated stream ids (unicode, dots,
 * wildcards, whitespace, unpaired surrogates, ids at and beyond the byte limit), event types and JSON trees
 * (at and beyond the depth, string-length and size limits) go through the in-memory store and a
 * {@link JetStreamEventStore} on a real nats-server. Both must make the same decision (the same exception
 * type, or success); accepted events read back equal from both, through a read from the version, a full
 * replay, and a replay by a fresh store without caches. Building the event refuses anything beyond the
 * limits with an {@link InvalidInputException}, never another error.
 */
@Tag("nats")
class StoreAgreementProperties {

  private static final int DEPTH = PayloadLimits.DEFAULT_MAX_DEPTH;
  private static final int LONGEST = PayloadLimits.DEFAULT_MAX_STRING_LENGTH;

  private static NatsServer server;
  private static Connection raw;
  private static JetStreamEventStore jetStream;
  private static InMemoryEventStore memory;
  private static final Map<String, Long> versions = new HashMap<>();

  @BeforeContainer
  static void start() {
    server = NatsServer.builder().build().start();
    raw = NatsTestSupport.rawConnection(server);
    jetStream = JetStreamEventStore.create(raw, NatsTestSupport.config(server, "agree").build());
    memory = InMemoryEventStore.create();
  }

  @AfterContainer
  static void stop() {
    if (jetStream != null) {
      jetStream.close();
    }
    if (raw != null) {
      NatsTestSupport.closeQuietly(raw);
    }
    if (server != null) {
      server.close();
    }
  }

  @Property(tries = 250, shrinking = ShrinkingMode.OFF, afterFailure = AfterFailureMode.RANDOM_SEED)
  void bothStores_decideAlike_andReadBackEqual(@ForAll("streamIds") String streamId,
      @ForAll("eventTypes") String eventType, @ForAll("payloads") Map<String, Object> data,
      @ForAll boolean asBatch) {
    // given: an event, if it can be built at all
    long version = versions.getOrDefault(streamId, 0L) + 1;
    Event event;
    try {
      event = Event.builder().streamId(streamId).eventType(eventType).version(version).data(data).build();
    } catch (InvalidInputException refused) {
      // refused at the door: also by both stores' reads of this id, if the id was the reason
      assertSameDecision(() -> memory.getLatestVersion(streamId), () -> jetStream.getLatestVersion(streamId));
      return;
    }
    List<Event> batch = asBatch
        ? List.of(event, event.toBuilder().id(event.id() + "-2").version(version + 1).data(Map.of("n", 2)).build())
        : List.of(event);
    // when
    RuntimeException inMemory = outcome(() -> write(memory, streamId, version - 1, batch));
    RuntimeException onJetStream = outcome(() -> write(jetStream, streamId, version - 1, batch));
    // then
    assertThat(type(onJetStream)).as("JetStream: %s; in memory: %s", onJetStream, inMemory).isEqualTo(type(inMemory));
    if (inMemory != null) {
      return;
    }
    versions.put(streamId, batch.getLast().version());
    assertThat(jetStream.getEvents(streamId, version)).isEqualTo(batch).isEqualTo(memory.getEvents(streamId, version));
    List<Event> history = memory.getEvents(streamId, 0);
    assertThat(jetStream.getEvents(streamId, 0)).isEqualTo(history);
    try (JetStreamEventStore fresh = JetStreamEventStore.create(raw, NatsTestSupport.config(server, "agree").build())) {
      ReplayResult replay = fresh.getEventsWithErrors(streamId, 0);
      assertThat(replay.errors()).isEmpty();
      assertThat(replay.events()).isEqualTo(history);
      assertThat(fresh.getLatestVersion(streamId)).isEqualTo(batch.getLast().version());
    }
  }

  private static void write(EventStore store, String streamId, long expected, List<Event> batch) {
    if (batch.size() == 1) {
      store.saveEvent(batch.getFirst());
    } else {
      store.append(streamId, expected, batch);
    }
  }

  private static void assertSameDecision(Runnable inMemory, Runnable onJetStream) {
    RuntimeException memoryOutcome = outcome(inMemory);
    RuntimeException jetStreamOutcome = outcome(onJetStream);
    assertThat(type(jetStreamOutcome)).as("JetStream: %s; in memory: %s", jetStreamOutcome, memoryOutcome)
        .isEqualTo(type(memoryOutcome));
  }

  /** The exception a call throws, or {@code null} when it succeeds. */
  private static RuntimeException outcome(Runnable call) {
    try {
      call.run();
      return null;
    } catch (RuntimeException e) {
      return e;
    }
  }

  private static Class<?> type(RuntimeException outcome) {
    return outcome == null ? null : outcome.getClass();
  }

  // ---- generators

  @Provide
  Arbitrary<String> streamIds() {
    Arbitrary<String> plain = Arbitraries.strings().alpha().numeric().withChars("-_").ofMinLength(1).ofMaxLength(20);
    Arbitrary<String> awkward = Arbitraries.strings().withChars(".*> \t\n/\\%_-\u00E9\u65E5\u0000\u007F")
        .alpha().ofMinLength(0).ofMaxLength(12);
    Arbitrary<String> anyChars = Arbitraries.strings().all().ofMinLength(1).ofMaxLength(8);
    Arbitrary<String> unicode = Arbitraries.strings().withCharRange('\u0080', '\uFFFF').ofMinLength(1).ofMaxLength(10);
    Arbitrary<String> emoji = Arbitraries.of("\uD83D\uDE80", "a\uD83D", "\uDE80b", "x\uD83C\uDF89y");
    // around the 2,048-byte limit: 682 three-byte characters are 2,046 bytes
    Arbitrary<String> long3 = Arbitraries.integers().between(680, 684).map(n -> "\u65E5".repeat(n) + "ab");
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, plain), net.jqwik.api.Tuple.of(4, awkward), net.jqwik.api.Tuple.of(2, anyChars),
        net.jqwik.api.Tuple.of(2, unicode), net.jqwik.api.Tuple.of(1, emoji), net.jqwik.api.Tuple.of(1, long3));
  }

  @Provide
  Arbitrary<String> eventTypes() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(8, Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20)),
        net.jqwik.api.Tuple.of(2, Arbitraries.strings().all().ofMaxLength(6)),
        net.jqwik.api.Tuple.of(1, Arbitraries.of(LONGEST, LONGEST + 1).map("T"::repeat)));
  }

  @Provide
  Arbitrary<Map<String, Object>> payloads() {
    Arbitrary<Object> leaf = leaves();
    Arbitrary<Map<String, Object>> wide = Arbitraries.maps(keys(), leaf).ofMaxSize(6);
    Arbitrary<Map<String, Object>> nested = Combinators.combine(wide, Arbitraries.integers().between(1, 8),
        Arbitraries.of(true, false)).as((inner, depth, lists) -> wrap(inner, depth, lists));
    Arbitrary<Map<String, Object>> deep = Combinators.combine(Arbitraries.of(DEPTH - 1, DEPTH, DEPTH + 1, 300, 5_000),
        Arbitraries.of(true, false)).as((depth, lists) -> wrap(Map.of("leaf", 1L), depth, lists));
    Arbitrary<Map<String, Object>> longStrings = Arbitraries.of(LONGEST - 1, LONGEST, LONGEST + 1)
        .flatMap(n -> Arbitraries.of(Map.<String, Object>of("s", "x".repeat(n)), Map.<String, Object>of("k".repeat(n), 1L),
            Map.<String, Object>of("e", "\u0001".repeat(n))));
    Arbitrary<Map<String, Object>> large = Arbitraries.of(3, 4, 5).map(parts -> {
      Map<String, Object> map = new LinkedHashMap<>();
      for (int i = 0; i < parts; i++) {
        map.put("part" + i, "\u00E9".repeat(LONGEST - 10)); // two bytes a character: ~0.5 MB each
      }
      return map;
    });
    return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(10, wide), net.jqwik.api.Tuple.of(6, nested),
        net.jqwik.api.Tuple.of(3, deep), net.jqwik.api.Tuple.of(1, longStrings), net.jqwik.api.Tuple.of(1, large));
  }

  private static Arbitrary<String> keys() {
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(6, Arbitraries.strings().alpha().ofMaxLength(8)),
        net.jqwik.api.Tuple.of(2, Arbitraries.strings().all().ofMaxLength(6)),
        net.jqwik.api.Tuple.of(1, Arbitraries.of("", " ", "a.b", "[0]", "*", ">", "\"", "\\")));
  }

  private static Arbitrary<Object> leaves() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(12).map(Object.class::cast),
        Arbitraries.longs().map(Object.class::cast),
        Arbitraries.integers().map(Object.class::cast),
        Arbitraries.doubles().map(Object.class::cast),
        Arbitraries.of(Double.NaN, Double.MAX_VALUE, -0.0, 4.9e-324).map(Object.class::cast),
        Arbitraries.of(new BigDecimal("3.000"), new BigDecimal("1e19"), new BigDecimal("0.1")).map(Object.class::cast),
        Arbitraries.of(true, false).map(Object.class::cast),
        Arbitraries.just((Object) null));
  }

  /** {@code inner} under {@code depth - 1} more levels of objects or of arrays. */
  private static Map<String, Object> wrap(Map<String, Object> inner, int depth, boolean lists) {
    Object value = inner;
    for (int i = 1; i < depth - 1; i++) {
      if (lists) {
        List<Object> list = new ArrayList<>();
        list.add(value);
        value = list;
      } else {
        Map<String, Object> map = new HashMap<>();
        map.put("a", value);
        value = map;
      }
    }
    if (depth <= 1) {
      return inner;
    }
    Map<String, Object> outer = new HashMap<>();
    outer.put("v", value);
    return outer;
  }
}
