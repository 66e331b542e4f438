package dev.aether.testkit.store;

import dev.aether.store.EventStored;
import dev.aether.store.EventStoredListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link EventStoredListener} that remembers every notice it receives, for assertions in tests.
 *
 * <p>Thread-safe: stores may call it from any number of writing threads at once.
 */
public final class EventStoredRecorder implements EventStoredListener {

  private final List<EventStored> notices = new CopyOnWriteArrayList<>();

  private EventStoredRecorder() {}

  /**
   * Creates a recorder that has received nothing yet.
   *
   * @return the recorder
   */
  public static EventStoredRecorder create() {
    return new EventStoredRecorder();
  }

  @Override
  public void onEventStored(EventStored notice) {
    notices.add(notice);
  }

  /**
   * Returns every notice received so far.
   *
   * @return an unmodifiable copy, in the order the notices arrived
   */
  public List<EventStored> notices() {
    return List.copyOf(notices);
  }

  /**
   * Returns the notices about one actor.
   *
   * @param streamId the stream (one actor's history)
   * @return an unmodifiable copy, in the order the notices arrived
   */
  public List<EventStored> noticesOf(String streamId) {
    return notices.stream().filter(notice -> notice.streamId().equals(streamId)).toList();
  }
}
