package dev.aether.model.exec;

import dev.aether.runtime.CommandResult;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A {@link Policy} running in this process ({@link Policy#start}): its progress and its dead letters.
 * Thread-safe.
 */
public interface RunningPolicy extends AutoCloseable {

  /** @return the policy's name */
  String name();

  /**
   * Work this process has not finished: deliveries in hand, plus one while the policy has not yet seen the end of
   * the feed. Zero means every event stored before the call was handed out to the policy's group and this process
   * is done with its share (another member may still hold some).
   *
   * @return the count
   * @throws IllegalStateException naming the policy when it is not {@linkplain #isRunning() running} (closed, or
   *     stopped because its event store was closed): a stopped policy has no work of its own to count, and "0"
   *     would say it is done with a share it no longer takes
   * @throws dev.aether.store.StoreUnavailableException when the store cannot answer
   */
  long pending();

  /**
   * The policy's backlog: the commits stored and not yet handled by its group (every member's share), asked of
   * the store now.
   *
   * @return the number of commits
   * @throws dev.aether.store.StoreUnavailableException when the store cannot answer
   */
  long backlog();

  /**
   * Whether the policy still takes deliveries in this process: false once {@linkplain #close() closed}, and once
   * it stopped on its own because its event store was closed under it (no retry can undo that; logged as an
   * ERROR: close a policy before its store).
   *
   * @return whether it runs
   */
  boolean isRunning();

  /** @return deliveries of this process that ended in a dead letter since the start (each is logged) */
  long failed();

  /**
   * The policy's dead letters, of every process sharing the read-model store, oldest first.
   *
   * @return the records
   */
  List<DeadLetter> deadLetters();

  /**
   * One dead letter of the policy.
   *
   * @param id the record's id ({@link DeadLetter#id()})
   * @return the record, when there is one of this policy
   * @throws dev.aether.InvalidInputException naming {@code id} when blank
   */
  Optional<DeadLetter> deadLetter(String id);

  /**
   * Removes a dead letter without delivering it again.
   *
   * @param id the record's id
   * @return whether there was such a record of this policy
   * @throws dev.aether.InvalidInputException naming {@code id} when blank
   */
  boolean discardDeadLetter(String id);

  /**
   * Delivers a dead letter's event to the policy once more. The record is removed when the command is accepted
   * (or the reaction no longer sends one); otherwise it stays, with one more attempt and the new error.
   *
   * @param id the record's id
   * @return the command's outcome; empty when the reaction sends no command for the event now
   * @throws dev.aether.InvalidInputException naming {@code id} when there is no such record of this policy, or
   *     its event is no longer stored
   */
  CompletableFuture<Optional<CommandResult>> replayDeadLetter(String id);

  /** Stops taking deliveries (those in hand go to another member, or here after a restart); idempotent. */
  @Override
  void close();
}
