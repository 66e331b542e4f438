package dev.aether.server.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code aether dead-letters [--policy NAME] [--limit N]}: the policies' deliveries that could not succeed
 * ({@code GET /v1/dead-letters}, oldest first);
 * {@code aether dead-letters replay ID} delivers one again once its cause is fixed
 * ({@code POST /v1/dead-letters/{id}/replay}), {@code aether dead-letters discard ID} drops one
 * ({@code DELETE /v1/dead-letters/{id}}).
 */
@Command(name = "dead-letters", description = "Lists the policies' dead letters (every node's), oldest first.",
    subcommands = {DeadLettersCommand.Replay.class, DeadLettersCommand.Discard.class})
final class DeadLettersCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Option(names = "--policy", paramLabel = "NAME", description = "Only this policy's letters.")
  private String policy;

  @Option(names = "--limit", paramLabel = "N", description = "At most this many, the oldest (the node's default,"
      + " 100, when absent; \"more\": true tells that more are left).")
  private Integer limit;

  @Override
  public Integer call() {
    if (limit != null && limit < 1) {
      throw new UsageException("--limit must be 1 or more, not " + limit);
    }
    StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
    if (policy != null) {
      query.add("policy=" + URLEncoder.encode(policy, StandardCharsets.UTF_8));
    }
    if (limit != null) {
      query.add("limit=" + limit);
    }
    AetherCli root = AetherCli.root(spec);
    return root.console().answer(root.client().get(NodeClient.path("dead-letters") + query));
  }

  /** {@code aether dead-letters replay ID}: exit 0 when the letter is resolved, 4 when it is still refused. */
  @Command(name = "replay", description = "Delivers a dead letter's event to its policy once more; the letter is"
      + " gone when its command is accepted (\"resolved\": true, exit 0), else it stays with one more attempt"
      + " (exit 4).")
  static final class Replay implements Callable<Integer> {

    /** How long the node may take: its command timeout (5 s by default) and a margin. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The dead letter's id, as listed (policy|eventId).")
    private String id;

    @Override
    public Integer call() {
      AetherCli root = AetherCli.root(spec);
      NodeClient.Answer answer = root.client().post(NodeClient.path("dead-letters", id, "replay"), "", Map.of(),
          TIMEOUT);
      int code = root.console().answer(answer);
      boolean stays = code == ExitCodes.OK && Console.parse(answer.body())
          .map(body -> !body.path("resolved").asBoolean(true)).orElse(false);
      return stays ? ExitCodes.REJECTED : code;
    }
  }

  /** {@code aether dead-letters discard ID}. */
  @Command(name = "discard", description = "Drops a dead letter without delivering its event again.")
  static final class Discard implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "The dead letter's id, as listed (policy|eventId).")
    private String id;

    @Override
    public Integer call() {
      AetherCli root = AetherCli.root(spec);
      return root.console().answer(root.client().delete(NodeClient.path("dead-letters", id)));
    }
  }
}
