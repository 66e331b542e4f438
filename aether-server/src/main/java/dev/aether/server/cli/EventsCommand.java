package dev.aether.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code aether events TYPE ID [--from N] [--limit M]}: prints a page of an actor's events
 * ({@code GET /v1/actors/{type}/{id}/events}) and the version to ask from next.
 */
@Command(name = "events", description = "Prints an actor's events, oldest first, and the version to read "
    + "from next.")
final class EventsCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Mixin
  private ActorArgs actor;

  @Option(names = "--from", paramLabel = "N", defaultValue = "1",
      description = "The first version to print (default ${DEFAULT-VALUE}).")
  private long from;

  @Option(names = "--limit", paramLabel = "M", description = "At most this many events (the node's "
      + "default when absent).")
  private Integer limit;

  @Override
  public Integer call() {
    if (from < 1) {
      throw new UsageException("--from must be 1 or more, not " + from);
    }
    if (limit != null && limit < 1) {
      throw new UsageException("--limit must be 1 or more, not " + limit);
    }
    AetherCli root = AetherCli.root(spec);
    String query = "?from=" + from + (limit == null ? "" : "&limit=" + limit);
    return root.console().answer(root.client().get(actor.path("events") + query));
  }
}
