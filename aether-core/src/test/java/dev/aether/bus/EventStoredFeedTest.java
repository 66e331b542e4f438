package dev.aether.bus;

import static dev.aether.bus.TestEvents.event;
import static dev.aether.bus.TestEvents.fence;
import static dev.aether.bus.TestEvents.freshNamespace;
import static dev.aether.bus.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.store.EventStored;
import dev.aether.store.EventStoredListener;
import dev.aether.store.InMemoryEventStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The bridge between a store's notices and a bus: wire form, publisher, subscription. */
class EventStoredFeedTest {

  private final LocalEventBus bus = LocalEventBus.create();
  private final String store = freshNamespace();
  private final List<EventStored> received = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    bus.close();
  }

  @Test
  void namespaceOf_appendsTheStoredToken_andRefusesABadNamespace() {
    assertThat(EventStoredFeed.namespaceOf("shop")).isEqualTo("shop.stored");
    assertThat(EventStoredFeed.namespaceOf("prod.shop")).isEqualTo("prod.shop.stored");
    assertThatThrownBy(() -> EventStoredFeed.namespaceOf("shop.*"))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("namespace"));
    assertThatThrownBy(() -> EventStoredFeed.namespaceOf(null)).isInstanceOf(InvalidInputException.class);
  }

  @Test
  void toEvent_carriesTheNoticeAsAnEventStoredEvent_andReadsBackEqual() {
    EventStored notice = new EventStored("evt-1", "Account/a.1", 7, Instant.parse("2026-01-02T03:04:05.123456789Z"));

    Event event = EventStoredFeed.toEvent(notice);

    assertThat(event.eventType()).isEqualTo(EventStored.EVENT_TYPE);
    assertThat(event.streamId()).isEqualTo("Account/a.1");
    assertThat(event.version()).isEqualTo(7);
    assertThat(event.timestamp()).isEqualTo(notice.timestamp());
    assertThat(event.data()).isEqualTo(Map.of("eventId", "evt-1"));
    assertThat(event.id()).as("a fresh id, never the stored event's").isNotEqualTo("evt-1");
    assertThat(EventStoredFeed.fromEvent(event)).contains(notice);
  }

  @Test
  void fromEvent_ofAnotherEvent_isEmpty() {
    assertThat(EventStoredFeed.fromEvent(event("Deposited"))).isEmpty();
    assertThat(EventStoredFeed.fromEvent(event(EventStored.EVENT_TYPE))).as("no eventId").isEmpty();
  }

  @Test
  void publisher_asAStoreListener_deliversEveryNoticeInOrder_toTheSubscription() {
    EventStoredFeed.subscribe(bus, store, received::add);
    InMemoryEventStore events = InMemoryEventStore.withListener(EventStoredFeed.publisher(bus, store));

    events.append("Account/a", 0, List.of(stored("Account/a", 1), stored("Account/a", 2)));
    events.append("Account/b", 0, List.of(stored("Account/b", 1)));

    eventually().until(() -> received.size() == 3);
    assertThat(received).extracting(EventStored::streamId, EventStored::version)
        .containsExactly(tuple("Account/a", 1L),
            tuple("Account/a", 2L),
            tuple("Account/b", 1L));
    assertThat(bus.metrics().published(EventStoredFeed.namespaceOf(store))).isEqualTo(3);
  }

  @Test
  void subscription_ignoresOtherEventTypes_andOtherStoreNamespaces() {
    Recorder fenceSeen = new Recorder();
    bus.subscribe(EventStoredFeed.namespaceOf(store), fenceSeen);
    EventStoredFeed.subscribe(bus, store, received::add);
    EventStoredListener other = EventStoredFeed.publisher(bus, freshNamespace());

    bus.publish(EventStoredFeed.namespaceOf(store), event("Deposited"));
    other.onEventStored(new EventStored("e", "Account/a", 1, Instant.now()));
    bus.publish(EventStoredFeed.namespaceOf(store), fence());

    fenceSeen.awaitType(TestEvents.FENCE);
    assertThat(received).isEmpty();
  }

  @Test
  void publisher_onAClosedBus_isQuiet_soTheStoreWriteIsUnaffected() {
    EventStoredListener publisher = EventStoredFeed.publisher(bus, store);
    bus.close();

    publisher.onEventStored(new EventStored("e", "Account/a", 1, Instant.now()));

    assertThat(bus.metrics().published(EventStoredFeed.namespaceOf(store))).isZero();
  }

  @Test
  void badArguments_areRefusedNamingTheField() {
    assertThatThrownBy(() -> EventStoredFeed.publisher(null, store))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("bus"));
    assertThatThrownBy(() -> EventStoredFeed.subscribe(bus, store, null))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("target"));
    assertThatThrownBy(() -> EventStoredFeed.subscribe(bus, "a..b", received::add))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("namespace"));
  }

  private static Event stored(String streamId, long version) {
    return Event.builder().eventType("Deposited").streamId(streamId).version(version).build();
  }
}
