package dev.aether.nats;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.support.Checks;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The reversible, collision-free encoding of a stream id into one NATS subject token (also used as the
 * snapshot KV key).
 *
 * <p>An id made only of {@code [A-Za-z0-9_-]} that does not start with {@value #MARKER} is its own token
 * ("plain", readable in tools). Every other id becomes {@value #MARKER} followed by the unpadded base64url
 * form of its UTF-8 bytes. Plain tokens never start with the marker and encoded ones always do, so the
 * mapping is injective; tokens contain only {@code [A-Za-z0-9_-]}: no {@code .}, {@code *}, {@code >},
 * whitespace or control characters, and they are valid KV keys. The longest token
 * ({@value Event#MAX_STREAM_ID_BYTES} UTF-8 bytes, not plain) has {@value #MAX_TOKEN_LENGTH} characters.
 *
 * <p>An id holding an unpaired UTF-16 surrogate has no UTF-8 form and is refused. Thread-safe (a small racy
 * cache of decoded tokens, see {@link #decode}).
 */
final class ActorTokens {

  /** The first character of an encoded (non-plain) token. */
  static final char MARKER = '_';

  /** The length of the longest token: the marker plus the base64 of {@value Event#MAX_STREAM_ID_BYTES} bytes. */
  static final int MAX_TOKEN_LENGTH = 1 + (Event.MAX_STREAM_ID_BYTES * 4 + 2) / 3;

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

  private ActorTokens() {}

  /**
   * Encodes a stream id.
   *
   * @param streamId a valid stream id
   * @return its token
   * @throws InvalidInputException naming {@code streamId} when it holds an unpaired surrogate
   */
  static String encode(String streamId) {
    if (isPlain(streamId)) {
      return streamId;
    }
    Checks.wellFormedUtf16(streamId, "streamId");
    return MARKER + ENCODER.encodeToString(streamId.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Decodes a token made by {@link #encode(String)}.
   *
   * @param token the token
   * @return the stream id
   * @throws IllegalArgumentException when the string is not a token, or not the one {@link #encode} makes
   */
  static String decode(String token) {
    int slot = token.hashCode() & (DECODED.length - 1);
    Decoded cached = DECODED[slot];
    if (cached != null && cached.token().equals(token)) {
      return cached.streamId();
    }
    String streamId = decodeUncached(token);
    DECODED[slot] = new Decoded(token, streamId);
    return streamId;
  }

  /**
   * Recently decoded tokens, by hash (a power of two): a feed reads an actor's commits one after another, and
   * decoding a token (base64, UTF-8, the canonical check) cost more than reading the commit's header. A racy
   * array of immutable pairs shared by all threads: a miss only costs a decode. Only tokens that decoded are
   * kept, so an invalid one is refused every time. The events of an actor's commits then also share one
   * stream id string.
   */
  private static final Decoded[] DECODED = new Decoded[4096];

  /** A token and the stream id it decodes to. */
  private record Decoded(String token, String streamId) {}

  private static String decodeUncached(String token) {
    if (token.isEmpty() || token.charAt(0) != MARKER) {
      if (!isPlain(token)) {
        throw new IllegalArgumentException("not an actor token: " + token);
      }
      return token;
    }
    String streamId;
    try {
      streamId = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(DECODER.decode(token.substring(1)))).toString();
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException("actor token is not UTF-8: " + token, e);
    }
    if (!encode(streamId).equals(token)) {
      // "_aQ" decodes to "i", whose token is "i": only the canonical token of an id is accepted
      throw new IllegalArgumentException("not the canonical token of its stream id: " + token);
    }
    return streamId;
  }

  /**
   * Tells whether an id is its own token.
   *
   * @param id the id
   * @return whether it is non-empty, made of {@code [A-Za-z0-9_-]} and does not start with the marker
   */
  static boolean isPlain(String id) {
    int length = id.length();
    if (length == 0 || id.charAt(0) == MARKER) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (!isTokenChar(id.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isTokenChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  }
}
