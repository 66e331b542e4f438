package dev.aether.bench.runtime;

import dev.aether.bench.QuietErrorListener;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.runtime.ActorKey;
import dev.aether.testkit.nats.NatsServer;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.KeyValue;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.PublishAck;
import io.nats.client.api.StreamConfiguration;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The JetStream side of {@link RuntimeSuite}: one nats-server started by the suite (testkit fixture, file
 * storage, fresh temporary directory), two stores on it with their own namespaces (so their own partition
 * streams and snapshot buckets): {@link #THROUGHPUT} for the command cases, {@link #ACTIVATION} for the
 * activation cases, whose stream is filled with a million events of other actors. A plain jnats connection
 * does the raw baselines on the same streams and buckets, so both sides get the same settings.
 *
 * <p>Subject and key names follow the documented layout ({@code aether-nats/README.md}): the runtime's
 * stream id {@code Account/<id>} holds a {@code /}, so its token is {@code _} + base64url of its bytes;
 * {@link #checkLayout} verifies that against what the store wrote.
 */
final class NatsRig implements AutoCloseable {

  static final String THROUGHPUT = "rtput";
  static final String ACTIVATION = "rtact";
  static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Base64.Encoder BASE64 = Base64.getUrlEncoder().withoutPadding();

  private final NatsServer server;
  private final JetStreamEventStore throughputStore;
  private final JetStreamEventStore activationStore;
  private final Connection raw;
  private final JetStream js;
  private final JetStreamManagement jsm;

  private NatsRig(NatsServer server, JetStreamEventStore throughputStore, JetStreamEventStore activationStore,
      Connection raw) throws java.io.IOException {
    this.server = server;
    this.throughputStore = throughputStore;
    this.activationStore = activationStore;
    this.raw = raw;
    this.js = raw.jetStream();
    this.jsm = raw.jetStreamManagement();
  }

  static NatsRig start() throws Exception {
    NatsServer server = NatsServer.builder().start();
    JetStreamEventStore put = null;
    JetStreamEventStore act = null;
    try {
      put = store(server, THROUGHPUT);
      act = store(server, ACTIVATION);
      Connection raw = Nats.connect(new Options.Builder().server(server.url()).connectionName("aether-bench-raw")
          .connectionTimeout(TIMEOUT).errorListener(new QuietErrorListener()).build());
      return new NatsRig(server, put, act, raw);
    } catch (Exception | Error e) {
      if (put != null) {
        put.close();
      }
      if (act != null) {
        act.close();
      }
      server.close();
      throw e;
    }
  }

  private static JetStreamEventStore store(NatsServer server, String namespace) {
    return JetStreamEventStore.connect(JetStreamConfig.builder().servers(server.url()).namespace(namespace)
        .requestTimeout(TIMEOUT).build());
  }

  JetStreamEventStore throughputStore() {
    return throughputStore;
  }

  JetStreamEventStore activationStore() {
    return activationStore;
  }

  JetStream js() {
    return js;
  }

  JetStreamManagement jsm() {
    return jsm;
  }

  KeyValue bucket(String namespace) throws java.io.IOException {
    return raw.keyValue(bucketName(namespace));
  }

  static String stream(String namespace) {
    return "aether_" + namespace + "_EVENTS_0";
  }

  static String bucketName(String namespace) {
    return "aether_" + namespace + "_SNAPSHOTS";
  }

  /** The subject and KV key token of a runtime actor: its stream id {@code Account/<id>}, encoded. */
  static String token(String actorId) {
    return "_" + BASE64.encodeToString(ActorKey.of(Bank.TYPE, actorId).streamId().getBytes(StandardCharsets.UTF_8));
  }

  static String subject(String namespace, String actorId) {
    return "aether." + namespace + ".events.0." + token(actorId);
  }

  /** Checks that the store wrote the actor's last event where {@link #subject} says, at that version. */
  void checkLayout(String namespace, String actorId, long version) throws Exception {
    byte[] data = jsm.getLastMessage(stream(namespace), subject(namespace, actorId)).getData();
    String json = new String(data, StandardCharsets.UTF_8);
    if (!json.contains(ActorKey.of(Bank.TYPE, actorId).streamId()) || !json.contains("\"version\":" + version)) {
      throw new IllegalStateException("the store's layout is not the documented one: " + json);
    }
  }

  /** @return how many messages a namespace's partition stream holds */
  long messages(String namespace) throws Exception {
    return jsm.getStreamInfo(stream(namespace)).getStreamState().getMsgCount();
  }

  /**
   * Publishes {@code count} events of other actors into a namespace's stream, {@code perActor} per actor,
   * raw {@code publishAsync} with a bounded window (the fastest way to make a big store).
   */
  void fill(String namespace, int count, int perActor, byte[] payload) throws Exception {
    Semaphore window = new Semaphore(4_000);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    String stem = "aether." + namespace + ".events.0.filler-";
    for (int i = 0; i < count && failure.get() == null; i++) {
      window.acquire();
      CompletableFuture<PublishAck> ack = js.publishAsync(stem + (i / perActor), payload);
      ack.whenComplete((a, e) -> {
        if (e != null) {
          failure.compareAndSet(null, e);
        }
        window.release();
      });
    }
    if (!window.tryAcquire(4_000, TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
      throw new IllegalStateException("filling the store did not finish");
    }
    window.release(4_000);
    if (failure.get() != null) {
      throw new IllegalStateException("filling the store failed", failure.get());
    }
  }

  Map<String, String> facts() throws Exception {
    StreamConfiguration stream = jsm.getStreamInfo(stream(THROUGHPUT)).getConfiguration();
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("nats-server", server.version() + " (" + server.binary() + "), started by the suite, store in a"
        + " fresh temporary directory");
    facts.put("streams", stream(THROUGHPUT) + " (commands) and " + stream(ACTIVATION) + " (activation): "
        + stream.getStorageType() + " storage, " + stream.getReplicas() + " replica, allow_direct="
        + stream.getAllowDirect() + ", duplicate window " + stream.getDuplicateWindow().toSeconds()
        + " s; shared by the runtime's store and raw");
    facts.put("jnats", Nats.CLIENT_VERSION + ", one connection per store and one for raw");
    return facts;
  }

  @Override
  public void close() {
    try {
      throughputStore.close();
      activationStore.close();
      raw.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      server.close();
    }
  }

  static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
