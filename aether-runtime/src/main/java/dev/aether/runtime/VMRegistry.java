package dev.aether.runtime;

import java.util.Map;
import java.util.Optional;

/**
 * The active VMs of one {@link Runtime}, by actor. A read-only view: the runtime adds a VM when a message
 * arrives for an inactive actor and removes it when the VM stops.
 *
 * <p>Thread-safe; every answer is a moment's view that may change right after.
 */
public interface VMRegistry {

  /**
   * Looks up the VM of one actor.
   *
   * @param key the actor
   * @return its VM, when active
   */
  Optional<VirtualMachine> get(ActorKey key);

  /** @return how many VMs are in the registry */
  int size();

  /** @return a copy of the registry: actor to VM, least recently used first */
  Map<ActorKey, VirtualMachine> snapshot();
}
