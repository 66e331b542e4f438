package dev.aether.model.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.behavior.Effect;
import dev.aether.runtime.behavior.EventUpcasts;
import dev.aether.runtime.behavior.JavaBehavior;
import dev.aether.store.EventStore;
import dev.aether.store.ForwardingEventStore;
import dev.aether.store.InMemoryEventStore;
import dev.aether.store.InMemoryReadModelStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A policy written in Java on the policies' machinery: every writer's events, once in effect, dead letters. */
class JavaPolicyTest {

  record Account(boolean open, long balance) {}

  record Open() {}

  record Deposit(long amount) {}

  record Transfer(String to, long amount) {}

  record Opened() {}

  record Deposited(long amount) {}

  record TransferSent(String to, long amount) {}

  private static final JavaBehavior<Account> ACCOUNTS = JavaBehavior.builder("Account", Account.class,
          new Account(false, 0))
      .command("Open", Open.class, (s, c) -> Effect.persist(new Opened()))
      .command("Deposit", Deposit.class, (s, c) -> s.open() ? Effect.persist(new Deposited(c.amount()))
          : Effect.reject("the account is not open"))
      .command("Transfer", Transfer.class, (s, c) -> Effect.persist(new TransferSent(c.to(), c.amount())))
      .event("Opened", Opened.class, (s, e) -> new Account(true, s.balance()))
      .event("Deposited", Deposited.class, (s, e) -> new Account(s.open(), s.balance() + e.amount()))
      .event("TransferSent", TransferSent.class, (s, e) -> new Account(s.open(), s.balance() - e.amount()))
      .build();

  private static final Policy CREDIT = Policy.builder("credit")
      .on("Account", "TransferSent", TransferSent.class, (sent, event) -> sent.amount() == 0 ? null
          : RuntimeMessage.of("Account", sent.to(), "Deposit", Map.of("amount", sent.amount())))
      .build();

  private final InMemoryEventStore store = InMemoryEventStore.create();
  private final InMemoryReadModelStore readModels = InMemoryReadModelStore.create();
  private final List<AutoCloseable> open = new ArrayList<>();
  private final Runtime runtime = Runtime.builder().eventStore(store).behavior(ACCOUNTS).build();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
    runtime.close();
  }

  private RunningPolicy start(Policy policy) {
    runtime.start();
    RunningPolicy running = policy.start(store, runtime, readModels);
    open.add(running);
    return running;
  }

  private CommandResult send(String actor, String command, Map<String, ?> payload) {
    return runtime.sendMessage(RuntimeMessage.of("Account", actor, command, payload)).join();
  }

  private long balance(String actor) {
    return ((Number) runtime.readState(ActorKey.of("Account", actor)).join().state().get("balance")).longValue();
  }

  private static void idle(RunningPolicy running) {
    await().atMost(Duration.ofSeconds(10)).until(() -> running.pending() == 0);
  }

  @Test
  void anEventOfAnyWriter_sendsTheCommand_withTheIdAndMetadataOfThePolicy() {
    RunningPolicy running = start(CREDIT);
    send("b", "Open", Map.of());
    send("a", "Transfer", Map.of("to", "b", "amount", 25));
    // another writer stores the event straight into the store
    store.append("Account/c", 0, List.of(Event.builder().eventType("TransferSent").streamId("Account/c").version(1)
        .data(Map.of("to", "b", "amount", 5)).correlationId("corr-7").build()));
    idle(running);
    await().atMost(Duration.ofSeconds(10)).until(() -> balance("b") == 30);

    List<Event> credits = store.getEvents("Account/b", 2);
    Event foreign = store.getEvents("Account/c", 1).getFirst();
    assertThat(credits).extracting(e -> e.commandId().orElseThrow()).contains(
        CREDIT.commandId(foreign.id()));
    assertThat(credits).filteredOn(e -> e.causationId().equals(Optional.of(foreign.id())))
        .singleElement().satisfies(e -> assertThat(e.correlationId()).contains("corr-7"));
    assertThat(running.failed()).isZero();
    assertThat(running.deadLetters()).isEmpty();
  }

  @Test
  void aRedeliveredEvent_isAppliedOnce() {
    RunningPolicy first = start(CREDIT);
    send("b", "Open", Map.of());
    send("a", "Transfer", Map.of("to", "b", "amount", 10));
    idle(first);
    first.close();
    // the same event handed to the same command again (a member that stopped before acknowledging)
    Event sent = store.getEvents("Account/a", 1).getFirst();
    assertThat(runtime.sendMessage(PolicyRunner.message(CREDIT.definition(), sent)).join())
        .isInstanceOfSatisfying(CommandResult.Accepted.class, a -> assertThat(a.duplicate()).isTrue());
    assertThat(balance("b")).isEqualTo(10);
  }

  @Test
  void aRestartedPolicy_resumesWhereItsGroupStood_andHandlesWhatCameMeanwhile() {
    RunningPolicy first = start(CREDIT);
    send("b", "Open", Map.of());
    send("a", "Transfer", Map.of("to", "b", "amount", 1));
    idle(first);
    assertThat(first.isRunning()).isTrue();
    first.close();
    assertThat(first.isRunning()).isFalse();
    send("a", "Transfer", Map.of("to", "b", "amount", 2)); // while no member runs
    RunningPolicy second = start(CREDIT);
    idle(second);
    await().atMost(Duration.ofSeconds(10)).until(() -> balance("b") == 3);
    assertThat(store.getLatestVersion("Account/b")).as("Opened + two credits, none twice").isEqualTo(3);
  }

  @Test
  void aMemberWhoseGatewayIsNotRunning_handsEventsBackAtOnce_andStopsPulling_soAnotherMemberTakesThem() {
    // found by a user: a cluster node closed under its policy; the policy kept taking events and retrying them
    // against the stopped gateway with back-off, so the other nodes' members got them 20 s late
    java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
    runtime.start();
    RunningPolicy stopped = CREDIT.start(store, message -> {
      asked.incrementAndGet();
      return java.util.concurrent.CompletableFuture.completedFuture(CommandResult.Rejected.of(message.commandId(),
          dev.aether.runtime.RejectionReason.NOT_RUNNING, "the cluster node n2 is not running"));
    }, readModels);
    open.add(stopped);
    send("b", "Open", Map.of());
    send("a", "Transfer", Map.of("to", "b", "amount", 1)); // the stopped member learns its gateway is down
    await().atMost(Duration.ofSeconds(5)).until(() -> asked.get() > 0);
    RunningPolicy live = start(CREDIT);
    for (int i = 0; i < 59; i++) {
      send("a", "Transfer", Map.of("to", "b", "amount", 1));
    }

    await().atMost(Duration.ofSeconds(3)).until(() -> balance("b") == 60);
    assertThat(asked.get()).as("commands offered to the stopped gateway: it polls one now and then").isLessThan(15);
    assertThat(stopped.failed() + live.failed()).isZero();
  }

  @Test
  void aMemberWhoseGatewayRunsAgain_takesDeliveriesAgain() {
    // found by a review: once paused, the member handed every delivery back without asking the gateway again,
    // for ever
    java.util.concurrent.atomic.AtomicBoolean running = new java.util.concurrent.atomic.AtomicBoolean();
    runtime.start();
    RunningPolicy member = CREDIT.start(store, message -> running.get() ? runtime.sendMessage(message)
        : java.util.concurrent.CompletableFuture.completedFuture(CommandResult.Rejected.of(message.commandId(),
            dev.aether.runtime.RejectionReason.NOT_RUNNING, "the node is not running yet")), readModels);
    open.add(member);
    send("b", "Open", Map.of());
    for (int i = 0; i < 5; i++) {
      send("a", "Transfer", Map.of("to", "b", "amount", 1));
    }
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3)).until(() -> balance("b") == 0);
    running.set(true);

    await().atMost(Duration.ofSeconds(10)).until(() -> balance("b") == 5);
    assertThat(member.failed()).isZero();
  }

  @Test
  void pending_ofAPolicyThatIsNotRunning_isRefusedNamingIt_closedOrItsStoreClosed() {
    // found by a user: pending() of a policy whose store had closed threw the store's "the JetStream event store
    // is closed: cannot read the feed's head" while isRunning() was false
    RunningPolicy closedPolicy = start(CREDIT);
    idle(closedPolicy);
    closedPolicy.close();
    assertThatThrownBy(closedPolicy::pending).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("policy credit is not running (closed)");

    ClosableFeed feed = new ClosableFeed(store);
    RunningPolicy orphan = CREDIT.start(feed, runtime, readModels);
    open.add(orphan);
    idle(orphan);
    feed.closed = true;
    assertThat(orphan.isRunning()).isFalse();
    assertThatThrownBy(orphan::pending).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("policy credit is not running (stopped: its event store was closed)");
  }

  /** The in-memory store as a feed that can be closed, as a JetStream store's is when it closes. */
  private static final class ClosableFeed extends ForwardingEventStore implements dev.aether.store.EventFeed {
    private final InMemoryEventStore feed;
    volatile boolean closed;

    ClosableFeed(InMemoryEventStore store) {
      super(store);
      this.feed = store;
    }

    @Override
    public dev.aether.store.FeedReader openFeed(dev.aether.store.FeedStart start) {
      return feed.openFeed(start);
    }

    @Override
    public dev.aether.store.FeedPosition head() {
      if (closed) {
        throw new IllegalStateException("the event store is closed: cannot read the feed's head");
      }
      return feed.head();
    }

    @Override
    public dev.aether.store.SharedFeed openShared(String group, dev.aether.store.FeedStart startIfNew,
        dev.aether.store.SharedFeedOptions options) {
      return feed.openShared(group, startIfNew, options);
    }

    @Override
    public boolean isClosed() {
      return closed;
    }
  }

  @Test
  void aBusinessRejection_becomesADeadLetter_thatIsReplayedOnceTheTargetAcceptsIt() {
    RunningPolicy running = start(CREDIT);
    send("a", "Transfer", Map.of("to", "closed", "amount", 7)); // the target is not open
    await().atMost(Duration.ofSeconds(10)).until(() -> running.deadLetters().size() == 1);
    DeadLetter letter = running.deadLetters().getFirst();
    assertThat(letter.policy()).isEqualTo("credit");
    assertThat(letter.lastError()).contains("BUSINESS_RULE").contains("not open");
    assertThat(running.failed()).isEqualTo(1);

    send("closed", "Open", Map.of());
    assertThat(running.replayDeadLetter(letter.id()).join()).hasValueSatisfying(r -> assertThat(r.isAccepted()).isTrue());
    assertThat(running.deadLetters()).isEmpty();
    assertThat(balance("closed")).isEqualTo(7);
    assertThatThrownBy(() -> running.replayDeadLetter(letter.id())).isInstanceOfSatisfying(
        InvalidInputException.class, e -> assertThat(e.field()).isEqualTo("id"));
  }

  record TransferStamped(String to, long amount, Instant at) {}

  @Test
  void aReaction_readsJavaTimeComponentsAsBehavioursWriteThem() {
    // found by a user evaluation: every such event was dead-lettered (Jackson without JavaTimeModule)
    List<Instant> seen = new CopyOnWriteArrayList<>();
    RunningPolicy running = start(Policy.builder("stamped")
        .on("Account", "TransferStamped", TransferStamped.class, (sent, event) -> {
          seen.add(sent.at());
          return RuntimeMessage.of("Account", sent.to(), "Deposit", Map.of("amount", sent.amount()));
        })
        .build());
    send("to", "Open", Map.of());
    store.append("Account/from", 0, List.of(Event.builder().eventType("TransferStamped").streamId("Account/from")
        .version(1).data(Map.of("to", "to", "amount", 3, "at", "2026-12-07T08:00:00.25Z")).build()));

    await().atMost(Duration.ofSeconds(10)).until(() -> balance("to") == 3);
    assertThat(seen).containsExactly(Instant.parse("2026-12-07T08:00:00.25Z"));
    assertThat(running.deadLetters()).isEmpty();
  }

  @Test
  void aReactionThatThrows_orDataThatDoesNotFit_isDeadLettered_andTheOthersGoOn() {
    Policy picky = Policy.builder("picky")
        .on("Account", "TransferSent", TransferSent.class, (sent, event) -> {
          if (sent.to().equals("boom")) {
            throw new IllegalStateException("no transfers to boom");
          }
          return RuntimeMessage.of("Account", sent.to(), "Deposit", Map.of("amount", sent.amount()));
        })
        .build();
    RunningPolicy running = start(picky);
    send("ok", "Open", Map.of());
    send("a", "Transfer", Map.of("to", "boom", "amount", 1));
    store.append("Account/odd", 0, List.of(Event.builder().eventType("TransferSent").streamId("Account/odd")
        .version(1).data(Map.of("to", "ok", "amount", "a lot")).build()));
    send("a", "Transfer", Map.of("to", "ok", "amount", 4));
    await().atMost(Duration.ofSeconds(10)).until(() -> running.deadLetters().size() == 2 && balance("ok") == 4);
    assertThat(running.deadLetters()).extracting(DeadLetter::lastError)
        .anyMatch(e -> e.startsWith("the policy's reaction failed") && e.contains("no transfers to boom"))
        .anyMatch(e -> e.startsWith("the policy could not read the event: TransferSent cannot read data.amount: ")
            && e.contains("\"a lot\"") && !e.contains("reference chain"));
    String boom = running.deadLetters().stream().filter(l -> l.lastError().contains("boom")).findFirst()
        .orElseThrow().id();
    assertThat(running.replayDeadLetter(boom).join()).as("the reaction throws again").hasValueSatisfying(r ->
        assertThat(r).isInstanceOfSatisfying(CommandResult.Rejected.class, rejected -> assertThat(rejected.reason())
            .isEqualTo(dev.aether.runtime.RejectionReason.BEHAVIOR_FAILED)));
    assertThat(running.deadLetter(boom).orElseThrow().attempts()).isEqualTo(2);
    assertThat(running.discardDeadLetter(boom)).isTrue();
    assertThat(running.discardDeadLetter(boom)).isFalse();
    assertThat(running.deadLetters()).hasSize(1);
  }

  /** v1 FundsSent(recipient, amount), renamed TransferSent(to, amount); one era stored cents instead. */
  private static final EventUpcasts TRANSFER_UPCASTS = EventUpcasts.builder()
      .upcast("FundsSent", "TransferSent", data -> {
        data.put("to", data.remove("recipient"));
        return data;
      })
      .upcast("TransferSent", "TransferSent", data -> {
        if (data.containsKey("garbled")) {
          throw new IllegalArgumentException("a garbled transfer");
        }
        if (data.containsKey("cents")) {
          data.put("amount", ((Number) data.remove("cents")).longValue() / 100);
        }
        return data;
      })
      .build();

  private void storeAsAnotherWriter(String stream, String type, Map<String, Object> data) {
    store.append(stream, 0, List.of(Event.builder().eventType(type).streamId(stream).version(1).data(data).build()));
  }

  @Test
  void sharedUpcasts_bringOldNamedAndOldShapedEventsToTheNewReaction_andAFailingOneIsDeadLetteredNamingIt() {
    List<String> typesSeen = new java.util.concurrent.CopyOnWriteArrayList<>();
    Policy credit = Policy.builder("credit-upcast").upcasts(TRANSFER_UPCASTS)
        .on("Account", "TransferSent", TransferSent.class, (sent, event) -> {
          typesSeen.add(event.eventType() + " " + event.streamId() + " v" + event.version());
          return RuntimeMessage.of("Account", sent.to(), "Deposit", Map.of("amount", sent.amount()));
        })
        .build();
    RunningPolicy running = start(credit);
    send("b", "Open", Map.of());
    storeAsAnotherWriter("Account/old", "FundsSent", Map.of("recipient", "b", "amount", 1));
    storeAsAnotherWriter("Account/cents", "TransferSent", Map.of("to", "b", "cents", 200));
    storeAsAnotherWriter("Account/bad", "TransferSent", Map.of("to", "b", "amount", 50, "garbled", true));
    send("a", "Transfer", Map.of("to", "b", "amount", 4));

    await().atMost(Duration.ofSeconds(10)).until(() -> running.deadLetters().size() == 1 && balance("b") == 7);
    idle(running);
    assertThat(typesSeen).containsExactlyInAnyOrder("TransferSent Account/old v1", "TransferSent Account/cents v1",
        "TransferSent Account/a v1");
    Event old = store.getEvents("Account/old", 1).getFirst();
    assertThat(store.getEvents("Account/b", 2)).extracting(e -> e.commandId().orElseThrow())
        .as("the command's id is of the stored event's id").contains(credit.commandId(old.id()));
    DeadLetter letter = running.deadLetters().getFirst();
    assertThat(letter.streamId()).isEqualTo("Account/bad");
    assertThat(letter.eventType()).as("as stored").isEqualTo("TransferSent");
    assertThat(letter.lastError()).startsWith("the policy could not read the event: the upcast of TransferSent to"
        + " TransferSent failed").contains("a garbled transfer");
    assertThat(running.replayDeadLetter(letter.id()).join()).as("the migration fails again").hasValueSatisfying(r ->
        assertThat(r).isInstanceOfSatisfying(CommandResult.Rejected.class, rejected -> assertThat(rejected.message())
            .contains("the upcast of TransferSent to TransferSent failed")));
  }

  @Test
  void anInPlaceUpcastThatLeavesAPrimitiveNull_deadLettersItsEvent_namingTheUpcast() {
    Policy sloppy = Policy.builder("sloppy")
        .upcast("TransferSent", "TransferSent", data -> {
          data.put("amount", data.remove("cents")); // no guard: an event in the new shape loses its amount
          return data;
        })
        .on("Account", "TransferSent", TransferSent.class, (sent, event) -> RuntimeMessage.of("Account", sent.to(),
            "Deposit", Map.of("amount", sent.amount())))
        .build();
    RunningPolicy running = start(sloppy);
    send("b", "Open", Map.of());
    storeAsAnotherWriter("Account/cents", "TransferSent", Map.of("to", "b", "cents", 2));
    send("a", "Transfer", Map.of("to", "b", "amount", 4)); // stored in the new shape

    await().atMost(Duration.ofSeconds(10)).until(() -> running.deadLetters().size() == 1 && balance("b") == 2);
    assertThat(running.deadLetters().getFirst().lastError()).startsWith("the policy could not read the event: the"
        + " upcast of TransferSent to TransferSent left data.amount null");
  }

  @Test
  void upcastsOfAPolicy_areRefusedNamingTheField() {
    assertRefused(() -> Policy.builder("p").upcast(" ", "E", d -> d), "storedType");
    assertRefused(() -> Policy.builder("p").upcast("Old", "E", null), "migration");
    assertRefused(() -> Policy.builder("p").upcasts(null), "upcasts");
    assertRefused(() -> Policy.builder("p").upcast("FundsSent", "X", d -> d).upcasts(TRANSFER_UPCASTS),
        "storedType");
    assertRefused(() -> Policy.builder("p").upcast("A", "B", d -> d).upcast("B", "A", d -> d)
        .on("Account", "A", Map.class, (d, e) -> null).build(), "eventType");
    assertRefused(() -> Policy.builder("p").upcasts(TRANSFER_UPCASTS)
        .on("Account", "FundsSent", Map.class, (d, e) -> null).build(), "storedType");
  }

  @Test
  void aNullCommand_sendsNothing_andAnotherPolicysLettersAreNotItsOwn() {
    RunningPolicy running = start(CREDIT);
    send("b", "Open", Map.of());
    send("a", "Transfer", Map.of("to", "b", "amount", 0)); // the reaction sends nothing for 0
    idle(running);
    assertThat(store.getLatestVersion("Account/b")).isEqualTo(1);
    Event sent = store.getEvents("Account/a", 1).getFirst();
    new DeadLetterStore(readModels, DeadLetterStore.JAVA_TABLE).write("other", sent, 1, "x", java.time.Instant.now());
    new DeadLetterStore(readModels).write("credit", sent, 1, "a model's policy of the same name",
        java.time.Instant.now());
    assertThat(running.deadLetters()).isEmpty();
    assertThat(running.deadLetter("other|" + sent.id())).isEmpty();
    assertThat(running.discardDeadLetter("other|" + sent.id())).isFalse();
    assertThat(running.deadLetter("credit|" + sent.id())).as("a model's letter is not this policy's").isEmpty();
    assertThat(CREDIT.commandId(sent.id())).as("nor are a model's policy's command ids")
        .isNotEqualTo(ModelExecution.policyCommandId("credit", sent.id()));
  }

  @Test
  void startAtEnd_leavesTheHistoryAlone() {
    runtime.start();
    send("b", "Open", Map.of());
    send("a", "Transfer", Map.of("to", "b", "amount", 3)); // before the policy's group exists
    Policy fresh = Policy.builder("fresh").startAtEnd()
        .on("Account", "TransferSent", TransferSent.class,
            (sent, event) -> RuntimeMessage.of("Account", sent.to(), "Deposit", Map.of("amount", sent.amount())))
        .build();
    RunningPolicy running = start(fresh);
    idle(running);
    send("a", "Transfer", Map.of("to", "b", "amount", 4));
    await().atMost(Duration.ofSeconds(10)).until(() -> balance("b") == 4);
  }

  @Test
  void badDefinitionsAndArguments_areRefusedNamingThem() {
    assertRefused(() -> Policy.builder(" "), "name");
    assertRefused(() -> Policy.builder("p").build(), "on");
    assertRefused(() -> Policy.builder("p").on("Acc/x", "E", Map.class, (d, e) -> null), "aggregateType");
    assertRefused(() -> Policy.builder("p").on("Account", " ", Map.class, (d, e) -> null), "eventType");
    assertRefused(() -> Policy.builder("p").on("Account", "E", null, (d, e) -> null), "dataType");
    assertRefused(() -> Policy.builder("p").on("Account", "E", Map.class, null), "reaction");
    assertRefused(() -> Policy.builder("p").on("Account", "E", Map.class, (d, e) -> null)
        .on("Account", "E", Map.class, (d, e) -> null), "eventType");
    assertRefused(() -> CREDIT.start(null, runtime, readModels), "events");
    assertRefused(() -> CREDIT.start(store, null, readModels), "gateway");
    assertRefused(() -> CREDIT.start(store, runtime, null), "deadLetters");
    EventStore notAFeed = new ForwardingEventStore(store) {};
    assertRefused(() -> CREDIT.start(notAFeed, runtime, readModels), "events");
  }

  private static void assertRefused(Runnable call, String field) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(InvalidInputException.class,
        e -> assertThat(e.field()).isEqualTo(field));
  }

  record FundsSent(String recipient, long amount) {}

  @Test
  void anUpcastOfOneAggregateType_readsOnlyThatTypesEvents_anotherTypesAreReadAsStored() {
    Policy credit = Policy.builder("credit-legacy")
        .upcast("Legacy", "FundsSent", "TransferSent", data -> {
          data.put("to", data.remove("recipient"));
          return data;
        })
        .on("Legacy", "TransferSent", TransferSent.class, (sent, event) ->
            RuntimeMessage.of("Account", sent.to(), "Deposit", Map.of("amount", sent.amount())))
        .on("Other", "FundsSent", FundsSent.class, (sent, event) -> // handled as stored: not renamed for Other
            RuntimeMessage.of("Account", sent.recipient(), "Deposit", Map.of("amount", sent.amount() * 100)))
        .build();
    RunningPolicy running = start(credit);
    send("b", "Open", Map.of());
    storeAsAnotherWriter("Legacy/old", "FundsSent", Map.of("recipient", "b", "amount", 3));
    storeAsAnotherWriter("Other/old", "FundsSent", Map.of("recipient", "b", "amount", 1));

    await().atMost(Duration.ofSeconds(10)).until(() -> balance("b") == 103);
    idle(running);
    assertThat(balance("b")).isEqualTo(103);
    assertThat(running.deadLetters()).isEmpty();
  }
}
