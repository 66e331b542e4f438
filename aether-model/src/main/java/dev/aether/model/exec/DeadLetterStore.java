package dev.aether.model.exec;

import dev.aether.event.Event;
import dev.aether.store.ReadModelStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The policies' dead letters, kept in the read-model store under {@value #TABLE} (so every process sharing the
 * store sees every process's), whatever policies the loaded model has. Thread-safe as the store is.
 */
final class DeadLetterStore {

  /** Where dead letters are kept in the read-model store. */
  static final String TABLE = "$dead-letters";
  /** Where Java policies' ({@link Policy}) dead letters are kept: apart from the model's, whose names they may share. */
  static final String JAVA_TABLE = "$java-policy-dead-letters";

  private final ReadModelStore store;
  private final String table;

  DeadLetterStore(ReadModelStore store) {
    this(store, TABLE);
  }

  DeadLetterStore(ReadModelStore store, String table) {
    this.table = table;
    this.store = store;
  }

  /** @return every dead letter, oldest first */
  List<DeadLetter> all() {
    List<DeadLetter> letters = new ArrayList<>();
    store.rows(table).forEach((id, row) -> letters.add(letter(id, row)));
    letters.sort(Comparator.comparing(DeadLetter::failedAt).thenComparing(DeadLetter::id));
    return letters;
  }

  /** @return the dead letter of this id, when there is one */
  Optional<DeadLetter> get(String id) {
    return store.get(table, id).map(row -> letter(id, row));
  }

  /** Writes (or rewrites) a policy's dead letter for an event. */
  void write(String policy, Event event, long attempts, String error, Instant failedAt) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("policy", policy);
    row.put("eventId", event.id());
    row.put("eventType", event.eventType());
    row.put("streamId", event.streamId());
    row.put("version", event.version());
    row.put("attempts", attempts);
    row.put("lastError", error);
    row.put("failedAt", failedAt.toString());
    store.write(table, policy + "|" + event.id(), row);
  }

  /** Removes a dead letter; nothing when there is none of this id. */
  void remove(String id) {
    store.remove(table, id);
  }

  private static DeadLetter letter(String id, Map<String, Object> row) {
    return new DeadLetter(id, (String) row.get("policy"), (String) row.get("eventId"),
        (String) row.get("eventType"), (String) row.get("streamId"), ((Number) row.get("version")).longValue(),
        ((Number) row.get("attempts")).longValue(), (String) row.get("lastError"),
        Instant.parse((String) row.get("failedAt")));
  }
}
