package dev.aether.bench.nats;

import dev.aether.bench.ServerCpu;
import dev.aether.bench.QuietErrorListener;
import dev.aether.event.Event;
import dev.aether.event.EventJson;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.testkit.nats.NatsServer;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the cases of {@link NatsStoreSuite} share: one nats-server started for the suite (file storage, a
 * fresh temporary store directory), the {@link JetStreamEventStore} under measurement on its own connection,
 * and a second, plain jnats connection for the raw baselines.
 *
 * <p>The raw baselines write into the store's own partition stream ({@link #STREAM}), on subjects the store
 * never uses, so both sides get exactly the same stream settings (file storage, allow_direct, duplicate
 * window). Every run writes to fresh actors ({@link #freshActor}). Single partition: the stream and subject
 * names follow the documented layout ({@code aether-nats/README.md}); {@link #checkLayout} verifies them
 * against a message the store wrote.
 */
final class NatsBench implements AutoCloseable {

  /** The store's namespace. */
  static final String NAMESPACE = "bench";
  /** The store's single partition stream. */
  static final String STREAM = "aether_" + NAMESPACE + "_EVENTS_0";
  private static final String SUBJECT_STEM = "aether." + NAMESPACE + ".events.0.";
  private static final Duration TIMEOUT = Duration.ofSeconds(5);

  private final NatsServer server;
  private final JetStreamEventStore store;
  private final Connection raw;
  private final JetStream js;
  private final JetStreamManagement jsm;
  private final AtomicInteger runs = new AtomicInteger();
  private final ServerCpu serverCpu;

  private NatsBench(NatsServer server, JetStreamEventStore store, Connection raw) throws IOException {
    this.server = server;
    this.store = store;
    this.raw = raw;
    this.js = raw.jetStream();
    this.jsm = raw.jetStreamManagement();
    this.serverCpu = new ServerCpu(server);
  }

  /** Starts a server, opens the store and the raw connection. */
  static NatsBench start() throws Exception {
    NatsServer server = NatsServer.builder().start();
    JetStreamEventStore store = null;
    try {
      store = JetStreamEventStore.connect(JetStreamConfig.builder().servers(server.url()).namespace(NAMESPACE)
          .requestTimeout(TIMEOUT).build());
      Connection raw = Nats.connect(new Options.Builder().server(server.url()).connectionName("aether-bench-raw")
          .connectionTimeout(TIMEOUT).errorListener(new QuietErrorListener()).build());
      return new NatsBench(server, store, raw);
    } catch (Exception | Error e) {
      if (store != null) {
        store.close();
      }
      server.close();
      throw e;
    }
  }

  JetStreamEventStore store() {
    return store;
  }

  JetStream js() {
    return js;
  }

  JetStreamManagement jsm() {
    return jsm;
  }

  /** The subject of an actor whose id is its own token ({@code [A-Za-z0-9-]}, as every id here). */
  static String subject(String actorId) {
    return SUBJECT_STEM + actorId;
  }

  /** A new actor id, never used before in this suite: {@code <what>-<run>-<index>}. */
  String freshActor(String what, int index) {
    return what + "-" + runs.get() + "-" + index;
  }

  /** Starts a new run, so that {@link #freshActor} names new actors. */
  void nextRun() {
    runs.incrementAndGet();
  }

  /** One event like the runtime writes: a small {@code data} object. */
  static Event event(String actorId, long version) {
    return Event.builder().eventType("MoneyDeposited").streamId(actorId).version(version)
        .data(Map.of("amount", version * 10, "currency", "EUR")).build();
  }

  /** Checks that a message the store wrote for {@code actorId} is where {@link #subject} says. */
  void checkLayout(String actorId, long version) throws Exception {
    byte[] data = jsm.getLastMessage(STREAM, subject(actorId)).getData();
    Event event = EventJson.fromBytes(data);
    if (!event.streamId().equals(actorId) || event.version() != version) {
      throw new IllegalStateException("the store's layout is not the documented one: " + event);
    }
  }

  /** The facts the numbers depend on: server version, stream settings, client version, server CPU. */
  Map<String, String> facts() throws Exception {
    StreamConfiguration stream = jsm.getStreamInfo(STREAM).getConfiguration();
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("nats-server", server.version() + " (" + server.binary() + "), started by the suite, store in a"
        + " fresh temporary directory");
    facts.put("stream", STREAM + ": " + stream.getStorageType() + " storage, " + stream.getReplicas()
        + " replica, allow_direct=" + stream.getAllowDirect() + ", duplicate window "
        + stream.getDuplicateWindow().toSeconds() + " s; shared by store and raw");
    facts.put("jnats", Nats.CLIENT_VERSION + ", one connection for the store and one for raw");
    facts.put("CPU used by nats-server during the suite", serverCpu.describe());
    return facts;
  }

  @Override
  public void close() {
    try {
      store.close();
      raw.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      server.close();
    }
  }
}
