package dev.aether.nats;

import dev.aether.event.Event;
import dev.aether.event.EventDecodingException;
import dev.aether.event.EventJson;
import io.nats.client.impl.Headers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.OptionalLong;

/**
 * The message format of a commit, written and read here only.
 *
 * <ul>
 *   <li>payload: the event's JSON ({@link EventJson}) for one event, a JSON array of them for more;
 *   <li>{@value #FIRST_VERSION} and {@value #LAST_VERSION}: the commit's version range, so that an actor's
 *       current version is read from the last message's headers alone;
 *   <li>{@value #MSG_ID}: {@code <lastVersion>-<hash>}, where the hash (SHA-256, 128 bits, base64url) covers
 *       the actor id and every event's id and version: a retried commit has the same id and is dropped by
 *       the server's de-duplication; commits of different actors never share one;
 *   <li>{@value #EXPECTED_LAST_SUBJECT_SEQUENCE}: the optimistic-concurrency fence checked by the server.
 * </ul>
 * Stateless and thread-safe.
 */
final class CommitCodec {

  static final String FIRST_VERSION = "Aether-First-Version";
  static final String LAST_VERSION = "Aether-Last-Version";
  static final String MSG_ID = "Nats-Msg-Id";
  static final String EXPECTED_LAST_SUBJECT_SEQUENCE = "Nats-Expected-Last-Subject-Sequence";

  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
  private static final int HASH_BYTES = 16;

  private CommitCodec() {}

  /**
   * Encodes a checked batch.
   *
   * @param actorId the actor
   * @param events one or more events of the actor in increasing version order
   * @return the commit
   */
  static Commit encode(String actorId, List<Event> events) {
    return new Commit(actorId, events, messageId(actorId, events), payload(events));
  }

  /** The headers of one publish attempt of a commit. */
  static Headers headers(Commit commit, long expectedLastSubjectSequence) {
    Headers headers = new Headers();
    headers.put(MSG_ID, commit.messageId());
    headers.put(EXPECTED_LAST_SUBJECT_SEQUENCE, Long.toString(expectedLastSubjectSequence));
    headers.put(FIRST_VERSION, Long.toString(commit.firstVersion()));
    headers.put(LAST_VERSION, Long.toString(commit.lastVersion()));
    return headers;
  }

  /** Reads a positive version header; empty when it is missing or not a positive number. */
  static OptionalLong version(Headers headers, String name) {
    String value = headers == null ? null : headers.getFirst(name);
    if (value == null) {
      return OptionalLong.empty();
    }
    try {
      long version = Long.parseLong(value.trim());
      return version > 0 ? OptionalLong.of(version) : OptionalLong.empty();
    } catch (NumberFormatException e) {
      return OptionalLong.empty();
    }
  }

  /** The message id a stored message carries, or {@code null}. */
  static String messageId(Headers headers) {
    return headers == null ? null : headers.getFirst(MSG_ID);
  }

  /**
   * Decodes a stored commit and checks it against its headers.
   *
   * @param actorId the actor whose subject the message was on
   * @param headers the message headers
   * @param data the payload
   * @return the events, in version order
   * @throws EventDecodingException saying what is wrong
   */
  static List<Event> decode(String actorId, Headers headers, byte[] data) {
    long first = required(headers, FIRST_VERSION);
    long last = required(headers, LAST_VERSION);
    List<Event> events = parse(data);
    long previous = 0;
    for (Event event : events) {
      if (!event.actorId().equals(actorId)) {
        throw new EventDecodingException("event " + event.id() + " belongs to actor \"" + event.actorId()
            + "\", not to the subject's actor \"" + actorId + "\"", null);
      }
      if (event.version() <= previous) {
        throw new EventDecodingException("versions do not increase within the commit: " + event.version()
            + " after " + previous, null);
      }
      previous = event.version();
    }
    if (events.getFirst().version() != first || events.getLast().version() != last) {
      throw new EventDecodingException("the events' versions " + events.getFirst().version() + ".."
          + events.getLast().version() + " differ from the headers' range " + first + ".." + last, null);
    }
    return events;
  }

  private static List<Event> parse(byte[] data) {
    int start = firstNonBlank(data);
    if (start < 0 || data[start] != '[') {
      return List.of(EventJson.fromBytes(data));
    }
    List<byte[]> objects = JsonSlices.arrayObjects(data);
    if (objects.isEmpty()) {
      throw new EventDecodingException("empty commit: the array holds no event", null);
    }
    List<Event> events = new ArrayList<>(objects.size());
    for (byte[] object : objects) {
      events.add(EventJson.fromBytes(object));
    }
    return events;
  }

  private static long required(Headers headers, String name) {
    return version(headers, name).orElseThrow(() -> new EventDecodingException(
        "missing or invalid header " + name + ": not a commit written by an Aether store", null));
  }

  private static int firstNonBlank(byte[] data) {
    for (int i = 0; i < data.length; i++) {
      byte b = data[i];
      if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
        return i;
      }
    }
    return -1;
  }

  private static byte[] payload(List<Event> events) {
    if (events.size() == 1) {
      return EventJson.toBytes(events.getFirst());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(events.size() * 256);
    out.write('[');
    for (int i = 0; i < events.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      out.writeBytes(EventJson.toBytes(events.get(i)));
    }
    out.write(']');
    return out.toByteArray();
  }

  private static String messageId(String actorId, List<Event> events) {
    MessageDigest digest = sha256();
    digest.update(actorId.getBytes(StandardCharsets.UTF_8));
    for (Event event : events) {
      digest.update((byte) 0);
      digest.update(event.id().getBytes(StandardCharsets.UTF_8));
      digest.update((byte) 0);
      digest.update(Long.toString(event.version()).getBytes(StandardCharsets.US_ASCII));
    }
    byte[] hash = digest.digest();
    byte[] prefix = new byte[HASH_BYTES];
    System.arraycopy(hash, 0, prefix, 0, HASH_BYTES);
    return events.getLast().version() + "-" + BASE64.encodeToString(prefix);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
