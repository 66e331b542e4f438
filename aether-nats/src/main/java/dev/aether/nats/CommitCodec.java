package dev.aether.nats;

import dev.aether.event.Event;
import dev.aether.event.EventDecodingException;
import dev.aether.event.EventJson;
import io.nats.client.impl.Headers;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/**
 * The message format of a commit, written and read here only.
 *
 * <ul>
 *   <li>payload: the event's JSON ({@link EventJson}) for one event, a JSON array of them for more;
 *   <li>{@value #VERSIONS}: the commit's version range, {@code <first>-<last>}, or {@code <version>} for a
 *       commit of one event (one header, read with one lookup in a replay), so that an actor's
 *       current version is read from the last message's headers alone;
 *       (Builds before it wrote {@value #FIRST_VERSION} and {@value #LAST_VERSION}; those are still read.)
 *   <li>{@value #MSG_ID}: {@code <lastVersion>-<hash>}, where the hash (SHA-256, 128 bits, base64url) covers
 *       the stream id and every event's id and version: a retried commit has the same id and is dropped by
 *       the server's de-duplication; commits of different actors never share one;
 *   <li>{@value #EXPECTED_LAST_SUBJECT_SEQUENCE}: the optimistic-concurrency fence checked by the server.
 * </ul>
 * A <b>fence</b> ({@link JetStreamEventStore#fence}) is a message on the actor's subject without payload or
 * {@value #VERSIONS}, with {@value #FENCE} = the actor's version and {@value #EXPECTED_LAST_SUBJECT_SEQUENCE};
 * it reads as a commit of no events ({@link Versions#isFence()}).
 * Stateless and thread-safe.
 */
final class CommitCodec {

  static final String VERSIONS = "Aether-Versions";
  /** The header of a fence: the actor's version it was written at (a fence has no events). */
  static final String FENCE = "Aether-Fence";
  /** The first version of a commit, as builds before {@value #VERSIONS} wrote it (read, never written). */
  static final String FIRST_VERSION = "Aether-First-Version";
  /** The last version of a commit, as builds before {@value #VERSIONS} wrote it (read, never written). */
  static final String LAST_VERSION = "Aether-Last-Version";
  static final String MSG_ID = "Nats-Msg-Id";
  static final String EXPECTED_LAST_SUBJECT_SEQUENCE = "Nats-Expected-Last-Subject-Sequence";

  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();
  private static final int HASH_BYTES = 16;
  /** The framing of a commit beyond its events' sizes: the {@code [} of the array. */
  static final int FRAMING_BYTES = 1;
  /**
   * The most bytes a commit's headers take: those of a commit with the longest possible values (versions and
   * sequence of 19 digits). A message holds at most this plus {@link #FRAMING_BYTES} plus its events' sizes.
   */
  static final int MAX_HEADER_BYTES = maxHeaderBytes();
  /** Never updated: only cloned. */
  private static final MessageDigest SHA256 = newSha256();

  private CommitCodec() {}

  /**
   * Encodes a checked batch.
   *
   * @param streamId the stream (one actor's history)
   * @param events one or more events of the actor in increasing version order
   * @return the commit
   */
  static Commit encode(String streamId, List<Event> events) {
    long[] sizes = new long[events.size()];
    byte[] payload = payload(events, sizes);
    return new Commit(streamId, events, messageId(streamId, events), payload, sizes);
  }

  /**
   * The most commit bytes ({@link Commit#size()}) a message of at most {@code maxMessageBytes} bytes (headers
   * included) can hold: a commit fits iff its size is at most this.
   *
   * @param maxMessageBytes the message size limit
   * @return the limit for the events of one commit (0 or less when nothing fits)
   */
  static long commitLimit(long maxMessageBytes) {
    return maxMessageBytes - MAX_HEADER_BYTES - FRAMING_BYTES;
  }

  private static int maxHeaderBytes() {
    Headers headers = new Headers();
    String version = Long.toString(Long.MAX_VALUE);
    headers.put(MSG_ID, version + "-" + "x".repeat(BASE64.encodeToString(new byte[HASH_BYTES]).length()));
    headers.put(EXPECTED_LAST_SUBJECT_SEQUENCE, version);
    headers.put(VERSIONS, version + "-" + version);
    return headers.serializedLength();
  }

  /** The headers of one publish attempt of a commit. */
  static Headers headers(Commit commit, long expectedLastSubjectSequence) {
    Headers headers = new Headers();
    headers.put(MSG_ID, commit.messageId());
    headers.put(EXPECTED_LAST_SUBJECT_SEQUENCE, Long.toString(expectedLastSubjectSequence));
    long first = commit.firstVersion();
    long last = commit.lastVersion();
    headers.put(VERSIONS, first == last ? Long.toString(last) : first + "-" + last);
    return headers;
  }

  /**
   * Reads the {@value #VERSIONS} header.
   *
   * @param headers a message's headers, or {@code null}
   * @return the range; {@code null} when the header is missing or is not one positive version or two in
   *     increasing order
   */
  static Versions versions(Headers headers) {
    String value = headers == null ? null : headers.getFirst(VERSIONS);
    if (value == null) {
      long fenced = fenceVersion(headers);
      return fenced >= 0 ? new Versions(fenced + 1, fenced) // no events after the version
          : headers == null ? null : earlierVersions(headers);
    }
    int dash = value.indexOf('-');
    long first = positive(dash < 0 ? value : value.substring(0, dash));
    long last = dash < 0 ? first : positive(value.substring(dash + 1));
    return first > 0 && last >= first ? new Versions(first, last) : null;
  }

  /**
   * The range as builds before {@value #VERSIONS} wrote it (November 2026): {@value #FIRST_VERSION} and
   * {@value #LAST_VERSION}, so that their commits still read.
   */
  private static Versions earlierVersions(Headers headers) {
    String first = headers.getFirst(FIRST_VERSION);
    String last = headers.getFirst(LAST_VERSION);
    if (first == null || last == null) {
      return null;
    }
    long from = positive(first);
    long to = positive(last);
    return from > 0 && to >= from ? new Versions(from, to) : null;
  }

  /**
   * The non-negative number in a header value: ASCII digits, optionally after a {@code +} and between
   * blanks. For positive numbers the same as {@code Long.parseLong(value.trim())}, without its cost, which
   * showed in replay profiles; -1 for anything else or beyond {@code Long.MAX_VALUE}.
   */
  static long positive(String value) {
    int from = 0;
    int to = value.length();
    while (from < to && value.charAt(from) <= ' ') {
      from++;
    }
    while (to > from && value.charAt(to - 1) <= ' ') {
      to--;
    }
    if (from < to && value.charAt(from) == '+') {
      from++;
    }
    if (from == to || to - from > 19) {
      return -1;
    }
    long number = 0;
    for (int i = from; i < to; i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      number = number * 10 + (c - '0');
    }
    return number < 0 ? -1 : number;
  }

  /**
   * The headers of a fence (see {@link JetStreamEventStore#fence}): {@value #FENCE} = the actor's version, and
   * the expected last subject sequence that makes the server refuse it once anything else was stored since.
   */
  static Headers fenceHeaders(long version, long expectedLastSubjectSequence) {
    Headers headers = new Headers();
    headers.put(FENCE, Long.toString(version));
    headers.put(EXPECTED_LAST_SUBJECT_SEQUENCE, Long.toString(expectedLastSubjectSequence));
    return headers;
  }

  /** @return whether a stored message is a fence */
  static boolean isFence(StoredMessage message) {
    Versions versions = versions(message.headers());
    return versions != null && versions.isFence();
  }

  /** The version a fence was written at; -1 when the headers are not a fence's. */
  private static long fenceVersion(Headers headers) {
    String value = headers == null ? null : headers.getFirst(FENCE);
    return value == null ? -1 : positive(value);
  }

  /**
   * The {@value #EXPECTED_LAST_SUBJECT_SEQUENCE} a stored commit was published with: the stream sequence of the
   * actor's previous commit, 0 for its first.
   *
   * @param headers the message headers, or {@code null}
   * @return the sequence; -1 when the header is absent or not a number
   */
  static long expectedLastSubjectSequence(Headers headers) {
    String value = headers == null ? null : headers.getFirst(EXPECTED_LAST_SUBJECT_SEQUENCE);
    return value == null ? -1 : positive(value);
  }

  /** The message id a stored message carries, or {@code null}. */
  static String messageId(Headers headers) {
    return headers == null ? null : headers.getFirst(MSG_ID);
  }

  /**
   * Decodes a stored commit and checks it against its headers.
   *
   * @param streamId the stream (one actor's history) whose subject the message was on
   * @param headers the message headers
   * @param data the payload
   * @return the events, in version order
   * @throws EventDecodingException saying what is wrong
   */
  static List<Event> decode(String streamId, Headers headers, byte[] data) {
    return decode(streamId, versions(headers), data);
  }

  /**
   * Decodes a stored commit whose version header was already read, and checks it against it.
   *
   * @param streamId the stream (one actor's history) whose subject the message was on
   * @param versions the {@value #VERSIONS} header, as {@link #versions} read it ({@code null} when missing)
   * @param data the payload
   * @return the events, in version order
   * @throws EventDecodingException saying what is wrong
   */
  static List<Event> decode(String streamId, Versions versions, byte[] data) {
    if (versions == null) {
      throw new EventDecodingException("missing or invalid header " + VERSIONS
          + ": not a commit written by an Aether store", null);
    }
    if (versions.isFence()) {
      return List.of();
    }
    List<Event> events = parse(streamId, data);
    long previous = 0;
    for (Event event : events) {
      if (!event.streamId().equals(streamId)) {
        throw new EventDecodingException("event " + event.id() + " belongs to actor \"" + event.streamId()
            + "\", not to the subject's actor \"" + streamId + "\"", null);
      }
      if (event.version() <= previous) {
        throw new EventDecodingException("versions do not increase within the commit: " + event.version()
            + " after " + previous, null);
      }
      previous = event.version();
    }
    if (events.getFirst().version() != versions.first() || events.getLast().version() != versions.last()) {
      throw new EventDecodingException("the events' versions " + events.getFirst().version() + ".."
          + events.getLast().version() + " differ from the header's range " + versions.first() + ".."
          + versions.last(), null);
    }
    return events;
  }

  private static List<Event> parse(String streamId, byte[] data) {
    int start = firstNonBlank(data);
    if (start < 0 || data[start] != '[') {
      return List.of(EventJson.fromBytes(data, streamId));
    }
    List<Event> events = EventJson.arrayFromBytes(data, streamId);
    if (events.isEmpty()) {
      throw new EventDecodingException("empty commit: the array holds no event", null);
    }
    return events;
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

  /** Encodes the payload, recording each event's commit bytes in {@code sizes} (its JSON plus one). */
  private static byte[] payload(List<Event> events, long[] sizes) {
    if (events.size() == 1) {
      byte[] json = EventJson.toBytes(events.getFirst());
      sizes[0] = json.length + 1L;
      return json;
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(events.size() * 256);
    out.write('[');
    for (int i = 0; i < events.size(); i++) {
      if (i > 0) {
        out.write(',');
      }
      byte[] json = EventJson.toBytes(events.get(i));
      sizes[i] = json.length + 1L;
      out.writeBytes(json);
    }
    out.write(']');
    return out.toByteArray();
  }

  private static String messageId(String streamId, List<Event> events) {
    // The hashed bytes: the stream id, then per event a zero byte, its id, a zero byte and its version in
    // decimal digits, all UTF-8; built as one string so that the digest is updated once.
    StringBuilder input = new StringBuilder(streamId.length() + events.size() * 48).append(streamId);
    for (Event event : events) {
      input.append('\0').append(event.id()).append('\0').append(event.version());
    }
    MessageDigest digest = sha256();
    byte[] hash = digest.digest(input.toString().getBytes(StandardCharsets.UTF_8));
    byte[] prefix = new byte[HASH_BYTES];
    System.arraycopy(hash, 0, prefix, 0, HASH_BYTES);
    return events.getLast().version() + "-" + BASE64.encodeToString(prefix);
  }

  /**
   * A fresh SHA-256 digest: a clone of a prototype, because {@code MessageDigest.getInstance} looks the
   * algorithm up in the security providers on every call, which cost more than hashing a commit.
   */
  private static MessageDigest sha256() {
    try {
      return (MessageDigest) SHA256.clone();
    } catch (CloneNotSupportedException e) {
      return newSha256();
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * A commit's version range, from its {@value #VERSIONS} header; for a fence, the empty range after the
   * version it was written at ({@code first = last + 1}), so that readers that follow versions (the walk back,
   * the bisection, positions) pass over it as over a commit without events.
   *
   * @param first the first event's version, positive
   * @param last the last event's version, at least {@code first}; {@code first - 1} for a fence
   */
  record Versions(long first, long last) {

    /** @return whether this is a fence's empty range */
    boolean isFence() {
      return first > last;
    }
  }
}
