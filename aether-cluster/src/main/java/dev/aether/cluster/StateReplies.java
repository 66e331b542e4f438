package dev.aether.cluster;

import dev.aether.InvalidInputException;
import dev.aether.TransientAetherException;
import dev.aether.cluster.ControlJson.StateAnswer;
import dev.aether.runtime.ActorFailedException;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.StoredState;
import dev.aether.store.StoreUnavailableException;
import dev.aether.support.JsonValues;
import io.nats.client.Message;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletionException;

/**
 * A state read's answer on the wire (a node's {@code state} control request and {@code <p>.<ns>.state}): the
 * state as {@link StateAnswer} JSON, or a {@link Wire#STATUS} naming the failure's kind so that the asker meets
 * it in its own terms: {@value Wire#BAD_REQUEST} with {@value Wire#ERROR_FIELD} (an invalid key, an aggregate type
 * the node does not know), {@value Wire#FAILED} with {@value Wire#REASON} (an actor whose history cannot be read,
 * a state that cannot be sent, any failure of unknown kind: retrying cannot fix it), {@value Wire#UNAVAILABLE}
 * (the store unavailable, the node stopping: retrying may).
 * The body of a failure is its text. Stateless.
 */
final class StateReplies {

  /** An answer to publish. */
  record Reply(Headers headers, byte[] body) {}

  private StateReplies() {}

  /**
   * The answer carrying a state.
   *
   * @throws RuntimeException when the state cannot be written as JSON
   */
  static Reply state(StoredState read) {
    return new Reply(null, ControlJson.write(new StateAnswer(read.state(), read.version())));
  }

  /** The answer naming a read's failure. */
  static Reply failure(Throwable failure) {
    Throwable cause = failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure;
    return switch (cause) {
      case InvalidInputException e -> new Reply(new Headers().put(Wire.STATUS, Wire.BAD_REQUEST)
          .put(Wire.ERROR_FIELD, Wire.text(e.field())), utf8(e.getMessage()));
      case ActorFailedException e -> new Reply(new Headers().put(Wire.STATUS, Wire.FAILED)
          .put(Wire.REASON, e.reason().name()), utf8(e.problem()));
      case TransientAetherException e -> new Reply(new Headers().put(Wire.STATUS, Wire.UNAVAILABLE),
          utf8(e.getMessage()));
      case IllegalStateException e -> new Reply(new Headers().put(Wire.STATUS, Wire.UNAVAILABLE),
          utf8(e.getMessage())); // the node's runtime is not running (stopping)
      default -> new Reply(new Headers().put(Wire.STATUS, Wire.FAILED)
          .put(Wire.REASON, RejectionReason.STORE_FAILED.name()), utf8(String.valueOf(cause)));
    };
  }

  /**
   * Reads an answer without a {@value Wire#MOVED} status (the caller follows those).
   *
   * @return the state it carries
   * @throws InvalidInputException naming the field of a {@value Wire#BAD_REQUEST}
   * @throws ActorFailedException for a {@value Wire#FAILED}, or a state answer that cannot be read
   * @throws StoreUnavailableException for an {@value Wire#UNAVAILABLE}, or a status this version does not know
   */
  static StoredState read(ActorKey key, Message reply) {
    String status = Wire.header(reply, Wire.STATUS);
    if (status == null) {
      try {
        StateAnswer answer = ControlJson.read(reply.getData(), StateAnswer.class);
        return new StoredState(key, JsonValues.copyObject(answer.state(), "state"), answer.version());
      } catch (RuntimeException e) {
        throw new ActorFailedException(RejectionReason.STORE_FAILED, "the answer with the state of " + key
            + " cannot be read: " + e.getMessage(), e);
      }
    }
    String text = new String(reply.getData(), StandardCharsets.UTF_8);
    switch (status) {
      case Wire.BAD_REQUEST -> {
        String field = Wire.untext(Wire.header(reply, Wire.ERROR_FIELD));
        field = field == null || field.isBlank() ? "request" : field;
        throw new InvalidInputException(field, text.startsWith(field + ": ") ? text.substring(field.length() + 2)
            : text);
      }
      case Wire.FAILED -> throw new ActorFailedException(reason(Wire.header(reply, Wire.REASON)), text, null);
      default -> throw new StoreUnavailableException("reading " + key + ": " + status + " " + text, null);
    }
  }

  /** A non-transient reason named by a {@value Wire#FAILED} answer; {@code STORE_FAILED} when unknown. */
  private static RejectionReason reason(String name) {
    try {
      RejectionReason reason = RejectionReason.valueOf(name);
      return reason.isTransient() ? RejectionReason.STORE_FAILED : reason;
    } catch (IllegalArgumentException | NullPointerException e) {
      return RejectionReason.STORE_FAILED;
    }
  }

  private static byte[] utf8(String text) {
    return String.valueOf(text).getBytes(StandardCharsets.UTF_8);
  }
}
