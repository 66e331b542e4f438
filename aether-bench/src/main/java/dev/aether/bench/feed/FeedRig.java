package dev.aether.bench.feed;

import dev.aether.bench.ServerCpu;
import dev.aether.bench.QuietErrorListener;
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

/**
 * What the cases of {@link FeedSuite} share: one nats-server started for the suite (testkit fixture, file
 * storage, a fresh temporary directory), three {@link JetStreamEventStore}s on their own connections and
 * namespaces (one partition each, so one partition stream each), and a plain jnats connection for the raw
 * baselines.
 *
 * <ul>
 *   <li>{@link #CATCH_UP}: the 100,000 events the projection and the raw ordered consumer both read;
 *   <li>{@link #POLICY}: the runtime's store for the policy cases (its policy's durable group lives here);
 *   <li>{@link #POLICY_RAW}: the stream the raw policy baseline writes to and consumes from, made by a store
 *       so that it has exactly the same settings; nothing of the store is used after that.
 * </ul>
 * Subjects follow the documented layout ({@code aether-nats/README.md}): {@code aether.<namespace>.events.0.<token>}.
 */
final class FeedRig implements AutoCloseable {

  static final String CATCH_UP = "feedcu";
  static final String POLICY = "feedpol";
  static final String POLICY_RAW = "feedraw";
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final NatsServer server;
  private final JetStreamEventStore catchUpStore;
  private final JetStreamEventStore policyStore;
  private final JetStreamEventStore rawStore;
  private final Connection raw;
  private final JetStream js;
  private final JetStreamManagement jsm;
  private final ServerCpu serverCpu;

  private FeedRig(NatsServer server, JetStreamEventStore catchUpStore, JetStreamEventStore policyStore,
      JetStreamEventStore rawStore, Connection raw) throws IOException {
    this.server = server;
    this.catchUpStore = catchUpStore;
    this.policyStore = policyStore;
    this.rawStore = rawStore;
    this.raw = raw;
    this.js = raw.jetStream();
    this.jsm = raw.jetStreamManagement();
    this.serverCpu = new ServerCpu(server);
  }

  /** Starts a server, opens the stores (which create their streams) and the raw connection. */
  static FeedRig start() throws Exception {
    NatsServer server = NatsServer.builder().start();
    JetStreamEventStore cu = null;
    JetStreamEventStore pol = null;
    JetStreamEventStore rawStore = null;
    try {
      cu = store(server, CATCH_UP);
      pol = store(server, POLICY);
      rawStore = store(server, POLICY_RAW);
      Connection raw = Nats.connect(new Options.Builder().server(server.url()).connectionName("aether-bench-raw")
          .connectionTimeout(TIMEOUT).errorListener(new QuietErrorListener()).build());
      return new FeedRig(server, cu, pol, rawStore, raw);
    } catch (Exception | Error e) {
      for (JetStreamEventStore s : new JetStreamEventStore[] {cu, pol, rawStore}) {
        if (s != null) {
          s.close();
        }
      }
      server.close();
      throw e;
    }
  }

  private static JetStreamEventStore store(NatsServer server, String namespace) {
    return JetStreamEventStore.connect(JetStreamConfig.builder().servers(server.url()).namespace(namespace)
        .requestTimeout(TIMEOUT).build());
  }

  JetStreamEventStore catchUpStore() {
    return catchUpStore;
  }

  JetStreamEventStore policyStore() {
    return policyStore;
  }

  Connection raw() {
    return raw;
  }

  JetStream js() {
    return js;
  }

  JetStreamManagement jsm() {
    return jsm;
  }

  /** @return the single partition stream of a namespace */
  static String stream(String namespace) {
    return "aether_" + namespace + "_EVENTS_0";
  }

  /** @return the subjects of every actor of a namespace's partition stream (what a feed consumer filters on) */
  static String streamSubject(String namespace) {
    return "aether." + namespace + ".events.0.>";
  }

  /** @return the subject of an actor whose subject token is {@code token} */
  static String subject(String namespace, String token) {
    return "aether." + namespace + ".events.0." + token;
  }

  /** @return how many messages a namespace's partition stream holds */
  long messages(String namespace) throws Exception {
    return jsm.getStreamInfo(stream(namespace)).getStreamState().getMsgCount();
  }

  /** The facts the numbers depend on: server version, stream settings, client version, server CPU. */
  Map<String, String> facts() throws Exception {
    StreamConfiguration stream = jsm.getStreamInfo(stream(CATCH_UP)).getConfiguration();
    Map<String, String> facts = new LinkedHashMap<>();
    facts.put("nats-server", server.version() + " (" + server.binary() + "), started by the suite, store in a"
        + " fresh temporary directory");
    facts.put("streams", stream(CATCH_UP) + " (catch-up), " + stream(POLICY) + " (policy, runtime) and "
        + stream(POLICY_RAW) + " (policy, raw): one partition each, " + stream.getStorageType() + " storage, "
        + stream.getReplicas() + " replica, allow_direct=" + stream.getAllowDirect() + ", duplicate window "
        + stream.getDuplicateWindow().toSeconds() + " s");
    facts.put("jnats", Nats.CLIENT_VERSION + ", one connection per store and one for raw");
    facts.put("CPU used by nats-server during the suite", serverCpu.describe());
    return facts;
  }

  @Override
  public void close() {
    try {
      catchUpStore.close();
      policyStore.close();
      rawStore.close();
      raw.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      server.close();
    }
  }
}
