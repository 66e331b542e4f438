package dev.aether.nats;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.aether.event.EventDecodingException;
import dev.aether.support.Json;
import java.io.IOException;
import java.util.Arrays;

/**
 * Cuts a stored snapshot entry into its parts without building a tree, so that the snapshot can be decoded
 * by {@link dev.aether.event.EventJson} as it was written. Stateless and thread-safe.
 */
final class JsonSlices {

  // The one shared factory (aether-core): names and strings as long as the document (Jackson's default refused
  // keys above 50,000 characters, which events may hold: PayloadLimits), nesting as deep as a commit array of
  // events at the depth ceiling, buffers pooled across virtual threads.
  private static final JsonFactory FACTORY = Json.factory();

  private JsonSlices() {}

  /**
   * A snapshot entry: {@code {"sequence":<n>,"snapshot":{...}}}.
   *
   * @param json the entry
   * @return the sequence and the snapshot's bytes
   * @throws EventDecodingException when the bytes are not such an entry
   */
  static SnapshotEntry snapshotEntry(byte[] json) {
    try (JsonParser parser = FACTORY.createParser(json)) {
      expect(parser.nextToken(), JsonToken.START_OBJECT);
      long sequence = 0;
      byte[] snapshot = null;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("sequence".equals(field) && value == JsonToken.VALUE_NUMBER_INT) {
          sequence = parser.getLongValue();
        } else if ("snapshot".equals(field) && value == JsonToken.START_OBJECT) {
          snapshot = slice(parser, json);
        } else {
          parser.skipChildren();
        }
      }
      if (snapshot == null) {
        throw new EventDecodingException("snapshot entry without a \"snapshot\" object", null);
      }
      return new SnapshotEntry(sequence, snapshot);
    } catch (IOException e) {
      throw new EventDecodingException("malformed snapshot entry: " + e.getMessage(), e);
    }
  }

  /** Slices the object whose START_OBJECT the parser is on, leaving the parser on its END_OBJECT. */
  private static byte[] slice(JsonParser parser, byte[] json) throws IOException {
    int start = (int) parser.currentTokenLocation().getByteOffset();
    parser.skipChildren();
    int end = (int) parser.currentLocation().getByteOffset();
    return Arrays.copyOfRange(json, start, end);
  }

  private static void expect(JsonToken actual, JsonToken expected) {
    if (actual != expected) {
      throw new EventDecodingException("expected " + (expected == null ? "end of input" : expected)
          + ", found " + (actual == null ? "end of input" : actual), null);
    }
  }

  /**
   * A decoded snapshot entry.
   *
   * @param sequence the stream sequence of the last commit the snapshot covers; 0 when unknown
   * @param snapshot the snapshot's JSON bytes
   */
  record SnapshotEntry(long sequence, byte[] snapshot) {}
}
