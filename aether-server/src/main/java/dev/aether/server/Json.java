package dev.aether.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aether.event.Event;
import dev.aether.event.EventJson;
import dev.aether.event.PayloadLimits;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * JSON in and out of the HTTP API: responses written with one shared mapper, request bodies read within the
 * core's {@link PayloadLimits} (nesting depth, string length) so that a deep document costs no stack, events in
 * the core's one event form ({@link EventJson}).
 */
final class Json {

  static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY).build();

  /** The body reader of one set of payload limits (rebuilt only when the limits change). */
  private record Reader(PayloadLimits limits, ObjectMapper mapper) {}

  private static volatile Reader reader;

  private Json() {}

  private static ObjectMapper reader(PayloadLimits limits) {
    Reader current = reader;
    if (current == null || !current.limits().equals(limits)) {
      JsonMapper mapper = JsonMapper.builder(MAPPER.getFactory().copy().setStreamReadConstraints(
          StreamReadConstraints.builder().maxNestingDepth(limits.maxDepth() + 1)
              .maxStringLength(limits.maxStringLength()).build()))
          .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
      current = new Reader(limits, mapper);
      reader = current;
    }
    return current.mapper();
  }

  /** Writes a JSON answer. */
  static void send(ServerResponse res, int status, Object body) {
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    res.status(status).header(HeaderValues.CONTENT_TYPE_JSON).send(bytes);
  }

  /**
   * The answer to an accepted command, {@code {"commandId","version","events":[...],"duplicate"}}, the events
   * copied in the core's event form as the core writes them (no tree in between: this is the hot path).
   */
  static byte[] accepted(dev.aether.runtime.CommandResult.Accepted accepted) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(256 + 256 * accepted.events().size());
    try (com.fasterxml.jackson.core.JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("commandId", accepted.commandId());
      g.writeNumberField("version", accepted.newVersion());
      g.writeArrayFieldStart("events");
      for (Event e : accepted.events()) {
        g.writeRawValue(new String(EventJson.toBytes(e), java.nio.charset.StandardCharsets.UTF_8));
      }
      g.writeEndArray();
      g.writeBooleanField("duplicate", accepted.duplicate());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** An event as a JSON tree, in the core's event form. */
  static JsonNode event(Event event) {
    try {
      return MAPPER.readTree(EventJson.toBytes(event));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /**
   * Reads a request body as a JSON object within the payload limits.
   *
   * @param field the name errors are reported under ({@code payload})
   * @throws ApiException 400 for malformed JSON, a value other than an object, or too deep a document
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> readObject(byte[] body, String field) {
    if (body.length == 0) {
      return Map.of();
    }
    PayloadLimits limits = PayloadLimits.current();
    ObjectMapper mapper = reader(limits);
    Object value;
    try {
      value = mapper.readValue(body, Object.class);
    } catch (StreamConstraintsException e) {
      throw ApiException.badRequest(field, "exceeds the payload limits (depth " + limits.maxDepth()
          + ", string length " + limits.maxStringLength() + ")");
    } catch (IOException e) {
      throw new ApiException(400, "INVALID_JSON", field + " is not valid JSON: " + firstLine(e),
          java.util.List.of(new ApiException.Field(field, "not valid JSON")));
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw ApiException.badRequest(field, "must be a JSON object");
    }
    return (Map<String, Object>) map;
  }

  private static String firstLine(IOException e) {
    String message = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
    return message == null ? "malformed" : message.lines().findFirst().orElse("malformed");
  }
}
