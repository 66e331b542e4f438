package dev.aether.nats;

import dev.aether.AetherException;
import dev.aether.NonTransientAetherException;
import dev.aether.event.Event;
import dev.aether.event.EventDecodingException;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.util.List;

/**
 * What a feed consumer hands from a partition's consumer thread to the polling thread: a decoded commit, an
 * undecodable record, a failure of the consumer, or the end (the reader was closed).
 */
sealed interface FeedItem {

  /**
   * One decoded commit.
   *
   * @param partition its partition
   * @param sequence its stream sequence
   * @param events its events, in version order
   * @param message the JetStream message (acknowledged by shared feeds)
   */
  record Commit(int partition, long sequence, List<Event> events, Message message) implements FeedItem {}

  /**
   * A stored record that cannot be decoded.
   *
   * @param partition its partition
   * @param sequence its stream sequence
   * @param data its bytes
   * @param cause why it cannot be decoded
   */
  record Unreadable(int partition, long sequence, byte[] data, NonTransientAetherException cause) implements FeedItem {}

  /**
   * The partition's consumer failed and cannot go on.
   *
   * @param error what failed
   */
  record Failed(AetherException error) implements FeedItem {}

  /** The reader was closed: wakes a waiting poll. */
  record Closed() implements FeedItem {}

  /**
   * Decodes one message of a partition stream into a commit, or an undecodable record: a subject that is not
   * an actor's, a missing or invalid version header, a payload that is not the events the header announces.
   *
   * @param layout the store's layout
   * @param partition the partition whose stream the message is in
   * @param message the message
   * @return the item
   */
  static FeedItem decode(StoreLayout layout, int partition, Message message) {
    long sequence = AckSubjects.streamSequence(message);
    byte[] data = message.getData() == null ? new byte[0] : message.getData();
    try {
      String stem = layout.streamSubject(partition);
      String subject = message.getSubject();
      String prefix = stem.substring(0, stem.length() - 1);
      if (!subject.startsWith(prefix) || subject.indexOf('.', prefix.length()) >= 0) {
        throw new EventDecodingException("subject " + subject + " is not an actor subject of " + stem, null);
      }
      String streamId = decodeToken(subject.substring(prefix.length()));
      Headers headers = message.getHeaders();
      return new Commit(partition, sequence, CommitCodec.decode(streamId, headers, data), message);
    } catch (NonTransientAetherException e) {
      return new Unreadable(partition, sequence, data, e);
    } catch (RuntimeException e) {
      return new Unreadable(partition, sequence, data, new EventDecodingException(e.toString(), e));
    }
  }

  private static String decodeToken(String token) {
    try {
      return ActorTokens.decode(token);
    } catch (IllegalArgumentException e) {
      throw new EventDecodingException("the subject's last token is not an actor token: " + e.getMessage(), e);
    }
  }
}
