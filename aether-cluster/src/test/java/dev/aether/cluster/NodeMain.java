package dev.aether.cluster;

import dev.aether.model.ModelLoader;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.runtime.Runtime;
import dev.aether.runtime.RuntimeConfig;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * A bank node as its own process, for the tests that run nodes in separate JVMs: {@code NodeMain <url>
 * <namespace> <nodeId> [replicas]} ({@code url} may list several servers, comma-separated; replicas of the
 * namespace's streams and buckets, default 1). Prints {@code READY <nodeId>} once it has joined; SIGTERM leaves gracefully (the
 * shutdown hook closes the node); {@code kill -9} is a crash.
 */
public final class NodeMain {

  private NodeMain() {}

  public static void main(String[] args) throws Exception {
    int replicas = args.length > 3 ? Integer.parseInt(args[3]) : 1;
    JetStreamConfig store = JetStreamConfig.builder().servers(args[0].split(",")).namespace(args[1]).replicas(replicas).build();
    Options options = new Options.Builder().servers(args[0].split(",")).build();
    Connection cluster = Nats.connect(options);
    Connection events = Nats.connect(options);
    JetStreamEventStore eventStore = JetStreamEventStore.create(events, store);
    ClusterNode node = ClusterNode.builder(ClusterConfig.builder(store).nodeId(args[2]).build())
        .connection(cluster)
        .runtime(gateway -> {
          Runtime runtime = Runtime.builder().eventStore(eventStore).reactionGateway(gateway)
              .config(RuntimeConfig.builder().commandTimeout(Duration.ofSeconds(10)).build()).build();
          runtime.loadModel(ModelLoader.fromYaml(ClusterFixture.bankModel()));
          return runtime;
        })
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
