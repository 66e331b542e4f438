package dev.aether.runtime;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.event.EventDecodingException;
import dev.aether.event.EventJson;
import dev.aether.event.PayloadLimitException;
import dev.aether.event.PayloadLimits;
import dev.aether.support.Checks;
import dev.aether.support.Json;
import dev.aether.support.Timestamps;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Reads {@link CommandJson}'s form with Jackson's streaming parser over the whole byte array. Each reader
 * reads one document: first the fields (syntax, types, presence), then, once the document is known to end
 * after its object, the value is built, so that its own checks (payload limits, versions, blank strings)
 * run last. A message's payload is read recursively but never deeper than the payload depth limit plus one.
 * Events are cut out of the array by their byte offsets and decoded by {@link EventJson}. Errors name the
 * path of the value being read, spelled from the parser's context. Not thread-safe; used by one call.
 */
final class CommandJsonReader {

  private static final String DOCUMENT = "json";
  private static final String MISSING = "required field is missing";

  private final byte[] json;
  private final JsonParser parser;

  private CommandJsonReader(byte[] json, JsonParser parser) {
    this.json = json;
    this.parser = parser;
  }

  /** The fields of one document's object, read up to its end; the supplier builds the value. */
  @FunctionalInterface
  private interface Fields<T> {
    Supplier<T> read(CommandJsonReader reader) throws IOException;
  }

  static RuntimeMessage message(byte[] json) {
    return read(json, CommandJsonReader::messageFields);
  }

  static CommandResult result(byte[] json) {
    return read(json, CommandJsonReader::resultFields);
  }

  /** A parser of the shared factory that refuses a field given twice (a message must mean one thing). */
  private static JsonParser strictParser(byte[] json) throws IOException {
    JsonParser parser = Json.factory().createParser(json);
    parser.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
    return parser;
  }

  private static <T> T read(byte[] json, Fields<T> fields) {
    if (json == null || json.length == 0) {
      throw new InvalidInputException(DOCUMENT, "empty: expected a JSON object");
    }
    CommandJsonReader reader;
    try {
      reader = new CommandJsonReader(json, strictParser(json));
    } catch (IOException e) {
      throw new InvalidInputException(DOCUMENT, "cannot be read: " + e.getMessage(), e);
    }
    try (JsonParser parser = reader.parser) {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        throw new InvalidInputException(DOCUMENT, "expected a JSON object, found " + describe(first));
      }
      Supplier<T> value = fields.read(reader);
      JsonToken trailing = parser.nextToken();
      if (trailing != null) {
        throw new InvalidInputException(DOCUMENT, "trailing content after the object: " + describe(trailing));
      }
      return value.get();
    } catch (IOException e) { // malformed JSON, a duplicate field, nesting beyond the ceiling
      throw new InvalidInputException(reader.path(), "malformed JSON: " + Json.problem(e), e);
    }
  }

  private Supplier<RuntimeMessage> messageFields() throws IOException {
    String aggregateType = null;
    String actorId = null;
    String command = null;
    String commandId = null;
    Map<String, Object> payload = Map.of();
    Map<String, String> metadata = Map.of();
    Instant deadline = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken token = parser.nextToken();
      switch (name) {
        case "aggregateType" -> aggregateType = string(token);
        case "actorId" -> actorId = string(token);
        case "command" -> command = string(token);
        case "commandId" -> commandId = string(token);
        case "payload" -> payload = token == JsonToken.VALUE_NULL ? Map.of() : payload(token);
        case "metadata" -> metadata = token == JsonToken.VALUE_NULL ? Map.of() : metadata(token);
        case "deadline" -> deadline = token == JsonToken.VALUE_NULL ? null : instant(string(token));
        default -> parser.skipChildren();
      }
    }
    String type = required(aggregateType, "aggregateType");
    String id = required(actorId, "actorId");
    String name = required(command, "command");
    String cid = required(commandId, "commandId");
    Map<String, Object> fields = payload;
    Map<String, String> entries = metadata;
    Instant until = deadline;
    return () -> {
      RuntimeMessage.Builder builder = RuntimeMessage.builder(type, id, name).commandId(cid).payload(fields);
      entries.forEach(builder::metadata);
      return until == null ? builder.build() : builder.deadline(until).build();
    };
  }

  private Supplier<CommandResult> resultFields() throws IOException {
    String type = null;
    String commandId = null;
    Long newVersion = null;
    boolean duplicate = false;
    List<Event> events = List.of();
    String reason = null;
    String message = null;
    List<FieldError> fieldErrors = List.of();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String name = parser.currentName();
      JsonToken token = parser.nextToken();
      switch (name) {
        case "type" -> type = string(token);
        case "commandId" -> commandId = string(token);
        case "newVersion" -> newVersion = integer(token);
        case "duplicate" -> duplicate = token != JsonToken.VALUE_NULL && bool(token);
        case "events" -> events = token == JsonToken.VALUE_NULL ? List.of() : events(token);
        case "reason" -> reason = string(token);
        case "message" -> message = string(token);
        case "fieldErrors" -> fieldErrors = token == JsonToken.VALUE_NULL ? List.of() : fieldErrors(token);
        default -> parser.skipChildren();
      }
    }
    String id = required(commandId, "commandId");
    return switch (required(type, "type")) {
      case "accepted" -> {
        long version = required(newVersion, "newVersion");
        List<Event> stored = events;
        boolean again = duplicate;
        yield () -> new CommandResult.Accepted(id, version, stored, again);
      }
      case "rejected" -> {
        RejectionReason why = reason(required(reason, "reason"));
        String text = required(message, "message");
        List<FieldError> errors = fieldErrors;
        yield () -> new CommandResult.Rejected(id, why, text, errors);
      }
      default -> throw new InvalidInputException("type", "must be \"accepted\" or \"rejected\", was \"" + type
          + "\"");
    };
  }

  private static RejectionReason reason(String name) {
    for (RejectionReason reason : RejectionReason.values()) {
      if (reason.name().equals(name)) {
        return reason;
      }
    }
    throw new InvalidInputException("reason", "unknown reason \"" + name + "\"; known: "
        + Arrays.toString(RejectionReason.values()));
  }

  /** Reads the payload object, refusing a container nested deeper than the process's payload depth limit. */
  private Map<String, Object> payload(JsonToken token) throws IOException {
    expect(token, JsonToken.START_OBJECT, "an object");
    return object(1, PayloadLimits.current().maxDepth());
  }

  private Map<String, Object> object(int depth, int maxDepth) throws IOException {
    Map<String, Object> map = new LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      map.put(key, value(parser.nextToken(), depth, maxDepth));
    }
    return map;
  }

  private Object value(JsonToken token, int parentDepth, int maxDepth) throws IOException {
    if ((token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) && parentDepth == maxDepth) {
      // the words of the message's own check (JsonValues.Copier), which never sees a deeper value from here
      throw new PayloadLimitException(path(), "nested deeper than " + maxDepth + " levels (limit "
          + PayloadLimits.MAX_DEPTH_KEY + ")", PayloadLimits.MAX_DEPTH_KEY);
    }
    return switch (token) {
      case START_OBJECT -> object(parentDepth + 1, maxDepth);
      case START_ARRAY -> {
        List<Object> list = new ArrayList<>();
        JsonToken next;
        while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
          list.add(value(next, parentDepth + 1, maxDepth));
        }
        yield list;
      }
      case VALUE_STRING -> parser.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getNumberValue();
      case VALUE_TRUE -> Boolean.TRUE;
      case VALUE_FALSE -> Boolean.FALSE;
      case VALUE_NULL -> null;
      default -> throw new InvalidInputException(path(), "unexpected " + describe(token));
    };
  }

  private Map<String, String> metadata(JsonToken token) throws IOException {
    expect(token, JsonToken.START_OBJECT, "an object of strings");
    Map<String, String> map = new LinkedHashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      map.put(key, string(parser.nextToken()));
    }
    return map;
  }

  /** Each event's bytes, cut out by the parser's byte offsets, decoded by the event codec. */
  private List<Event> events(JsonToken token) throws IOException {
    expect(token, JsonToken.START_ARRAY, "an array of events");
    List<Event> events = new ArrayList<>();
    JsonToken next;
    while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
      expect(next, JsonToken.START_OBJECT, "an event object");
      String path = path();
      int from = (int) parser.currentTokenLocation().getByteOffset();
      parser.skipChildren();
      int to = (int) parser.currentLocation().getByteOffset();
      try {
        events.add(EventJson.fromBytes(Arrays.copyOfRange(json, from, to)));
      } catch (EventDecodingException e) {
        throw new InvalidInputException(path, e.getMessage(), e);
      }
    }
    return events;
  }

  private List<FieldError> fieldErrors(JsonToken token) throws IOException {
    expect(token, JsonToken.START_ARRAY, "an array of field errors");
    List<FieldError> errors = new ArrayList<>();
    JsonToken next;
    while ((next = parser.nextToken()) != JsonToken.END_ARRAY) {
      expect(next, JsonToken.START_OBJECT, "an object with path and problem");
      String at = path();
      String path = null;
      String problem = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        switch (name) {
          case "path" -> path = string(value);
          case "problem" -> problem = string(value);
          default -> parser.skipChildren();
        }
      }
      errors.add(new FieldError(Checks.notBlank(required(path, at + ".path"), at + ".path"),
          Checks.notBlank(required(problem, at + ".problem"), at + ".problem")));
    }
    return errors;
  }

  private String string(JsonToken token) throws IOException {
    expect(token, JsonToken.VALUE_STRING, "a string");
    return parser.getText();
  }

  private long integer(JsonToken token) throws IOException {
    expect(token, JsonToken.VALUE_NUMBER_INT, "an integer");
    if (parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw new InvalidInputException(path(), "out of range: " + parser.getText());
    }
    return parser.getLongValue();
  }

  private boolean bool(JsonToken token) {
    if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
      throw wrongType(token, "a boolean");
    }
    return token == JsonToken.VALUE_TRUE;
  }

  private Instant instant(String text) {
    try {
      return Timestamps.parse(text);
    } catch (DateTimeParseException e) {
      throw new InvalidInputException(path(), "not an ISO-8601 instant: \"" + text + "\"", e);
    }
  }

  private void expect(JsonToken token, JsonToken expected, String what) {
    if (token != expected) {
      throw wrongType(token, what);
    }
  }

  private InvalidInputException wrongType(JsonToken token, String what) {
    return new InvalidInputException(path(), "expected " + what + ", found " + describe(token));
  }

  private static <T> T required(T value, String field) {
    if (value == null) {
      throw new InvalidInputException(field, MISSING);
    }
    return value;
  }

  /**
   * The path of the value the parser is at, from the document's fields down: {@code payload.lines[2].sku};
   * a container just opened is named by its own path. {@code json} for the document itself.
   */
  private String path() {
    Deque<JsonStreamContext> chain = new ArrayDeque<>();
    for (JsonStreamContext c = parser.getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
      chain.push(c);
    }
    StringBuilder path = new StringBuilder();
    for (JsonStreamContext c : chain) {
      if (c.inObject() && c.getCurrentName() != null) {
        path.append(path.isEmpty() ? "" : ".").append(c.getCurrentName());
      } else if (c.inArray() && c.hasCurrentIndex()) {
        path.append('[').append(c.getCurrentIndex()).append(']');
      } else {
        break;
      }
    }
    return path.isEmpty() ? DOCUMENT : path.toString();
  }

  private static String describe(JsonToken token) {
    return switch (token) {
      case null -> "nothing";
      case START_OBJECT -> "an object";
      case START_ARRAY -> "an array";
      case VALUE_STRING -> "a string";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
      case VALUE_TRUE, VALUE_FALSE -> "a boolean";
      case VALUE_NULL -> "null";
      default -> token.asString() == null ? token.name() : "'" + token.asString() + "'";
    };
  }
}
