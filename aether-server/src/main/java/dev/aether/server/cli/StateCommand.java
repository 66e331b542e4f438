package dev.aether.server.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code aether state TYPE ID}: prints an actor's state and version ({@code GET /v1/actors/{type}/{id}}). */
@Command(name = "state", description = "Prints an actor's current state and version.")
final class StateCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Mixin
  private ActorArgs actor;

  @Override
  public Integer call() {
    AetherCli root = AetherCli.root(spec);
    return root.console().answer(root.client().get(actor.path()));
  }
}
