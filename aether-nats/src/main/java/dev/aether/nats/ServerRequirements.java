package dev.aether.nats;

import io.nats.client.api.ServerInfo;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the NATS server a store connects to must offer: JetStream; version {@link ServerVersion#MINIMUM}
 * (2.9.10) or newer; and, for any stream or bucket with more than one replica, version
 * {@link ServerVersion#REPLICATION_FIX} (2.9.21) or newer. The version is the one the connected server
 * reports in its {@code INFO}; the servers of a cluster are expected to run one version. A version that
 * cannot be read is warned about, and refused only where it matters (replicas).
 *
 * <p>Immutable and thread-safe.
 */
final class ServerRequirements {

  /** What to install when the server is too old for replicas. */
  static final String INSTALL_HINT = "install nats-server " + ServerVersion.REPLICATION_FIX + " or newer on every "
      + "server of the cluster (Debian trixie ships 2.10.27, which also runs on Debian 12 bookworm)";

  private static final Logger LOG = LoggerFactory.getLogger(ServerRequirements.class);

  private final String server;
  private final String reported;
  private final Optional<ServerVersion> version;

  private ServerRequirements(String server, String reported) {
    this.server = server;
    this.reported = reported;
    this.version = ServerVersion.parse(reported);
  }

  /**
   * Checks JetStream and the minimum version of the connected server.
   *
   * @param info the server's {@code INFO}
   * @param url the server's URL, for messages
   * @return the requirements, to check replicas with
   * @throws JetStreamStoreException when JetStream is off
   * @throws UnsupportedServerException when the version is below {@link ServerVersion#MINIMUM}
   */
  static ServerRequirements check(ServerInfo info, String url) {
    ServerRequirements requirements = new ServerRequirements(url, info.getVersion());
    if (!info.isJetStreamAvailable()) {
      throw new JetStreamStoreException("NATS server " + url + " (" + info.getVersion()
          + ") does not have JetStream enabled; start it with -js", 0, null);
    }
    requirements.checkMinimum();
    return requirements;
  }

  /** The version the server reported. */
  Optional<ServerVersion> version() {
    return version;
  }

  /**
   * Refuses a stream or bucket with more than one replica on a server before the fix.
   *
   * @param what the stream or bucket, for example {@code "stream aether_ns_EVENTS_0"}
   * @param replicas its replicas, existing or to be created
   * @throws UnsupportedServerException when {@code replicas > 1} and the version is before the fix or unknown
   */
  void checkReplicas(String what, int replicas) {
    if (replicas <= 1 || version.filter(v -> !v.isBefore(ServerVersion.REPLICATION_FIX)).isPresent()) {
      return;
    }
    String found = version.map(v -> "version " + v).orElse("an unreadable version \"" + reported + "\"");
    throw new UnsupportedServerException("NATS server " + server + " runs " + found + ", which cannot keep "
        + what + " with " + replicas + " replicas safely: before " + ServerVersion.REPLICATION_FIX
        + " two writers on a replicated stream can both store a commit after the same one, breaking an "
        + "actor's history for good. Use replicas(1), or " + INSTALL_HINT, reported,
        ServerVersion.REPLICATION_FIX.toString());
  }

  private void checkMinimum() {
    if (version.isEmpty()) {
      LOG.warn("cannot read the version \"{}\" of NATS server {}; the store supports {} or newer ({} or newer for "
          + "replicated streams)", reported, server, ServerVersion.MINIMUM, ServerVersion.REPLICATION_FIX);
    } else if (version.get().isBefore(ServerVersion.MINIMUM)) {
      throw new UnsupportedServerException("NATS server " + server + " runs version " + version.get()
          + "; the store supports " + ServerVersion.MINIMUM + " or newer (" + ServerVersion.REPLICATION_FIX
          + " or newer for replicated streams; Debian trixie ships 2.10.27, which also runs on Debian 12)", reported,
          ServerVersion.MINIMUM.toString());
    }
  }
}
