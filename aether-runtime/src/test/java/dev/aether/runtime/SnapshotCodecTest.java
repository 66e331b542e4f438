package dev.aether.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.event.ActorSnapshot;
import dev.aether.event.EventJson;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SnapshotCodecTest {

  private static final Map<String, Object> STATE = Map.of("balance", 7L);

  /** A window as the peers workload leaves it: 100 random UUID ids, one event each. */
  private static CommandWindow uuidWindow(int size) {
    CommandWindow w = new CommandWindow();
    for (int i = 1; i <= size; i++) {
      w.record(UUID.randomUUID().toString(), 1000 + i, 1000 + i, size);
    }
    return w;
  }

  /** The envelope as a store gives it back: deep-copied into an {@link ActorSnapshot}, to JSON and back. */
  private static Map<String, Object> stored(Map<String, Object> envelope) {
    ActorSnapshot snapshot = new ActorSnapshot("Account/a1", 9, envelope, Instant.EPOCH, "aether.rt1:test");
    return EventJson.snapshotFromBytes(EventJson.snapshotToBytes(snapshot)).state();
  }

  @Test
  void window_isWrittenAsOneCompactString() {
    Map<String, Object> envelope = SnapshotCodec.encode(STATE, uuidWindow(100), "ev-9");

    // 100 ids of 16 bytes and their versions in at most 19 bytes each, in base64
    assertThat(envelope.get(SnapshotCodec.COMMAND_WINDOW)).isInstanceOf(String.class);
    assertThat((String) envelope.get(SnapshotCodec.COMMAND_WINDOW))
        .hasSizeLessThanOrEqualTo((2 + 19 * 100) * 4 / 3 + 3);
    assertThat(envelope).doesNotContainKey(SnapshotCodec.RECENT_COMMANDS);
  }

  @Test
  void newFormat_readsBackEveryEntry_throughAStore() {
    String uuid = UUID.randomUUID().toString();
    CommandWindow w = new CommandWindow();
    w.record(uuid, 1, 1, 20);
    w.record(uuid.toUpperCase(Locale.ROOT), 2, 4, 20);
    w.record("touch-1", 5, 4, 20);                         // no events
    w.record("", 5, 5, 20);
    w.record("k\u00f8ber-\u4e2d-1", 2, 3, 20);            // versions below the previous entry's
    w.record(uuid, 3_000_000_000L, 3_000_000_002L, 20);   // the same id again, much later
    w.record("1-1-1-1-1", Long.MAX_VALUE, Long.MAX_VALUE, 20);

    Map<String, Object> envelope = stored(SnapshotCodec.encode(STATE, w, "ev-9"));

    assertThat(SnapshotCodec.commands(envelope)).isEqualTo(w.entries());
    assertThat(SnapshotCodec.state(envelope)).isEqualTo(STATE);
    assertThat(SnapshotCodec.lastEventId(envelope)).isEqualTo("ev-9");
  }

  @Test
  void newFormat_ofAFullUuidWindow_readsBackEveryEntry() {
    CommandWindow w = uuidWindow(100);

    assertThat(SnapshotCodec.commands(stored(SnapshotCodec.encode(STATE, w, null)))).isEqualTo(w.entries());
  }

  @Test
  void emptyOrMissingWindow_readsBackEmpty() {
    assertThat(SnapshotCodec.commands(stored(SnapshotCodec.encode(STATE, null, null)))).isEmpty();
    assertThat(SnapshotCodec.commands(stored(SnapshotCodec.encode(STATE, new CommandWindow(), null)))).isEmpty();
  }

  @Test
  void oldFormat_tuples_areStillRead() {
    String uuid = UUID.randomUUID().toString();
    Map<String, Object> envelope = new LinkedHashMap<>();
    envelope.put("state", STATE);
    envelope.put("recentCommands", List.of(List.of(uuid, 1L, 1L), List.of("touch-1", 2L, 1L),
        List.of("pay-3", 2L, 3L)));
    envelope.put("lastEventId", "ev-3");

    Map<String, Object> read = stored(envelope);

    assertThat(SnapshotCodec.commands(read)).containsExactly(new CommandWindow.Entry(uuid, 1, 1),
        new CommandWindow.Entry("touch-1", 2, 1), new CommandWindow.Entry("pay-3", 2, 3));
    assertThat(SnapshotCodec.state(read)).isEqualTo(STATE);
  }

  @Test
  void oldFormat_badTuple_isRefused() {
    Map<String, Object> envelope = Map.of("state", STATE, "recentCommands", List.of(List.of("a", 1L)));

    assertThatThrownBy(() -> SnapshotCodec.commands(envelope)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void noWindowInEitherFormat_isRefused() {
    assertThatThrownBy(() -> SnapshotCodec.commands(Map.of("state", STATE)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void damagedWindow_isRefused_neverReadAsFewerIds() {
    CommandWindow w = new CommandWindow();
    w.record(UUID.randomUUID().toString(), 1, 1, 10);
    w.record("text-id", 2, 2, 10);
    String good = (String) SnapshotCodec.encode(STATE, w, null).get(SnapshotCodec.COMMAND_WINDOW);
    byte[] bytes = Base64.getDecoder().decode(good);

    for (String bad : List.of("not base64!", encoded(bytes, bytes.length - 1), encoded(bytes, bytes.length - 9),
        encoded(bytes, 1), withFirstByte(bytes, 2), withExtraByte(bytes), claimingEntries(Integer.MAX_VALUE))) {
      Map<String, Object> envelope = Map.of("state", STATE, SnapshotCodec.COMMAND_WINDOW, bad);
      assertThatThrownBy(() -> SnapshotCodec.commands(envelope)).as(bad).isInstanceOf(IllegalArgumentException.class);
    }
  }

  private static String encoded(byte[] bytes, int length) {
    return Base64.getEncoder().withoutPadding().encodeToString(Arrays.copyOf(bytes, length));
  }

  /** A window of format 1 that claims {@code count} entries (a varint of five bytes) and holds none. */
  private static String claimingEntries(int count) {
    byte[] bytes = {1, (byte) (count | 0x80), (byte) (count >>> 7 | 0x80), (byte) (count >>> 14 | 0x80),
        (byte) (count >>> 21 | 0x80), (byte) (count >>> 28)};
    return encoded(bytes, bytes.length);
  }

  private static String withFirstByte(byte[] bytes, int first) {
    byte[] copy = bytes.clone();
    copy[0] = (byte) first;
    return encoded(copy, copy.length);
  }

  private static String withExtraByte(byte[] bytes) {
    byte[] copy = Arrays.copyOf(bytes, bytes.length + 1);
    return encoded(copy, copy.length);
  }
}
