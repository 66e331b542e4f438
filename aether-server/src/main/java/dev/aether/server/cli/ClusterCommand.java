package dev.aether.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code aether cluster status}: the nodes (shards, active actors), leader and epoch ({@code GET /v1/cluster}). */
@Command(name = "cluster", description = "Cluster commands.", subcommands = ClusterCommand.Status.class)
final class ClusterCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** {@code aether cluster status}. */
  @Command(name = "status", description = "Prints the cluster's nodes (shards, active actors), leader and epoch"
      + " (the single node when not clustered).")
  static final class Status implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
      AetherCli root = AetherCli.root(spec);
      return root.console().answer(root.client().get(NodeClient.path("cluster")));
    }
  }
}
