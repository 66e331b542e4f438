package dev.aether.nats.bus;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import dev.aether.event.Event;
import dev.aether.event.EventDecodingException;
import dev.aether.event.EventJson;
import dev.aether.support.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;

/**
 * The wire form of an event on the NATS bus (DESIGN §5, as upstream's {@code eventMessage}):
 * {@code {"node_id":"<publishing node>","namespace_id":"<namespace>","event":<EventJson>}}. The event is
 * written by {@link EventJson} and read back from its own byte range, so numbers in {@code data} keep their
 * JSON form (integral as {@code Long}, others as {@code Double}). Reading ignores unknown fields and decodes
 * the event only when asked, so a node skips its own echoes cheaply.
 *
 * <p>Immutable by convention (nobody writes to the array) and thread-safe.
 *
 * @param nodeId the publishing node's id
 * @param namespace the namespace the event was published to
 * @param eventJson the event's JSON bytes
 */
record BusMessage(String nodeId, String namespace, byte[] eventJson) {

  /** The shared factory: no limit on names and strings, so an envelope holds any event {@code Event} accepts. */
  private static final JsonFactory FACTORY = Json.factory();
  private static final byte[] NODE_ID = ascii("{\"node_id\":\"");
  private static final byte[] NAMESPACE_ID = ascii("\",\"namespace_id\":\"");
  private static final byte[] EVENT = ascii("\",\"event\":");

  /**
   * Writes an envelope.
   *
   * @return UTF-8 JSON bytes
   */
  static byte[] encode(String nodeId, String namespace, Event event) {
    byte[] json = EventJson.toBytes(event);
    ByteArrayOutputStream out = new ByteArrayOutputStream(json.length + nodeId.length() + namespace.length() + 48);
    out.writeBytes(NODE_ID);
    out.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(nodeId));
    out.writeBytes(NAMESPACE_ID);
    out.writeBytes(JsonStringEncoder.getInstance().quoteAsUTF8(namespace));
    out.writeBytes(EVENT);
    out.writeBytes(json);
    out.write('}');
    return out.toByteArray();
  }

  /**
   * Reads an envelope, without decoding its event.
   *
   * @throws EventDecodingException when the bytes are not an envelope: not one JSON object, or
   *     {@code node_id} or {@code namespace_id} missing, blank or not a string, or {@code event} missing or
   *     not an object
   */
  static BusMessage decode(byte[] json) {
    if (json == null || json.length == 0) {
      throw new EventDecodingException("empty message: no envelope", null);
    }
    try (JsonParser parser = FACTORY.createParser(json)) {
      return read(parser, json);
    } catch (IOException e) {
      throw new EventDecodingException("malformed JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Decodes the event.
   *
   * @return the event
   * @throws EventDecodingException when the bytes are not a valid event
   */
  Event event() {
    return EventJson.fromBytes(eventJson);
  }

  private static BusMessage read(JsonParser parser, byte[] json) throws IOException {
    expect(parser.nextToken() == JsonToken.START_OBJECT, "expected a JSON object");
    String nodeId = null;
    String namespace = null;
    byte[] event = null;
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      JsonToken value = parser.nextToken();
      switch (field) {
        case "node_id" -> nodeId = text(parser, value, field);
        case "namespace_id" -> namespace = text(parser, value, field);
        case "event" -> event = object(parser, value, json);
        default -> parser.skipChildren();
      }
    }
    expect(parser.nextToken() == null, "trailing content after the envelope");
    expect(nodeId != null, "missing \"node_id\"");
    expect(namespace != null, "missing \"namespace_id\"");
    expect(event != null, "missing \"event\"");
    return new BusMessage(nodeId, namespace, event);
  }

  private static String text(JsonParser parser, JsonToken value, String field) throws IOException {
    expect(value == JsonToken.VALUE_STRING, "\"" + field + "\" is not a string");
    String text = parser.getText();
    expect(!text.isBlank(), "\"" + field + "\" is blank");
    return text;
  }

  private static byte[] object(JsonParser parser, JsonToken value, byte[] json) throws IOException {
    expect(value == JsonToken.START_OBJECT, "\"event\" is not a JSON object");
    int start = (int) parser.currentTokenLocation().getByteOffset();
    parser.skipChildren();
    int end = (int) parser.currentLocation().getByteOffset();
    return Arrays.copyOfRange(json, start, end);
  }

  private static void expect(boolean condition, String problem) {
    if (!condition) {
      throw new EventDecodingException("not an event envelope: " + problem, null);
    }
  }

  private static byte[] ascii(String text) {
    return text.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BusMessage e && nodeId.equals(e.nodeId) && namespace.equals(e.namespace)
        && Arrays.equals(eventJson, e.eventJson);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * nodeId.hashCode() + namespace.hashCode()) + Arrays.hashCode(eventJson);
  }

  @Override
  public String toString() {
    return "BusMessage[node " + nodeId + ", namespace " + namespace + ", " + eventJson.length + " event bytes]";
  }
}
