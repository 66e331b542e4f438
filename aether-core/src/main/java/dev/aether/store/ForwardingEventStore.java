package dev.aether.store;

import dev.aether.event.Event;
import dev.aether.support.Checks;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An {@link EventStore} that passes every call to another one: the base of a decorator (metrics, tracing, a
 * test's counting store) that overrides only the calls it adds to. Every method of {@link EventStore} is
 * forwarded, those with a default included ({@link #fence}, {@link #appendAsync}, the range read,
 * {@link #getEventsForWriter}, {@link #maxCommitBytes}, {@link #namespace}, {@link #close}), so a decorator keeps the delegate's own
 * behaviour there (its fences and its writers' reads, its asynchronous commits, its range reads), where a class
 * implementing {@link EventStore} directly falls back to the interface's defaults: a cluster on a decorator that
 * does not forward {@code fence} loses the fence without a sign. {@code ForwardingEventStoreTest} checks that
 * every method of the interface is forwarded here.
 *
 * <p>A decorator of a store that is also an {@link EventFeed} or a {@link SnapshotStore} implements those
 * interfaces itself and forwards them to {@link #delegate()}.
 *
 * <p>Thread-safe when the delegate is and the subclass's additions are.
 */
public abstract class ForwardingEventStore implements EventStore {

  private final EventStore delegate;

  /**
   * Creates a decorator of a store.
   *
   * @param delegate the store every call goes to
   * @throws dev.aether.InvalidInputException when {@code delegate} is null
   */
  protected ForwardingEventStore(EventStore delegate) {
    this.delegate = Checks.notNull(delegate, "delegate");
  }

  /** @return the store every call goes to */
  protected final EventStore delegate() {
    return delegate;
  }

  @Override
  public void saveEvent(Event event) {
    delegate.saveEvent(event);
  }

  @Override
  public long append(String streamId, long expectedVersion, List<Event> events) {
    return delegate.append(streamId, expectedVersion, events);
  }

  @Override
  public void fence(String streamId, long version) {
    delegate.fence(streamId, version);
  }

  @Override
  public CompletableFuture<Long> appendAsync(String streamId, long expectedVersion, List<Event> events) {
    return delegate.appendAsync(streamId, expectedVersion, events);
  }

  @Override
  public List<Event> getEvents(String streamId, long fromVersion) {
    return delegate.getEvents(streamId, fromVersion);
  }

  @Override
  public ReplayResult getEventsWithErrors(String streamId, long fromVersion) {
    return delegate.getEventsWithErrors(streamId, fromVersion);
  }

  @Override
  public ReplayResult getEventsForWriter(String streamId, long fromVersion) {
    return delegate.getEventsForWriter(streamId, fromVersion);
  }

  @Override
  public ReplayResult getEventsWithErrors(String streamId, long fromVersion, long toVersion) {
    return delegate.getEventsWithErrors(streamId, fromVersion, toVersion);
  }

  @Override
  public long getLatestVersion(String streamId) {
    return delegate.getLatestVersion(streamId);
  }

  @Override
  public long maxCommitBytes() {
    return delegate.maxCommitBytes();
  }

  @Override
  public Optional<String> namespace() {
    return delegate.namespace();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
