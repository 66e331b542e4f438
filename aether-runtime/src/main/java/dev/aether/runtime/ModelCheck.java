package dev.aether.runtime;

import dev.aether.runtime.spi.DomainModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Checks a model against the behaviours a runtime has: every aggregate needs a behaviour, and a behaviour
 * that lists its commands must handle every command the model declares. Stateless.
 */
final class ModelCheck {

  private ModelCheck() {}

  static List<ModelError> against(DomainModel model, Map<String, AggregateContext<?>> aggregates) {
    List<ModelError> errors = new ArrayList<>();
    model.commandsByAggregate().forEach((aggregate, commands) -> {
      String path = "aggregates." + aggregate;
      AggregateContext<?> ctx = aggregates.get(aggregate);
      if (ctx == null) {
        errors.add(new ModelError(ModelError.NO_BEHAVIOR, path, "no behaviour is registered for aggregate "
            + aggregate + " (register one before loading the model)"));
        return;
      }
      for (String command : commands) {
        if (ctx.refuses(command)) {
          errors.add(new ModelError(ModelError.NO_HANDLER, path + ".commands." + command,
              "the behaviour of " + aggregate + " does not handle " + command));
        }
      }
    });
    return errors;
  }
}
