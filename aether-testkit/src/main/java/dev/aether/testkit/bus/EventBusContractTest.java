package dev.aether.testkit.bus;

import static dev.aether.testkit.bus.BusEvents.FENCE;
import static dev.aether.testkit.bus.BusEvents.event;
import static dev.aether.testkit.bus.BusEvents.fence;
import static dev.aether.testkit.bus.BusEvents.freshNamespace;
import static dev.aether.testkit.bus.BusEvents.version;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.aether.InvalidInputException;
import dev.aether.bus.BusMetrics;
import dev.aether.bus.EventBus;
import dev.aether.bus.EventBusClosedException;
import dev.aether.bus.NamespacePattern;
import dev.aether.bus.Subscription;
import dev.aether.bus.SubscriptionFilter;
import dev.aether.bus.SubscriptionOptions;
import dev.aether.event.Event;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * The behaviour every {@link EventBus} must have, as an abstract JUnit 5 test class: each implementation's
 * test class extends it and passes the identical tests.
 *
 * <h2>How to extend</h2>
 * <pre>{@code
 * class MyEventBusContractTest extends EventBusContractTest {
 *   @Override
 *   protected EventBus newBus() {
 *     return MyEventBus.create();
 *   }
 * }
 * }</pre>
 * Before each test the suite calls {@link #newBus()} once, then {@link #newPublisher(EventBus)} once, and it
 * closes both buses after the test (the publisher first). The bus must be open, with default settings:
 * queues large enough for a few hundred events. Every test uses fresh random namespaces below
 * {@link #root()}, so buses of one subclass may share a backing server.
 *
 * <p><b>Distributed buses.</b> By default the tests publish on the bus they subscribe to. A bus that spans
 * processes should run the suite twice: once as is (local delivery must happen once, an echo of the bus's
 * own events from the network must not be delivered again), and once from a second subclass whose
 * {@link #newPublisher(EventBus)} returns a bus of another node, on another connection. Then every test
 * about routing, filters, order, handlers and unsubscribing publishes on that other node and checks what
 * arrives here, including that an event arrives equal to what was published. Tests about this bus's own
 * counters, closing and input checks always use {@link #bus()}. A {@code subscribe} must return only once
 * the subscription receives events published afterwards on another node; otherwise such a run is flaky.
 *
 * <p><b>Without sleeping.</b> Absence is checked with a fence (see {@link BusEvents}); waits use
 * {@link EventRecorder}, which fails after {@link EventRecorder#TIMEOUT}. Subclasses may add
 * implementation-specific tests using {@link #bus()}, {@link #publisher()}, {@link #root()} and
 * {@link #assertRefused(Runnable, String)}. JUnit runs this class's {@code @AfterEach} after those of the
 * subclass, so release what the buses depend on (a connection, a server) in {@code @AfterAll}, in an
 * extension, or by letting the bus own it.
 *
 * <p>This file is longer than our usual limit because it is a specification: one short test per rule,
 * grouped by topic, reads better in one place than spread over several classes.
 */
public abstract class EventBusContractTest {

  private EventBus bus;
  private EventBus publisher;
  private String root;

  /** Creates the suite; JUnit instantiates the subclass once per test. */
  protected EventBusContractTest() {}

  /**
   * Makes the bus under test for one test: new, open, with default settings.
   *
   * @return the bus; the suite closes it after the test
   */
  protected abstract EventBus newBus();

  /**
   * Makes the bus on which the tests about delivery publish. The default returns {@code bus} itself; a
   * distributed bus may return a bus of another node whose events reach {@code bus}'s subscribers (see the
   * class documentation).
   *
   * @param bus the bus under test, just made by {@link #newBus()}
   * @return {@code bus}, or another open bus that the suite closes after the test
   */
  protected EventBus newPublisher(EventBus bus) {
    return bus;
  }

  /**
   * The bus under test in the running test.
   *
   * @return the bus made by {@link #newBus()}
   */
  protected final EventBus bus() {
    return bus;
  }

  /**
   * The bus the running test publishes on when it checks delivery.
   *
   * @return the bus made by {@link #newPublisher(EventBus)}
   */
  protected final EventBus publisher() {
    return publisher;
  }

  /**
   * A namespace of the running test's own, made fresh from a random UUID; tests use it and namespaces below
   * it.
   *
   * @return the namespace
   */
  protected final String root() {
    return root;
  }

  @BeforeEach
  final void openTheBuses() {
    bus = newBus();
    publisher = newPublisher(bus);
    root = freshNamespace();
  }

  @AfterEach
  final void closeTheBuses() {
    if (publisher != null && publisher != bus) {
      publisher.close();
    }
    if (bus != null) {
      bus.close();
    }
  }

  // ---- routing ----------------------------------------------------------------------------------------

  @Test
  void exactSubscription_receivesEventsOfItsNamespace() {
    EventRecorder recorder = EventRecorder.create();
    bus.subscribe(root, recorder);

    publisher.publish(root, event("A"));

    assertThat(recorder.awaitCount(1).types()).containsExactly("A");
  }

  @Test
  void exactSubscription_neverSeesOtherNamespaces() {
    EventRecorder recorder = EventRecorder.create();
    bus.subscribe(root + ".orders", recorder);

    for (String other : List.of(root, root + ".orders.eu", root + ".order", root + ".orders-x", freshNamespace())) {
      publisher.publish(other, event("Foreign"));
    }
    publisher.publish(root + ".orders", fence());

    assertThat(recorder.awaitType(FENCE).types()).containsExactly(FENCE);
  }

  @Test
  void starWildcard_matchesExactlyOneToken() {
    EventRecorder recorder = EventRecorder.create();
    bus.subscribe(root + ".*", recorder);

    publisher.publish(root, event("Root"));
    publisher.publish(root + ".orders", event("One"));
    publisher.publish(root + ".orders.eu", event("Two"));
    publisher.publish(freshNamespace() + ".orders", event("OtherRoot"));
    publisher.publish(root + ".invoices", fence());

    assertThat(recorder.awaitType(FENCE).types()).containsExactly("One", FENCE);
  }

  @Test
  void greaterThanWildcard_matchesOneOrMoreTrailingTokens() {
    EventRecorder recorder = EventRecorder.create();
    bus.subscribe(root + ".>", recorder);

    publisher.publish(root, event("Root"));
    publisher.publish(root + ".orders", event("One"));
    publisher.publish(root + ".orders.eu", event("Two"));
    publisher.publish(root + ".orders.eu.x", event("Three"));
    publisher.publish(freshNamespace() + ".orders", event("OtherRoot"));
    publisher.publish(root + ".invoices", fence());

    assertThat(recorder.awaitType(FENCE).types()).containsExactly("One", "Two", "Three", FENCE);
  }

  @Test
  void wildcardInTheMiddle_matchesThatTokenOnly() {
    EventRecorder recorder = EventRecorder.create();
    bus.subscribe(root + ".*.orders", recorder);

    publisher.publish(root + ".eu.orders", event("Eu"));
    publisher.publish(root + ".eu.invoices", event("Invoices"));
    publisher.publish(root + ".eu.west.orders", event("TooDeep"));
    publisher.publish(root + ".us.orders", fence());

    assertThat(recorder.awaitType(FENCE).types()).containsExactly("Eu", FENCE);
  }

  @Test
  void exactAndWildcardSubscribers_eachReceiveTheEventOnce() {
    EventRecorder exact = EventRecorder.create();
    EventRecorder star = EventRecorder.create();
    EventRecorder rest = EventRecorder.create();
    bus.subscribe(root + ".orders", exact);
    bus.subscribe(root + ".*", star);
    bus.subscribe(root + ".>", rest);

    publisher.publish(root + ".orders", event("A"));
    publisher.publish(root + ".orders", fence());

    for (EventRecorder recorder : List.of(exact, star, rest)) {
      assertThat(recorder.awaitType(FENCE).types()).containsExactly("A", FENCE);
    }
  }

  @Test
  void severalSubscriptionsToOneNamespace_eachReceiveEveryEvent() {
    EventRecorder first = EventRecorder.create();
    EventRecorder second = EventRecorder.create();
    bus.subscribe(root, first);
    bus.subscribe(root, second);

    publisher.publish(root, event("A"));
    publisher.publish(root, event("B"));

    assertThat(first.awaitCount(2).types()).containsExactly("A", "B");
    assertThat(second.awaitCount(2).types()).containsExactly("A", "B");
  }

  @Test
  void publishWithoutSubscribers_isCountedAndHarmless() {
    bus.publish(root, event("A"));

    assertThat(bus.metrics().published(root)).isEqualTo(1);
  }

  @Test
  void event_arrivesEqualToWhatWasPublished() {
    EventRecorder recorder = EventRecorder.create();
    bus.subscribe(root, recorder);
    Event sent = richEvent();

    publisher.publish(root, sent);

    Event received = recorder.awaitCount(1).events().getFirst();
    assertThat(received).isEqualTo(sent);
    assertThat(received.version()).isEqualTo(sent.version());
    assertThat(received.timestamp()).isEqualTo(sent.timestamp());
    assertThat(received.data().get("count")).isInstanceOf(Long.class).isEqualTo(42L);
    assertThat(received.data().get("price")).isInstanceOf(Double.class).isEqualTo(9.5);
    assertThat(received.data().get("whole")).isInstanceOf(Double.class).isEqualTo(2.0);
  }

  // ---- filters ----------------------------------------------------------------------------------------

  @Test
  void filterOnEventTypes_deliversOnlyThoseTypes() {
    EventRecorder recorder = EventRecorder.create();
    bus.subscribe(root, SubscriptionFilter.eventTypes("OrderPlaced", FENCE), recorder);

    publisher.publish(root, event("OrderPlaced"));
    publisher.publish(root, event("OrderShipped"));
    publisher.publish(root, event("OrderPlaced"));
    publisher.publish(root, fence());

    assertThat(recorder.awaitType(FENCE).types()).containsExactly("OrderPlaced", "OrderPlaced", FENCE);
  }

  @Test
  void filterOnActorPattern_deliversOnlyMatchingActors() {
    EventRecorder recorder = EventRecorder.create();
    bus.subscribe(root, SubscriptionFilter.actorPattern("order.*"), recorder);

    publisher.publish(root, event("A", "order.1"));
    publisher.publish(root, event("B", "order.1.line.2"));
    publisher.publish(root, event("C", "invoice.1"));
    publisher.publish(root, event(FENCE, "order.fence"));

    assertThat(recorder.awaitType(FENCE).types()).containsExactly("A", FENCE);
  }

  @Test
  void filterOnTypesAndActorPattern_requiresBoth() {
    EventRecorder recorder = EventRecorder.create();
    SubscriptionFilter filter = SubscriptionFilter.eventTypes("OrderPlaced", FENCE).withActorPattern("order.>");
    bus.subscribe(root, filter, recorder);

    publisher.publish(root, event("OrderPlaced", "order.1"));
    publisher.publish(root, event("OrderPlaced", "invoice.1"));
    publisher.publish(root, event("OrderShipped", "order.1"));
    publisher.publish(root, event(FENCE, "order.fence"));

    assertThat(recorder.awaitType(FENCE).events())
        .extracting(e -> e.eventType() + "@" + e.streamId())
        .containsExactly("OrderPlaced@order.1", FENCE + "@order.fence");
  }

  @Test
  void filter_worksWithWildcardNamespaces() {
    EventRecorder recorder = EventRecorder.create();
    bus.subscribe(root + ".>", SubscriptionFilter.eventTypes("OrderPlaced", FENCE), recorder);

    publisher.publish(root + ".eu", event("OrderPlaced"));
    publisher.publish(root + ".us", event("OrderShipped"));
    publisher.publish(root + ".us.west", event("OrderPlaced"));
    publisher.publish(freshNamespace(), event("OrderPlaced"));
    publisher.publish(root + ".eu", fence());

    assertThat(recorder.awaitType(FENCE).types()).containsExactly("OrderPlaced", "OrderPlaced", FENCE);
  }

  // ---- ordering and handlers ----------------------------------------------------------------------------

  @Test
  void eachSubscriber_receivesOnePublishersEventsInPublishOrder() {
    EventRecorder exact = EventRecorder.create();
    EventRecorder wildcard = EventRecorder.create();
    bus.subscribe(root + ".orders", exact);
    bus.subscribe(root + ".>", wildcard);
    List<Long> versions = LongStream.rangeClosed(1, 500).boxed().toList();

    versions.forEach(v -> publisher.publish(root + ".orders", version(v)));

    assertThat(exact.awaitCount(500).versions()).isEqualTo(versions);
    assertThat(wildcard.awaitCount(500).versions()).isEqualTo(versions);
  }

  @Test
  void handler_runsOnAnotherThreadThanThePublisher() {
    Thread publishingThread = Thread.currentThread();
    List<Thread> handlerThreads = new CopyOnWriteArrayList<>();
    bus.subscribe(root, e -> handlerThreads.add(Thread.currentThread()));

    publisher.publish(root, event("A"));

    Polling.until(() -> handlerThreads.size() == 1, "one handler call");
    assertThat(handlerThreads.getFirst()).isNotSameAs(publishingThread);
  }

  @Test
  void handlerThatThrows_isCountedAndDeliveryContinues() {
    EventRecorder recorder = EventRecorder.create();
    Subscription subscription = bus.subscribe(root, e -> {
      recorder.accept(e);
      if (e.eventType().equals("Boom")) {
        throw new IllegalStateException("handler failure on purpose");
      }
    });

    publisher.publish(root, event("A"));
    publisher.publish(root, event("Boom"));
    publisher.publish(root, event("Boom"));
    publisher.publish(root, event("B"));

    assertThat(recorder.awaitCount(4).types()).containsExactly("A", "Boom", "Boom", "B");
    Polling.until(() -> subscription.deliveredCount() == 4, "4 deliveries");
    assertThat(bus.metrics().errors(root, BusMetrics.ErrorKind.HANDLER)).isEqualTo(2);
    assertThat(bus.metrics().errors(root)).isEqualTo(2);
    assertThat(bus.metrics().received(root)).isEqualTo(4);
    assertThat(subscription.isActive()).isTrue();
  }

  @Test
  void handlerThatThrowsAnError_isCountedAndDeliveryContinues() {
    EventRecorder recorder = EventRecorder.create();
    bus.subscribe(root, e -> {
      recorder.accept(e);
      if (e.eventType().equals("Boom")) {
        throw new AssertionError("an Error on purpose");
      }
    });

    publisher.publish(root, event("Boom"));
    publisher.publish(root, event("B"));

    assertThat(recorder.awaitCount(2).types()).containsExactly("Boom", "B");
    Polling.until(() -> bus.metrics().errors(root, BusMetrics.ErrorKind.HANDLER) == 1, "1 handler error");
  }

  // ---- unsubscribe and close --------------------------------------------------------------------------

  @Test
  void unsubscribe_stopsDelivery() {
    EventRecorder gone = EventRecorder.create();
    EventRecorder stays = EventRecorder.create();
    Subscription subscription = bus.subscribe(root, gone);
    bus.subscribe(root, stays);
    publisher.publish(root, event("Before"));
    gone.awaitCount(1);

    subscription.unsubscribe();
    publisher.publish(root, event("After"));
    publisher.publish(root, fence());

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
    EventRecorder recorder = EventRecorder.create();
    EventRecorder witness = EventRecorder.create();
    Subscription[] self = new Subscription[1];
    self[0] = bus.subscribe(root, e -> {
      recorder.accept(e);
      self[0].unsubscribe();
    });
    bus.subscribe(root, witness);

    publisher.publish(root, event("First"));
    recorder.awaitCount(1);
    Polling.until(() -> !self[0].isActive(), "the subscription to end");
    publisher.publish(root, event("Second"));
    publisher.publish(root, fence());

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

    Polling.until(() -> exact.deliveredCount() == 2 && wildcard.deliveredCount() == 3, "5 deliveries");
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

  @TestFactory
  Stream<DynamicTest> publish_toAnInvalidNamespace_isRefusedAndNothingIsPublished() {
    return Stream.of("", " ", "a..b", ".a", "a.", "a b", "a.*", "a.>", ">", "a\tb", "a#b")
        .map(namespace -> dynamicTest(quoted(namespace), () -> {
          EventRecorder everything = EventRecorder.create();
          Subscription subscription = bus.subscribe(">", everything);
          String fenceNamespace = freshNamespace();

          assertRefused(() -> bus.publish(namespace, event("Bad")), "namespace");
          bus.publish(fenceNamespace, fence());

          assertThat(everything.awaitType(FENCE).types()).containsExactly(FENCE);
          subscription.unsubscribe();
        }));
  }

  @Test
  void publish_withNullArguments_isRefusedAndNothingIsPublished() {
    EventRecorder everything = EventRecorder.create();
    bus.subscribe(">", everything);

    assertRefused(() -> bus.publish(null, event("Bad")), "namespace");
    assertRefused(() -> bus.publish(root, null), "event");
    bus.publish(root, fence());

    assertThat(everything.awaitType(FENCE).types()).containsExactly(FENCE);
    assertThat(bus.metrics().published(root)).isEqualTo(1);
  }

  @TestFactory
  Stream<DynamicTest> subscribe_toAnInvalidPattern_isRefusedAndNothingIsSubscribed() {
    return Stream.of("", "  ", "a..b", ".a", "a.", "a.>.b", "a*", "a.b*", "a >", "a#")
        .map(pattern -> dynamicTest(quoted(pattern), () -> {
          assertRefused(() -> bus.subscribe(pattern, e -> {}), "pattern");

          assertThat(bus.metrics().totalActiveSubscriptions()).isZero();
        }));
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

  /**
   * Asserts that a call is refused with an {@link InvalidInputException} naming a field.
   *
   * @param call the call
   * @param field the field the refusal must name
   */
  protected static void assertRefused(Runnable call, String field) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field));
  }

  /** An event using every field, with numbers of each kind, nested values and a nanosecond timestamp. */
  private static Event richEvent() {
    Map<String, Object> nested = new LinkedHashMap<>();
    nested.put("list", List.of(1, 2.5, "three", true));
    nested.put("empty", Map.of());
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("count", 42);
    data.put("big", 1L << 53);
    data.put("price", 9.5);
    data.put("whole", 2.0);
    data.put("text", "caf\u00e9 \u65e5\u672c \"quoted\" \\ \n");
    data.put("nothing", null);
    data.put("nested", nested);
    return Event.builder().eventType("OrderPlaced").streamId("order.42").commandId("cmd-1").version(7)
        .data(data).correlationId("corr-1").metadata("custom", "x")
        .timestamp(Instant.parse("2026-11-26T10:15:30.123456789Z")).build();
  }

  private static String quoted(String text) {
    return "\"" + text.replace("\t", "\\t") + "\"";
  }
}
