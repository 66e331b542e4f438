package dev.aether.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code aether reactions}: each policy's backlog and dead letters, each read model's position and lag on the
 * node asked ({@code GET /v1/reactions}).
 */
@Command(name = "reactions", description = "Prints each policy's backlog (commits not yet handled) and dead"
    + " letters, and each read model's position and lag, as the node sees them.")
final class ReactionsCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    AetherCli root = AetherCli.root(spec);
    return root.console().answer(root.client().get(NodeClient.path("reactions")));
  }
}
