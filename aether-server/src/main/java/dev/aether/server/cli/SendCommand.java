package dev.aether.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.aether.config.ConfigKeys;
import dev.aether.support.Json;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code aether send TYPE ID COMMAND [JSON]}: sends one command to an actor
 * ({@code POST /v1/actors/{type}/{id}/commands/{command}}) and prints the outcome. The idempotency key is
 * generated here when {@code --key} is absent, so that an error without an outcome can name the key to
 * resend with.
 */
@Command(name = "send", description = {"Sends a command to an actor and prints the outcome "
    + "(commandId, version, events, duplicate).",
    "Example: aether send Account acc-1 Deposit '{\"amount\": 100}'"})
final class SendCommand implements Callable<Integer> {

  private static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
  /** The longest X-Aether-Timeout the node takes (docs/http.md). */
  private static final Duration MAX_TIMEOUT = Duration.ofHours(1);

  @Spec
  private CommandSpec spec;

  @Mixin
  private ActorArgs actor;

  @Parameters(index = "2", paramLabel = "COMMAND", description = "The command, e.g. Deposit.")
  private String command;

  @Parameters(index = "3", arity = "0..1", paramLabel = "JSON",
      description = "The payload, a JSON object (default {}).")
  private String json;

  @Option(names = {"-d", "--data"}, paramLabel = "JSON|@FILE|@-",
      description = "The payload instead of JSON: text, @FILE to read a file, @- to read stdin.")
  private String data;

  @Option(names = "--key", paramLabel = "KEY",
      description = "Idempotency key (the command id): resending with the same key stores the command once. "
          + "Printable ASCII, at most 256 characters. Generated when absent, and printed.")
  private String key;

  @Option(names = "--timeout", paramLabel = "DURATION",
      description = "How long the node may take to give an outcome, e.g. 5s, 500ms, 1m; at most 1h "
          + "(X-Aether-Timeout).")
  private String timeout;

  @Option(names = "--correlation-id", paramLabel = "ID", description = "Correlation id, recorded in every "
      + "event's metadata (X-Correlation-Id; default: the command id). Printable ASCII, at most 256 characters.")
  private String correlationId;

  @Override
  public Integer call() {
    AetherCli root = AetherCli.root(spec);
    NodeClient client = root.client(); // every header value checked before anything is sent
    String path = actor.path("commands", command); // a blank TYPE or ID, then COMMAND: refused before the payload
    ActorArgs.notBlank(command, "COMMAND");
    String commandId = key != null ? HeaderValue.id(key, "--key") : UUID.randomUUID().toString();
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Idempotency-Key", commandId);
    Duration wait = DEFAULT_WAIT;
    if (timeout != null) {
      wait = parseTimeout(timeout);
      headers.put("X-Aether-Timeout", timeout);
    }
    if (correlationId != null) {
      headers.put("X-Correlation-Id", HeaderValue.id(correlationId, "--correlation-id"));
    }
    String payload = payload();
    String resend = "; resend with --key " + commandId;
    NodeClient.Answer answer;
    try {
      answer = client.post(path, payload, headers,
          wait.plusSeconds(5));
    } catch (NodeUnreachableException e) {
      if (!e.requestSent()) {
        throw e.withHint("; nothing was sent, so nothing was applied");
      }
      root.console().error(e.withHint("; the outcome is unknown" + resend).getMessage());
      return ExitCodes.OUTCOME_UNKNOWN; // the node may have taken it: as a 504, not as an unreachable node
    }
    if (answer.status() == 504) {
      root.console().failure(answer, resend);
      return ExitCodes.OUTCOME_UNKNOWN;
    }
    return root.console().answer(answer);
  }

  /** The payload text, checked to be one JSON object. */
  private String payload() {
    if (json != null && data != null) {
      throw new UsageException("give the payload once: as the JSON argument or with --data, not both");
    }
    String text = data != null ? read(data) : json != null ? json : "{}";
    try {
      if (!Console.JSON.readTree(text).isObject()) {
        throw new UsageException("the payload must be a JSON object ({...}), not " + text.strip());
      }
    } catch (JsonProcessingException e) {
      throw new UsageException("the payload is not JSON: " + Json.problem(e));
    }
    return text;
  }

  private String read(String value) {
    if (!value.startsWith("@")) {
      return value;
    }
    String file = value.substring(1);
    try {
      if (file.equals("-")) {
        InputStream in = System.in;
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      throw UsageException.cannotRead("the payload file", Path.of(file), e);
    }
  }

  /**
   * Parses the timeout as the node reads its {@code X-Aether-Timeout} ({@link ConfigKeys#parseDuration}: {@code
   * 500ms}, {@code 5s}, {@code 1m}, {@code 1h}, ISO-8601), more than 0 and at most 1h, so what the node would
   * refuse is a usage error here.
   */
  static Duration parseTimeout(String text) {
    Duration duration;
    try {
      duration = ConfigKeys.parseDuration(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException("--timeout " + text + " is not a duration like 500ms, 5s, 1m or 1h");
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new UsageException("--timeout must be more than 0, not " + text);
    }
    if (duration.compareTo(MAX_TIMEOUT) > 0) {
      throw new UsageException("--timeout must be at most 1h (the node's limit), not " + text);
    }
    return duration;
  }
}
