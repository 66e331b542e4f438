package dev.aether.nats.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.event.ActorSnapshot;
import dev.aether.event.Event;
import dev.aether.event.EventMetadata;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.runtime.ActorKey;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.RejectionReason;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeMessage;
import dev.aether.runtime.UnexpectedEventException;
import dev.aether.runtime.VirtualMachine;
import dev.aether.runtime.behavior.Effect;
import dev.aether.runtime.behavior.JavaBehavior;
import dev.aether.store.CommitTooLargeException;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/**
 * Issue 9 on JetStream: group commit splits a group above the server's max payload (§2), a message's
 * metadata reaches the stored events unchanged (§4), and a snapshot ahead of the events or an event that was
 * never stored does not wedge an actor (§1).
 */
@NatsTest
class RuntimeOnJetStreamHardeningIT {

  private static final int MAX_PAYLOAD = 8_192;

  record DocState(long writes) {}

  record Write(String text) {}

  record Written(String text) {}

  static JavaBehavior<DocState> doc() {
    return JavaBehavior.builder("Doc", DocState.class, new DocState(0))
        .command("Write", Write.class, (s, c) -> Effect.persist(new Written(c.text())))
        .event("Written", Written.class, (s, e) -> new DocState(s.writes() + 1))
        .build();
  }

  static RuntimeMessage write(String text) {
    return RuntimeMessage.of("Doc", "d-1", "Write", Map.of("text", text));
  }

  private static JetStreamConfig config(NatsServer server) {
    return JetStreamConfig.builder().servers(server.url())
        .namespace("hard-" + UUID.randomUUID().toString().substring(0, 8)).build();
  }

  @Test
  void groupAboveTheServersMaxPayload_isSplit_andOnlyTheCommandTooLargeAloneIsRefused() throws Exception {
    try (NatsServer server = NatsServer.builder().config("max_payload: " + MAX_PAYLOAD).start();
        CountingStore store = new CountingStore(JetStreamEventStore.connect(config(server)));
        Runtime runtime = Runtime.builder().eventStore(store).behavior(doc()).withoutSnapshots().build()) {
      runtime.start();
      assertThat(store.inner.maxCommitBytes()).isLessThan(MAX_PAYLOAD).isGreaterThan(MAX_PAYLOAD - 300);
      // given: a first command whose append is held, so the next ones queue up as one group
      CountDownLatch gate = new CountDownLatch(1);
      CountDownLatch held = new CountDownLatch(1);
      store.beforeAppend = actor -> {
        store.beforeAppend = x -> {};
        held.countDown();
        await(gate);
      };
      CompletableFuture<CommandResult> first = runtime.sendMessage(write("first"));
      assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
      List<CompletableFuture<CommandResult>> replies = new ArrayList<>();
      for (int i = 0; i < 12; i++) { // about 12 x 1.3 KB: twice the max payload together
        replies.add(runtime.sendMessage(write(i + "-" + "x".repeat(1_000))));
      }
      CompletableFuture<CommandResult> huge = runtime.sendMessage(write("huge-" + "y".repeat(MAX_PAYLOAD)));
      for (int i = 12; i < 16; i++) {
        replies.add(runtime.sendMessage(write(i + "-" + "x".repeat(1_000))));
      }
      int appendsBefore = store.appends.get();
      // when
      gate.countDown();
      // then: every command that fits alone is stored, in several commits; the huge one is refused alone
      assertThat(join(first)).isInstanceOf(Accepted.class);
      assertThat(replies.stream().map(r -> ((Accepted) join(r)).newVersion()).toList())
          .containsExactlyElementsOf(LongStream.rangeClosed(2, 17).boxed().toList());
      assertThat(join(huge)).isInstanceOfSatisfying(Rejected.class, r -> {
        assertThat(r.reason()).isEqualTo(RejectionReason.TOO_LARGE);
        assertThat(r.isTransient()).isFalse();
        assertThat(r.message()).containsPattern("take \\d{4,} bytes")
            .contains("limit of " + store.inner.maxCommitBytes()).contains("max payload of " + MAX_PAYLOAD);
      });
      assertThat(store.appends.get() - appendsBefore).isGreaterThan(3);
      // and nothing half-written: exactly the accepted commands' events, in order, read back by a new store
      try (JetStreamEventStore reader = JetStreamEventStore.connect(store.inner.config())) {
        List<Event> events = reader.getEventsWithErrors("Doc/d-1", 0).events();
        assertThat(events).extracting(Event::version)
            .containsExactlyElementsOf(LongStream.rangeClosed(1, 17).boxed().toList());
        assertThat(events).noneMatch(e -> String.valueOf(e.data().get("text")).startsWith("huge-"));
        assertThat(reader.getEventsWithErrors("Doc/d-1", 0).errors()).isEmpty();
      }
    }
  }

  @Test
  void theStoreRefusesACommitAboveItsLimit_withEachEventsSize(NatsServer ignored) {
    try (NatsServer server = NatsServer.builder().config("max_payload: " + MAX_PAYLOAD).start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server))) {
      List<Event> events = new ArrayList<>();
      for (int v = 1; v <= 8; v++) {
        events.add(Event.builder().eventType("Written").streamId("Doc/d-2").version(v)
            .data(Map.of("text", "x".repeat(1_500))).build());
      }
      assertThatThrownBy(() -> store.append("Doc/d-2", 0, events))
          .isInstanceOfSatisfying(CommitTooLargeException.class, e -> {
            assertThat(e.eventSizes()).hasSize(8).allMatch(size -> size > 1_500 && size < 2_000);
            assertThat(e.limit()).isEqualTo(store.maxCommitBytes());
            assertThat(e.size()).isGreaterThan(e.limit());
            assertThat(e.field()).isEqualTo("events");
          });
      assertThat(store.getLatestVersion("Doc/d-2")).isZero();
      assertThat(store.append("Doc/d-2", 0, events.subList(0, 4))).isEqualTo(4);
    }
  }

  @Test
  void explicitMetadata_reachesTheStoredEventsUnchanged(NatsServer server) throws Exception {
    JetStreamConfig config = config(server);
    try (JetStreamEventStore store = JetStreamEventStore.connect(config);
        Runtime runtime = Runtime.builder().eventStore(store).behavior(Bank.behavior()).build()) {
      runtime.start();
      RuntimeMessage open = RuntimeMessage.builder(Bank.TYPE, "meta", "Open")
          .commandId("cmd-1").causationId("event-41").correlationId("order-7").userId("alice")
          .traceId("trace-9").build();
      assertThat(join(runtime.sendMessage(open))).isInstanceOf(Accepted.class);
    }
    try (JetStreamEventStore reader = JetStreamEventStore.connect(config)) {
      Event stored = reader.getEvents(Bank.stream("meta"), 0).getFirst();
      assertThat(stored.metadata()).containsEntry(EventMetadata.CAUSATION_ID, "event-41")
          .containsEntry(EventMetadata.CORRELATION_ID, "order-7").containsEntry(EventMetadata.USER_ID, "alice")
          .containsEntry(EventMetadata.TRACE_ID, "trace-9");
    }
  }

  @Test
  void snapshotAheadOfTheEvents_andAnEventNeverStored_doNotWedgeTheActor(NatsServer server) throws Exception {
    JetStreamConfig config = config(server);
    try (JetStreamEventStore store = JetStreamEventStore.connect(config)) {
      try (Runtime runtime = Runtime.builder().eventStore(store).behavior(Bank.behavior()).build()) {
        runtime.start();
        assertThat(join(runtime.sendMessage(Bank.open("acc")))).isInstanceOf(Accepted.class);
        assertThat(join(runtime.sendMessage(Bank.deposit("acc", 30, "dep-1")))).isInstanceOf(Accepted.class);
        VirtualMachine vm = runtime.createVM(Bank.key("acc")).get(10, TimeUnit.SECONDS);
        Event neverStored = Event.builder().eventType("Deposited").streamId(Bank.stream("acc")).version(3)
            .data(Map.of("amount", 1_000)).build();
        assertThatThrownBy(() -> vm.processEvent(neverStored).get(10, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class).cause().isInstanceOf(UnexpectedEventException.class);
        assertThat(join(runtime.sendMessage(Bank.deposit("acc", 5, "dep-2"))))
            .isInstanceOfSatisfying(Accepted.class, a -> assertThat(a.newVersion()).isEqualTo(3));
      }
      // a snapshot claiming v50 while the store is at v3 (written directly, as a stream limit or a bug would)
      ActorSnapshot real = store.getLatestSnapshot(Bank.stream("acc")).orElseThrow();
      store.saveSnapshot(new ActorSnapshot(real.streamId(), 50, real.state(), Instant.now(), real.schema()));
      try (Runtime runtime = Runtime.builder().eventStore(store).behavior(Bank.behavior()).build()) {
        runtime.start();
        assertThat(join(runtime.sendMessage(Bank.deposit("acc", 1, "dep-3"))))
            .isInstanceOfSatisfying(Accepted.class, a -> assertThat(a.newVersion()).isEqualTo(4));
        assertThat(Bank.balanceOf(runtime.getActiveVMs().get(Bank.key("acc")).getState())).isEqualTo(36);
      }
    }
  }

  private static CommandResult join(CompletableFuture<CommandResult> future) {
    try {
      return future.get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("no outcome", e);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(20, TimeUnit.SECONDS)) {
        throw new AssertionError("latch timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
