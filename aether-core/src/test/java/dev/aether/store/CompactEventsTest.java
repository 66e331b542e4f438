package dev.aether.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.event.Event;
import dev.aether.event.EventIds;
import dev.aether.event.EventJson;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The in-memory store's compact form gives back exactly the event it was given. */
class CompactEventsTest {

  private final CompactEvents compact = new CompactEvents();

  @Test
  void manyEvents_decodeEqualToWhatWasEncoded() {
    Random random = new Random(42);
    for (int i = 0; i < 5_000; i++) {
      Event event = randomEvent(random);
      byte[] encoded = compact.encode(event);
      assertThat(CompactEvents.version(encoded)).isEqualTo(event.version());
      Event decoded = compact.decode(encoded, event.streamId());
      assertThat(decoded).as(event::toString).isEqualTo(event);
      assertThat(decoded.metadata()).containsExactlyEntriesOf(event.metadata());
      assertThat(List.copyOf(decoded.data().keySet())).isEqualTo(List.copyOf(event.data().keySet()));
    }
  }

  @Test
  void aRuntimeEvent_takesAFractionOfItsJson() {
    String commandId = UUID.randomUUID().toString();
    Event event = Event.builder().eventType("Deposited").streamId("Account/a-1").version(7).commandId(commandId)
        .causationId(commandId).correlationId(commandId).data(Map.of("amount", 100)).build();
    byte[] encoded = compact.encode(event);
    assertThat(encoded.length).isLessThan(EventJson.toBytes(event).length / 5);
    assertThat(compact.decode(encoded, "Account/a-1")).isEqualTo(event);
  }

  @Test
  void namesBeyondTheDictionary_areWrittenInline() {
    for (int i = 0; i < CompactEvents.MAX_NAMES + 100; i++) {
      Event event = Event.builder().eventType("Type" + i).streamId("s").version(1)
          .data(Map.of("key" + i, (long) i)).build();
      assertThat(compact.decode(compact.encode(event), "s")).isEqualTo(event);
    }
  }

  @Test
  void onlyCanonicalLowerCaseUuidsAreKeptAsNumbers() {
    String uuid = UUID.randomUUID().toString();
    assertThat(CompactEvents.uuid(uuid)).isNotNull();
    assertThat(CompactEvents.uuid(uuid.toUpperCase())).isNull();
    assertThat(CompactEvents.uuid(uuid.replace("-", "_"))).isNull();
    assertThat(CompactEvents.uuid(uuid.substring(1))).isNull();
    for (String id : List.of(uuid.toUpperCase(), "not-a-uuid", uuid)) {
      Event event = Event.builder().id(id).eventType("T").streamId("s").version(1).commandId(id)
          .data(Map.of("ref", id)).build();
      Event decoded = compact.decode(compact.encode(event), "s");
      assertThat(decoded.id()).isEqualTo(id);
      assertThat(decoded.commandId()).contains(id);
      assertThat(decoded.data()).containsEntry("ref", id);
    }
  }

  private static Event randomEvent(Random random) {
    Event.Builder b = Event.builder()
        .id(random.nextBoolean() ? EventIds.newId() : "id-" + random.nextInt(1000))
        .eventType(random.nextBoolean() ? "Deposited" : "T" + text(random))
        .streamId("Account/" + random.nextInt(100))
        .version(1 + (random.nextBoolean() ? random.nextInt(100) : Math.abs(random.nextLong() >>> 1)))
        .timestamp(Instant.ofEpochSecond(random.nextLong(-1_000_000_000L, 10_000_000_000L), random.nextInt(1_000_000_000)))
        .data(object(random, 0));
    if (random.nextBoolean()) {
      String command = random.nextBoolean() ? UUID.randomUUID().toString() : text(random);
      b.commandId(command);
      if (random.nextBoolean()) {
        b.causationId(command).correlationId(command);
      }
    }
    if (random.nextInt(3) == 0) {
      b.metadata("k" + text(random), text(random)).userId(text(random));
    }
    return b.build();
  }

  private static Map<String, Object> object(Random random, int depth) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = random.nextInt(depth == 0 ? 6 : 4); i > 0; i--) {
      map.put(text(random), value(random, depth + 1));
    }
    return map;
  }

  private static Object value(Random random, int depth) {
    return switch (random.nextInt(depth < 4 ? 10 : 8)) {
      case 0 -> null;
      case 1 -> random.nextBoolean();
      case 2 -> random.nextLong();
      case 3 -> (long) random.nextInt(200) - 100;
      case 4 -> random.nextBoolean() ? -0.0 : random.nextDouble() * 1e6 - 5e5;
      case 5 -> text(random);
      case 6 -> random.nextBoolean() ? UUID.randomUUID().toString() : UUID.randomUUID().toString().toUpperCase();
      case 7 -> "";
      case 8 -> object(random, depth);
      default -> {
        List<Object> list = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
          list.add(value(random, depth + 1));
        }
        yield list;
      }
    };
  }

  private static String text(Random random) {
    String[] alphabet = {"a", "b", "Z", "0", " ", "\u00e9", "\u4e2d", "\ud83d\ude00", "\"", "\\", "\n"};
    StringBuilder s = new StringBuilder();
    for (int i = 1 + random.nextInt(8); i > 0; i--) {
      s.append(alphabet[random.nextInt(alphabet.length)]);
    }
    return s.toString();
  }
}
