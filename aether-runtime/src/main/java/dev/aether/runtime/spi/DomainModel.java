package dev.aether.runtime.spi;

import java.util.List;
import java.util.Map;

/**
 * What a runtime needs of a domain model (an EventStorming model of {@code aether-model}, or any other
 * source of model-driven behaviour): its name and version, the commands each aggregate declares, and how to
 * compile it for one runtime. The runtime does not know the model's format; the model brings its own
 * compiler, so that composing a runtime with models needs no discovery on the class path.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface DomainModel {

  /** @return the model's name, for logs and errors */
  String name();

  /** @return the model's version, for logs and errors */
  String version();

  /**
   * The commands each aggregate declares, in declaration order. The runtime checks them against the
   * behaviours it will run: every aggregate needs a behaviour (the plan's or a registered Java one), and a
   * behaviour that lists its commands must handle every declared command.
   *
   * @return aggregate type to command names; aggregates and commands without a name are left out
   */
  Map<String, List<String>> commandsByAggregate();

  /**
   * Compiles the model for one runtime: validates it (structure and expressions) and builds its plan.
   *
   * @param host what the runtime offers the plan
   * @return the executable plan
   * @throws dev.aether.runtime.InvalidModelException listing every problem with its path
   */
  ModelPlan plan(ModelHost host);
}
