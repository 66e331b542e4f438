package dev.aether.server;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aether.InvalidInputException;
import dev.aether.config.ConfigKeys;
import dev.aether.event.Event;
import dev.aether.event.EventMetadata;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.StoredState;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The actor resource, {@code /v1/actors/{type}/{id}}: commands, state and event history. The event stream
 * (SSE) is {@link EventStreamService}'s.
 */
final class ActorService implements HttpService {

  static final HeaderName IDEMPOTENCY_KEY = HeaderNames.create("Idempotency-Key");
  static final HeaderName CORRELATION_ID = HeaderNames.create("X-Correlation-Id");
  /** The longest {@code Idempotency-Key} or {@code X-Correlation-Id}: a command id's limit. */
  private static final int MAX_ID_HEADER = RuntimeMessage.MAX_COMMAND_ID_LENGTH;
  static final HeaderName TIMEOUT = HeaderNames.create("X-Aether-Timeout");
  /** Where {@link HttpApi} mounts this service and {@link EventStreamService}. */
  static final String PREFIX = "/v1/actors";
  /** In {@link #actorPath}'s tail: any one segment. */
  static final String ANY = "*";
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  /** A whole number of any size, as a query may send one. */
  private static final java.util.regex.Pattern WHOLE_NUMBER = java.util.regex.Pattern.compile("[+-]?[0-9]+");

  private final NodeServices node;

  ActorService(NodeServices node) {
    this.node = node;
  }

  @Override
  public void routing(HttpRules rules) {
    // RawPath.ANY: an id or a command holding a "/" (sent as %2F) is decoded into several segments before routes
    // are matched; the handlers read the path's own segments (actorPath)
    rules.post("/{type}/{id:" + RawPath.ANY + "}/commands/{command:" + RawPath.ANY + "}", this::command)
        .get("/{type}/{id:" + RawPath.ANY + "}/events", this::events)
        .get("/{type}/{id:" + RawPath.ANY + "}", this::state);
  }

  private void command(ServerRequest req, ServerResponse res) {
    Optional<List<String>> path = actorPath(req, "commands", ANY);
    if (path.isEmpty()) {
      res.next(); // an id holding "/commands/" that another route's path only seemed to end with
      return;
    }
    String commandId = textHeader(req, IDEMPOTENCY_KEY).orElseGet(() -> UUID.randomUUID().toString());
    res.header(IDEMPOTENCY_KEY, commandId); // on every answer from here on, errors included
    ActorKey key = key(path.get());
    String command = path.get().get(3);
    requireBehaviourOrModel(key.aggregateType()); // else the runtime decides: UNKNOWN_AGGREGATE with the known types
    if (node.runtime().model().filter(m -> m.isInternal(key.aggregateType(), command)).isPresent()) {
      throw new ApiException(403, "INTERNAL_COMMAND", key.aggregateType() + "." + command
          + " is internal: only the domain (the model's policies) sends it");
    }
    Bodies.requireJson(req, "the command's payload");
    byte[] body = Bodies.read(req, node.config().maxBodyBytes());
    Map<String, Object> payload = Json.readObject(body, "payload");
    Duration timeout = timeout(req);
    RuntimeMessage.Builder message = RuntimeMessage.builder(key.aggregateType(), key.actorId(), command)
        .payload(payload).deadline(Instant.now().plus(timeout));
    message.commandId(commandId);
    textHeader(req, CORRELATION_ID).ifPresent(message::correlationId);
    CommandResult result = send(build(message), timeout);
    switch (result) {
      case CommandResult.Accepted accepted -> res.status(200).header(io.helidon.http.HeaderValues.CONTENT_TYPE_JSON)
          .send(Json.accepted(accepted));
      case CommandResult.Rejected rejected -> throw ErrorTable.of(rejected);
    }
  }

  /**
   * A header whose value is an identifier: sent once, not blank, printable ASCII, at most {@value #MAX_ID_HEADER}
   * characters. Bytes beyond ASCII reach the server decoded as replacement characters, so two different keys
   * would read as one. Checked before the key is echoed: the 400 that refuses a key carries none.
   */
  private static Optional<String> textHeader(ServerRequest req, HeaderName name) {
    Optional<String> value = SingleHeader.value(req, name);
    value.ifPresent(text -> {
      if (text.isBlank()) {
        throw ApiException.badRequest(name.defaultCase(), "must not be blank (leave the header out instead)");
      }
      if (text.length() > MAX_ID_HEADER) {
        throw ApiException.badRequest(name.defaultCase(), "at most " + MAX_ID_HEADER + " characters, not "
            + text.length());
      }
      if (!text.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
        throw ApiException.badRequest(name.defaultCase(), "only printable ASCII characters (a UUID, or any text"
            + " percent-encoded): other bytes cannot be read back exactly");
      }
    });
    return value;
  }

  private CommandResult send(RuntimeMessage message, Duration timeout) {
    try {
      // The gateway answers TIMEOUT itself at the deadline; the margin only guards against a lost answer. This
      // request's own thread waits and only relays the outcome: it may complete on the store's acknowledgement
      return node.gateway().sendMessageToRelay(message).get(timeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ApiException(504, "TIMEOUT", "no outcome within " + timeout + "; resend with the same "
          + "Idempotency-Key (" + message.commandId() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "NOT_RUNNING", "the node is stopping");
    } catch (ExecutionException e) {
      throw ErrorTable.of(e.getCause());
    }
  }

  private Duration timeout(ServerRequest req) {
    return SingleHeader.value(req, TIMEOUT).map(text -> {
      Duration d;
      try {
        d = ConfigKeys.parseDuration(text);
      } catch (IllegalArgumentException e) {
        throw ApiException.badRequest("X-Aether-Timeout", "\"" + text + "\" is not a duration (like 5s or 500ms)");
      }
      if (d.isNegative() || d.isZero() || d.compareTo(Duration.ofHours(1)) > 0) {
        throw ApiException.badRequest("X-Aether-Timeout", "must be more than 0 and at most 1h");
      }
      return d;
    }).orElse(node.config().commandTimeout());
  }

  private void state(ServerRequest req, ServerResponse res) {
    Optional<List<String>> path = actorPath(req);
    if (path.isEmpty()) {
      res.next(); // .../events or .../events/stream of an id without "/"
      return;
    }
    ActorKey key = key(path.get());
    requireKnownType(key.aggregateType());
    // through the actor's VM on its owner (a cluster: maybe another node), current with the store
    StoredState read = join(node.cluster().map(cluster -> cluster.gateway().readState(key))
        .orElseGet(() -> node.runtime().activeState(key)));
    ObjectNode out = Json.object();
    out.set("state", Json.MAPPER.valueToTree(read.state()));
    out.put("version", read.version());
    Json.send(res, 200, out);
  }

  private void events(ServerRequest req, ServerResponse res) {
    Optional<List<String>> path = actorPath(req, "events");
    if (path.isEmpty()) {
      res.next(); // the state of an id ending with "/events"
      return;
    }
    ActorKey key = key(path.get());
    requireKnownType(key.aggregateType());
    long from = number(req, "from", 1, 1, Long.MAX_VALUE);
    int limit = (int) number(req, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    List<Event> events = EventPages.page(node.store(), key.streamId(), from, limit);
    ObjectNode out = Json.object();
    ArrayNode array = out.putArray("events");
    long next = from;
    for (Event e : events) {
      array.add(Json.event(e));
      next = e.version() + 1;
    }
    out.put("next", next);
    Json.send(res, 200, out);
  }

  /**
   * A whole-number query parameter in {@code min..max}.
   *
   * @return its value, or {@code fallback} when the query does not set it
   * @throws ApiException {@code 400} naming the parameter when it is not a whole number, or one out of the range
   *     (beyond 64 bits too)
   */
  static long number(ServerRequest req, String name, long fallback, long min, long max) {
    return req.query().first(name).map(text -> {
      String digits = text.strip();
      long value;
      try {
        value = Long.parseLong(digits);
      } catch (NumberFormatException e) {
        if (WHOLE_NUMBER.matcher(digits).matches()) {
          throw outOfRange(name, digits, min, max); // a number, beyond 64 bits
        }
        throw ApiException.badRequest(name, "\"" + text + "\" is not a whole number");
      }
      if (value < min || value > max) {
        throw outOfRange(name, digits, min, max);
      }
      return value;
    }).orElse(fallback);
  }

  private static ApiException outOfRange(String name, String number, long min, long max) {
    return ApiException.badRequest(name, number + " is out of range: must be in " + min + ".." + max);
  }

  /**
   * The segments of a request's path after {@value #PREFIX} when they are a type, an id and then exactly
   * {@code tail} ({@link #ANY} matches any one segment), each decoded on its own (an id may hold a {@code /}).
   *
   * @return the segments, or empty when the path is another route's
   */
  static Optional<List<String>> actorPath(ServerRequest req, String... tail) {
    return RawPath.segments(req, PREFIX, 2 + tail.length).filter(segments -> {
      for (int i = 0; i < tail.length; i++) {
        if (!tail[i].equals(ANY) && !tail[i].equals(segments.get(2 + i))) {
          return false;
        }
      }
      return true;
    });
  }

  /** The actor named by {@link #actorPath}'s first two segments. */
  static ActorKey key(List<String> path) {
    try {
      return ActorKey.of(path.get(0), path.get(1));
    } catch (InvalidInputException e) {
      String param = switch (e.field()) { // named as the path's parameters are
        case "aggregateType" -> "type";
        case "actorId" -> "id";
        default -> e.field();
      };
      throw ApiException.badRequest(param, ErrorTable.problem(e));
    }
  }

  /**
   * Requires that this node runs an aggregate type: a Java behaviour registered in its runtime, or a model-driven
   * one of the loaded model.
   *
   * @throws ApiException {@code 404 NO_MODEL} when it runs no such type and has no model (as the model's routes
   *     answer), {@code 404 UNKNOWN_AGGREGATE} when the loaded model does not have it
   */
  void requireKnownType(String type) {
    requireBehaviourOrModel(type);
    if (!node.runtime().aggregateTypes().contains(type)) {
      // the words of the runtime's own UNKNOWN_AGGREGATE, which a command for this type gets
      throw ApiException.notFound("UNKNOWN_AGGREGATE", "no behaviour is registered for aggregate type " + type
          + "; known: " + new TreeSet<>(node.runtime().aggregateTypes()));
    }
  }

  /** {@code 404 NO_MODEL} when the node has neither a model nor a Java behaviour of this type. */
  private void requireBehaviourOrModel(String type) {
    if (node.runtime().model().isEmpty() && !node.runtime().aggregateTypes().contains(type)) {
      throw ApiException.noModel();
    }
  }

  /** Waits for a read of an actor, at most the command timeout: a store that does not answer is 503 then. */
  private <T> T join(java.util.concurrent.CompletableFuture<T> future) {
    try {
      return future.get(node.config().commandTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ApiException(503, "STORE_UNAVAILABLE", "the store did not answer within "
          + node.config().commandTimeout() + "; read again later");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "NOT_RUNNING", "the node is stopping");
    } catch (ExecutionException e) {
      throw ErrorTable.of(e.getCause());
    }
  }

  /**
   * Builds the message; a refused command id or correlation id is named by its header, a payload's value past
   * the wire's limits (an integer beyond 64 bits) is {@code INVALID_PAYLOAD}, as the behaviour's refusals are.
   */
  private static RuntimeMessage build(RuntimeMessage.Builder message) {
    try {
      return message.build();
    } catch (InvalidInputException e) {
      String header = switch (e.field()) {
        case "commandId" -> "Idempotency-Key";
        case "metadata." + EventMetadata.CORRELATION_ID -> "X-Correlation-Id";
        default -> null;
      };
      String problem = ErrorTable.problem(e);
      if (header == null && e.field().startsWith("payload")) { // a value past the wire's limits: as the payload's
        throw new ApiException(400, "INVALID_PAYLOAD", e.getMessage(), List.of(new ApiException.Field(e.field(),
            problem)));
      }
      if (header == null) {
        throw e;
      }
      throw ApiException.badRequest(header, problem);
    }
  }
}
