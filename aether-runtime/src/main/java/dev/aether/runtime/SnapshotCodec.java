package dev.aether.runtime;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The runtime's snapshot envelope: the behaviour's state plus the actor's recent command ids, so that
 * idempotency survives passivation and restart. Form of {@code ActorSnapshot.state()}:
 * <pre>{@code {"state": {...behaviour state...}, "recentCommands": [["cmd-1", 4, 5], ["cmd-2", 6, 5]],
 *  "lastEventId": "0190..."}}</pre>
 * Each command is {@code [commandId, firstVersion, lastVersion]} ({@code lastVersion = firstVersion - 1}
 * for a command without events). {@code lastEventId} is the id of the event at the snapshot's version, so
 * that activation can check the store still holds that very event; absent in snapshots written before it
 * existed (then only the version is checked). Stateless.
 */
final class SnapshotCodec {

  static final String STATE = "state";
  static final String RECENT_COMMANDS = "recentCommands";
  static final String LAST_EVENT_ID = "lastEventId";

  private SnapshotCodec() {}

  /**
   * Builds the envelope.
   *
   * @param state the behaviour's state JSON
   * @param commands the actor's window, or {@code null} when it has none
   * @param lastEventId the id of the event at the snapshot's version, or {@code null}
   * @return the envelope
   */
  static Map<String, Object> encode(Map<String, Object> state, CommandWindow commands, String lastEventId) {
    Map<String, Object> envelope = new LinkedHashMap<>(4);
    envelope.put(STATE, state);
    envelope.put(RECENT_COMMANDS, commands == null ? List.of() : commands.tuples());
    if (lastEventId != null) {
      envelope.put(LAST_EVENT_ID, lastEventId);
    }
    return envelope;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> state(Map<String, Object> envelope) {
    if (!(envelope.get(STATE) instanceof Map<?, ?> state)) {
      throw new IllegalArgumentException("snapshot has no \"state\" object");
    }
    return (Map<String, Object>) state;
  }

  /** @return the id of the snapshot's last event, or {@code null} when the snapshot does not record it */
  static String lastEventId(Map<String, Object> envelope) {
    return envelope.get(LAST_EVENT_ID) instanceof String id ? id : null;
  }

  static List<CommandWindow.Entry> commands(Map<String, Object> envelope) {
    if (!(envelope.get(RECENT_COMMANDS) instanceof List<?> list)) {
      throw new IllegalArgumentException("snapshot has no \"recentCommands\" list");
    }
    List<CommandWindow.Entry> out = new ArrayList<>(list.size());
    for (Object item : list) {
      if (!(item instanceof List<?> t) || t.size() != 3 || !(t.get(0) instanceof String id)
          || !(t.get(1) instanceof Long first) || !(t.get(2) instanceof Long last)) {
        throw new IllegalArgumentException("bad recentCommands entry " + item);
      }
      out.add(new CommandWindow.Entry(id, first, last));
    }
    return out;
  }
}
