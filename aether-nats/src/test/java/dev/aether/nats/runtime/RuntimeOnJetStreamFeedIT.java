package dev.aether.nats.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.bus.EventStoredFeed;
import dev.aether.nats.JetStreamConfig;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.RuntimeConfig;
import dev.aether.store.EventStored;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes (each its own connection, NatsEventBus, JetStream store and runtime) sharing the same streams,
 * wired with the EventStored feed: what one node's store writes reaches the other node's runtime, which applies
 * it before its next decision instead of finding out through a conflict.
 */
@NatsTest
class RuntimeOnJetStreamFeedIT {


  private JetStreamConfig config;
  private String feed;
  private Node a;
  private Node b;

  @BeforeEach
  void nodes(NatsServer server) {
    config = JetStreamConfig.builder().servers(server.url())
        .namespace("feed-" + UUID.randomUUID().toString().substring(0, 8)).build();
    feed = Node.feedOf(config);
    a = Node.start(server.url(), config, RuntimeConfig.defaults(), true);
    b = Node.start(server.url(), config, RuntimeConfig.defaults(), true);
  }

  @AfterEach
  void close() throws InterruptedException {
    b.close();
    a.close();
  }

  @Test
  void aNoticeFromNodeA_makesRuntimeB_applyAsEventBeforeItsNextDecision_withoutAConflict() throws Exception {
    // given: an account opened and funded on node A, active on node B at v2
    BankClient onA = new BankClient(List.of(a.runtime));
    BankClient onB = new BankClient(List.of(b.runtime));
    onA.fund("acc", 100);
    eventually().until(() -> b.bus.metrics().received(feed) == 2);
    assertThat(b.runtime.createVM(Bank.key("acc")).get(10, TimeUnit.SECONDS).getVersion()).isEqualTo(2);
    // when: node A deposits more, and its notice reaches node B
    onA.send(Bank.deposit("acc", 50, "more"));
    eventually().until(() -> b.bus.metrics().received(feed) == 3);
    // then: B's next decision already sees A's deposit: no conflict, no freshness check
    CommandResult withdrawn = onB.send(Bank.withdraw("acc", 150, "all"));
    assertThat(withdrawn).isInstanceOfSatisfying(Accepted.class, r -> assertThat(r.newVersion()).isEqualTo(4));
    assertThat(b.store.conflicts).hasValue(0);
    assertThat(b.store.latestVersionCalls).hasValue(0);
    assertThat(b.store.appends).hasValue(1);
    assertThat(Bank.balanceOf(b.runtime.registry().get(Bank.key("acc")).orElseThrow().getState())).isZero();

    // and back: B's notice makes A apply B's withdrawal before A's next decision (A saw its own 3 notices too)
    eventually().until(() -> a.bus.metrics().received(feed) == 4);
    CommandResult refused = onA.send(Bank.withdraw("acc", 1, "too-much"));
    assertThat(refused).isInstanceOfSatisfying(CommandResult.Rejected.class,
        r -> assertThat(r.message()).contains("insufficient funds: balance 0"));
    assertThat(a.store.latestVersionCalls).as("no freshness check was needed").hasValue(0);
    assertThat(a.store.conflicts).hasValue(0);
  }

  @Test
  void ownNotices_areHarmless_noCatchUpRead() throws Exception {
    // given
    BankClient onA = new BankClient(List.of(a.runtime));
    onA.fund("own", 10);
    // when: A keeps writing, receiving only its own notices (locally, once each: no echo from NATS)
    for (int i = 0; i < 5; i++) {
      onA.send(Bank.deposit("own", 1, "own-" + i));
    }
    eventually().until(() -> a.bus.metrics().received(feed) == 7);
    onA.send(Bank.withdraw("own", 15, "own-all"));
    // then: the activation was the only read of the actor
    assertThat(a.store.replaysFrom).containsExactly(1L);
    assertThat(a.store.latestVersionCalls).hasValue(0);
    eventually().until(() -> a.bus.metrics().received(feed) == 8 && b.bus.metrics().received(feed) == 8);
  }

  @Test
  void notice_crossesNodes_equalToWhatTheStoreReported() {
    // given: a subscriber on node B, and A's store reporting to it
    List<EventStored> received = new CopyOnWriteArrayList<>();
    EventStoredFeed.subscribe(b.bus, config.namespace(), received::add);
    // when
    new BankClient(List.of(a.runtime)).fund("wire", 7);
    // then: the notices carry the stored events' ids, versions and timestamps exactly
    eventually().until(() -> received.size() == 2);
    List<EventStored> expected = a.store.getEvents(Bank.stream("wire"), 1).stream().map(EventStored::of).toList();
    assertThat(received).containsExactlyElementsOf(expected);
  }

  private static ConditionFactory eventually() {
    return Awaitility.await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ZERO)
        .pollInterval(Duration.ofMillis(5));
  }
}
