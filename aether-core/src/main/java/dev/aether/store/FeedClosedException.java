package dev.aether.store;

import dev.aether.NonTransientAetherException;

/**
 * A {@link FeedReader} or {@link SharedFeed} was used after it was closed (by its owner, or because its store
 * was closed). Non-transient: open a new one.
 */
public class FeedClosedException extends NonTransientAetherException {

  /**
   * Creates the failure.
   *
   * @param message what was closed and what was attempted
   */
  public FeedClosedException(String message) {
    super(message, null);
  }
}
