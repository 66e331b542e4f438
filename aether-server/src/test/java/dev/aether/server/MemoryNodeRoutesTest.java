package dev.aether.server;

import java.nio.file.Path;

/** Every route on a node with the in-memory store. */
class MemoryNodeRoutesTest extends NodeRoutesContract {

  @Override
  NodeConfig.Builder store(NodeConfig.Builder builder, Path dir) {
    return builder.store(StoreKind.MEMORY).dataDir(dir);
  }
}
