package dev.aether.event;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.aether.InvalidInputException;
import dev.aether.support.Json;
import java.io.IOException;
import java.util.List;
import java.util.Map;

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
        g.writeStartObject();
        g.writeStringField("id", event.id());
        g.writeStringField("eventType", event.eventType());
        g.writeStringField("actorId", event.streamId());
        if (event.commandId().isPresent()) {
          g.writeStringField("commandId", event.commandId().get());
        }
        g.writeNumberField("version", event.version());
        g.writeFieldName("data");
        object(g, event.data());
        if (!event.metadata().isEmpty()) {
          g.writeFieldName("metadata");
          object(g, event.metadata());
        }
        g.writeStringField("timestamp", event.timestamp().toString());
        g.writeEndObject();
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw unwritable(e);
    }
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
        object(g, snapshot.state());
        g.writeStringField("timestamp", snapshot.timestamp().toString());
        g.writeStringField("schema", snapshot.schema());
        g.writeEndObject();
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw unwritable(e);
    }
  }

  private static void object(JsonGenerator g, Map<String, ?> map) throws IOException {
    g.writeStartObject();
    for (Map.Entry<String, ?> entry : map.entrySet()) {
      g.writeFieldName(entry.getKey());
      value(g, entry.getValue());
    }
    g.writeEndObject();
  }

  @SuppressWarnings("unchecked")
  private static void value(JsonGenerator g, Object value) throws IOException {
    switch (value) {
      case null -> g.writeNull();
      case String s -> g.writeString(s);
      case Long l -> g.writeNumber(l);
      case Double d -> g.writeNumber(d);
      case Boolean b -> g.writeBoolean(b);
      case Map<?, ?> map -> object(g, (Map<String, ?>) map);
      case List<?> list -> {
        g.writeStartArray();
        for (int i = 0, size = list.size(); i < size; i++) {
          value(g, list.get(i));
        }
        g.writeEndArray();
      }
      // Unreachable for values JsonValues copied; named rather than guessed at.
      default -> throw new IOException("not a JSON value: " + value.getClass().getName());
    }
  }

  private static InvalidInputException unwritable(IOException e) {
    return new InvalidInputException("data", "cannot be serialised as JSON: " + e.getMessage(), e);
  }
}
