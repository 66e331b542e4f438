package dev.aether.server;

import dev.aether.InvalidInputException;
import dev.aether.TransientAetherException;
import dev.aether.runtime.ActorFailedException;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.RejectionReason;
import dev.aether.store.StoreUnavailableException;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * THE one table from outcomes to HTTP statuses (README, "Status codes"): every {@link RejectionReason} of a
 * command, and every exception a handler lets through. Error codes are the reasons' names; no exception class
 * name or stack trace reaches a response (an unexpected exception is logged and answered {@code 500 INTERNAL}).
 */
final class ErrorTable {

  private static final Logger LOG = LoggerFactory.getLogger(ErrorTable.class);

  private static final Map<RejectionReason, Integer> STATUS = new EnumMap<>(RejectionReason.class);

  static {
    STATUS.put(RejectionReason.UNKNOWN_AGGREGATE, 404);
    STATUS.put(RejectionReason.UNKNOWN_COMMAND, 404);
    STATUS.put(RejectionReason.INVALID_PAYLOAD, 400);
    STATUS.put(RejectionReason.BUSINESS_RULE, 409);
    STATUS.put(RejectionReason.CONFLICT, 409);
    STATUS.put(RejectionReason.OVERLOADED, 429);
    STATUS.put(RejectionReason.NOT_RUNNING, 503);
    STATUS.put(RejectionReason.NOT_OWNER, 503);
    STATUS.put(RejectionReason.STORE_UNAVAILABLE, 503);
    STATUS.put(RejectionReason.TIMEOUT, 504);
    STATUS.put(RejectionReason.OUTCOME_UNKNOWN, 504);
    STATUS.put(RejectionReason.TOO_LARGE, 413);
    STATUS.put(RejectionReason.BEHAVIOR_FAILED, 500);
    STATUS.put(RejectionReason.STORE_FAILED, 500);
  }

  /** How the runtime and the cluster advise a resend: over HTTP the command id is the Idempotency-Key header. */
  private static final java.util.regex.Pattern SAME_COMMAND_ID = java.util.regex.Pattern.compile(
      "the same command ?id", java.util.regex.Pattern.CASE_INSENSITIVE);

  private ErrorTable() {}

  /** @return the status of a rejection reason (every reason has one; checked by a test) */
  static int status(RejectionReason reason) {
    return STATUS.get(reason);
  }

  /** @return the error answer for a rejected command */
  static ApiException of(CommandResult.Rejected rejected) {
    List<ApiException.Field> fields = rejected.fieldErrors().stream()
        .map(f -> new ApiException.Field(f.path(), f.problem())).toList();
    // the runtime's advice names the command id; over HTTP that is the Idempotency-Key header
    String message = SAME_COMMAND_ID.matcher(rejected.message()).replaceAll("the same Idempotency-Key");
    return new ApiException(status(rejected.reason()), rejected.reason().name(), message, fields);
  }

  /** @return the error answer for an exception a handler let through */
  static ApiException of(Throwable e) {
    return switch (e) {
      case ApiException api -> api;
      case ActorFailedException failed -> {
        // the actor cannot be read (a behaviour that cannot apply its history, an undecodable record): the
        // same answer as a command to it gets, not a bug of the node
        LOG.debug("cannot read an actor: {}", failed.getMessage()); // each command to it says so too
        yield new ApiException(status(failed.reason()), failed.reason().name(), failed.problem());
      }
      case InvalidInputException invalid -> new ApiException(400, "INVALID_INPUT", invalid.getMessage(),
          List.of(new ApiException.Field(invalid.field(), problem(invalid))));
      case io.helidon.http.BadRequestException unreadable -> { // a header Helidon cannot parse (an Accept)
        String why = unreadable.getMessage() == null ? "a header cannot be read" : unreadable.getMessage();
        yield new ApiException(400, "INVALID_INPUT", "request: " + why,
            List.of(new ApiException.Field("request", why)));
      }
      case StoreUnavailableException unavailable -> new ApiException(503, "STORE_UNAVAILABLE",
          "the store is unavailable" + detail(unavailable));
      case TransientAetherException transientFailure -> new ApiException(503, "UNAVAILABLE",
          "temporarily unavailable" + detail(transientFailure));
      default -> {
        LOG.error("unexpected failure of a request", e);
        yield new ApiException(500, "INTERNAL", "internal error (logged by the node)");
      }
    };
  }

  /** The exception's own message (never its class name), or nothing. */
  private static String detail(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? "" : ": " + message;
  }

  /** An input error's problem without its {@code field: } prefix (a field path may itself hold a colon). */
  static String problem(InvalidInputException e) {
    String prefix = e.field() + ": ";
    String message = e.getMessage();
    return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
  }
}
