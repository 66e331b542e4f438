package dev.aether.nats;

import dev.aether.event.Event;
import java.util.List;

/**
 * One atomic write of one or more events of one actor, encoded as one JetStream message.
 *
 * @param streamId the stream (one actor's history)
 * @param events the events, in increasing version order (immutable)
 * @param messageId the deterministic {@code Nats-Msg-Id}: the same commit always has the same id
 * @param payload the JSON payload: the event object, or an array of event objects
 * @param eventSizes the commit bytes of each event, measured while encoding the payload: its JSON plus one
 *     byte of framing (the {@code ,} or {@code ]} after it); see {@link CommitCodec#FRAMING_BYTES}
 */
record Commit(String streamId, List<Event> events, String messageId, byte[] payload, long[] eventSizes) {

  /** @return the commit bytes of its events: the sum of {@link #eventSizes()} */
  long size() {
    long total = 0;
    for (long size : eventSizes) {
      total += size;
    }
    return total;
  }

  long firstVersion() {
    return events.getFirst().version();
  }

  long lastVersion() {
    return events.getLast().version();
  }
}
