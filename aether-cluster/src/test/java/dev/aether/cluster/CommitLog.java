package dev.aether.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aether.nats.JetStreamConfig;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A namespace's event log read straight from JetStream with jnats (one direct get per message of each partition
 * stream, decoded here with Jackson): not through the event store, the runtime or the cluster, so the checks see
 * what is stored, whatever those believe. {@link #refresh()} reads only what was added since the last read.
 * Not thread-safe.
 */
final class CommitLog {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** The header of a fence message, as aether-nats writes it. */
  private static final String FENCE = "Aether-Fence";

  /** One stored event: the actor (stream id), its command id, type, version and {@code data.amount} (0 if none). */
  record Stored(String streamId, String commandId, String type, long version, long amount) {}

  /**
   * One commit = one JetStream message on one actor's subject: its stream and sequence, and its events in order
   * (a group commit holds the events of several commands of that actor).
   */
  record Commit(String stream, long sequence, List<Stored> events) {
    String streamId() {
      return events.getFirst().streamId();
    }

    long lastVersion() {
      return events.getLast().version();
    }
  }

  private final JetStreamManagement jsm;
  private final List<String> streams = new ArrayList<>();
  private final Map<String, Long> readUpTo = new LinkedHashMap<>();
  private final List<Commit> commits = new ArrayList<>();
  private int fences;

  CommitLog(Connection connection, JetStreamConfig store) {
    try {
      this.jsm = connection.jetStreamManagement();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    for (int p = 0; p < store.partitions(); p++) {
      String stream = store.subjectPrefix() + "_" + store.namespaceToken() + "_EVENTS_" + p;
      streams.add(stream);
      readUpTo.put(stream, 0L);
    }
  }

  /** Reads the messages stored since the last read; returns this log. */
  CommitLog refresh() {
    try {
      for (String stream : streams) {
        long last = jsm.getStreamInfo(stream).getStreamState().getLastSequence();
        for (long seq = readUpTo.get(stream) + 1; seq <= last; seq++) {
          MessageInfo message = jsm.getMessage(stream, seq);
          if (message.getHeaders() != null && message.getHeaders().getFirst(FENCE) != null) {
            fences++; // a fence (EventStore.fence): no events
          } else {
            commits.add(decode(stream, message));
          }
        }
        readUpTo.put(stream, last);
      }
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (JetStreamApiException e) {
      throw new IllegalStateException("reading the log: " + e.getMessage(), e);
    }
  }

  /** @return the fences read so far (messages without events that new owners wrote before a rejection) */
  int fences() {
    return fences;
  }

  /** @return every commit read so far, in stream order */
  List<Commit> commits() {
    return commits;
  }

  /** @return the commits of each actor, in their stream's order */
  Map<String, List<Commit>> byActor() {
    Map<String, List<Commit>> byActor = new LinkedHashMap<>();
    commits.forEach(c -> byActor.computeIfAbsent(c.streamId(), k -> new ArrayList<>()).add(c));
    return byActor;
  }

  private static Commit decode(String stream, MessageInfo message) throws IOException {
    JsonNode payload = JSON.readTree(message.getData());
    List<Stored> events = new ArrayList<>();
    for (JsonNode e : payload.isArray() ? payload : List.of(payload)) {
      JsonNode commandId = e.get("commandId");
      JsonNode amount = e.path("data").get("amount");
      events.add(new Stored(e.get("actorId").asText(), commandId == null ? null : commandId.asText(),
          e.get("eventType").asText(), e.get("version").asLong(), amount == null ? 0 : amount.asLong()));
    }
    if (events.isEmpty()) {
      throw new IllegalStateException("message " + stream + "/" + message.getSeq() + " holds no event");
    }
    return new Commit(stream, message.getSeq(), List.copyOf(events));
  }
}
