package dev.aether.nats;

import dev.aether.nats.StoreLayout.ActorAddress;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import java.io.IOException;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Single-message reads of an actor's subject by direct get (the streams allow direct access): its last
 * message, the first one at or after a sequence, or the one at a sequence. Errors are translated by
 * {@link NatsFailures}; a transient one is retried within the {@link ReadRetry} budget (a replicated stream's
 * replicas stop answering direct gets for about a second when its leader is lost). Thread-safe.
 */
final class StreamReads {

  private static final byte[] EMPTY = new byte[0];

  private final JetStreamManagement jsm;
  private final ReadRetry retry;

  StreamReads(JetStreamManagement jsm, ReadRetry retry) {
    this.jsm = jsm;
    this.retry = retry;
  }

  /** The retry policy of reads. */
  ReadRetry retry() {
    return retry;
  }

  /**
   * The last message on the actor's subject.
   *
   * @param address the actor
   * @return the message; empty when the actor has none
   */
  Optional<StoredMessage> last(ActorAddress address) {
    return read(what("the last event", address), () -> jsm.getLastMessage(address.stream(), address.subject()),
        info -> true);
  }

  /**
   * The first message on the actor's subject at or after a stream sequence.
   *
   * @param address the actor
   * @param sequence the first sequence to consider
   * @return the message; empty when there is none
   */
  Optional<StoredMessage> next(ActorAddress address, long sequence) {
    return read(what("a commit", address), () -> jsm.getNextMessage(address.stream(), sequence, address.subject()),
        info -> true);
  }

  /**
   * The message at a stream sequence, when it is on the actor's subject.
   *
   * @param address the actor
   * @param sequence the stream sequence
   * @return the message; empty when there is none at that sequence or it belongs to another subject
   */
  Optional<StoredMessage> at(ActorAddress address, long sequence) {
    return read(what("a commit", address), () -> jsm.getMessage(address.stream(), sequence),
        info -> address.subject().equals(info.getSubject()));
  }

  /** A direct get of the server's API. */
  @FunctionalInterface
  private interface DirectGet {
    MessageInfo get() throws IOException, JetStreamApiException;
  }

  /**
   * One direct get, retried on a transient failure within the budget; no message (or one that does not
   * belong) is empty.
   */
  private Optional<StoredMessage> read(String what, DirectGet get, Predicate<MessageInfo> belongs) {
    return retry.run(what, () -> {
      try {
        MessageInfo info = get.get();
        return belongs.test(info) ? Optional.of(stored(info)) : Optional.empty();
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() == NatsFailures.NO_MESSAGE_FOUND) {
          return Optional.empty();
        }
        throw NatsFailures.ofRequest(what, e);
      } catch (IOException | RuntimeException e) {
        throw NatsFailures.ofRequest(what, e);
      }
    });
  }

  /**
   * A stream's max message size.
   *
   * @param stream the stream's name
   * @return its {@code max_msg_size}; 0 or less when it has none
   */
  long maxMessageSize(String stream) {
    try {
      return jsm.getStreamInfo(stream).getConfiguration().getMaxMsgSize();
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      throw NatsFailures.ofRequest("reading the configuration of stream " + stream, e);
    }
  }

  private static StoredMessage stored(MessageInfo info) {
    byte[] data = info.getData();
    return new StoredMessage(info.getSeq(), info.getHeaders(), data == null ? EMPTY : data);
  }

  private static String what(String item, ActorAddress address) {
    return "reading " + item + " of actor \"" + address.streamId() + "\" from stream " + address.stream();
  }
}
