package dev.aether.nats;

import dev.aether.AetherException;
import dev.aether.InvalidInputException;
import dev.aether.store.OutcomeUnknownException;
import dev.aether.store.StoreUnavailableException;
import io.nats.client.JetStreamApiException;
import io.nats.client.RequestFailureException;
import io.nats.client.RequestFailureReason;
import java.io.IOException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeoutException;

/**
 * The one table that turns NATS client failures into Aether's errors, so that no {@code io.nats}
 * exception leaves this module. Stateless and thread-safe.
 *
 * <table>
 *   <caption>Translation</caption>
 *   <tr><th>NATS failure</th><th>read or management request</th><th>publish of a commit</th></tr>
 *   <tr><td>no answer in time (also an asynchronous publish's future timed out or cancelled)</td><td>{@link StoreUnavailableException}</td>
 *       <td>{@link OutcomeUnknownException}</td></tr>
 *   <tr><td>503 no responders, API error with HTTP code 503, connection closed</td>
 *       <td colspan="2">{@link StoreUnavailableException} (nothing was stored)</td></tr>
 *   <tr><td>10077 with a full stream that discards new messages (maximum messages or bytes exceeded)</td>
 *       <td colspan="2">{@link JetStreamStoreException} (retrying cannot help until the stream's limit is raised)
 *       </td></tr>
 *   <tr><td>10054 message too large, payload above the server's max payload</td>
 *       <td colspan="2">{@link InvalidInputException} naming {@code events}</td></tr>
 *   <tr><td>other API error</td><td colspan="2">{@link JetStreamStoreException} with the API code</td></tr>
 * </table>
 * 10071 (wrong last sequence) on a publish is not translated here: the publisher resolves it into success
 * or a version conflict.
 */
final class NatsFailures {

  /** API error: the subject's last sequence is not the expected one (also a KV create/update conflict). */
  static final int WRONG_LAST_SEQUENCE = 10071;
  /** API error: no message matches a direct or stream get. */
  static final int NO_MESSAGE_FOUND = 10037;
  /** API error: the stream does not exist. */
  static final int STREAM_NOT_FOUND = 10059;
  /** API error: a stream of that name exists with another configuration. */
  static final int STREAM_NAME_IN_USE = 10058;
  /** API error: the message is larger than the stream's maximum message size. */
  static final int MESSAGE_TOO_LARGE = 10054;
  /**
   * API error: the stream could not store the message (HTTP code 503). Transient in general, but not when
   * the stream is full and discards new messages ("maximum messages exceeded", "maximum bytes exceeded").
   */
  static final int STREAM_STORE_FAILED = 10077;

  private NatsFailures() {}

  /**
   * Translates the failure of a request that stores nothing: a read or a management request.
   *
   * @param what what was attempted, for example {@code "reading the last event of actor x"}
   * @param e the failure
   * @return the Aether error to throw
   */
  static AetherException ofRequest(String what, Exception e) {
    return switch (e) {
      case JetStreamApiException api -> ofApiError(what, api);
      case IOException io when isTimeout(io) ->
          new StoreUnavailableException(what + ": the NATS server did not answer in time", e);
      case IOException io -> new StoreUnavailableException(what + ": " + io.getMessage(), e);
      case InterruptedException ie -> interrupted(what, ie);
      case IllegalStateException closed -> new StoreUnavailableException(what + ": " + closed.getMessage(), e);
      case AetherException aether -> aether;
      default -> new StoreUnavailableException(what + ": " + e, e);
    };
  }

  /**
   * Translates the failure of a publish whose 10071 case was already handled.
   *
   * @param streamId the stream (one actor's history) written to
   * @param e the failure
   * @return the Aether error to throw
   */
  static AetherException ofPublish(String streamId, Exception e) {
    String what = "commit to actor \"" + streamId + "\"";
    return switch (e) {
      case IOException io when isTimeout(io) -> new OutcomeUnknownException(streamId, what
          + " was sent but its acknowledgement did not arrive in time; it may or may not be stored."
          + " Retrying the same commit is safe", e);
      case IOException io when io.getCause() instanceof InterruptedException -> new OutcomeUnknownException(
          streamId, what + " was interrupted while waiting for its acknowledgement; it may or may not be stored",
          io);
      case RequestFailureException rfe when rfe.getReason() == RequestFailureReason.CONNECTION_CLOSING ->
          new OutcomeUnknownException(streamId, what + " was sent but the connection closed before its "
              + "acknowledgement; it may or may not be stored. Retrying the same commit is safe", e);
      case InterruptedException ie -> {
        Thread.currentThread().interrupt();
        yield new OutcomeUnknownException(streamId, what + " was interrupted while waiting for its "
            + "acknowledgement; it may or may not be stored", ie);
      }
      case TimeoutException late -> noAcknowledgement(streamId, what, e);
      case CancellationException cancelled -> noAcknowledgement(streamId, what, e);
      case IllegalArgumentException tooLarge -> new InvalidInputException("events", what + " refused: "
          + tooLarge.getMessage() + "; nothing was stored", e);
      default -> ofRequest(what, e);
    };
  }

  private static OutcomeUnknownException noAcknowledgement(String streamId, String what, Exception e) {
    return new OutcomeUnknownException(streamId, what + " was sent but its acknowledgement did not arrive in"
        + " time; it may or may not be stored. Retrying the same commit is safe", e);
  }

  private static AetherException ofApiError(String what, JetStreamApiException api) {
    if (isStreamFull(api)) {
      return new JetStreamStoreException(what + " refused: the stream is full and discards new messages ("
          + api.getMessage() + "); nothing was stored, and nothing will be until its limit is raised",
          api.getApiErrorCode(), api);
    }
    if (api.getErrorCode() == 503) {
      return new StoreUnavailableException(what + ": JetStream is unavailable: " + api.getMessage(), api);
    }
    if (api.getApiErrorCode() == MESSAGE_TOO_LARGE) {
      return new InvalidInputException("events", what + " refused by the stream: " + api.getMessage()
          + "; nothing was stored", api);
    }
    return new JetStreamStoreException(what + " refused by the NATS server: " + api.getMessage(),
        api.getApiErrorCode(), api);
  }

  private static boolean isStreamFull(JetStreamApiException api) {
    String description = String.valueOf(api.getErrorDescription());
    return api.getApiErrorCode() == STREAM_STORE_FAILED
        && (description.contains("maximum messages") || description.contains("maximum bytes"));
  }

  /**
   * Whether a failure is one that a missing stream also gives: 10059 (stream not found), 503 no responders to a
   * publish (no stream takes the subject), or no answer to a request (a direct get of a missing stream gets
   * none). An {@link OutcomeUnknownException} is not: a commit sent may have been stored.
   *
   * @param failure a failure as translated by this table, or its cause
   */
  static boolean mayMeanMissingStream(Throwable failure) {
    if (failure instanceof OutcomeUnknownException) {
      return false;
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      boolean notFound = t instanceof JetStreamApiException api && api.getApiErrorCode() == STREAM_NOT_FOUND;
      boolean unanswered = t instanceof IOException io
          && (isTimeout(io) || String.valueOf(io.getMessage()).contains("No Responders"));
      if (notFound || unanswered) {
        return true;
      }
    }
    return false;
  }

  static boolean isTimeout(IOException e) {
    if (e instanceof RequestFailureException rfe) {
      return rfe.getReason() == RequestFailureReason.TIMEOUT;
    }
    String message = e.getMessage();
    return message != null && message.startsWith("Timeout or no response");
  }

  private static StoreUnavailableException interrupted(String what, InterruptedException e) {
    Thread.currentThread().interrupt();
    return new StoreUnavailableException(what + ": interrupted", e);
  }
}
