package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.accepted;
import static dev.aether.runtime.Fixtures.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.bus.EventBusClosedException;
import dev.aether.bus.EventStoredFeed;
import dev.aether.bus.LocalEventBus;
import dev.aether.store.InMemoryEventStore;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A runtime fed with {@code EventStored} notices through a bus ({@link Runtime.Builder#eventStoredFeed}):
 * another writer's events are applied before the next decision, the runtime's own notices cost nothing.
 */
class EventStoredFeedRuntimeTest {

  private static final String NS = "shop";
  private static final String FEED = EventStoredFeed.namespaceOf(NS);

  private final LocalEventBus bus = LocalEventBus.create();
  private final TestStore store = new TestStore(InMemoryEventStore.withListener(EventStoredFeed.publisher(bus, NS)));
  private Runtime runtime;

  @AfterEach
  void close() {
    if (runtime != null) {
      runtime.close();
    }
    bus.close();
  }

  private void start(RuntimeConfig config) {
    runtime = Fixtures.runtime(store).config(config).eventStoredFeed(bus, NS).build();
    runtime.start();
  }

  @Test
  void anotherWritersEvent_arrivingOnTheFeed_isAppliedBeforeTheNextDecision_withoutAConflict() {
    start(RuntimeConfig.builder().conflictRetries(0).build());
    accepted(runtime.sendMessage(Bank.open("f1")));
    store.foreignAppend(Bank.stream("f1"), "Deposited", Map.of("amount", 70));
    eventually().until(() -> bus.metrics().received(FEED) == 2);
    int appendsBefore = store.appendCalls.get();

    CommandResult.Accepted r = accepted(runtime.sendMessage(Bank.withdraw("f1", 70)));

    assertThat(r.newVersion()).isEqualTo(3);
    assertThat(store.appendCalls.get() - appendsBefore).as("one append, no conflict").isEqualTo(1);
    assertThat(store.latestVersionCalls).as("no freshness check was needed").hasValue(0);
    assertThat(runtime.registry().get(ActorKey.of(Bank.TYPE, "f1")).orElseThrow().getState())
        .containsEntry("balance", 0L);
  }

  @Test
  void theRuntimesOwnNotices_causeNoCatchUpRead() {
    start(RuntimeConfig.defaults());
    accepted(runtime.sendMessage(Bank.open("f2")));
    for (int i = 1; i <= 5; i++) {
      accepted(runtime.sendMessage(Bank.deposit("f2", i)));
    }
    eventually().until(() -> bus.metrics().received(FEED) == 6);

    CommandResult.Accepted r = accepted(runtime.sendMessage(Bank.withdraw("f2", 15)));

    assertThat(r.newVersion()).isEqualTo(7);
    assertThat(store.readsFrom).as("only the activation read the store").containsExactly(1L);
    assertThat(store.latestVersionCalls).hasValue(0);
  }

  @Test
  void close_endsTheFeedSubscription_butLeavesTheBusOpen() {
    start(RuntimeConfig.defaults());
    assertThat(bus.metrics().activeSubscriptions(FEED)).isEqualTo(1);

    runtime.close();

    assertThat(bus.metrics().activeSubscriptions(FEED)).isZero();
    assertThat(bus.isClosed()).isFalse();
  }

  @Test
  void build_withAClosedFeedBus_fails() {
    LocalEventBus closed = LocalEventBus.create();
    closed.close();

    assertThatThrownBy(() -> Fixtures.runtime(store).eventStoredFeed(closed, NS).build())
        .isInstanceOf(EventBusClosedException.class);
  }

  @Test
  void eventStoredFeed_refusesBadArguments() {
    assertThatThrownBy(() -> Runtime.builder().eventStoredFeed(null, NS))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("bus"));
    assertThatThrownBy(() -> Runtime.builder().eventStoredFeed(bus, "shop.>"))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("namespace"));
  }
}
