package dev.aether.bench.cluster;

import dev.aether.cluster.ClusterConfig;
import dev.aether.cluster.ClusterNode;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeConfig;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.util.concurrent.CountDownLatch;

/**
 * A cluster node in its own JVM for the failover cases ({@link Failover}): {@code FailoverNodeMain <url>
 * <namespace> <nodeId>}, built as {@link ClusterRig} builds its nodes (one connection for the cluster, one for
 * the store, the {@link Deposits} account, ClusterConfig defaults). Prints {@code READY <nodeId>} once it has
 * joined; SIGTERM leaves gracefully; {@code kill -9} and SIGSTOP are what the cases do to it.
 */
public final class FailoverNodeMain {

  private FailoverNodeMain() {}

  /**
   * Runs the node until the process is stopped.
   *
   * @param args the server URL, the namespace and the node id
   * @throws Exception when the node cannot start
   */
  public static void main(String[] args) throws Exception {
    if (args.length != 3) {
      throw new IllegalArgumentException("usage: FailoverNodeMain <url> <namespace> <nodeId>");
    }
    JetStreamConfig store = ClusterRig.storeConfig(args[0], args[1]);
    Connection cluster = Nats.connect(args[0]);
    Connection events = Nats.connect(args[0]);
    JetStreamEventStore eventStore = JetStreamEventStore.create(events, store);
    ClusterNode node = ClusterNode.builder(ClusterConfig.builder(store).nodeId(args[2]).build())
        .connection(cluster)
        .runtime(gateway -> Runtime.builder().eventStore(eventStore).reactionGateway(gateway)
            .behavior(Deposits.behavior())
            .config(RuntimeConfig.builder().commandTimeout(ClusterRig.COMMAND_TIMEOUT).build()).build())
        .start();
    CountDownLatch stopped = new CountDownLatch(1);
    java.lang.Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      node.close();
      stopped.countDown();
    }));
    System.out.println("READY " + args[2]);
    System.out.flush();
    stopped.await();
  }
}
