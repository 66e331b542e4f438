package dev.aether.server;

import dev.aether.InvalidInputException;
import dev.aether.model.exec.DeadLetter;
import dev.aether.model.exec.ModelExecution;
import dev.aether.runtime.CommandResult;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The policies' dead letters: {@code GET /v1/dead-letters} lists them (every node's: they are kept in the
 * shared read-model store; the oldest {@code limit}, of one {@code policy} when it is given, with the number
 * that matched and whether more are left: resolving or discarding the oldest shows the next),
 * {@code POST /v1/dead-letters/{id}/replay} delivers one's event to its policy once more (the record goes when
 * the command is accepted, or the policy no longer sends one, and stays with one more attempt otherwise),
 * {@code DELETE /v1/dead-letters/{id}} discards one without delivering it.
 */
final class DeadLetterService implements HttpService {

  /** Where {@link HttpApi} mounts this service. */
  static final String PREFIX = "/v1/dead-letters";

  /** Letters listed when the request sets no {@code limit}, and the most it may ask for. */
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 10_000;

  private final NodeServices node;

  DeadLetterService(NodeServices node) {
    this.node = node;
  }

  @Override
  public void routing(HttpRules rules) {
    // RawPath.ANY: an id holding "/" (sent as %2F) or a line break, as ActorService's ids
    rules.get("/", this::list).post("/{id:" + RawPath.ANY + "}/replay", this::replay)
        .delete("/{id:" + RawPath.ANY + "}", this::discard);
  }

  private void list(ServerRequest req, ServerResponse res) {
    int limit = (int) ActorService.number(req, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    Optional<String> policy = req.query().first("policy").map(String::strip);
    if (policy.isPresent() && policy.get().isEmpty()) {
      throw ApiException.badRequest("policy", "must not be blank");
    }
    ModelExecution execution = execution();
    List<DeadLetter> letters = execution.deadLetters();
    policy.ifPresent(name -> requireKnownPolicy(execution, letters, name));
    List<DeadLetter> matching = letters.stream()
        .filter(letter -> policy.isEmpty() || letter.policy().equals(policy.get()))
        .toList();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("deadLetters", matching.stream().limit(limit).map(DeadLetterService::describe).toList());
    body.put("total", matching.size());
    body.put("more", matching.size() > limit);
    Json.send(res, 200, body);
  }

  /**
   * Refuses a policy that neither the loaded model nor any letter has (a typo would list nothing, silently); the
   * letters of a policy the model no longer has stay listable by its name.
   */
  private static void requireKnownPolicy(ModelExecution execution, List<DeadLetter> letters, String name) {
    java.util.SortedSet<String> known = new java.util.TreeSet<>();
    execution.compiled().model().policies().forEach(p -> known.add(p.name()));
    letters.forEach(letter -> known.add(letter.policy()));
    if (!known.contains(name)) {
      throw ApiException.badRequest("policy", "no policy " + name + " in the loaded model or the dead letters"
          + " (known: " + known + ")");
    }
  }

  private void replay(ServerRequest req, ServerResponse res) {
    Optional<List<String>> path = RawPath.segments(req, PREFIX, 2);
    if (path.isEmpty() || !path.get().get(1).equals("replay")) {
      res.next();
      return;
    }
    String id = path.get().get(0);
    ModelExecution execution = execution();
    if (execution.deadLetter(id).isEmpty()) {
      throw noSuchLetter(id);
    }
    Optional<CommandResult> outcome = await(execution, id);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", id);
    body.put("resolved", outcome.map(CommandResult::isAccepted).orElse(true));
    outcome.ifPresentOrElse(result -> {
      body.put("outcome", result.isAccepted() ? "accepted" : "rejected");
      if (result instanceof CommandResult.Rejected rejected) {
        body.put("reason", rejected.reason().name());
        body.put("message", rejected.message());
      }
    }, () -> body.put("outcome", "no-command"));
    Json.send(res, 200, body);
  }

  private void discard(ServerRequest req, ServerResponse res) {
    Optional<List<String>> path = RawPath.segments(req, PREFIX, 1);
    if (path.isEmpty()) {
      res.next();
      return;
    }
    String id = path.get().get(0);
    if (!execution().discardDeadLetter(id)) {
      throw noSuchLetter(id);
    }
    Json.send(res, 200, Map.of("id", id, "discarded", true));
  }

  private static ApiException noSuchLetter(String id) {
    return ApiException.notFound("NOT_FOUND", "no dead letter " + id);
  }

  private Optional<CommandResult> await(ModelExecution execution, String id) {
    CompletableFuture<Optional<CommandResult>> replay;
    try {
      replay = execution.replayDeadLetter(id);
    } catch (InvalidInputException e) {
      if (execution.deadLetter(id).isEmpty()) {
        throw noSuchLetter(id); // resolved or discarded by someone else since it was looked up
      }
      throw e;
    }
    try {
      return replay.get(node.config().commandTimeout().toMillis() + 5_000,
          TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new ApiException(504, "TIMEOUT", "no outcome for the replay of " + id + " in time; list the dead"
          + " letters to see whether it is still there");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(503, "NOT_RUNNING", "the node is stopping");
    } catch (ExecutionException e) {
      throw ErrorTable.of(e.getCause());
    }
  }

  private ModelExecution execution() {
    return ModelExecution.of(node.runtime()).orElseThrow(ApiException::noModel);
  }

  private static Map<String, Object> describe(DeadLetter letter) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", letter.id());
    out.put("policy", letter.policy());
    out.put("eventId", letter.eventId());
    out.put("eventType", letter.eventType());
    out.put("streamId", letter.streamId());
    out.put("version", letter.version());
    out.put("attempts", letter.attempts());
    out.put("lastError", letter.lastError());
    out.put("failedAt", letter.failedAt().toString());
    return out;
  }
}
