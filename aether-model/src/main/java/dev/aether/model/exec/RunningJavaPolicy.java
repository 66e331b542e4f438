package dev.aether.model.exec;

import dev.aether.InvalidInputException;
import dev.aether.runtime.CommandResult;
import dev.aether.support.Checks;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** A {@link Policy} on its {@link PolicyRunner}; the dead letters it shows are its own. Thread-safe. */
final class RunningJavaPolicy implements RunningPolicy {

  private final String name;
  private final PolicyRunner runner;
  private final DeadLetterStore letters;
  private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

  RunningJavaPolicy(String name, PolicyRunner runner, DeadLetterStore letters) {
    this.name = name;
    this.runner = runner;
    this.letters = letters;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public long pending() {
    requireRunning();
    try {
      return runner.pending();
    } catch (RuntimeException e) { // its store closed meanwhile: say so, not the store's error
      requireRunning();
      throw e;
    }
  }

  private void requireRunning() {
    if (!isRunning()) {
      throw new IllegalStateException("policy " + name + " is not running (" + (closed.get() ? "closed"
          : "stopped: its event store was closed") + "): it has nothing pending here");
    }
  }

  @Override
  public long backlog() {
    return runner.backlog(name);
  }

  @Override
  public boolean isRunning() {
    return !closed.get() && runner.isRunning(name);
  }

  @Override
  public long failed() {
    return runner.failed();
  }

  @Override
  public List<DeadLetter> deadLetters() {
    return letters.all().stream().filter(letter -> letter.policy().equals(name)).toList();
  }

  @Override
  public Optional<DeadLetter> deadLetter(String id) {
    return letters.get(Checks.notBlank(id, "id")).filter(letter -> letter.policy().equals(name));
  }

  @Override
  public boolean discardDeadLetter(String id) {
    if (deadLetter(id).isEmpty()) {
      return false;
    }
    letters.remove(id);
    return true;
  }

  @Override
  public CompletableFuture<Optional<CommandResult>> replayDeadLetter(String id) {
    if (deadLetter(id).isEmpty()) {
      throw new InvalidInputException("id", "no dead letter \"" + id + "\" of policy " + name);
    }
    return runner.replay(id);
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      runner.close();
    }
  }
}
