package dev.aether.server.cli;

import dev.aether.model.exec.CompiledModel;
import dev.aether.runtime.InvalidModelException;
import dev.aether.server.ModelDescription;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code aether model validate FILE} (local, no node: reads the model, checks its structure and compiles
 * every expression; prints the model as {@code GET /v1/model} describes it, or every error with its path as
 * {@code model load} prints the node's) and {@code aether model load FILE} ({@code PUT /v1/model} on the node).
 */
@Command(name = "model", description = "Model commands: validate a model file, load one into a node.",
    subcommands = {ModelCommand.Validate.class, ModelCommand.Load.class})
final class ModelCommand implements Callable<Integer> {

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** {@code aether model validate FILE}. */
  @Command(name = "validate", description = {"Checks a model file (YAML or JSON) without a node: its "
      + "structure and every CEL expression.",
      "Prints the model as GET /v1/model describes it on success; otherwise one 'error:' line, then one "
          + "indented line per problem with its path (as model load prints them), and exit code 1."})
  static final class Validate implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The model file (.yaml/.yml as YAML, else JSON).")
    private Path file;

    @Override
    public Integer call() {
      Console console = AetherCli.root(spec).console();
      requireFile(file);
      CompiledModel compiled;
      try {
        compiled = CompiledModel.load(file);
      } catch (InvalidModelException e) {
        console.invalidModel(file, e);
        return ExitCodes.FAILED;
      } catch (UncheckedIOException e) {
        throw UsageException.cannotRead("the model file", file, e.getCause());
      }
      compiled.warnings().forEach(w -> console.warning(file + ": " + w));
      console.json(Console.JSON.valueToTree(ModelDescription.of(compiled.model(), compiled.warnings())));
      return ExitCodes.OK;
    }
  }

  /** {@code aether model load FILE [--dry-run] [--force]}. */
  @Command(name = "load", description = {"Loads a model file (YAML or JSON) into the node (PUT /v1/model).",
      "The node validates it first; a refused model leaves the running one in place and every error is "
          + "printed with its path. With --dry-run the node only validates it and answers what loading it in "
          + "place of the running one would warn of (removed commands, policies that replay the history, ...) "
          + "and, under 'refused', what a load would refuse.",
      "A change that loses or corrupts stored data (an event field's type changed, a renamed model's policies "
          + "run again) or another model under the running model's version is refused unless --force is given."})
  static final class Load implements Callable<Integer> {

    @Option(names = "--dry-run", description = "validate against the running model and print the warnings and "
        + "what a load would refuse; load nothing")
    private boolean dryRun;

    @Option(names = "--force", description = "load even a change that loses or corrupts stored data (an event "
        + "field's type changed, ...) or reuses the running model's version (PUT /v1/model?force=true)")
    private boolean force;

    @Spec
    private CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The model file (.yaml/.yml as YAML, else JSON).")
    private Path file;

    @Override
    public Integer call() {
      AetherCli root = AetherCli.root(spec);
      requireFile(file);
      String text;
      try {
        text = Files.readString(file);
      } catch (IOException e) {
        throw UsageException.cannotRead("the model file", file, e);
      }
      String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
      String type = name.endsWith(".yaml") || name.endsWith(".yml") ? "application/yaml" : "application/json";
      String query = dryRun && force ? "?dryRun=true&force=true" : dryRun ? "?dryRun=true" : force ? "?force=true"
          : "";
      return root.console().answer(root.client().put(NodeClient.path("model") + query, text, type));
    }
  }

  private static void requireFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new UsageException(file + ": no such file");
    }
  }
}
