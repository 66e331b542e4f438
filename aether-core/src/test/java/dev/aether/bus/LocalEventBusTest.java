package dev.aether.bus;

import static dev.aether.bus.TestEvents.event;
import static dev.aether.bus.TestEvents.fence;
import static dev.aether.bus.TestEvents.freshNamespace;
import static dev.aether.bus.TestEvents.version;
import static dev.aether.bus.Waits.eventually;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.NonTransientAetherException;
import dev.aether.event.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What is specific to {@link LocalEventBus}: queues and overflow policies, delivery threads, relay, builder.
 * The behaviour every bus shares is the contract suite {@code EventBusContractTest} in aether-testkit, run
 * for this bus by the testkit's {@code LocalEventBusContractTest} (aether-core cannot depend on the testkit).
 * Queues are filled deterministically with a {@link Gate}: a handler that holds the delivery thread on its
 * first event until the test opens it.
 */
class LocalEventBusTest {

  private final List<Gate> gates = new ArrayList<>();
  private final List<LocalEventBus> extraBuses = new ArrayList<>();
  private LocalEventBus bus;
  private String root;

  @BeforeEach
  void openBus() {
    bus = LocalEventBus.create();
    root = freshNamespace();
  }

  @AfterEach
  void releaseEverything() {
    gates.forEach(Gate::open);
    extraBuses.forEach(LocalEventBus::close);
    bus.close();
  }

  // ---- DROP_NEWEST ------------------------------------------------------------------------------------

  @Test
  void defaults_areCapacity1024AndDropNewest() {
    Gate gate = gate();
    Subscription subscription = bus.subscribe(root, gate);
    bus.publish(root, version(1));
    gate.awaitEntered();

    LongStream.rangeClosed(2, 1026).forEach(v -> bus.publish(root, version(v)));

    assertThat(LocalEventBus.DEFAULT_QUEUE_CAPACITY).isEqualTo(1024);
    assertThat(LocalEventBus.DEFAULT_OVERFLOW_POLICY).isEqualTo(OverflowPolicy.DROP_NEWEST);
    assertThat(subscription.droppedCount()).isEqualTo(1);
    gate.open();
    eventually().until(() -> subscription.deliveredCount() == 1025);
    assertThat(gate.recorder.versions()).isEqualTo(LongStream.rangeClosed(1, 1025).boxed().toList());
  }

  @Test
  void dropNewest_dropsExactlyTheOverflowAndCountsIt() {
    LocalEventBus small = extraBus(LocalEventBus.builder().defaultQueueCapacity(2));
    Gate gate = gate();
    Subscription subscription = small.subscribe(root, gate);
    small.publish(root, version(1));
    gate.awaitEntered();

    LongStream.rangeClosed(2, 6).forEach(v -> small.publish(root, version(v)));

    assertThat(subscription.droppedCount()).isEqualTo(3);
    assertThat(small.metrics().dropped(root)).isEqualTo(3);
    gate.open();
    eventually().until(() -> subscription.deliveredCount() == 3);
    assertThat(gate.recorder.versions()).containsExactly(1L, 2L, 3L);
    assertThat(small.metrics().received(root)).isEqualTo(3);
    assertThat(small.metrics().published(root)).isEqualTo(6);
  }

  @Test
  void dropNewest_affectsOnlyTheSubscriberWhoseQueueIsFull() {
    Gate gate = gate();
    Recorder free = new Recorder();
    Subscription slow = bus.subscribe(root, SubscriptionFilter.all(), capacity(1), gate);
    Subscription fast = bus.subscribe(root, free);
    bus.publish(root, version(1));
    gate.awaitEntered();

    LongStream.rangeClosed(2, 5).forEach(v -> bus.publish(root, version(v)));

    assertThat(slow.droppedCount()).isEqualTo(3);
    assertThat(free.awaitCount(5).versions()).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(fast.droppedCount()).isZero();
    assertThat(bus.metrics().dropped(root)).isEqualTo(3);
  }

  @Test
  void dropsOfAWildcardSubscription_areCountedUnderItsPattern() {
    Gate gate = gate();
    bus.subscribe(root + ".*", SubscriptionFilter.all(), capacity(1), gate);
    bus.publish(root + ".a", version(1));
    gate.awaitEntered();

    bus.publish(root + ".a", version(2));
    bus.publish(root + ".b", version(3));

    assertThat(bus.metrics().dropped(root + ".*")).isEqualTo(1);
    assertThat(bus.metrics().dropped(root + ".b")).isZero();
  }

  @Test
  void filteredOutEvents_neverTakeAQueueSlot() {
    Gate gate = gate();
    Subscription subscription = bus.subscribe(root, SubscriptionFilter.eventTypes("Numbered"), capacity(1), gate);
    bus.publish(root, version(1));
    gate.awaitEntered();

    bus.publish(root, event("Ignored"));
    bus.publish(root, event("Ignored"));
    bus.publish(root, version(2));

    assertThat(subscription.droppedCount()).isZero();
    gate.open();
    eventually().until(() -> subscription.deliveredCount() == 2);
    assertThat(gate.recorder.versions()).containsExactly(1L, 2L);
  }

  // ---- BLOCK ------------------------------------------------------------------------------------------

  @Test
  void block_neverDrops_thePublisherWaitsForRoom() {
    Gate gate = gate();
    Subscription subscription = bus.subscribe(root, SubscriptionFilter.all(), blocking(1), gate);
    bus.publish(root, version(1));
    gate.awaitEntered();
    bus.publish(root, version(2));

    CountDownLatch published = new CountDownLatch(1);
    Thread publisher = Thread.ofPlatform().name("test-publisher").start(() -> {
      LongStream.rangeClosed(3, 5).forEach(v -> bus.publish(root, version(v)));
      published.countDown();
    });

    eventually().until(() -> publisher.getState() == Thread.State.WAITING);
    assertThat(published.getCount()).isEqualTo(1);
    assertThat(subscription.droppedCount()).isZero();
    gate.open();
    awaitQuietly(published);
    eventually().until(() -> subscription.deliveredCount() == 5);
    assertThat(gate.recorder.versions()).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(subscription.droppedCount()).isZero();
    assertThat(bus.metrics().dropped(root)).isZero();
  }

  @Test
  void block_canBeTheBusDefault() {
    LocalEventBus blocking = extraBus(LocalEventBus.builder()
        .defaultOverflowPolicy(OverflowPolicy.BLOCK).defaultQueueCapacity(1));
    Gate gate = gate();
    Subscription subscription = blocking.subscribe(root, gate);
    blocking.publish(root, version(1));
    gate.awaitEntered();
    blocking.publish(root, version(2));

    Thread publisher = Thread.ofPlatform().start(() -> blocking.publish(root, version(3)));

    eventually().until(() -> publisher.getState() == Thread.State.WAITING);
    gate.open();
    eventually().until(() -> subscription.deliveredCount() == 3);
    assertThat(subscription.droppedCount()).isZero();
  }

  @Test
  void block_withTimeout_dropsAndCountsWhenTheWaitEnds() {
    Gate gate = gate();
    SubscriptionOptions options = SubscriptionOptions.builder()
        .queueCapacity(1).overflowPolicy(OverflowPolicy.BLOCK).blockTimeout(Duration.ofMillis(20)).build();
    Subscription subscription = bus.subscribe(root, SubscriptionFilter.all(), options, gate);
    bus.publish(root, version(1));
    gate.awaitEntered();
    bus.publish(root, version(2));

    bus.publish(root, version(3));

    assertThat(subscription.droppedCount()).isEqualTo(1);
    assertThat(bus.metrics().dropped(root)).isEqualTo(1);
    gate.open();
    eventually().until(() -> subscription.deliveredCount() == 2);
    assertThat(gate.recorder.versions()).containsExactly(1L, 2L);
  }

  @Test
  void block_waitingPublisher_isReleasedByUnsubscribe() {
    Gate gate = gate();
    Subscription subscription = bus.subscribe(root, SubscriptionFilter.all(), blocking(1), gate);
    bus.publish(root, version(1));
    gate.awaitEntered();
    bus.publish(root, version(2));
    CountDownLatch published = new CountDownLatch(1);
    Thread publisher = Thread.ofPlatform().start(() -> {
      bus.publish(root, version(3));
      published.countDown();
    });
    eventually().until(() -> publisher.getState() == Thread.State.WAITING);

    subscription.unsubscribe();

    awaitQuietly(published);
    assertThat(subscription.droppedCount()).isZero();
  }

  @Test
  void block_waitingPublisher_isReleasedByClose() {
    Gate gate = gate();
    bus.subscribe(root, SubscriptionFilter.all(), blocking(1), gate);
    bus.publish(root, version(1));
    gate.awaitEntered();
    bus.publish(root, version(2));
    CountDownLatch published = new CountDownLatch(1);
    Thread publisher = Thread.ofPlatform().start(() -> {
      bus.publish(root, version(3));
      published.countDown();
    });
    eventually().until(() -> publisher.getState() == Thread.State.WAITING);

    bus.close();

    awaitQuietly(published);
  }

  @Test
  void block_interruptedPublisher_dropsCountsAndKeepsTheInterrupt() {
    Gate gate = gate();
    Subscription subscription = bus.subscribe(root, SubscriptionFilter.all(), blocking(1), gate);
    bus.publish(root, version(1));
    gate.awaitEntered();
    bus.publish(root, version(2));

    Thread.currentThread().interrupt();
    bus.publish(root, version(3));

    assertThat(Thread.interrupted()).isTrue();
    assertThat(subscription.droppedCount()).isEqualTo(1);
  }

  @Test
  void block_handlerPublishingIntoItsOwnFullQueue_dropsInsteadOfWaitingForItself() {
    Recorder recorder = new Recorder();
    CountDownLatch echoed = new CountDownLatch(1);
    Subscription subscription = bus.subscribe(root, SubscriptionFilter.all(), blocking(1), e -> {
      recorder.accept(e);
      if (e.eventType().equals("Trigger")) {
        bus.publish(root, event("Echo1"));
        bus.publish(root, event("Echo2"));
        echoed.countDown();
      }
    });

    bus.publish(root, event("Trigger"));

    awaitQuietly(echoed);
    assertThat(subscription.droppedCount()).isEqualTo(1);
    assertThat(recorder.awaitCount(2).types()).containsExactly("Trigger", "Echo1");
  }

  // ---- threads ----------------------------------------------------------------------------------------

  @Test
  void deliveryThreads_areNamedVirtualThreadsByDefault() {
    List<Thread> seen = new CopyOnWriteArrayList<>();
    LocalEventBus named = extraBus(LocalEventBus.builder().name("orders"));
    bus.subscribe(root, e -> seen.add(Thread.currentThread()));
    named.subscribe(root, e -> seen.add(Thread.currentThread()));

    bus.publish(root, event("A"));
    named.publish(root, event("A"));

    eventually().until(() -> seen.size() == 2);
    assertThat(seen).allSatisfy(t -> assertThat(t.isVirtual()).isTrue());
    assertThat(seen).extracting(Thread::getName)
        .anySatisfy(n -> assertThat(n).startsWith("aether-bus-local-"))
        .anySatisfy(n -> assertThat(n).startsWith("aether-bus-orders-"));
  }

  @Test
  void unsubscribe_endsTheDeliveryThreadAndDiscardsQueuedEvents() {
    RecordingThreads threads = new RecordingThreads();
    LocalEventBus local = extraBus(LocalEventBus.builder().threadFactory(threads));
    Gate gate = gate();
    Subscription subscription = local.subscribe(root, gate);
    local.publish(root, version(1));
    gate.awaitEntered();
    local.publish(root, version(2));
    local.publish(root, version(3));

    subscription.unsubscribe();
    gate.open();

    eventually().until(() -> !threads.made.getFirst().isAlive());
    assertThat(gate.recorder.versions()).containsExactly(1L);
    assertThat(subscription.deliveredCount()).isEqualTo(1);
    assertThat(subscription.droppedCount()).isZero();
  }

  @Test
  void close_endsEveryDeliveryThread() {
    RecordingThreads threads = new RecordingThreads();
    LocalEventBus local = extraBus(LocalEventBus.builder().threadFactory(threads));
    local.subscribe(root, e -> {});
    local.subscribe(root + ".*", e -> {});
    local.subscribe(">", e -> {});
    assertThat(threads.made).hasSize(3);

    local.close();

    assertThat(local.isClosed()).isTrue();
    eventually().until(() -> threads.made.stream().noneMatch(Thread::isAlive));
  }

  @Test
  void handlerCalls_neverOverlap_andEachPublishersOrderIsKept() {
    AtomicInteger inHandler = new AtomicInteger();
    AtomicInteger maxInHandler = new AtomicInteger();
    Recorder recorder = new Recorder();
    bus.subscribe(root, e -> {
      maxInHandler.accumulateAndGet(inHandler.incrementAndGet(), Math::max);
      recorder.accept(e);
      inHandler.decrementAndGet();
    });

    List<Thread> publishers = List.of("p1", "p2").stream()
        .map(actor -> Thread.ofPlatform().start(() -> LongStream.rangeClosed(1, 200)
            .forEach(v -> bus.publish(root, event("Numbered", actor, v)))))
        .toList();

    publishers.forEach(LocalEventBusTest::joinQuietly);
    recorder.awaitCount(400);
    assertThat(maxInHandler.get()).isEqualTo(1);
    for (String actor : List.of("p1", "p2")) {
      assertThat(recorder.events().stream().filter(e -> e.streamId().equals(actor)).map(Event::version))
          .isEqualTo(LongStream.rangeClosed(1, 200).boxed().toList());
    }
  }

  @Test
  void threadFactoryThatMakesNoThread_failsTheSubscribeAndSubscribesNothing() {
    LocalEventBus local = extraBus(LocalEventBus.builder().threadFactory(r -> null));

    assertThatThrownBy(() -> local.subscribe(root, e -> {}))
        .isInstanceOf(NonTransientAetherException.class)
        .hasMessageContaining("thread factory");

    assertThat(local.metrics().totalActiveSubscriptions()).isZero();
    assertThat(local.metrics().errors(root, BusMetrics.ErrorKind.SUBSCRIBE)).isEqualTo(1);
    local.publish(root, event("A"));
    assertThat(local.metrics().published(root)).isEqualTo(1);
  }

  @Test
  void threadFactoryThatHandsOutAStartedThread_failsTheSubscribeAndSubscribesNothing() {
    Thread started = Thread.ofVirtual().start(() -> {});
    LocalEventBus local = extraBus(LocalEventBus.builder().threadFactory(r -> started));

    assertThatThrownBy(() -> local.subscribe(root, e -> {})).isInstanceOf(IllegalThreadStateException.class);

    assertThat(local.metrics().totalActiveSubscriptions()).isZero();
    assertThat(local.metrics().activeSubscriptions(root)).isZero();
    assertThat(local.metrics().errors(root, BusMetrics.ErrorKind.SUBSCRIBE)).isEqualTo(1);
  }

  // ---- relay ------------------------------------------------------------------------------------------

  @Test
  void relay_deliversLikePublishButIsNotCountedAsPublished() {
    LocalEventBus local = bus;
    Recorder exact = new Recorder();
    Recorder wildcard = new Recorder();
    bus.subscribe(root + ".orders", SubscriptionFilter.eventTypes("A"), exact);
    bus.subscribe(root + ".>", wildcard);

    local.relay(root + ".orders", event("A"));
    local.relay(root + ".orders", event("B"));

    assertThat(exact.awaitCount(1).types()).containsExactly("A");
    assertThat(wildcard.awaitCount(2).types()).containsExactly("A", "B");
    assertThat(bus.metrics().published(root + ".orders")).isZero();
    eventually().until(() -> bus.metrics().received(root + ".>") == 2);
  }

  @Test
  void relay_refusesBadInputAndWorksOnlyWhileOpen() {
    LocalEventBus local = bus;

    assertRefused(() -> local.relay("a..b", event("A")), "namespace");
    assertRefused(() -> local.relay(root, null), "event");
    bus.close();
    assertThatThrownBy(() -> local.relay(root, event("A"))).isInstanceOf(EventBusClosedException.class);
  }

  @Test
  void relayToPattern_deliversOnlyToSubscriptionsWithThatPattern() {
    Recorder exact = new Recorder();
    Recorder star = new Recorder();
    Recorder starToo = new Recorder();
    Recorder rest = new Recorder();
    bus.subscribe(root + ".orders", exact);
    bus.subscribe(root + ".*", star);
    bus.subscribe(root + ".*", SubscriptionFilter.eventTypes("A", TestEvents.FENCE), starToo);
    bus.subscribe(root + ".>", rest);

    bus.relay(NamespacePattern.parse(root + ".*"), root + ".orders", event("A"));
    bus.relay(NamespacePattern.parse(root + ".*"), root + ".orders", event("B"));
    bus.relay(NamespacePattern.parse(root + ".orders"), root + ".orders", fence());
    bus.relay(NamespacePattern.parse(root + ".>"), root + ".orders", fence());
    bus.relay(NamespacePattern.parse(root + ".*"), root + ".orders", fence());

    assertThat(exact.awaitType(TestEvents.FENCE).types()).containsExactly(TestEvents.FENCE);
    assertThat(rest.awaitType(TestEvents.FENCE).types()).containsExactly(TestEvents.FENCE);
    assertThat(star.awaitType(TestEvents.FENCE).types()).containsExactly("A", "B", TestEvents.FENCE);
    assertThat(starToo.awaitType(TestEvents.FENCE).types()).containsExactly("A", TestEvents.FENCE);
    assertThat(bus.metrics().published(root + ".orders")).isZero();
  }

  @Test
  void relayToPattern_refusesBadInputAndANamespaceOutsideThePattern() {
    NamespacePattern star = NamespacePattern.parse(root + ".*");

    assertRefused(() -> bus.relay(null, root + ".a", event("A")), "pattern");
    assertRefused(() -> bus.relay(star, "a..b", event("A")), "namespace");
    assertRefused(() -> bus.relay(star, root + ".a.b", event("A")), "namespace");
    assertRefused(() -> bus.relay(star, root + ".a", null), "event");
    bus.close();
    assertThatThrownBy(() -> bus.relay(star, root + ".a", event("A"))).isInstanceOf(EventBusClosedException.class);
    assertThat(bus.metrics().errors(root + ".a", BusMetrics.ErrorKind.PUBLISH)).isEqualTo(1);
  }

  @Test
  void countError_addsToTheErrorMeterOfThatKeyAndKind_evenWhenClosed() {
    bus.countError(root, BusMetrics.ErrorKind.PUBLISH);
    bus.countError(root + ".>", BusMetrics.ErrorKind.SUBSCRIBE);
    bus.close();
    bus.countError(root + ".>", BusMetrics.ErrorKind.SUBSCRIBE);

    assertThat(bus.metrics().errors(root, BusMetrics.ErrorKind.PUBLISH)).isEqualTo(1);
    assertThat(bus.metrics().errors(root + ".>", BusMetrics.ErrorKind.SUBSCRIBE)).isEqualTo(2);
    assertThat(bus.metrics().errors(root + ".>")).isEqualTo(2);
    assertRefused(() -> bus.countError(" ", BusMetrics.ErrorKind.PUBLISH), "key");
    assertRefused(() -> bus.countError(root, null), "kind");
  }

  // ---- builder ----------------------------------------------------------------------------------------

  @Test
  void builder_refusesBadValuesNamingThem() {
    assertRefused(() -> LocalEventBus.builder().defaultQueueCapacity(0), "defaultQueueCapacity");
    assertRefused(() -> LocalEventBus.builder().defaultQueueCapacity(-1), "defaultQueueCapacity");
    assertRefused(() -> LocalEventBus.builder().defaultOverflowPolicy(null), "defaultOverflowPolicy");
    assertRefused(() -> LocalEventBus.builder().meterRegistry(null), "meterRegistry");
    assertRefused(() -> LocalEventBus.builder().threadFactory(null), "threadFactory");
    assertRefused(() -> LocalEventBus.builder().name(" "), "name");
    assertRefused(() -> LocalEventBus.builder().name(null), "name");
  }

  @Test
  void subscriptionCapacity_overridesTheBusDefault() {
    LocalEventBus local = extraBus(LocalEventBus.builder().defaultQueueCapacity(1));
    Gate gate = gate();
    Subscription subscription = local.subscribe(root, SubscriptionFilter.all(), capacity(3), gate);
    local.publish(root, version(1));
    gate.awaitEntered();

    LongStream.rangeClosed(2, 5).forEach(v -> local.publish(root, version(v)));

    assertThat(subscription.droppedCount()).isEqualTo(1);
  }

  // ---- helpers ----------------------------------------------------------------------------------------

  private Gate gate() {
    Gate gate = new Gate();
    gates.add(gate);
    return gate;
  }

  private LocalEventBus extraBus(LocalEventBus.Builder builder) {
    LocalEventBus local = builder.build();
    extraBuses.add(local);
    return local;
  }

  private static SubscriptionOptions capacity(int capacity) {
    return SubscriptionOptions.builder().queueCapacity(capacity).overflowPolicy(OverflowPolicy.DROP_NEWEST).build();
  }

  private static SubscriptionOptions blocking(int capacity) {
    return SubscriptionOptions.builder().queueCapacity(capacity).overflowPolicy(OverflowPolicy.BLOCK).build();
  }

  private static void assertRefused(Runnable call, String field) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field));
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("latch not released within 30 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void joinQuietly(Thread thread) {
    try {
      thread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A handler that records events and holds its delivery thread on the first one until opened. */
  static final class Gate implements Consumer<Event> {
    final Recorder recorder = new Recorder();
    private final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @Override
    public void accept(Event event) {
      recorder.accept(event);
      entered.countDown();
      awaitQuietly(release);
    }

    void awaitEntered() {
      awaitQuietly(entered);
    }

    void open() {
      release.countDown();
    }
  }

  /** Virtual threads, remembered so tests can watch them end. */
  static final class RecordingThreads implements ThreadFactory {
    final List<Thread> made = new CopyOnWriteArrayList<>();
    private final ThreadFactory virtual = Thread.ofVirtual().name("recorded-", 1).factory();

    @Override
    public Thread newThread(Runnable task) {
      Thread thread = virtual.newThread(task);
      made.add(thread);
      return thread;
    }
  }
}
