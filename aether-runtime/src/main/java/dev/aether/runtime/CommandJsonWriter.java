package dev.aether.runtime;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import dev.aether.event.Event;
import dev.aether.event.EventJson;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.support.Json;
import dev.aether.support.JsonValues;
import dev.aether.support.Timestamps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * Writes {@link CommandJson}'s form with Jackson's streaming generator. Values come from validated messages
 * and results (JSON types only, depth within the limits), so writing them recurses safely. Events are
 * written by {@link EventJson}, as raw JSON values. Stateless and thread-safe.
 */
final class CommandJsonWriter {

  private CommandJsonWriter() {}

  /** The body of one document, written between its braces. */
  @FunctionalInterface
  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  static byte[] message(RuntimeMessage m) {
    return document(g -> {
      g.writeStringField("aggregateType", m.aggregateType());
      g.writeStringField("actorId", m.actorId());
      g.writeStringField("command", m.command());
      g.writeStringField("commandId", m.commandId());
      g.writeFieldName("payload");
      JsonValues.write(g, m.payload());
      if (!m.metadata().isEmpty()) {
        g.writeFieldName("metadata");
        JsonValues.write(g, m.metadata());
      }
      Instant deadline = m.deadlineOrNull();
      if (deadline != null) {
        g.writeStringField("deadline", Timestamps.format(deadline));
      }
    });
  }

  static byte[] result(CommandResult result) {
    return document(g -> {
      switch (result) {
        case Accepted a -> accepted(g, a);
        case Rejected r -> rejected(g, r);
      }
    });
  }

  private static void accepted(JsonGenerator g, Accepted a) throws IOException {
    g.writeStringField("type", "accepted");
    g.writeStringField("commandId", a.commandId());
    g.writeNumberField("newVersion", a.newVersion());
    g.writeBooleanField("duplicate", a.duplicate());
    g.writeArrayFieldStart("events");
    for (Event event : a.events()) {
      EventJson.write(g, event);
    }
    g.writeEndArray();
  }

  private static void rejected(JsonGenerator g, Rejected r) throws IOException {
    g.writeStringField("type", "rejected");
    g.writeStringField("commandId", r.commandId());
    g.writeStringField("reason", r.reason().name());
    g.writeStringField("message", r.message());
    g.writeArrayFieldStart("fieldErrors");
    for (FieldError error : r.fieldErrors()) {
      g.writeStartObject();
      g.writeStringField("path", error.path());
      g.writeStringField("problem", error.problem());
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private static byte[] document(Body body) {
    try (ByteArrayBuilder out = new ByteArrayBuilder(256)) {
      try (JsonGenerator g = Json.factory().createGenerator(out)) {
        g.writeStartObject();
        body.write(g);
        g.writeEndObject();
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("writing JSON to memory failed", e); // not expected: no I/O
    }
  }
}
