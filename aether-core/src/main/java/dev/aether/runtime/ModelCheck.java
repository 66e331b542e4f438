package dev.aether.runtime;

import dev.aether.model.AggregateDef;
import dev.aether.model.CommandDef;
import dev.aether.model.Model;
import dev.aether.model.ModelError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a model against the behaviours a runtime has: every aggregate needs a behaviour, and a behaviour
 * that lists its commands must handle every command the model declares. Stateless.
 */
final class ModelCheck {

  private ModelCheck() {}

  static List<ModelError> against(Model model, Map<String, AggregateContext<?>> aggregates) {
    List<ModelError> errors = new ArrayList<>();
    for (AggregateDef aggregate : model.aggregates()) {
      if (aggregate == null || aggregate.name() == null) {
        continue; // reported by Model.validate()
      }
      String path = "aggregates." + aggregate.name();
      AggregateContext<?> ctx = aggregates.get(aggregate.name());
      if (ctx == null) {
        errors.add(new ModelError(ModelError.NO_BEHAVIOR, path, "no behaviour is registered for aggregate "
            + aggregate.name() + " (register one before loading the model)"));
        continue;
      }
      for (CommandDef command : aggregate.commands()) {
        if (command != null && command.name() != null && ctx.refuses(command.name())) {
          errors.add(new ModelError(ModelError.NO_HANDLER, path + ".commands." + command.name(),
              "the behaviour of " + aggregate.name() + " does not handle " + command.name()));
        }
      }
    }
    return errors;
  }
}
