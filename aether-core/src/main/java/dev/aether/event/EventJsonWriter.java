package dev.aether.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.aether.InvalidInputException;
import dev.aether.support.Json;
import dev.aether.support.JsonValues;
import dev.aether.support.Timestamps;
import java.io.IOException;

/**
 * Writes {@link EventJson}'s form with Jackson's streaming {@link JsonGenerator} on the shared factory
 * ({@link Json}): no data binding, no intermediate map. Field order, string escapes (control characters and
 * UTF-16 surrogates as {@code \}{@code uXXXX}), number forms ({@link Long#toString(long)},
 * {@link Double#toString(double)}) and {@link java.time.Instant#toString()} timestamps are what Jackson's data
 * binding wrote for the same values, byte for byte; {@code EventJsonCodecTest} holds it to that.
 *
 * <p>Values are those an {@link Event} or {@link ActorSnapshot} holds (copied by {@code JsonValues}: maps,
 * lists, strings, longs, doubles, booleans, nulls), nested at most {@link PayloadLimits#MAX_DEPTH_CEILING}
 * deep, so the recursion is bounded.
 *
 * <p>Stateless and thread-safe.
 */
final class EventJsonWriter {

  private EventJsonWriter() {}

  /**
   * Writes an event.
   *
   * @param event the event
   * @return its UTF-8 JSON
   */
  static byte[] event(Event event) {
    ByteArrayBuilder out = new ByteArrayBuilder(256);
    try {
      try (JsonGenerator g = Json.factory().createGenerator(out)) {
        event(g, event);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw unwritable(e);
    }
  }

  /**
   * Writes an event as the next value of a generator.
   *
   * @param g the generator
   * @param event the event
   * @throws IOException as the generator throws it
   */
  static void event(JsonGenerator g, Event event) throws IOException {
    g.writeStartObject();
    g.writeStringField("id", event.id());
    g.writeStringField("eventType", event.eventType());
    g.writeStringField("actorId", event.streamId());
    if (event.commandId().isPresent()) {
      g.writeStringField("commandId", event.commandId().get());
    }
    g.writeNumberField("version", event.version());
    g.writeFieldName("data");
    JsonValues.write(g, event.data());
    if (!event.metadata().isEmpty()) {
      g.writeFieldName("metadata");
      JsonValues.write(g, event.metadata());
    }
    g.writeStringField("timestamp", Timestamps.format(event.timestamp()));
    g.writeEndObject();
  }

  /**
   * Writes a snapshot.
   *
   * @param snapshot the snapshot
   * @return its UTF-8 JSON
   */
  static byte[] snapshot(ActorSnapshot snapshot) {
    ByteArrayBuilder out = new ByteArrayBuilder(256);
    try {
      try (JsonGenerator g = Json.factory().createGenerator(out)) {
        g.writeStartObject();
        g.writeStringField("actorId", snapshot.streamId());
        g.writeNumberField("version", snapshot.version());
        g.writeFieldName("state");
        JsonValues.write(g, snapshot.state());
        g.writeStringField("timestamp", Timestamps.format(snapshot.timestamp()));
        g.writeStringField("schema", snapshot.schema());
        g.writeEndObject();
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw unwritable(e);
    }
  }

  private static InvalidInputException unwritable(IOException e) {
    return new InvalidInputException("data", "cannot be serialised as JSON: " + e.getMessage(), e);
  }
}
