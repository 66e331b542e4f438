package dev.aether.bus;

import static dev.aether.bus.Waits.eventually;

import dev.aether.event.Event;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** A handler that records what it receives, with waits for tests. Thread-safe. */
final class Recorder implements Consumer<Event> {

  private final List<Event> events = new CopyOnWriteArrayList<>();

  @Override
  public void accept(Event event) {
    events.add(event);
  }

  List<Event> events() {
    return List.copyOf(events);
  }

  List<String> types() {
    return events.stream().map(Event::eventType).toList();
  }

  List<Long> versions() {
    return events.stream().map(Event::version).toList();
  }

  /** Waits until at least {@code count} events have arrived. */
  Recorder awaitCount(int count) {
    eventually().until(() -> events.size() >= count);
    return this;
  }

  /** Waits until an event of type {@code type} has arrived. */
  Recorder awaitType(String type) {
    eventually().until(() -> events.stream().anyMatch(e -> e.eventType().equals(type)));
    return this;
  }
}
