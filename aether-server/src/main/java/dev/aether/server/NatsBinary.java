package dev.aether.server;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Finds the nats-server executable the node embeds, in the testkit's order: {@value #ENV}, then {@code PATH},
 * then the usual install directories (Debian's {@code /usr/sbin} is often not on a user's {@code PATH}).
 */
final class NatsBinary {

  static final String ENV = "AETHER_NATS_SERVER";

  static final String INSTALL_HINT = "set " + ENV + " to the nats-server executable, or install it "
      + "(`sudo apt-get install -y nats-server`, `brew install nats-server`, or run ./scripts/test, which "
      + "installs it), or give --nats URL of a running server, or --store memory (nothing durable)";

  private static final List<String> USUAL = List.of("/usr/sbin", "/usr/local/sbin", "/usr/local/bin", "/usr/bin",
      "/opt/homebrew/bin");

  private NatsBinary() {}

  static Path locate(Map<String, String> env) {
    String explicit = env.getOrDefault(ENV, "").strip();
    if (!explicit.isEmpty()) {
      Path path = Path.of(explicit);
      if (!isExecutable(path)) {
        throw new NodeStartException("nats-server not found: " + path + " (from " + ENV
            + ") is not an executable file; " + INSTALL_HINT, null);
      }
      return path.toAbsolutePath();
    }
    Set<String> directories = new LinkedHashSet<>();
    for (String entry : env.getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        directories.add(entry);
      }
    }
    directories.addAll(USUAL);
    return directories.stream().map(d -> Path.of(d, "nats-server")).filter(NatsBinary::isExecutable).findFirst()
        .map(Path::toAbsolutePath)
        .orElseThrow(() -> new NodeStartException("no nats-server found on PATH nor in " + USUAL
            + " for the embedded store: " + INSTALL_HINT, null));
  }

  private static boolean isExecutable(Path path) {
    return Files.isRegularFile(path) && Files.isExecutable(path);
  }
}
