package dev.aether.nats.bus;

import static dev.aether.testkit.bus.BusEvents.FENCE;
import static dev.aether.testkit.bus.BusEvents.event;
import static dev.aether.testkit.bus.BusEvents.fence;
import static dev.aether.testkit.bus.BusEvents.freshNamespace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aether.InvalidInputException;
import dev.aether.bus.BusMetrics;
import dev.aether.bus.Subscription;
import dev.aether.bus.SubscriptionFilter;
import dev.aether.event.Event;
import dev.aether.event.EventJson;
import dev.aether.event.PayloadLimits;
import dev.aether.testkit.bus.EventRecorder;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import io.nats.client.Connection;
import io.nats.client.Message;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link NatsEventBus} between nodes on one real nats-server: each node is a bus on its own connection.
 * Absence is checked with fences (an event the same publisher sends last and that must arrive), never by
 * waiting for time to pass.
 */
@NatsTest
class NatsEventBusIT {

  private final NatsServer server;
  private BusNodes nodes;
  private NatsEventBus a;
  private NatsEventBus b;
  private String root;

  NatsEventBusIT(NatsServer server) {
    this.server = server;
  }

  @BeforeEach
  void startNodes() {
    nodes = new BusNodes(server.url());
    a = nodes.node();
    b = nodes.node();
    root = freshNamespace();
  }

  @AfterEach
  void stopNodes() {
    nodes.close();
  }

  // ---- delivery ---------------------------------------------------------------------------------------

  @Test
  void eventPublishedOnA_reachesSubscriberOnB_exactlyOnce() {
    EventRecorder onB = EventRecorder.create();
    b.subscribe(root, onB);

    a.publish(root, event("OrderPlaced"));
    a.publish(root, fence());

    assertThat(onB.awaitType(FENCE).types()).containsExactly("OrderPlaced", FENCE);
    assertThat(a.metrics().published(root)).isEqualTo(2);
    assertThat(b.metrics().published(root)).isZero();
    await().until(() -> b.metrics().received(root) == 2);
  }

  @Test
  void ownSubscriber_getsEachOwnEventOnce_theEchoFromTheServerIsIgnored() {
    EventRecorder onA = EventRecorder.create();
    EventRecorder onB = EventRecorder.create();
    a.subscribe(root, onA);
    b.subscribe(root, onB);

    a.publish(root, event("First"));
    a.publish(root, event("Second"));
    a.publish(root, fence());
    onB.awaitType(FENCE);
    Event fromB = fence();
    b.publish(root, fromB);

    assertThat(onA.awaitCount(4).types()).containsExactly("First", "Second", FENCE, FENCE);
    assertThat(onA.events().get(3)).isEqualTo(fromB);
    assertThat(onB.awaitCount(4).types()).containsExactly("First", "Second", FENCE, FENCE);
  }

  @Test
  void namespaceIsolation_bSubscribedToTenantB_neverGetsTenantAEvents() {
    String tenantA = root + ".tenant-a";
    String tenantB = root + ".tenant-b";
    EventRecorder onB = EventRecorder.create();
    b.subscribe(tenantB, onB);

    a.publish(tenantA, event("Secret"));
    a.publish(root, event("Parent"));
    a.publish(tenantB + ".child", event("Child"));
    a.publish(tenantB, fence());

    assertThat(onB.awaitType(FENCE).types()).containsExactly(FENCE);
  }

  @Test
  void starWildcardOnB_getsOneTokenBelowFromA() {
    EventRecorder onB = EventRecorder.create();
    b.subscribe(root + ".*", onB);

    a.publish(root + ".eu", event("Eu"));
    a.publish(root + ".eu.west", event("TooDeep"));
    a.publish(root, event("TooHigh"));
    a.publish(root + ".us", fence());

    assertThat(onB.awaitType(FENCE).types()).containsExactly("Eu", FENCE);
  }

  @Test
  void greaterThanWildcardOnB_getsEverythingBelowFromA() {
    EventRecorder onB = EventRecorder.create();
    b.subscribe(root + ".>", onB);

    a.publish(root + ".eu", event("Eu"));
    a.publish(root + ".eu.west", event("West"));
    a.publish(root, event("TooHigh"));
    a.publish(freshNamespace() + ".eu", event("Foreign"));
    a.publish(root + ".us", fence());

    assertThat(onB.awaitType(FENCE).types()).containsExactly("Eu", "West", FENCE);
  }

  @Test
  void overlappingPatternsOnB_eachGetAnEventFromAOnce() {
    EventRecorder exact = EventRecorder.create();
    EventRecorder star = EventRecorder.create();
    EventRecorder rest = EventRecorder.create();
    EventRecorder everything = EventRecorder.create();
    b.subscribe(root + ".orders", exact);
    b.subscribe(root + ".*", star);
    b.subscribe(root + ".>", rest);
    b.subscribe(">", SubscriptionFilter.actorPattern("only-" + root), everything);

    a.publish(root + ".orders", event("A", "only-" + root));
    a.publish(root + ".orders", event(FENCE, "only-" + root));

    for (EventRecorder recorder : List.of(exact, star, rest, everything)) {
      assertThat(recorder.awaitType(FENCE).types()).containsExactly("A", FENCE);
    }
  }

  @Test
  void filtersApplyOnTheReceivingNode() {
    EventRecorder placed = EventRecorder.create();
    EventRecorder orders = EventRecorder.create();
    b.subscribe(root, SubscriptionFilter.eventTypes("OrderPlaced", FENCE), placed);
    b.subscribe(root, SubscriptionFilter.actorPattern("order.>"), orders);

    a.publish(root, event("OrderPlaced", "order.1"));
    a.publish(root, event("OrderShipped", "order.1"));
    a.publish(root, event("OrderPlaced", "invoice.1"));
    a.publish(root, event(FENCE, "order.fence"));

    assertThat(placed.awaitType(FENCE).types()).containsExactly("OrderPlaced", "OrderPlaced", FENCE);
    assertThat(orders.awaitType(FENCE).events()).extracting(Event::streamId)
        .containsExactly("order.1", "order.1", "order.fence");
  }

  @Test
  void numbersInData_arriveAsLongAndDouble_andTheEventsAreEqual_regression138() {
    EventRecorder onB = EventRecorder.create();
    b.subscribe(root, onB);
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("int", 42);
    data.put("long", 1L << 40);
    data.put("double", 0.1);
    data.put("wholeDouble", 3.0);
    data.put("negative", -7);
    data.put("list", List.of(1, 2.5));
    data.put("nested", Map.of("count", 1));
    Event sent = Event.builder().eventType("Numbers").streamId("n-1").version(3).data(data).build();

    a.publish(root, sent);

    Event received = onB.awaitCount(1).events().getFirst();
    assertThat(received).isEqualTo(sent);
    assertThat(received.data().get("int")).isEqualTo(42L);
    assertThat(received.data().get("long")).isEqualTo(1L << 40);
    assertThat(received.data().get("double")).isEqualTo(0.1);
    assertThat(received.data().get("wholeDouble")).isInstanceOf(Double.class).isEqualTo(3.0);
    assertThat(received.data().get("negative")).isEqualTo(-7L);
    assertThat(received.data().get("list")).isEqualTo(List.of(1L, 2.5));
    assertThat(received.data().get("nested")).isEqualTo(Map.of("count", 1L));
  }

  // ---- reference-counted NATS subscriptions -----------------------------------------------------------

  @Test
  void twoSubscribersOfOnePattern_shareOneNatsSubscription_removedWithTheLast() {
    String subject = "aether.events." + root + ".*";
    EventRecorder first = EventRecorder.create();
    EventRecorder second = EventRecorder.create();
    Subscription one = b.subscribe(root + ".*", first);
    Subscription two = b.subscribe(root + ".*", second);
    assertThat(b.natsSubjects()).containsExactly(subject);
    assertThat(b.natsSubscribers()).containsEntry(root + ".*", 2);
    assertThat(serverSubjects()).containsOnlyOnce(subject);

    one.unsubscribe();
    one.unsubscribe();
    a.publish(root + ".x", fence());

    assertThat(second.awaitType(FENCE).types()).containsExactly(FENCE);
    assertThat(first.types()).isEmpty();
    assertThat(b.natsSubscribers()).containsEntry(root + ".*", 1);

    two.unsubscribe();
    assertThat(b.natsSubjects()).isEmpty();
    await().until(() -> !serverSubjects().contains(subject));
  }

  @Test
  void aPatternSubscribedAgain_afterItsNatsSubscriptionWasRemoved_receivesAgainOnce() {
    b.subscribe(root, e -> {}).unsubscribe();
    EventRecorder again = EventRecorder.create();
    b.subscribe(root, again);

    a.publish(root, event("A"));
    a.publish(root, fence());

    assertThat(again.awaitType(FENCE).types()).containsExactly("A", FENCE);
    assertThat(b.natsSubjects()).containsExactly("aether.events." + root);
  }

  @Test
  void close_removesEveryNatsSubscription_andLeavesTheCallersConnectionOpen() {
    Connection connection = nodes.connect();
    NatsEventBus bus = NatsEventBus.create(connection);
    bus.subscribe(root, e -> {});
    bus.subscribe(root + ".>", e -> {});

    bus.close();

    assertThat(bus.isClosed()).isTrue();
    assertThat(bus.natsSubjects()).isEmpty();
    assertThat(connection.getStatus()).isEqualTo(Connection.Status.CONNECTED);
    await().until(() -> serverSubjects().stream().noneMatch(s -> s.contains(root)));
  }

  @Test
  void close_ofABusThatOwnsItsConnection_closesIt() {
    Connection connection = nodes.connect();
    NatsEventBus bus = NatsEventBus.builder().connection(connection).ownsConnection(true).build();

    bus.close();

    assertThat(connection.getStatus()).isEqualTo(Connection.Status.CLOSED);
  }

  // ---- malformed messages -----------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {
      "not json",
      "",
      "[1,2]",
      "{\"node_id\":\"x\",\"namespace_id\":\"NS\"}",
      "{\"namespace_id\":\"NS\",\"event\":{}}",
      "{\"node_id\":\"\",\"namespace_id\":\"NS\",\"event\":{}}",
      "{\"node_id\":7,\"namespace_id\":\"NS\",\"event\":{}}",
      "{\"node_id\":\"x\",\"namespace_id\":\"NS\",\"event\":{\"eventType\":\"NoId\"}}",
      "{\"node_id\":\"x\",\"namespace_id\":\"NS\",\"event\":\"text\"}",
      "{\"node_id\":\"x\",\"namespace_id\":\"other\",\"event\":EVENT}",
      "{\"node_id\":\"x\",\"namespace_id\":\"NS\",\"event\":EVENT} trailing",
  })
  void malformedEnvelope_isCountedAsASubscribeError_andDeliveryGoesOn(String payload) {
    EventRecorder onB = EventRecorder.create();
    b.subscribe(root, onB);
    String raw = payload.replace("NS", root).replace("EVENT", EventJson.toJson(event("Raw")));

    nodes.connect().publish("aether.events." + root, raw.getBytes(StandardCharsets.UTF_8));

    await().until(() -> b.metrics().errors(root, BusMetrics.ErrorKind.SUBSCRIBE) == 1);
    a.publish(root, event("Valid"));
    assertThat(onB.awaitCount(1).types()).containsExactly("Valid");
    assertThat(b.metrics().errors(root)).isEqualTo(1);
  }

  @Test
  void messageOnASubjectThatIsNoNamespace_isCountedUnderTheWildcardThatMatchedIt() {
    EventRecorder onB = EventRecorder.create();
    b.subscribe(root + ".>", onB);
    String envelope = "{\"node_id\":\"x\",\"namespace_id\":\"" + root + ".a#b\",\"event\":"
        + EventJson.toJson(event("Raw")) + "}";

    nodes.connect().publish("aether.events." + root + ".a#b", envelope.getBytes(StandardCharsets.UTF_8));

    await().until(() -> b.metrics().errors(root + ".>", BusMetrics.ErrorKind.SUBSCRIBE) == 1);
    a.publish(root + ".ok", fence());
    assertThat(onB.awaitType(FENCE).types()).containsExactly(FENCE);
  }

  // ---- wire format and configuration ------------------------------------------------------------------

  @Test
  void wireFormat_isTheUpstreamEnvelopeOnPrefixDotNamespace() throws Exception {
    Connection raw = nodes.connect();
    io.nats.client.Subscription tap = raw.subscribe("aether.events." + root);
    raw.flush(Duration.ofSeconds(5));
    Event sent = event("OrderPlaced");

    a.publish(root, sent);

    Message message = tap.nextMessage(Duration.ofSeconds(10));
    assertThat(message).isNotNull();
    JsonNode envelope = new ObjectMapper().readTree(message.getData());
    assertThat(envelope.get("node_id").asText()).isEqualTo(a.nodeId());
    assertThat(envelope.get("namespace_id").asText()).isEqualTo(root);
    assertThat(EventJson.fromJson(envelope.get("event").toString())).isEqualTo(sent);
  }

  @Test
  void busesWithAnotherSubjectPrefix_areSeparate() {
    NatsEventBus custom = nodes.node(x -> x.subjectPrefix("tenant1.bus"));
    NatsEventBus customToo = nodes.node(x -> x.subjectPrefix("tenant1.bus").nodeId("node-c2"));
    EventRecorder onDefault = EventRecorder.create();
    EventRecorder onCustom = EventRecorder.create();
    b.subscribe(root, onDefault);
    customToo.subscribe(root, onCustom);

    custom.publish(root, event("Custom"));
    a.publish(root, event("Default"));
    custom.publish(root, fence());
    a.publish(root, fence());

    assertThat(onCustom.awaitType(FENCE).types()).containsExactly("Custom", FENCE);
    assertThat(onDefault.awaitType(FENCE).types()).containsExactly("Default", FENCE);
    assertThat(customToo.nodeId()).isEqualTo("node-c2");
    assertThat(custom.subjectPrefix()).isEqualTo("tenant1.bus");
    assertThat(customToo.natsSubjects()).containsExactly("tenant1.bus." + root);
  }

  @Test
  void eventAboveTheServersMaxPayload_isRefusedBeforeAnythingIsDelivered() {
    EventRecorder onA = EventRecorder.create();
    a.subscribe(root, onA);
    // built under raised payload limits (the defaults refuse it at build): the bus must still refuse it
    Event huge = Event.builder().eventType("Huge").streamId("h").version(1)
        .limits(PayloadLimits.builder().maxStringLength(2 << 20).maxBytes(4 << 20).build())
        .data(Map.of("blob", "x".repeat(1024 * 1024 + 1))).build();

    assertThatThrownBy(() -> a.publish(root, huge))
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("event"))
        .hasMessageContaining("maximum payload");
    a.publish(root, fence());

    assertThat(onA.awaitType(FENCE).types()).containsExactly(FENCE);
    assertThat(a.metrics().published(root)).isEqualTo(1);
  }

  @Test
  void builder_refusesBadValuesNamingThem() {
    Connection closed = nodes.connect();
    closeQuietly(closed);

    assertRefused(() -> NatsEventBus.builder().build(), "connection");
    assertRefused(() -> NatsEventBus.builder().connection(null), "connection");
    assertRefused(() -> NatsEventBus.create(closed), "connection");
    assertRefused(() -> NatsEventBus.builder().nodeId(" "), "nodeId");
    assertRefused(() -> NatsEventBus.builder().nodeId(null), "nodeId");
    for (String prefix : new String[] {"", "a..b", "a.*", "a.>", "a b", ".a"}) {
      assertRefused(() -> NatsEventBus.builder().subjectPrefix(prefix), "subjectPrefix");
    }
    assertRefused(() -> NatsEventBus.builder().defaultQueueCapacity(0), "defaultQueueCapacity");
    assertRefused(() -> NatsEventBus.builder().defaultOverflowPolicy(null), "defaultOverflowPolicy");
    assertRefused(() -> NatsEventBus.builder().name(""), "name");
    assertRefused(() -> NatsEventBus.builder().meterRegistry(null), "meterRegistry");
    assertRefused(() -> NatsEventBus.builder().threadFactory(null), "threadFactory");
  }

  @Test
  void defaults_areARandomNodeIdThePrefixAetherEventsAndTheNameNats() {
    assertThat(a.nodeId()).isNotEqualTo(b.nodeId()).hasSize(36);
    assertThat(a.subjectPrefix()).isEqualTo(NatsEventBus.DEFAULT_SUBJECT_PREFIX).isEqualTo("aether.events");
    assertThat(NatsEventBus.DEFAULT_NAME).isEqualTo("nats");
  }

  // ---- helpers ----------------------------------------------------------------------------------------

  /** The subjects the server holds subscriptions for, over all connections (monitoring endpoint). */
  private List<String> serverSubjects() {
    try {
      JsonNode connz = new ObjectMapper().readTree(server.monitor("/connz?subs=1"));
      List<String> subjects = new java.util.ArrayList<>();
      for (JsonNode list : connz.path("connections").findValues("subscriptions_list")) {
        list.forEach(subject -> subjects.add(subject.asText()));
      }
      return subjects;
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void assertRefused(Runnable call, String field) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field));
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
