package dev.aether.server;

import dev.aether.model.AggregateDef;
import dev.aether.model.CommandDef;
import dev.aether.model.StateFieldDef;
import dev.aether.model.Model;
import dev.aether.model.PolicyDef;
import dev.aether.model.ReadModelDef;
import dev.aether.runtime.ModelError;
import dev.aether.runtime.spi.DomainModel;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The description of a model that {@code GET /v1/model} and {@code PUT /v1/model} answer and {@code aether model
 * validate} prints: name, version, each aggregate's commands, internal commands and state fields by its name,
 * policies, read models, warnings; every map in a fixed order. One place, so that the CLI prints what the node
 * answers. Stateless and thread-safe.
 */
public final class ModelDescription {

  private ModelDescription() {}

  /**
   * Describes a model.
   *
   * @param domain the model (an EventStorming {@link Model}, or another {@link DomainModel}: its commands by
   *     aggregate only)
   * @param warnings the warnings of loading it
   * @return the description, as JSON-ready maps and lists in a fixed order
   */
  public static Map<String, Object> of(DomainModel domain, List<ModelError> warnings) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", domain.name());
    out.put("version", domain.version());
    if (domain instanceof Model model) {
      Map<String, Object> aggregates = new LinkedHashMap<>();
      for (AggregateDef a : model.aggregates()) {
        Map<String, Object> aggregate = new LinkedHashMap<>();
        aggregate.put("commands", a.commands().stream().map(CommandDef::name).toList());
        aggregate.put("internalCommands", a.commands().stream().filter(CommandDef::internal).map(CommandDef::name)
            .toList());
        aggregate.put("state", a.state().stream().map(StateFieldDef::name).toList());
        aggregates.put(a.name(), aggregate);
      }
      out.put("aggregates", aggregates);
      out.put("policies", model.policies().stream().map(PolicyDef::name).toList());
      out.put("readModels", model.readModels().stream().map(ReadModelDef::name).toList());
    } else {
      out.put("aggregates", domain.commandsByAggregate());
    }
    out.put("warnings", warnings(warnings));
    return out;
  }

  /**
   * Describes warnings (or refused changes) as the description lists them.
   *
   * @param warnings the warnings
   * @return one {@code {"id", "path", "message"}} map per warning, in order
   */
  public static List<Map<String, Object>> warnings(List<ModelError> warnings) {
    return warnings.stream().map(ModelDescription::warning).toList();
  }

  private static Map<String, Object> warning(ModelError warning) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", warning.id());
    out.put("path", warning.path());
    out.put("message", warning.message());
    return out;
  }
}
