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
 * {@code aether read-model NAME KEY}: one row of a read model ({@code GET /v1/readmodels/{name}/{key}});
 * {@code aether read-model NAME [--after KEY] [--limit N]}: its rows in key order, a page at a time
 * ({@code GET /v1/readmodels/{name}}; {@code "next"} is the {@code --after} of the next page);
 * {@code aether read-model NAME --rebuild}: projects it again from the first event where it runs
 * ({@code POST /v1/readmodels/{name}/rebuild}; progress in {@code aether reactions}).
 */
@Command(name = "read-model", description = "Prints a read model's row (NAME KEY), or its rows in key order (NAME);"
    + " rebuilds it from the first event (NAME --rebuild).")
final class ReadModelCommand implements Callable<Integer> {

  /** How long the CLI waits for the node's answer (the node waits up to its command timeout for the runner). */
  private static final Duration REBUILD_TIMEOUT = Duration.ofSeconds(30);

  @Spec
  private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "NAME", description = "The read model, as the model names it.")
  private String name;

  @Parameters(index = "1", arity = "0..1", paramLabel = "KEY", description = "A row's key; absent: list the rows.")
  private String key;

  @Option(names = "--after", paramLabel = "KEY", description = "List the rows after this key (the last page's"
      + " \"next\").")
  private String after;

  @Option(names = "--limit", paramLabel = "N", description = "List at most this many rows (the node's default,"
      + " 100, when absent).")
  private Integer limit;

  @Option(names = "--rebuild", description = "Drop the read model's rows and project every event again, on the node"
      + " that runs it; answers at once (progress: aether reactions).")
  private boolean rebuild;

  @Override
  public Integer call() {
    AetherCli root = AetherCli.root(spec);
    if (rebuild) {
      if (key != null || after != null || limit != null) {
        throw new UsageException("--rebuild takes the read model's NAME only");
      }
      return root.console().answer(root.client().post(NodeClient.path("readmodels", name, "rebuild"), "",
          Map.of(), REBUILD_TIMEOUT));
    }
    if (key != null) {
      if (after != null || limit != null) {
        throw new UsageException("--after and --limit list rows: give them without a KEY");
      }
      return root.console().answer(root.client().get(NodeClient.path("readmodels", name, key)));
    }
    if (limit != null && limit < 1) {
      throw new UsageException("--limit must be 1 or more, not " + limit);
    }
    StringJoiner query = new StringJoiner("&", "?", "").setEmptyValue("");
    if (after != null) {
      query.add("after=" + URLEncoder.encode(after, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    if (limit != null) {
      query.add("limit=" + limit);
    }
    return root.console().answer(root.client().get(NodeClient.path("readmodels", name) + query));
  }
}
