package dev.aether.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code aether state TYPE ID}: prints an actor's state and version ({@code GET /v1/actors/{type}/{id}}). */
@Command(name = "state", description = "Prints an actor's current state and version.")
final class StateCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Parameters(index = "0", paramLabel = "TYPE", description = "The aggregate type, e.g. Account.")
  private String type;

  @Parameters(index = "1", paramLabel = "ID", description = "The actor id, e.g. acc-1.")
  private String id;

  @Override
  public Integer call() {
    AetherCli root = AetherCli.root(spec);
    return root.console().answer(root.client().get(NodeClient.path("actors", type, id)));
  }
}
