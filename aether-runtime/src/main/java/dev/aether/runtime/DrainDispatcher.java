package dev.aether.runtime;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the actors' mailboxes on reused threads: a VM with work joins one queue of ready VMs, and worker tasks
 * on the runtime's executor take turns on them.
 *
 * <h2>Turns and fairness</h2>
 * A turn is one batch (a group commit, or one control item) of one VM. After its turn a VM that still has work
 * goes to the back of the queue when other VMs wait, so a busy actor delays the others by one batch at most;
 * alone, it keeps its worker. A worker yields its thread every {@value #TURNS_BEFORE_YIELD} turns, so other
 * (virtual) threads sharing the carriers are not starved while the queue stays full. A worker ends when the
 * queue is empty.
 *
 * <h2>How many workers</h2>
 * There is always one <em>spare</em> worker submitted and not yet started while VMs wait: a worker that takes a
 * VM and sees more waiting submits one if none is pending. With virtual threads (the default executor) the
 * spare starts as soon as a carrier is free, that is when a worker blocks (a store round trip, a behaviour that
 * waits) or yields; so a blocked actor never holds up the others, and while nothing blocks the work stays on
 * about as many workers as there are carriers instead of a new thread per busy actor. (Before issue 12 each
 * mailbox drain started a virtual thread: ~9% of the CPU of the peers workload.)
 *
 * <p>Thread-safe: the ready queue is lock-free; {@code spares} counts workers submitted and not yet started.
 * A VM is in the queue at most once (its mailbox counter decides who schedules it).
 */
final class DrainDispatcher {

  private static final Logger LOG = LoggerFactory.getLogger(DrainDispatcher.class);
  static final int TURNS_BEFORE_YIELD = 16;

  private final Executor executor;
  private final ConcurrentLinkedQueue<ActorVM<?>> ready = new ConcurrentLinkedQueue<>();
  private final AtomicInteger spares = new AtomicInteger();

  DrainDispatcher(Executor executor) {
    this.executor = executor;
  }

  /**
   * Queues a VM that has work and that no worker runs now.
   *
   * @param vm the VM
   */
  void schedule(ActorVM<?> vm) {
    ready.offer(vm);
    ensureSpare();
  }

  private void ensureSpare() {
    if (spares.get() == 0 && spares.compareAndSet(0, 1)) {
      try {
        executor.execute(this::work);
      } catch (RejectedExecutionException e) {
        LOG.warn("executor refused the mailbox worker; running it on the caller's thread");
        work();
      }
    }
  }

  private void work() {
    spares.decrementAndGet();
    int turns = 0;
    ActorVM<?> vm;
    while ((vm = ready.poll()) != null) {
      if (!ready.isEmpty()) {
        ensureSpare();
      }
      while (vm.runTurn()) {
        if (!ready.isEmpty()) {
          ready.offer(vm); // others wait: to the back of the line
          break;
        }
      }
      if (++turns % TURNS_BEFORE_YIELD == 0) {
        Thread.yield();
      }
    }
  }
}
