package dev.aether.server;

import dev.aether.testkit.nats.NatsServer;
import dev.aether.testkit.nats.NatsTest;
import java.nio.file.Path;

/** Every route on a node connected to an external nats-server (the testkit fixture). */
@NatsTest
class ExternalNatsNodeRoutesIT extends NodeRoutesContract {

  private final NatsServer server;

  ExternalNatsNodeRoutesIT(NatsServer server) {
    this.server = server;
  }

  @Override
  NodeConfig.Builder store(NodeConfig.Builder builder, Path dir) {
    return builder.natsUrl(server.url()).namespace("routes").dataDir(dir);
  }
}
