package dev.aether.nats;

import static dev.aether.nats.NatsTestSupport.config;
import static dev.aether.nats.NatsTestSupport.event;
import static dev.aether.nats.NatsTestSupport.events;
import static dev.aether.nats.NatsTestSupport.newStreamId;
import static dev.aether.nats.NatsTestSupport.versions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

import dev.aether.AetherException;
import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.store.OutcomeUnknownException;
import dev.aether.store.StoreUnavailableException;
import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.net.RefusingPort;
import io.nats.client.NKey;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input and bad weather: each gives a clear typed error naming the cause, and no commit is ever half
 * stored. Each test starts the server it needs.
 */
@Tag("nats")
class JetStreamFailureIT {

  @Test
  void connect_toAnUnreachableServer_isUnavailableNamingTheUrl() {
    // given: a port nothing listens on
    try (RefusingPort down = RefusingPort.open()) {
      String url = "nats://127.0.0.1:" + down.port();
      // when / then
      assertThatExceptionOfType(StoreUnavailableException.class)
          .isThrownBy(() -> JetStreamEventStore.connect(JetStreamConfig.builder().servers(url)
              .connectTimeout(Duration.ofMillis(500)).build()))
          .withMessageContaining(url)
          .satisfies(e -> assertThat(e.isTransient()).isTrue());
    }
  }

  @Test
  void connect_withWrongCredentials_isRefusedNamingTheCauseButNotTheSecret() {
    try (NatsServer server = NatsServer.builder()
        .config("authorization { users: [ { user: alice, password: s3cret } ] }").start()) {
      JetStreamConfig.Builder config = config(server, "auth").connectTimeout(Duration.ofSeconds(1));
      assertThatExceptionOfType(NatsAuthenticationException.class)
          .isThrownBy(() -> JetStreamEventStore.connect(config.credentials(
              NatsCredentials.userPassword("alice", "wrong-password")).build()))
          .withMessageContaining("Authorization Violation")
          .withMessageContaining("alice")
          .withMessageNotContaining("wrong-password")
          .satisfies(e -> assertThat(e.isTransient()).isFalse());
      assertThatExceptionOfType(NatsAuthenticationException.class)
          .isThrownBy(() -> JetStreamEventStore.connect(config.credentials(NatsCredentials.none()).build()));
      try (JetStreamEventStore store = JetStreamEventStore.connect(config.credentials(
          NatsCredentials.userPassword("alice", "s3cret")).build())) {
        String streamId = newStreamId();
        store.saveEvent(event(streamId, 1));
        assertThat(store.getLatestVersion(streamId)).isEqualTo(1);
      }
    }
  }

  @Test
  void connect_withAMissingOrBrokenCredsFile_isRefusedNamingTheFile(@TempDir Path dir) throws IOException {
    Path missing = dir.resolve("missing.creds");
    Path broken = Files.writeString(dir.resolve("broken.creds"), "not a credentials file");
    for (Path file : List.of(missing, broken)) {
      assertThatExceptionOfType(InvalidInputException.class)
          .isThrownBy(() -> JetStreamEventStore.connect(JetStreamConfig.builder()
              .credentials(NatsCredentials.credsFile(file)).build()))
          .withMessageContaining(file.toString())
          .satisfies(e -> assertThat(e.field()).isEqualTo("credentials.file"));
    }
  }

  @Test
  void connect_withACredsFile_signsWithItsNKey_andAnUnknownKeyIsRefused(@TempDir Path dir) throws Exception {
    NKey user = NKey.createUser(null);
    NKey stranger = NKey.createUser(null);
    try (NatsServer server = NatsServer.builder()
        .config("authorization { users: [ { nkey: " + new String(user.getPublicKey()) + " } ] }").start()) {
      JetStreamConfig.Builder config = config(server, "creds").connectTimeout(Duration.ofSeconds(1));
      Path strangerFile = credsFile(dir.resolve("stranger.creds"), stranger);
      assertThatExceptionOfType(NatsAuthenticationException.class)
          .isThrownBy(() -> JetStreamEventStore.connect(config.credentials(NatsCredentials.credsFile(strangerFile)).build()))
          .withMessageContaining(strangerFile.toString());
      Path userFile = credsFile(dir.resolve("user.creds"), user);
      try (JetStreamEventStore store = JetStreamEventStore.connect(
          config.credentials(NatsCredentials.credsFile(userFile)).build())) {
        assertThat(store.getLatestVersion(newStreamId())).isZero();
      }
    }
  }

  /** A credentials file with an empty JWT section and the user's seed (NKey authentication). */
  private static Path credsFile(Path file, NKey user) throws Exception {
    return Files.writeString(file, "-----BEGIN NATS USER JWT-----\n------END NATS USER JWT------\n\n"
        + "-----BEGIN USER NKEY SEED-----\n" + new String(user.getSeed()) + "\n------END USER NKEY SEED------\n");
  }

  @Test
  void connect_withATokenServer_acceptsTheTokenAndRefusesAWrongOne() {
    try (NatsServer server = NatsServer.builder().config("authorization { token: t0k3n }").start()) {
      JetStreamConfig.Builder config = config(server, "token").connectTimeout(Duration.ofSeconds(1));
      assertThatExceptionOfType(NatsAuthenticationException.class)
          .isThrownBy(() -> JetStreamEventStore.connect(config.credentials(NatsCredentials.token("nope")).build()))
          .withMessageNotContaining("nope");
      try (JetStreamEventStore store = JetStreamEventStore.connect(
          config.credentials(NatsCredentials.token("t0k3n")).build())) {
        assertThat(store.getLatestVersion(newStreamId())).isZero();
      }
    }
  }

  @Test
  void connect_toAServerWithoutJetStream_isRefusedNamingIt() {
    try (NatsServer server = NatsServer.builder().jetStream(false).start()) {
      assertThatExceptionOfType(JetStreamStoreException.class)
          .isThrownBy(() -> JetStreamEventStore.connect(config(server, "nojs").build()))
          .withMessageContaining("JetStream");
    }
  }

  @Test
  void replicasBeyondASingleServer_areRefusedWithTheServersReason() {
    // a server that may keep replicated streams (2.9.10 is refused before it is asked: JetStreamReplicatedIT)
    try (NatsServer server = NatsServer.builder().minimumVersion(ServerVersion.REPLICATION_FIX.toString()).start()) {
      assertThatExceptionOfType(JetStreamStoreException.class)
          .isThrownBy(() -> JetStreamEventStore.connect(config(server, "r3").replicas(3).build()))
          .withMessageContaining("replicas")
          .withMessageContaining("without clustering")
          .satisfies(e -> assertThat(e.apiErrorCode()).isEqualTo(10074));
    }
  }

  @Test
  void aCommitAboveTheServersMaxPayload_isRefusedAndNothingIsStored() {
    try (NatsServer server = NatsServer.builder().config("max_payload: 65536").start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "payload").build())) {
      // given
      String streamId = newStreamId();
      Event tooLarge = event(streamId, 1).toBuilder().data(Map.of("blob", "x".repeat(70_000))).build();
      // when / then
      assertThatExceptionOfType(InvalidInputException.class)
          .isThrownBy(() -> store.saveEvent(tooLarge))
          .withMessageContaining("65536")
          .satisfies(e -> assertThat(e.field()).isEqualTo("events"));
      assertThatExceptionOfType(InvalidInputException.class)
          .isThrownBy(() -> store.append(streamId, 0, List.of(event(streamId, 1), tooLarge.withVersion(2))));
      assertThat(store.getLatestVersion(streamId)).isZero();
      store.saveEvent(event(streamId, 1));
      assertThat(versions(store.getEvents(streamId, 0))).containsExactly(1L);
    }
  }

  @Test
  void aCommitWhoseAcknowledgementNeverArrives_isAnUnknownOutcome_andItsRetryStoresItOnce() {
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "no-ack")
            .requestTimeout(Duration.ofMillis(500)).build())) {
      // given
      String streamId = newStreamId();
      store.saveEvent(event(streamId, 1));
      List<Event> batch = events(streamId, 2, 3);
      // when: the server is frozen (SIGSTOP): it keeps the connection but answers nothing
      server.freeze();
      try {
        assertThatExceptionOfType(OutcomeUnknownException.class)
            .isThrownBy(() -> store.append(streamId, 1, batch))
            .satisfies(e -> {
              assertThat(e.streamId()).isEqualTo(streamId);
              assertThat(e.isTransient()).isTrue();
            });
      } finally {
        server.thaw();
      }
      // then: the retry of the same commit succeeds, and the commit is stored exactly once
      assertThat(store.append(streamId, 1, batch)).isEqualTo(3);
      assertThat(store.getEvents(streamId, 0).subList(1, 3)).containsExactlyElementsOf(batch);
      assertThat(versions(store.getEvents(streamId, 0))).containsExactly(1L, 2L, 3L);
    }
  }

  @Test
  void aCommitWithAnUnknownOutcome_thatAnotherWriterFollowed_isStillRecognisedOnRetry() {
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "no-ack")
            .requestTimeout(Duration.ofMillis(500)).build());
        JetStreamEventStore other = JetStreamEventStore.connect(config(server, "no-ack").build())) {
      // given: a commit whose acknowledgement was lost, stored once the server thawed
      String streamId = newStreamId();
      store.saveEvent(event(streamId, 1));
      List<Event> batch = events(streamId, 2, 3);
      server.freeze();
      try {
        assertThatExceptionOfType(OutcomeUnknownException.class).isThrownBy(() -> store.append(streamId, 1, batch));
      } finally {
        server.thaw();
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> other.getLatestVersion(streamId) == 3);
      // and another writer appended after it
      other.saveEvent(event(streamId, 4));
      // when: the writer retries the commit it lost track of
      long version = store.append(streamId, 1, batch);
      // then: it is recognised (it is no longer the last message), nothing is stored twice
      assertThat(version).isEqualTo(3);
      assertThat(versions(store.getEvents(streamId, 0))).containsExactly(1L, 2L, 3L, 4L);
    }
  }

  @Test
  void aServerRestart_onTheSameStore_losesNoAcknowledgedEvent() {
    try (NatsServer server = NatsServer.builder().start()) {
      JetStreamConfig config = config(server, "restart").build();
      List<String> actors = List.of(newStreamId(), newStreamId(), newStreamId());
      try (JetStreamEventStore store = JetStreamEventStore.connect(config)) {
        for (String streamId : actors) {
          store.append(streamId, 0, events(streamId, 1, 2, 3));
          store.saveEvent(event(streamId, 4));
        }
        // when
        server.restart();
        // then: the same store reconnects and continues
        await().atMost(Duration.ofSeconds(20)).ignoreExceptionsInstanceOf(StoreUnavailableException.class)
            .until(() -> store.getLatestVersion(actors.getFirst()) == 4);
        store.saveEvent(event(actors.getFirst(), 5));
      }
      // and a new store on a new connection sees everything
      try (JetStreamEventStore reopened = JetStreamEventStore.connect(config)) {
        assertThat(versions(reopened.getEvents(actors.get(0), 0))).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(versions(reopened.getEvents(actors.get(1), 0))).containsExactly(1L, 2L, 3L, 4L);
        assertThat(versions(reopened.getEvents(actors.get(2), 0))).containsExactly(1L, 2L, 3L, 4L);
      }
    }
  }

  @Test
  void whileDisconnected_readsAndWritesAreRefusedAtOnce_asNothingSent_notAfterTheirRequestTimeout() {
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "down")
            .requestTimeout(Duration.ofMinutes(5)).build())) { // a request that waited would hang the test
      String streamId = newStreamId();
      store.append(streamId, 0, List.of(event(streamId, 1)));
      server.kill();
      await().atMost(Duration.ofSeconds(10)).until(() -> !store.health().isHealthy());
      // regression: a read while the client reconnected waited its whole request timeout in the reconnect
      // buffer, so every command of an outage was a 504 "may have been applied" instead of a 503
      for (Runnable operation : List.<Runnable>of(() -> store.getLatestVersion(streamId),
          () -> store.getEvents(streamId, 0), () -> store.append(streamId, 1, List.of(event(streamId, 2))),
          () -> store.getLatestSnapshot(streamId))) {
        assertThatExceptionOfType(StoreUnavailableException.class).isThrownBy(operation::run)
            .withMessageContaining("not connected to NATS").withMessageContaining("nothing was sent");
      }
      server.start();
      await().atMost(Duration.ofSeconds(20)).ignoreExceptionsInstanceOf(StoreUnavailableException.class)
          .until(() -> store.getLatestVersion(streamId) == 1);
    }
  }

  @Test
  void aServerThatDiesMidAppend_givesTransientErrors_andNoCommitIsHalfStored() throws InterruptedException {
    try (NatsServer server = NatsServer.builder().start();
        JetStreamEventStore store = JetStreamEventStore.connect(config(server, "crash")
            .requestTimeout(Duration.ofSeconds(1)).build())) {
      // given: writers appending batches of three events to their own actors
      int writers = 4;
      List<String> actors = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        actors.add(newStreamId());
      }
      Map<String, List<Long>> acknowledged = new ConcurrentHashMap<>();
      Map<String, FailedAppend> failed = new ConcurrentHashMap<>();
      ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
      AtomicBoolean stop = new AtomicBoolean();
      try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
        for (String streamId : actors) {
          executor.execute(() -> appendUntilStopped(store, streamId, stop, acknowledged, failed, failures));
        }
        // when: the server is killed while they write
        await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.size() == writers);
        server.kill();
        await().atMost(Duration.ofSeconds(10)).until(() -> failures.size() >= writers);
        stop.set(true);
        executor.shutdown();
        assertThat(executor.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
      }
      // then: every failure is a typed transient error
      assertThat(failures).isNotEmpty().allSatisfy(failure -> assertThat(failure)
          .isInstanceOfAny(OutcomeUnknownException.class, StoreUnavailableException.class)
          .satisfies(f -> assertThat(((AetherException) f).isTransient()).isTrue()));
      // and after a restart: every acknowledged commit is there, and every stored commit is whole
      server.start();
      await().atMost(Duration.ofSeconds(20)).ignoreExceptionsInstanceOf(StoreUnavailableException.class)
          .until(() -> store.getLatestVersion(actors.getFirst()) >= 3);
      for (String streamId : actors) {
        List<Long> stored = versions(store.getEvents(streamId, 0));
        assertThat(stored).as("history of %s", streamId).startsWith(acknowledged.get(streamId).toArray(Long[]::new));
        assertThat(stored.size() % 3).as("whole batches only").isZero();
        assertThat(stored).as("no gap, no duplicate").isEqualTo(LongStream.rangeClosed(1, stored.size()).boxed().toList());
      }
      // and retrying each failed commit as it was stores it exactly once
      for (String streamId : actors) {
        FailedAppend retry = failed.get(streamId);
        assertThat(store.append(streamId, retry.expectedVersion(), retry.batch())).isEqualTo(retry.expectedVersion() + 3);
        assertThat(versions(store.getEvents(streamId, 0)))
            .isEqualTo(LongStream.rangeClosed(1, retry.expectedVersion() + 3).boxed().toList());
        assertThat(store.getEvents(streamId, retry.expectedVersion() + 1)).containsExactlyElementsOf(retry.batch());
      }
    }
  }

  /** Appends batches of three until stopped; records acknowledged versions and the first failure. */
  private static void appendUntilStopped(JetStreamEventStore store, String streamId, AtomicBoolean stop,
      Map<String, List<Long>> acknowledged, Map<String, FailedAppend> failed, ConcurrentLinkedQueue<Throwable> failures) {
    List<Long> mine = new ArrayList<>();
    long version = 0;
    while (!stop.get()) {
      List<Event> batch = events(streamId, version + 1, version + 2, version + 3);
      try {
        version = store.append(streamId, version, batch);
        mine.add(version - 2);
        mine.add(version - 1);
        mine.add(version);
        acknowledged.put(streamId, List.copyOf(mine));
      } catch (RuntimeException e) {
        failed.put(streamId, new FailedAppend(version, batch));
        failures.add(e);
        return;
      }
    }
  }

  private record FailedAppend(long expectedVersion, List<Event> batch) {}
}
