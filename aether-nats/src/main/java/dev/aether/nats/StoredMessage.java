package dev.aether.nats;

import io.nats.client.impl.Headers;

/**
 * One message read from an actor's subject.
 *
 * @param sequence its stream sequence
 * @param headers its headers (may be {@code null} for a message published without headers)
 * @param data its payload (never {@code null})
 */
record StoredMessage(long sequence, Headers headers, byte[] data) {

  /** @return the {@code Nats-Msg-Id} it carries, or {@code null} */
  String messageId() {
    return CommitCodec.messageId(headers);
  }
}
