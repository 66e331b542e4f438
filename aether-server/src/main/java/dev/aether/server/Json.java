package dev.aether.server;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
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
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
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

  private static final byte[] COMMAND_ID = ascii("{\"commandId\":\"");
  private static final byte[] VERSION = ascii("\",\"version\":");
  private static final byte[] EVENTS = ascii(",\"events\":[");
  private static final byte[] DUPLICATE_TRUE = ascii("],\"duplicate\":true}");
  private static final byte[] DUPLICATE_FALSE = ascii("],\"duplicate\":false}");

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
    res.status(status).header(HeaderValues.CONTENT_TYPE_JSON).send(bytes(body));
  }

  /** The JSON of an answer's body. */
  static byte[] bytes(Object body) {
    try {
      return MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The answer to an accepted command, {@code {"commandId","version","events":[...],"duplicate"}}: the events'
   * bytes as the core writes them copied once into one array of the exact size (this is the hot path: no
   * generator, no string of the events, no buffer growth).
   */
  static byte[] accepted(dev.aether.runtime.CommandResult.Accepted accepted) {
    byte[] id = JsonStringEncoder.getInstance().quoteAsUTF8(accepted.commandId());
    byte[] version = Long.toString(accepted.newVersion()).getBytes(StandardCharsets.US_ASCII);
    byte[] end = accepted.duplicate() ? DUPLICATE_TRUE : DUPLICATE_FALSE;
    List<Event> events = accepted.events();
    byte[][] parts = new byte[events.size()][];
    int size = COMMAND_ID.length + id.length + VERSION.length + version.length + EVENTS.length
        + Math.max(0, events.size() - 1) + end.length;
    for (int i = 0; i < parts.length; i++) {
      parts[i] = EventJson.toBytes(events.get(i));
      size += parts[i].length;
    }
    byte[] out = new byte[size];
    int at = put(out, 0, COMMAND_ID);
    at = put(out, at, id);
    at = put(out, at, VERSION);
    at = put(out, at, version);
    at = put(out, at, EVENTS);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        out[at++] = ',';
      }
      at = put(out, at, parts[i]);
    }
    put(out, at, end);
    return out;
  }

  private static int put(byte[] out, int at, byte[] part) {
    System.arraycopy(part, 0, out, at, part.length);
    return at + part.length;
  }

  /** An event as a JSON tree, in the core's event form. */
  static JsonNode event(Event event) {
    try {
      return MAPPER.readTree(EventJson.toBytes(event));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }

  static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** @return whether a body holds nothing but JSON's whitespace (space, tab, line feed, carriage return) */
  private static boolean isBlank(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads a request body as a JSON object within the payload limits; an empty body (or one of whitespace only)
   * is the empty object.
   *
   * @param field the name errors are reported under ({@code payload})
   * @throws ApiException 400 for malformed JSON, a value other than an object, or too deep a document
   */
  @SuppressWarnings("unchecked")
  static Map<String, Object> readObject(byte[] body, String field) {
    if (isBlank(body)) { // no payload: as an empty body, whatever whitespace a client's tool added
      return Map.of();
    }
    PayloadLimits limits = PayloadLimits.current();
    ObjectMapper mapper = reader(limits);
    Object value;
    try (JsonParser parser = mapper.createParser(body)) {
      try {
        value = mapper.readValue(parser, Object.class);
        if (parser.nextToken() != null) { // a second value, or text, after the first: no one JSON value
          throw new ApiException(400, "INVALID_JSON", field + " is not valid JSON: more after the JSON value at "
              + where(parser.currentTokenLocation()), List.of(new ApiException.Field(field, "not valid JSON")));
        }
      } catch (StreamConstraintsException e) {
        // named where the reader stopped, as the Java API names it: the string (payload.lines[2].sku), or the
        // top field a too deep value sits in (payload.lines)
        boolean tooDeep = String.valueOf(e.getOriginalMessage()).contains("depth");
        throw ApiException.badRequest(path(field, parser.getParsingContext(), tooDeep ? 1 : Integer.MAX_VALUE),
            "exceeds the payload limits (depth " + limits.maxDepth() + ", string length " + limits.maxStringLength()
                + ")");
      }
    } catch (IOException e) {
      throw new ApiException(400, "INVALID_JSON", field + " is not valid JSON: " + dev.aether.support.Json.problem(e),
          List.of(new ApiException.Field(field, "not valid JSON")));
    }
    if (!(value instanceof Map<?, ?> map)) {
      throw ApiException.badRequest(field, "must be a JSON object");
    }
    return (Map<String, Object>) map;
  }

  /**
   * The path of the value a parser is in, below {@code root} ({@code payload.lines[2].sku}), cut after
   * {@code depth} steps.
   */
  private static String path(String root, JsonStreamContext context, int depth) {
    Deque<String> steps = new ArrayDeque<>();
    for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
      if (c.inObject() && c.getCurrentName() != null) {
        steps.push("." + c.getCurrentName());
      } else if (c.inArray()) {
        steps.push("[" + Math.max(0, c.getCurrentIndex()) + "]");
      }
    }
    StringBuilder path = new StringBuilder(root);
    for (int i = 0; i < depth && !steps.isEmpty(); i++) {
      path.append(steps.pop());
    }
    return path.toString();
  }

  private static String where(JsonLocation location) {
    return "line " + location.getLineNr() + ", column " + location.getColumnNr();
  }
}
