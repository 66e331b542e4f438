package dev.aether.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.aether.cluster.BankWorkload.Sent;
import dev.aether.event.Event;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.runtime.CommandResult;
import dev.aether.runtime.CommandResult.Accepted;
import dev.aether.runtime.CommandResult.Rejected;
import dev.aether.runtime.RejectionReason;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import io.nats.client.Connection;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The fault suite's checker finds what it is there to find: logs written on purpose with a command stored twice,
 * a version gap, an acknowledged command missing, events of a rejected command, a wrong reported version; map
 * histories with an epoch going back or two maps in one epoch. A valid log passes.
 */
@NatsTest
class LogCheckerIT {

  private Connection connection;
  private JetStreamConfig store;
  private JetStreamEventStore events;

  @BeforeEach
  void store(NatsServer server) throws Exception {
    connection = Nats.connect(server.url());
    store = JetStreamConfig.builder().servers(server.url()).namespace("chk-" + UUID.randomUUID().toString()
        .substring(0, 8)).build();
    events = JetStreamEventStore.create(connection, store);
  }

  @AfterEach
  void close() throws Exception {
    connection.close();
  }

  private static Event deposit(String account, String commandId, long version) {
    return Event.builder().eventType("Deposited").streamId("Account/" + account).commandId(commandId)
        .version(version).data(Map.of("amount", 5)).timestamp(Instant.now()).build();
  }

  private static Sent accepted(String account, String commandId, long version, int events) {
    List<Event> stored = LongStream.rangeClosed(version - events + 1, version)
        .mapToObj(v -> deposit(account, commandId, v)).toList();
    return sent(account, commandId, new Accepted(commandId, version, stored, false));
  }

  private static Sent sent(String account, String commandId, CommandResult outcome) {
    return new Sent(commandId, account, outcome, 1, System.currentTimeMillis(), 0, List.of());
  }

  private void check(List<Sent> sent) {
    LogChecker.checkHistory(new CommitLog(connection, store).refresh(), sent);
  }

  @Test
  void aValidLog_passes_groupCommitsOfSeveralCommandsIncluded() {
    events.append("Account/a", 0, List.of(deposit("a", "c1", 1), deposit("a", "c2", 2)));
    events.append("Account/a", 2, List.of(deposit("a", "c3", 3)));
    assertThatCode(() -> check(List.of(accepted("a", "c1", 1, 1), accepted("a", "c2", 2, 1),
        accepted("a", "c3", 3, 1)))).doesNotThrowAnyException();
  }

  @Test
  void aCommandStoredInTwoCommits_isFound() {
    events.append("Account/a", 0, List.of(deposit("a", "c1", 1)));
    events.append("Account/a", 1, List.of(deposit("a", "c1", 2)));
    assertThatThrownBy(() -> check(List.of())).isInstanceOf(AssertionError.class)
        .hasMessageContaining("the commits holding the events of command c1@Account/a");
  }

  @Test
  void aVersionGap_isFound() {
    events.saveEvent(deposit("a", "c1", 1));
    events.saveEvent(deposit("a", "c2", 3));
    assertThatThrownBy(() -> check(List.of())).isInstanceOf(AssertionError.class)
        .hasMessageContaining("version after 1 of Account/a");
  }

  @Test
  void anAcknowledgedCommandMissingFromTheLog_isFound() {
    events.append("Account/a", 0, List.of(deposit("a", "c1", 1)));
    assertThatThrownBy(() -> check(List.of(accepted("a", "c1", 1, 1), accepted("a", "lost", 2, 1))))
        .isInstanceOf(AssertionError.class).hasMessageContaining("the events of acknowledged command lost");
  }

  @Test
  void aWrongReportedVersion_isFound() {
    events.append("Account/a", 0, List.of(deposit("a", "c1", 1), deposit("a", "c2", 2)));
    assertThatThrownBy(() -> check(List.of(accepted("a", "c1", 2, 1)))).isInstanceOf(AssertionError.class)
        .hasMessageContaining("version reported for c1");
  }

  @Test
  void eventsOfACommandAnsweredAsRejected_areFound() {
    events.append("Account/a", 0, List.of(deposit("a", "c1", 1)));
    Sent rejected = sent("a", "c1", Rejected.of("c1", RejectionReason.BUSINESS_RULE, "insufficient funds"));
    assertThatThrownBy(() -> check(List.of(rejected))).isInstanceOf(AssertionError.class)
        .hasMessageContaining("events of c1, answered");
  }

  @Test
  void aRuntimeWhoseStateIsNotTheFold_isFound() {
    events.append("Account/a", 0, List.of(deposit("a", "c1", 1))); // balance 5, version 1
    CommitLog log = new CommitLog(connection, store).refresh();
    assertThatCode(() -> LogChecker.checkState(log, List.of("a"), answers(2, 5))).doesNotThrowAnyException();
    assertThatThrownBy(() -> LogChecker.checkState(log, List.of("a"), answers(7, 5)))
        .isInstanceOf(AssertionError.class).hasMessageContaining("version of a after a deposit");
    assertThatThrownBy(() -> LogChecker.checkState(log, List.of("a"), answers(2, 9)))
        .isInstanceOf(AssertionError.class).hasMessageContaining("refuses to withdraw its folded balance 5");
    assertThatThrownBy(() -> LogChecker.checkState(log, List.of("a"), answers(2, 3)))
        .isInstanceOf(AssertionError.class).hasMessageContaining("withdraws its folded balance 5");
  }

  /** A runtime of one account that answers from its own version and balance (as it would after the deposit). */
  private static java.util.function.Function<dev.aether.runtime.RuntimeMessage, CommandResult> answers(
      long versionAfterDeposit, long balance) {
    return m -> {
      long amount = ((Number) m.payload().get("amount")).longValue();
      return switch (m.command()) {
        case "Deposit" -> new Accepted(m.commandId(), versionAfterDeposit, List.of(), false);
        default -> amount <= balance + 1 ? new Accepted(m.commandId(), versionAfterDeposit + 1, List.of(), false)
            : Rejected.of(m.commandId(), RejectionReason.BUSINESS_RULE, "insufficient funds");
      };
    };
  }

  @Test
  void aMapHistoryWhoseEpochGoesBack_isFound() throws Exception {
    ShardMap first = ShardMap.create(Shards.defaults(), PlacementConfig.defaults()).next(List.of("a", "b"));
    assertThatThrownBy(() -> history(first, first.next(List.of("a")), first).check(1))
        .isInstanceOf(AssertionError.class).hasMessageContaining("epoch of map revision");
  }

  @Test
  void aMapHistoryWithTwoMapsInOneEpoch_isFound() throws Exception {
    ShardMap first = ShardMap.create(Shards.defaults(), PlacementConfig.defaults()).next(List.of("a", "b"));
    ShardMap second = first.next(List.of("a"));
    ShardMap rival = first.next(List.of("b"));
    assertThatCode(() -> history(first, second).check(2)).doesNotThrowAnyException();
    assertThat(rival.epoch()).isEqualTo(second.epoch());
    assertThatThrownBy(() -> history(first, second, rival).check(1))
        .isInstanceOf(AssertionError.class).hasMessageContaining("epoch of map revision");
  }

  /** Writes the maps to a fresh namespace's map key while a history watches it; returns it once it saw them all. */
  private MapHistory history(ShardMap... maps) throws Exception {
    JetStreamConfig ns = JetStreamConfig.builder().servers(store.servers()).namespace("map-" + UUID.randomUUID()
        .toString().substring(0, 8)).build();
    ClusterKv.open(connection, ClusterConfig.builder(ns).nodeId("history").build(), ClusterNames.of(ns));
    KeyValue kv = connection.keyValue(ClusterNames.of(ns).clusterBucket());
    MapHistory history = new MapHistory(connection, ns);
    for (int i = 0; i < maps.length; i++) { // each seen before the next is written (CI once saw fewer in 10 s)
      kv.put(ClusterNames.MAP_KEY, maps[i].encode());
      int written = i + 1;
      await().atMost(Duration.ofSeconds(10)).until(() -> history.maps().size() == written);
    }
    return history;
  }
}
