package dev.aether.nats;

import io.nats.client.Message;

/**
 * Reads the stream sequence of a JetStream message from its reply subject ({@code <prefix>.ACK....}), without
 * jnats' {@code metaData()}: that splits the whole subject and builds a {@code ZonedDateTime} for every message,
 * about 6 % of the CPU of a projection's catch-up. A subject of a form not known here falls back to jnats.
 *
 * <p>The forms (token counts): 8 and 9 ({@code ACK.<stream>.<consumer>.<delivered>.<stream seq>...}) and 11 or
 * more ({@code ACK.<domain>.<account hash>.<stream>.<consumer>.<delivered>.<stream seq>...}). Stateless.
 */
final class AckSubjects {

  private AckSubjects() {}

  /**
   * The stream sequence of a message a JetStream consumer delivered.
   *
   * @param message the message
   * @return its stream sequence
   * @throws IllegalArgumentException (from jnats) when the message is not a JetStream message
   */
  static long streamSequence(Message message) {
    long sequence = streamSequence(message.getReplyTo());
    return sequence >= 0 ? sequence : message.metaData().streamSequence();
  }

  /**
   * The stream sequence in a reply subject.
   *
   * @param reply the reply subject, or null
   * @return the sequence, or -1 when the subject is not an acknowledgement subject of a known form
   */
  static long streamSequence(String reply) {
    if (reply == null) {
      return -1;
    }
    int firstDot = reply.indexOf('.');
    if (firstDot < 0 || !reply.startsWith("ACK.", firstDot + 1)) {
      return -1;
    }
    int tokens = 1;
    for (int i = 0; i < reply.length(); i++) {
      if (reply.charAt(i) == '.') {
        tokens++;
      }
    }
    int index = tokens == 8 || tokens == 9 ? 5 : tokens >= 11 ? 7 : -1;
    if (index < 0) {
      return -1;
    }
    int start = 0;
    for (int token = 0; token < index; token++) {
      start = reply.indexOf('.', start) + 1;
    }
    int end = reply.indexOf('.', start);
    return digits(reply, start, end < 0 ? reply.length() : end);
  }

  private static long digits(String text, int from, int to) {
    if (from >= to || to - from > 18) {
      return -1;
    }
    long value = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }
}
