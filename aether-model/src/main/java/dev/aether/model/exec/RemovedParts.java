package dev.aether.model.exec;

import dev.aether.model.AggregateDef;
import dev.aether.model.CommandDef;
import dev.aether.model.GuardDef;
import dev.aether.model.Model;
import dev.aether.model.PolicyDef;
import dev.aether.model.ReadModelDef;
import dev.aether.runtime.ModelError;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What a model version stops doing, or starts refusing, next to the one it replaces, beyond stored histories: a
 * command no longer declared ({@code command-removed}), a policy ({@code policy-removed}) or read model ({@code
 * read-model-removed}) no longer declared, and an invariant new to an aggregate ({@code invariant-added}).
 * Stateless.
 */
final class RemovedParts {

  private RemovedParts() {}

  /**
   * @param previous the model running now
   * @param next the model replacing it
   * @return the warnings, in the order above
   */
  static List<ModelError> of(Model previous, Model next) {
    List<ModelError> out = new ArrayList<>();
    for (AggregateDef before : previous.aggregates()) {
      AggregateDef after = before == null || before.name() == null ? null : next.aggregates().stream()
          .filter(a -> a != null && before.name().equals(a.name())).findFirst().orElse(null);
      if (after == null) {
        continue; // aggregate-removed says it
      }
      for (CommandDef command : before.commands()) {
        if (command != null && command.name() != null && after.command(command.name()).isEmpty()) {
          out.add(new ModelError("command-removed", "aggregates." + after.name() + ".commands", "command "
              + command.name() + " of " + after.name() + " is no longer declared: it is refused (UNKNOWN_COMMAND);"
              + " a resend with the key of one accepted before gets its first outcome (duplicate) while its actor"
              + " remembers the key (its recent command ids), then UNKNOWN_COMMAND too"));
        }
      }
      Set<String> had = expressions(before.invariants());
      for (GuardDef invariant : after.invariants()) {
        if (invariant != null && invariant.expr() != null && !had.contains(invariant.expr().strip())) {
          out.add(new ModelError("invariant-added", "aggregates." + after.name() + ".invariants", "invariant "
              + invariant.expr().strip() + " of " + after.name() + " is new: an actor whose state breaks it now"
              + " refuses (BUSINESS_RULE) every command whose events leave it broken, a command that would"
              + " improve it but not enough too"));
        }
      }
    }
    removed(previous.policies(), next.policies(), PolicyDef::name, "policies", name -> "policy " + name
        + " is no longer declared: it reacts to nothing from now on; its group keeps its position, so declaring it"
        + " again later reacts to everything stored meanwhile", "policy-removed", out);
    removed(previous.readModels(), next.readModels(), ReadModelDef::name, "readModels", name -> "read model "
        + name + " is no longer declared: it is no longer updated or served", "read-model-removed", out);
    return out;
  }

  private static Set<String> expressions(List<GuardDef> guards) {
    return guards.stream().filter(g -> g != null && g.expr() != null).map(g -> g.expr().strip())
        .collect(Collectors.toSet());
  }

  private static <T> void removed(List<T> before, List<T> after, Function<T, String> name, String path,
      Function<String, String> message, String id, List<ModelError> out) {
    Set<String> kept = after.stream().filter(Objects::nonNull).map(name).filter(Objects::nonNull)
        .collect(Collectors.toSet());
    before.stream().filter(Objects::nonNull).map(name).filter(n -> n != null && !kept.contains(n))
        .forEach(n -> out.add(new ModelError(id, path + "." + n, message.apply(n))));
  }
}
