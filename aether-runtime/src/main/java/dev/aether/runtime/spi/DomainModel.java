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
   * Whether a command is internal: sent only by the domain itself (the model's policies, Java code in the
   * process), so that the public entry points (the node's HTTP API, the cluster's any-language NATS subject)
   * refuse it. The runtime's own gateway takes it: this is an API boundary, not access control (NATS
   * permissions are).
   *
   * @param aggregateType the aggregate type
   * @param command the command name
   * @return whether the model declares that command internal; {@code false} by default and for an unknown one
   */
  default boolean isInternal(String aggregateType, String command) {
    return false;
  }

  /**
   * Compiles the model for one runtime: validates it (structure and expressions) and builds its plan.
   *
   * @param host what the runtime offers the plan
   * @return the executable plan
   * @throws dev.aether.runtime.InvalidModelException listing every problem with its path
   */
  ModelPlan plan(ModelHost host);
}
