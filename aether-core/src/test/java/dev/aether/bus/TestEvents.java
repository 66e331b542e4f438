package dev.aether.bus;

import dev.aether.event.Event;
import java.util.UUID;

/** Small event and name factories for bus tests. */
final class TestEvents {

  /** The event type of fence events: published last, so that everything before it has been routed. */
  static final String FENCE = "Fence";

  private TestEvents() {}

  static Event event(String type) {
    return event(type, "actor-1", 1);
  }

  static Event event(String type, String streamId) {
    return event(type, streamId, 1);
  }

  static Event event(String type, String streamId, long version) {
    return Event.builder().eventType(type).streamId(streamId).version(version).build();
  }

  static Event version(long version) {
    return event("Numbered", "actor-1", version);
  }

  static Event fence() {
    return event(FENCE);
  }

  /** A fresh namespace token, unique per call, so tests never share namespaces. */
  static String freshNamespace() {
    return "ns-" + UUID.randomUUID();
  }
}
