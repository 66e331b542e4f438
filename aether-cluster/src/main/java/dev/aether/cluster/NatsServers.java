package dev.aether.cluster;

import io.nats.client.Connection;
import io.nats.client.api.ServerInfo;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The servers of the NATS cluster as this node's connection knows them (its server's INFO lists every server's
 * client URL, and is sent again when one leaves) and when one was last seen gone. The nodes that were connected to
 * a lost server move to another one, and until they have subscribed again there, their subjects have no
 * responders: for the grace time after a loss, "no responders" proves no node's death ({@link FailureDetector}). A
 * node that died with its server is then found by its silent lease after {@code deadAfter}. A single server lists
 * no URLs, nor does a cluster that does not advertise them ({@code no_advertise}): nothing is ever lost. A server
 * shut down gracefully (lame duck mode) announces its leave at the start and moves its clients over the next
 * seconds to minutes, mostly after the grace time: not covered. Thread-safe.
 */
final class NatsServers {

  private static final Logger LOG = LoggerFactory.getLogger(NatsServers.class);

  private final Connection connection;
  private final String self;
  private final long graceNanos;
  private final ReentrantLock lock = new ReentrantLock();
  private Set<String> known = Set.of();
  private long lostAtNanos;
  private boolean lostOnce;

  NatsServers(Connection connection, String self, Duration grace) {
    this.connection = connection;
    this.self = self;
    this.graceNanos = grace.toNanos();
    look(); // the servers known from the start: one lost before the first lease tick counts too
  }

  /** Looks at the servers the connection knows now, and remembers when one of those known before is gone. */
  void look() {
    ServerInfo info = connection.getServerInfo();
    List<String> urls = info == null ? null : info.getConnectURLs();
    if (urls == null || urls.isEmpty()) {
      return; // disconnected, or a server without a cluster: nothing to compare
    }
    Set<String> now = new TreeSet<>(urls);
    lock.lock();
    try {
      if (!known.isEmpty() && !now.containsAll(known)) {
        Set<String> gone = new TreeSet<>(known);
        gone.removeAll(now);
        lostAtNanos = System.nanoTime();
        lostOnce = true;
        LOG.info("cluster: node {} sees NATS server(s) {} gone: for {} ms no responders on a node's subjects proves"
            + " nothing (its node may be moving to another server)", self, gone, graceNanos / 1_000_000);
      }
      known = now;
    } finally {
      lock.unlock();
    }
  }

  /** @return whether a server was seen gone within the grace time (looking again first) */
  boolean lostRecently() {
    look();
    lock.lock();
    try {
      return lostOnce && System.nanoTime() - lostAtNanos < graceNanos;
    } finally {
      lock.unlock();
    }
  }
}
