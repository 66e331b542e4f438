package dev.aether.bus;

import static dev.aether.bus.TestEvents.FENCE;
import static dev.aether.bus.TestEvents.event;
import static dev.aether.bus.TestEvents.fence;
import static dev.aether.bus.TestEvents.freshNamespace;
import static dev.aether.bus.TestEvents.version;
import static dev.aether.bus.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The behaviour every {@link EventBus} implementation must have. An implementation's test class extends this
 * and provides {@link #newBus()}. Each test uses fresh random namespaces.
 *
 * <p>Absence is checked without sleeping: after the events that must not arrive, a "fence" event that must
 * arrive is published by the same thread; since a subscription receives one publisher's events in order,
 * once the fence is there anything wrongly routed would be there too.
 */
abstract class EventBusContractTest {

  protected EventBus bus;
  protected String root;

  /** Makes a new, open bus with default settings (queues large enough for a few hundred events). */
  protected abstract EventBus newBus();

  @BeforeEach
  void openBus() {
    bus = newBus();
    root = freshNamespace();
  }

  @AfterEach
  void closeBus() {
    bus.close();
  }

  // ---- routing ----------------------------------------------------------------------------------------

  @Test
  void exactSubscription_receivesEventsOfItsNamespace() {
    Recorder recorder = new Recorder();
    bus.subscribe(root, recorder);

    bus.publish(root, event("A"));

    assertThat(recorder.awaitCount(1).types()).containsExactly("A");
  }

  @Test
  void exactSubscription_neverSeesOtherNamespaces() {
    Recorder recorder = new Recorder();
    bus.subscribe(root + ".orders", recorder);

    for (String other : List.of(root, root + ".orders.eu", root + ".order", root + ".orders-x", freshNamespace())) {
      bus.publish(other, event("Foreign"));
    }
    bus.publish(root + ".orders", fence());

    assertThat(recorder.awaitType(FENCE).types()).containsExactly(FENCE);
  }

  @Test
  void starWildcard_matchesExactlyOneToken() {
    Recorder recorder = new Recorder();
    bus.subscribe(root + ".*", recorder);

    bus.publish(root, event("Root"));
    bus.publish(root + ".orders", event("One"));
    bus.publish(root + ".orders.eu", event("Two"));
    bus.publish(freshNamespace() + ".orders", event("OtherRoot"));
    bus.publish(root + ".invoices", fence());

    assertThat(recorder.awaitType(FENCE).types()).containsExactly("One", FENCE);
  }

  @Test
  void greaterThanWildcard_matchesOneOrMoreTrailingTokens() {
    Recorder recorder = new Recorder();
    bus.subscribe(root + ".>", recorder);

    bus.publish(root, event("Root"));
    bus.publish(root + ".orders", event("One"));
    bus.publish(root + ".orders.eu", event("Two"));
    bus.publish(root + ".orders.eu.x", event("Three"));
    bus.publish(freshNamespace() + ".orders", event("OtherRoot"));
    bus.publish(root + ".invoices", fence());

    assertThat(recorder.awaitType(FENCE).types()).containsExactly("One", "Two", "Three", FENCE);
  }

  @Test
  void wildcardInTheMiddle_matchesThatTokenOnly() {
    Recorder recorder = new Recorder();
    bus.subscribe(root + ".*.orders", recorder);

    bus.publish(root + ".eu.orders", event("Eu"));
    bus.publish(root + ".eu.invoices", event("Invoices"));
    bus.publish(root + ".eu.west.orders", event("TooDeep"));
    bus.publish(root + ".us.orders", fence());

    assertThat(recorder.awaitType(FENCE).types()).containsExactly("Eu", FENCE);
  }

  @Test
  void exactAndWildcardSubscribers_eachReceiveTheEventOnce() {
    Recorder exact = new Recorder();
    Recorder star = new Recorder();
    Recorder rest = new Recorder();
    bus.subscribe(root + ".orders", exact);
    bus.subscribe(root + ".*", star);
    bus.subscribe(root + ".>", rest);

    bus.publish(root + ".orders", event("A"));
    bus.publish(root + ".orders", fence());

    for (Recorder recorder : List.of(exact, star, rest)) {
      assertThat(recorder.awaitType(FENCE).types()).containsExactly("A", FENCE);
    }
  }

  @Test
  void severalSubscriptionsToOneNamespace_eachReceiveEveryEvent() {
    Recorder first = new Recorder();
    Recorder second = new Recorder();
    bus.subscribe(root, first);
    bus.subscribe(root, second);

    bus.publish(root, event("A"));
    bus.publish(root, event("B"));

    assertThat(first.awaitCount(2).types()).containsExactly("A", "B");
    assertThat(second.awaitCount(2).types()).containsExactly("A", "B");
  }

  @Test
  void publishWithoutSubscribers_isCountedAndHarmless() {
    bus.publish(root, event("A"));

    assertThat(bus.metrics().published(root)).isEqualTo(1);
  }

  // ---- filters ----------------------------------------------------------------------------------------

  @Test
  void filterOnEventTypes_deliversOnlyThoseTypes() {
    Recorder recorder = new Recorder();
    bus.subscribe(root, SubscriptionFilter.eventTypes("OrderPlaced", FENCE), recorder);

    bus.publish(root, event("OrderPlaced"));
    bus.publish(root, event("OrderShipped"));
    bus.publish(root, event("OrderPlaced"));
    bus.publish(root, fence());

    assertThat(recorder.awaitType(FENCE).types()).containsExactly("OrderPlaced", "OrderPlaced", FENCE);
  }

  @Test
  void filterOnActorPattern_deliversOnlyMatchingActors() {
    Recorder recorder = new Recorder();
    bus.subscribe(root, SubscriptionFilter.actorPattern("order.*"), recorder);

    bus.publish(root, event("A", "order.1"));
    bus.publish(root, event("B", "order.1.line.2"));
    bus.publish(root, event("C", "invoice.1"));
    bus.publish(root, event(FENCE, "order.fence"));

    assertThat(recorder.awaitType(FENCE).types()).containsExactly("A", FENCE);
  }

  @Test
  void filterOnTypesAndActorPattern_requiresBoth() {
    Recorder recorder = new Recorder();
    SubscriptionFilter filter = SubscriptionFilter.eventTypes("OrderPlaced", FENCE).withActorPattern("order.>");
    bus.subscribe(root, filter, recorder);

    bus.publish(root, event("OrderPlaced", "order.1"));
    bus.publish(root, event("OrderPlaced", "invoice.1"));
    bus.publish(root, event("OrderShipped", "order.1"));
    bus.publish(root, event(FENCE, "order.fence"));

    assertThat(recorder.awaitType(FENCE).events())
        .extracting(e -> e.eventType() + "@" + e.actorId())
        .containsExactly("OrderPlaced@order.1", FENCE + "@order.fence");
  }

  @Test
  void filter_worksWithWildcardNamespaces() {
    Recorder recorder = new Recorder();
    bus.subscribe(root + ".>", SubscriptionFilter.eventTypes("OrderPlaced", FENCE), recorder);

    bus.publish(root + ".eu", event("OrderPlaced"));
    bus.publish(root + ".us", event("OrderShipped"));
    bus.publish(root + ".us.west", event("OrderPlaced"));
    bus.publish(freshNamespace(), event("OrderPlaced"));
    bus.publish(root + ".eu", fence());

    assertThat(recorder.awaitType(FENCE).types()).containsExactly("OrderPlaced", "OrderPlaced", FENCE);
  }

  // ---- ordering and handlers ----------------------------------------------------------------------------

  @Test
  void eachSubscriber_receivesOnePublishersEventsInPublishOrder() {
    Recorder exact = new Recorder();
    Recorder wildcard = new Recorder();
    bus.subscribe(root + ".orders", exact);
    bus.subscribe(root + ".>", wildcard);
    List<Long> versions = LongStream.rangeClosed(1, 500).boxed().toList();

    versions.forEach(v -> bus.publish(root + ".orders", version(v)));

    assertThat(exact.awaitCount(500).versions()).isEqualTo(versions);
    assertThat(wildcard.awaitCount(500).versions()).isEqualTo(versions);
  }

  @Test
  void handler_runsOnAnotherThreadThanThePublisher() {
    Thread publisher = Thread.currentThread();
    List<Thread> handlerThreads = new CopyOnWriteArrayList<>();
    bus.subscribe(root, e -> handlerThreads.add(Thread.currentThread()));

    bus.publish(root, event("A"));

    eventually().until(() -> handlerThreads.size() == 1);
    assertThat(handlerThreads.getFirst()).isNotSameAs(publisher);
  }

  @Test
  void handlerThatThrows_isCountedAndDeliveryContinues() {
    Recorder recorder = new Recorder();
    Subscription subscription = bus.subscribe(root, e -> {
      recorder.accept(e);
      if (e.eventType().equals("Boom")) {
        throw new IllegalStateException("handler failure on purpose");
      }
    });

    bus.publish(root, event("A"));
    bus.publish(root, event("Boom"));
    bus.publish(root, event("Boom"));
    bus.publish(root, event("B"));

    assertThat(recorder.awaitCount(4).types()).containsExactly("A", "Boom", "Boom", "B");
    eventually().until(() -> subscription.deliveredCount() == 4);
    assertThat(bus.metrics().errors(root, BusMetrics.ErrorKind.HANDLER)).isEqualTo(2);
    assertThat(bus.metrics().errors(root)).isEqualTo(2);
    assertThat(bus.metrics().received(root)).isEqualTo(4);
    assertThat(subscription.isActive()).isTrue();
  }

  @Test
  void handlerThatThrowsAnError_isCountedAndDeliveryContinues() {
    Recorder recorder = new Recorder();
    bus.subscribe(root, e -> {
      recorder.accept(e);
      if (e.eventType().equals("Boom")) {
        throw new AssertionError("an Error on purpose");
      }
    });

    bus.publish(root, event("Boom"));
    bus.publish(root, event("B"));

    assertThat(recorder.awaitCount(2).types()).containsExactly("Boom", "B");
    eventually().until(() -> bus.metrics().errors(root, BusMetrics.ErrorKind.HANDLER) == 1);
  }

  // ---- unsubscribe and close --------------------------------------------------------------------------

  @Test
  void unsubscribe_stopsDelivery() {
    Recorder gone = new Recorder();
    Recorder stays = new Recorder();
    Subscription subscription = bus.subscribe(root, gone);
    bus.subscribe(root, stays);
    bus.publish(root, event("Before"));
    gone.awaitCount(1);

    subscription.unsubscribe();
    bus.publish(root, event("After"));
    bus.publish(root, fence());

    stays.awaitType(FENCE);
    assertThat(gone.types()).containsExactly("Before");
    assertThat(subscription.isActive()).isFalse();
  }

  @Test
  void unsubscribe_isIdempotentAndCloseIsTheSame() {
    Subscription first = bus.subscribe(root, e -> {});
    Subscription second = bus.subscribe(root, e -> {});
    assertThat(bus.metrics().activeSubscriptions(root)).isEqualTo(2);

    first.unsubscribe();
    first.unsubscribe();
    second.close();

    assertThat(first.isActive()).isFalse();
    assertThat(second.isActive()).isFalse();
    assertThat(bus.metrics().activeSubscriptions(root)).isZero();
  }

  @Test
  void unsubscribe_fromInsideTheHandler_stopsFurtherDelivery() {
    Recorder recorder = new Recorder();
    Recorder witness = new Recorder();
    Subscription[] self = new Subscription[1];
    self[0] = bus.subscribe(root, e -> {
      recorder.accept(e);
      self[0].unsubscribe();
    });
    bus.subscribe(root, witness);

    bus.publish(root, event("First"));
    recorder.awaitCount(1);
    eventually().until(() -> !self[0].isActive());
    bus.publish(root, event("Second"));
    bus.publish(root, fence());

    witness.awaitType(FENCE);
    assertThat(recorder.types()).containsExactly("First");
  }

  @Test
  void subscriptionHandle_describesTheSubscription() {
    SubscriptionFilter filter = SubscriptionFilter.eventTypes("A");
    Subscription subscription = bus.subscribe(root + ".*", filter, e -> {});

    assertThat(subscription.pattern()).isEqualTo(NamespacePattern.parse(root + ".*"));
    assertThat(subscription.pattern().isWildcard()).isTrue();
    assertThat(subscription.filter()).isEqualTo(filter);
    assertThat(subscription.isActive()).isTrue();
    assertThat(subscription.deliveredCount()).isZero();
    assertThat(subscription.droppedCount()).isZero();
  }

  @Test
  void close_endsEverySubscriptionAndRefusesPublishAndSubscribe() {
    Subscription exact = bus.subscribe(root, e -> {});
    Subscription wildcard = bus.subscribe(root + ".>", e -> {});

    bus.close();
    bus.close();

    assertThat(exact.isActive()).isFalse();
    assertThat(wildcard.isActive()).isFalse();
    assertThat(bus.metrics().totalActiveSubscriptions()).isZero();
    assertThatThrownBy(() -> bus.publish(root, event("A")))
        .isInstanceOf(EventBusClosedException.class)
        .hasMessageContaining(root);
    assertThatThrownBy(() -> bus.subscribe(root, e -> {})).isInstanceOf(EventBusClosedException.class);
    assertThat(bus.metrics().published(root)).isZero();
    assertThat(bus.metrics().errors(root, BusMetrics.ErrorKind.PUBLISH)).isEqualTo(1);
    assertThat(bus.metrics().errors(root, BusMetrics.ErrorKind.SUBSCRIBE)).isEqualTo(1);
  }

  @Test
  void closedBus_stillValidatesInputFirst() {
    bus.close();

    assertRefused(() -> bus.publish("a..b", event("A")), "namespace");
    assertRefused(() -> bus.subscribe("a.>.b", e -> {}), "pattern");
  }

  // ---- metrics ----------------------------------------------------------------------------------------

  @Test
  void metrics_countPublishedReceivedAndActivePerNamespaceAndPattern() {
    Subscription exact = bus.subscribe(root + ".orders", e -> {});
    Subscription wildcard = bus.subscribe(root + ".>", e -> {});
    bus.subscribe(root + ".>", SubscriptionFilter.eventTypes("Nothing"), e -> {});

    bus.publish(root + ".orders", event("A"));
    bus.publish(root + ".orders", event("B"));
    bus.publish(root + ".invoices", event("C"));

    eventually().until(() -> exact.deliveredCount() == 2 && wildcard.deliveredCount() == 3);
    BusMetrics metrics = bus.metrics();
    assertThat(metrics.published(root + ".orders")).isEqualTo(2);
    assertThat(metrics.published(root + ".invoices")).isEqualTo(1);
    assertThat(metrics.received(root + ".orders")).isEqualTo(2);
    assertThat(metrics.received(root + ".>")).isEqualTo(3);
    assertThat(metrics.received(root + ".invoices")).isZero();
    assertThat(metrics.activeSubscriptions(root + ".orders")).isEqualTo(1);
    assertThat(metrics.activeSubscriptions(root + ".>")).isEqualTo(2);
    assertThat(metrics.totalActiveSubscriptions()).isEqualTo(3);
    assertThat(metrics.dropped(root + ".orders")).isZero();
    assertThat(metrics.errors(root + ".orders")).isZero();
    assertThat(metrics.published(freshNamespace())).isZero();
  }

  @Test
  void metrics_refuseNullKeys() {
    assertRefused(() -> bus.metrics().published(null), "namespace");
    assertRefused(() -> bus.metrics().received(null), "pattern");
    assertRefused(() -> bus.metrics().dropped(null), "pattern");
    assertRefused(() -> bus.metrics().errors(null), "key");
    assertRefused(() -> bus.metrics().errors(root, null), "kind");
    assertRefused(() -> bus.metrics().activeSubscriptions(null), "pattern");
  }

  // ---- bad input --------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {"", " ", "a..b", ".a", "a.", "a b", "a.*", "a.>", ">", "a\tb", "a#b"})
  void publish_toAnInvalidNamespace_isRefusedAndNothingIsPublished(String namespace) {
    Recorder everything = new Recorder();
    bus.subscribe(">", everything);

    assertRefused(() -> bus.publish(namespace, event("Bad")), "namespace");
    bus.publish(root, fence());

    assertThat(everything.awaitType(FENCE).types()).containsExactly(FENCE);
  }

  @Test
  void publish_withNullArguments_isRefusedAndNothingIsPublished() {
    Recorder everything = new Recorder();
    bus.subscribe(">", everything);

    assertRefused(() -> bus.publish(null, event("Bad")), "namespace");
    assertRefused(() -> bus.publish(root, null), "event");
    bus.publish(root, fence());

    assertThat(everything.awaitType(FENCE).types()).containsExactly(FENCE);
    assertThat(bus.metrics().published(root)).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "  ", "a..b", ".a", "a.", "a.>.b", "a*", "a.b*", "a >", "a#"})
  void subscribe_toAnInvalidPattern_isRefusedAndNothingIsSubscribed(String pattern) {
    assertRefused(() -> bus.subscribe(pattern, e -> {}), "pattern");

    assertThat(bus.metrics().totalActiveSubscriptions()).isZero();
  }

  @Test
  void subscribe_withNullArguments_isRefusedAndNothingIsSubscribed() {
    Consumer<Event> handler = e -> {};
    SubscriptionFilter all = SubscriptionFilter.all();
    SubscriptionOptions defaults = SubscriptionOptions.defaults();

    assertRefused(() -> bus.subscribe(null, handler), "pattern");
    assertRefused(() -> bus.subscribe(root, null), "handler");
    assertRefused(() -> bus.subscribe(root, null, handler), "filter");
    assertRefused(() -> bus.subscribe(root, all, null, handler), "options");
    assertRefused(() -> bus.subscribe(root, all, defaults, null), "handler");

    assertThat(bus.metrics().totalActiveSubscriptions()).isZero();
    assertThat(bus.metrics().activeSubscriptions(root)).isZero();
  }

  // ---- helpers ----------------------------------------------------------------------------------------

  protected static void assertRefused(Runnable call, String field) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field));
  }

  protected static void awaitQuietly(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("latch not released within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
