package dev.aether.cluster;

import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The headers of a routed command and of its answer (the body is {@link dev.aether.runtime.CommandJson}'s
 * message, and result). A request to {@code <prefix>.<ns>.node.<id>.cmd} carries {@value #SHARD},
 * {@value #EPOCH} (the sender's map), {@value #COMMAND_ID} and {@value #DEADLINE} (epoch milliseconds); the
 * answer is a result, or has {@value #STATUS} {@value #MOVED} with {@value #OWNER} (absent when no node owns
 * the shard) and {@value #EPOCH} of the owner's map, or {@value #BAD_REQUEST} with {@value #ERROR_FIELD} and
 * the error text as body (a malformed message, or a {@value #SHARD} absent or out of the map's range). Stateless.
 */
final class Wire {

  static final String SHARD = "Aether-Shard";
  static final String EPOCH = "Aether-Map-Epoch";
  static final String COMMAND_ID = "Aether-Command-Id";
  static final String DEADLINE = "Aether-Deadline";
  static final String STATUS = "Aether-Status";
  static final String OWNER = "Aether-Owner";
  static final String ERROR_FIELD = "Aether-Error-Field";
  static final String MOVED = "MOVED";
  static final String BAD_REQUEST = "BAD_REQUEST";
  /**
   * A state read failed for a reason retrying cannot fix (an actor whose history cannot be decoded or applied):
   * {@value #REASON} names the rejection reason its commands get, the body says why.
   */
  static final String FAILED = "FAILED";
  /** A state read could not be done now (the store unavailable, the node stopping): the body says why. */
  static final String UNAVAILABLE = "UNAVAILABLE";
  /** The {@link dev.aether.runtime.RejectionReason} of a {@value #FAILED} answer. */
  static final String REASON = "Aether-Reason";

  private Wire() {}

  /**
   * A header value for text of any characters (a command id, a field path): as it is when it is printable
   * ASCII, else percent-encoded as UTF-8 (NATS headers hold printable ASCII only: the client refuses the rest,
   * and the whole request with it).
   */
  static String text(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 || c >= 0x7f || c == '%') {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
      }
    }
    return value;
  }

  /** Reads a value {@link #text} wrote. */
  static String untext(String value) {
    return value == null || value.indexOf('%') < 0 ? value
        : URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  static String header(Message message, String name) {
    Headers headers = message.getHeaders();
    return headers == null ? null : headers.getFirst(name);
  }

  /** A header's long value; {@code fallback} when absent or not a number. */
  static long longHeader(Message message, String name, long fallback) {
    String value = header(message, name);
    if (value == null) {
      return fallback;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
