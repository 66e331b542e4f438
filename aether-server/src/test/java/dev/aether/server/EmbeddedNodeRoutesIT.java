package dev.aether.server;

import java.nio.file.Path;
import org.junit.jupiter.api.Tag;

/** Every route on a node with the default store: the embedded nats-server, its data in a temporary directory. */
@Tag("nats")
class EmbeddedNodeRoutesIT extends NodeRoutesContract {

  @Override
  NodeConfig.Builder store(NodeConfig.Builder builder, Path dir) {
    return builder.dataDir(dir.resolve("data"));
  }
}
