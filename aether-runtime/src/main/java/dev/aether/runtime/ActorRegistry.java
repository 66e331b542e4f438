package dev.aether.runtime;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The active VMs of one runtime: a concurrent map by stream id for routing, and an intrusive doubly linked
 * list in least-recently-used order for passivation.
 *
 * <p>Thread-safe. The map is lock-free for lookups. {@code lock} guards the list (the VMs' {@code lru*},
 * {@code linked} and {@code lastUsed} fields) and {@code linkedCount}; it is held only for O(1) link
 * operations or a walk over the VMs being passivated, never across I/O. A VM leaves the list when its stop is
 * requested (it no longer counts against {@code maxActiveVMs}) and leaves the map when it has stopped.
 */
final class ActorRegistry implements VMRegistry {

  private final ConcurrentMap<String, ActorVM<?>> byStream = new ConcurrentHashMap<>();
  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicLong serials = new AtomicLong();
  private final Clock clock;
  private ActorVM<?> head;
  private ActorVM<?> tail;
  private int linkedCount;

  ActorRegistry(Clock clock) {
    this.clock = clock;
  }

  @Override
  public Optional<VirtualMachine> get(ActorKey key) {
    return Optional.ofNullable(byStream.get(key.streamId()));
  }

  @Override
  public int size() {
    return byStream.size();
  }

  @Override
  public Map<ActorKey, VirtualMachine> snapshot() {
    Map<ActorKey, VirtualMachine> copy = new LinkedHashMap<>();
    lock.lock();
    try {
      for (ActorVM<?> vm = head; vm != null; vm = vm.lruNext) {
        copy.put(vm.getKey(), vm);
      }
    } finally {
      lock.unlock();
    }
    byStream.values().forEach(vm -> copy.putIfAbsent(vm.getKey(), vm));
    return copy;
  }

  /**
   * Finds the VM of a stream.
   *
   * @param streamId the stream id
   * @return the VM, or {@code null}
   */
  ActorVM<?> find(String streamId) {
    return byStream.get(streamId);
  }

  /**
   * Returns the VM of an actor, creating and linking one when there is none.
   *
   * @param key the actor
   * @param factory makes a new VM from a serial number
   * @param maxActive above this many linked VMs, the least recently used are returned for eviction
   * @param evicted receives the VMs to passivate
   * @return the actor's VM
   */
  ActorVM<?> getOrCreate(ActorKey key, Function<Long, ActorVM<?>> factory, int maxActive,
      List<ActorVM<?>> evicted) {
    String streamId = key.streamId();
    ActorVM<?> vm = byStream.get(streamId);
    if (vm != null) {
      return vm;
    }
    ActorVM<?> created = factory.apply(serials.incrementAndGet());
    vm = byStream.putIfAbsent(streamId, created);
    if (vm != null) {
      return vm;
    }
    link(created, maxActive, evicted);
    return created;
  }

  /**
   * Marks a VM as just used: moves it to the most recently used end.
   *
   * @param vm the VM
   */
  void touch(ActorVM<?> vm) {
    lock.lock();
    try {
      vm.lastUsed = clock.millis();
      if (vm.linked && vm != tail) {
        unlinkLocked(vm);
        appendLocked(vm);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Takes the VMs unused since a time out of the LRU list, to passivate them.
   *
   * @param cutoffMillis VMs last used at or before this time are taken
   * @return the idle VMs, least recently used first
   */
  List<ActorVM<?>> takeIdle(long cutoffMillis) {
    List<ActorVM<?>> idle = new ArrayList<>();
    lock.lock();
    try {
      while (head != null && head.lastUsed <= cutoffMillis) {
        ActorVM<?> vm = head;
        unlinkLocked(vm);
        idle.add(vm);
      }
    } finally {
      lock.unlock();
    }
    return idle;
  }

  /**
   * Takes a VM out of the LRU list because it is stopping.
   *
   * @param vm the VM
   */
  void unlink(ActorVM<?> vm) {
    lock.lock();
    try {
      if (vm.linked) {
        unlinkLocked(vm);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Removes a stopped VM.
   *
   * @param vm the VM
   */
  void remove(ActorVM<?> vm) {
    unlink(vm);
    byStream.remove(vm.getKey().streamId(), vm);
  }

  /** @return every VM in the map */
  List<ActorVM<?>> all() {
    return new ArrayList<>(byStream.values());
  }

  private void link(ActorVM<?> vm, int maxActive, List<ActorVM<?>> evicted) {
    lock.lock();
    try {
      if (vm.isStopRequested()) {
        return;
      }
      vm.lastUsed = clock.millis();
      appendLocked(vm);
      while (linkedCount > maxActive && head != vm) {
        ActorVM<?> lru = head;
        unlinkLocked(lru);
        evicted.add(lru);
      }
    } finally {
      lock.unlock();
    }
  }

  private void appendLocked(ActorVM<?> vm) {
    vm.lruPrev = tail;
    vm.lruNext = null;
    if (tail == null) {
      head = vm;
    } else {
      tail.lruNext = vm;
    }
    tail = vm;
    vm.linked = true;
    linkedCount++;
  }

  private void unlinkLocked(ActorVM<?> vm) {
    if (vm.lruPrev == null) {
      head = vm.lruNext;
    } else {
      vm.lruPrev.lruNext = vm.lruNext;
    }
    if (vm.lruNext == null) {
      tail = vm.lruPrev;
    } else {
      vm.lruNext.lruPrev = vm.lruPrev;
    }
    vm.lruPrev = null;
    vm.lruNext = null;
    vm.linked = false;
    linkedCount--;
  }
}
