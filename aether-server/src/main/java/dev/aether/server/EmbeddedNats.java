package dev.aether.server;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nats-server a node starts and supervises when no {@code nats.url} is configured: JetStream on, listening
 * on a free loopback port, its store under {@code <data-dir>/nats} (so data survives a restart of the node), its
 * log in {@code <data-dir>/nats/nats-server.log}. A server that exits while the node runs is started again on
 * the same port (the node's connection reconnects). {@link #close()} stops it (SIGTERM, then SIGKILL after
 * 10 s). It runs in a session of its own ({@link #command}), so a Ctrl-C stops the node first, then the node it.
 *
 * <p>One node per data directory: {@code <data-dir>/nats/node.lock} is locked while the server runs (a second
 * node on the directory fails to start, naming it). A server that a killed node left running (its process id
 * in {@code <data-dir>/nats/nats-server.pid}) is stopped before a new one starts. A port taken between
 * choosing and binding is retried.
 *
 * <p>Thread-safe: {@code lock} guards {@code process}, {@code port} and {@code closing}.
 */
final class EmbeddedNats implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedNats.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

  private static final int PORT_ATTEMPTS = 3;
  /** The running server's process id, for the next node on the directory to stop a server left running. */
  static final String PID_FILE = "nats-server.pid";

  private final Path binary;
  private final Path dir;
  private final FileLock dirLock;
  private final ReentrantLock lock = new ReentrantLock();
  private int port; // guarded by lock after start
  private Process process;
  private boolean closing;

  private EmbeddedNats(Path binary, Path dir, FileLock dirLock) {
    this.binary = binary;
    this.dir = dir;
    this.dirLock = dirLock;
  }

  /**
   * Finds the binary, writes the configuration and starts the server; returns once it accepts clients.
   *
   * @throws NodeStartException when no binary is found or the server does not come up (with its log's tail)
   */
  static EmbeddedNats start(Path dataDir, Map<String, String> env) {
    Path binary = NatsBinary.locate(env);
    Path dir = dataDir.toAbsolutePath().resolve("nats");
    try {
      Files.createDirectories(dir.resolve("store"));
    } catch (IOException e) {
      throw new NodeStartException("cannot create the embedded nats-server's directory " + dir + ": " + e, e);
    }
    EmbeddedNats nats = new EmbeddedNats(binary, dir, lockDirectory(dir));
    try {
      stopLeftover(dir);
    } catch (RuntimeException e) {
      nats.releaseDirectory();
      throw e;
    }
    nats.lock.lock();
    try {
      for (int attempt = 1; ; attempt++) {
        nats.port = freePort();
        try {
          nats.launch();
          return nats;
        } catch (NodeStartException e) {
          if (attempt == PORT_ATTEMPTS || !e.getMessage().contains("address already in use")) {
            nats.releaseDirectory();
            throw e;
          }
          LOG.info("port {} was taken meanwhile; trying another", nats.port);
        }
      }
    } finally {
      nats.lock.unlock();
    }
  }

  /** One node per data directory: two nats-servers on one store directory would corrupt it. */
  private static FileLock lockDirectory(Path dir) {
    try {
      FileChannel channel = FileChannel.open(dir.resolve("node.lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      FileLock fileLock = channel.tryLock();
      if (fileLock == null) {
        channel.close();
        throw new NodeStartException("the data directory " + dir.getParent() + " is in use by another running "
            + "node; give this one another --data-dir", null);
      }
      return fileLock;
    } catch (IOException | java.nio.channels.OverlappingFileLockException e) {
      throw new NodeStartException("the data directory " + dir.getParent() + " is in use by another running node "
          + "(" + AetherNode.message(e) + "); give this one another --data-dir", e);
    }
  }

  /**
   * Stops the server a node left running when it died without stopping it (kill -9, a crash: the server is
   * not in its process group and outlives it), named by {@value #PID_FILE}. Runs with the directory's lock
   * held, so no live node owns that server; two servers on one store directory would corrupt it.
   */
  private static void stopLeftover(Path dir) {
    Path pidFile = dir.resolve(PID_FILE);
    Optional<ProcessHandle> leftover;
    try {
      leftover = Files.exists(pidFile) ? ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip()))
          : Optional.empty();
    } catch (IOException | NumberFormatException e) {
      LOG.warn("cannot read {} ({}); not looking for a nats-server left running", pidFile, e.getMessage());
      return;
    }
    leftover = leftover.filter(p -> p.isAlive() && p.info().command().orElse("").endsWith("nats-server")
        && String.join(" ", p.info().arguments().orElse(new String[0])).contains(dir.toString()));
    if (leftover.isEmpty()) {
      return;
    }
    ProcessHandle server = leftover.get();
    LOG.warn("a nats-server left running on {} by a node that did not stop it (pid {}): stopping it first",
        dir, server.pid());
    server.destroy();
    if (!exited(server, 10) && !(server.destroyForcibly() && exited(server, 5))) {
      throw new NodeStartException("the nats-server left running on " + dir + " (pid " + server.pid()
          + ") does not stop; stop it, then start the node again", null);
    }
  }

  private static boolean exited(ProcessHandle process, long seconds) {
    try {
      process.onExit().get(seconds, TimeUnit.SECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  private void releaseDirectory() {
    try {
      dirLock.release();
      dirLock.channel().close();
    } catch (IOException e) {
      LOG.warn("cannot release the lock of {}: {}", dir, e.getMessage());
    }
  }

  /** @return the client URL, {@code nats://127.0.0.1:<port>} */
  String url() {
    return "nats://127.0.0.1:" + port;
  }

  /** @return the directory holding the configuration, store and log */
  Path directory() {
    return dir;
  }

  /** Runs with {@code lock} held. */
  private void launch() {
    Path conf = dir.resolve("nats-server.conf");
    String text = "# written by the Aether node at each start\n"
        + "server_name: aether-embedded\n"
        + "listen: 127.0.0.1:" + port + "\n"
        + "jetstream {\n  store_dir: \"" + dir.resolve("store").toString().replace("\\", "/") + "\"\n}\n";
    Path log = dir.resolve("nats-server.log");
    try {
      Files.writeString(conf, text);
      process = new ProcessBuilder(command(binary, conf))
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
          .start();
    } catch (IOException e) {
      throw new NodeStartException("cannot start " + binary + ": " + e.getMessage(), e);
    }
    awaitReady(process, log);
    try {
      Files.writeString(dir.resolve(PID_FILE), Long.toString(process.pid()));
    } catch (IOException e) {
      LOG.warn("cannot write {}: {} (a node killed with this server running would leave it running)",
          dir.resolve(PID_FILE), e.getMessage());
    }
    Process started = process;
    started.onExit().thenRun(() -> restartIfUnexpected(started));
    LOG.info("embedded nats-server {} on {} (store {})", binary, url(), dir.resolve("store"));
  }

  /**
   * The server's command line: in a session of its own where {@code setsid} exists, so that a Ctrl-C in the
   * node's terminal (SIGINT to the whole foreground process group) reaches only the node, which then stops its
   * actors (their stop snapshots need the server) before it stops the server. Without it both stopped at once
   * and every stop snapshot failed after a timeout. Ignoring SIGINT in the child is no way: nats-server (Go)
   * handles it again.
   */
  static List<String> command(Path binary, Path conf) {
    for (String setsid : List.of("/usr/bin/setsid", "/bin/setsid")) {
      if (Files.isExecutable(Path.of(setsid))) {
        return List.of(setsid, binary.toString(), "-c", conf.toString());
      }
    }
    return List.of(binary.toString(), "-c", conf.toString());
  }

  private void awaitReady(Process p, Path log) {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) {
        throw new NodeStartException("the embedded nats-server exited with " + p.exitValue() + "; log "
            + log + ": " + tail(log), null);
      }
      if (sendsInfo()) {
        return;
      }
      try {
        Thread.sleep(10); // polling a child process's port: there is no signal to wait on
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        p.destroyForcibly();
        throw new NodeStartException("interrupted while starting the embedded nats-server", e);
      }
    }
    p.destroyForcibly();
    throw new NodeStartException("the embedded nats-server did not accept clients within " + START_TIMEOUT
        + "; log " + log + ": " + tail(log), null);
  }

  private boolean sendsInfo() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
      socket.setSoTimeout(500);
      InputStream in = socket.getInputStream();
      byte[] head = in.readNBytes(4);
      return new String(head, StandardCharsets.US_ASCII).equals("INFO");
    } catch (IOException e) {
      return false;
    }
  }

  private void restartIfUnexpected(Process exited) {
    lock.lock();
    try {
      if (closing || exited != process || jvmShuttingDown()) {
        return; // the JVM is going down (a signal; where setsid is missing, a Ctrl-C also stops the server)
      }
      LOG.error("the embedded nats-server exited unexpectedly (code {}); starting it again on {}",
          exited.exitValue(), url());
      launch();
    } catch (RuntimeException e) {
      LOG.error("the embedded nats-server could not be started again: {}", e.getMessage());
    } finally {
      lock.unlock();
    }
  }

  /** From now on an exit of the server is expected (the node is closing): it is not started again. */
  void expectExit() {
    lock.lock();
    try {
      closing = true;
    } finally {
      lock.unlock();
    }
  }

  private static boolean jvmShuttingDown() {
    Thread probe = new Thread(() -> { });
    try {
      java.lang.Runtime.getRuntime().addShutdownHook(probe);
      java.lang.Runtime.getRuntime().removeShutdownHook(probe);
      return false;
    } catch (IllegalStateException e) {
      return true;
    }
  }

  /** Stops the server: SIGTERM, then SIGKILL after 10 s. Idempotent. */
  @Override
  public void close() {
    Process p;
    lock.lock();
    try {
      closing = true;
      p = process;
    } finally {
      lock.unlock();
    }
    if (p == null || !p.isAlive()) {
      releaseIfHeld();
      return;
    }
    p.destroy();
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
    }
    releaseIfHeld();
  }

  private void releaseIfHeld() {
    if (dirLock.isValid()) {
      releaseDirectory();
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new NodeStartException("no free loopback port for the embedded nats-server: " + e, e);
    }
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
    } catch (IOException e) {
      return "(log unreadable: " + e.getMessage() + ")";
    }
  }
}
