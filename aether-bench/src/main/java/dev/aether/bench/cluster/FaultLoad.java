package dev.aether.bench.cluster;

import dev.aether.runtime.CommandGateway;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.RuntimeMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/**
 * The open-loop load of the fault cases ({@link RollingRestart}, {@link NatsLoss}): {@code Deposit}s at a fixed
 * rate (each sent at its scheduled time whatever the earlier ones do) to random ones of {@code actors} actors,
 * through a gateway the case supplies per send. A transient outcome is resent at once with the same command id
 * for at most {@value #GIVE_UP_SECONDS} s (a resent command that ends accepted is not a failure). Each command
 * keeps its first send time, the phase it was first sent in (a label the case sets), its attempts and its final
 * outcome. Thread-safe: one generator thread, completions on the gateways' threads.
 */
final class FaultLoad {

  static final long GIVE_UP_SECONDS = 60;

  /** One command: message, first send (nanoTime), phase, attempts, final outcome and when it came. */
  static final class Sent {
    final RuntimeMessage message;
    final long start = System.nanoTime();
    final int phase;
    final CompletableFuture<CommandResult> outcome = new CompletableFuture<>();
    volatile int attempts;
    volatile long end;

    Sent(RuntimeMessage message, int phase) {
      this.message = message;
      this.phase = phase;
    }

    long latency() {
      return end - start;
    }

    boolean accepted() {
      return outcome.join() instanceof Accepted;
    }
  }

  private final int rate;
  private final int actors;
  private final String prefix;
  private final Supplier<CommandGateway> gateways;
  private final ConcurrentLinkedQueue<Sent> sent = new ConcurrentLinkedQueue<>();
  private volatile int phase;
  private volatile boolean running = true;
  private Thread generator;

  FaultLoad(int rate, int actors, String prefix, Supplier<CommandGateway> gateways) {
    this.rate = rate;
    this.actors = actors;
    this.prefix = prefix;
    this.gateways = gateways;
  }

  /** Starts the generator thread. */
  FaultLoad start() {
    generator = Thread.ofPlatform().name("bench-fault-load").start(this::generate);
    return this;
  }

  /** Labels the commands sent from now on. */
  void phase(int label) {
    this.phase = label;
  }

  /** @return the commands sent so far (a copy) */
  List<Sent> snapshot() {
    return new ArrayList<>(sent);
  }

  /** Stops sending and waits for every command's final outcome; returns them all. */
  List<Sent> stop() throws Exception {
    running = false;
    generator.join();
    CompletableFuture.allOf(sent.stream().map(s -> s.outcome).toArray(CompletableFuture[]::new))
        .get(GIVE_UP_SECONDS * 2, TimeUnit.SECONDS);
    return new ArrayList<>(sent);
  }

  private void generate() {
    long interval = 1_000_000_000L / rate;
    long next = System.nanoTime();
    ThreadLocalRandom random = ThreadLocalRandom.current();
    while (running) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
        continue;
      }
      Sent s = new Sent(Deposits.deposit(prefix + random.nextInt(actors)), phase);
      sent.add(s);
      send(s);
      next += interval;
    }
  }

  private void send(Sent s) {
    s.attempts++;
    CompletableFuture<CommandResult> result;
    try {
      result = gateways.get().sendMessage(s.message);
    } catch (RuntimeException e) {
      result = CompletableFuture.failedFuture(e);
    }
    result.whenComplete((r, failure) -> {
      CommandResult outcome = failure != null
          ? Rejected.of(s.message.commandId(), RejectionReason.BEHAVIOR_FAILED, failure.toString())
          : r;
      boolean giveUp = System.nanoTime() - s.start > TimeUnit.SECONDS.toNanos(GIVE_UP_SECONDS);
      if (outcome instanceof Rejected rejected && rejected.isTransient() && failure == null && !giveUp) {
        send(s);
      } else {
        s.end = System.nanoTime();
        s.outcome.complete(outcome);
      }
    });
  }
}
