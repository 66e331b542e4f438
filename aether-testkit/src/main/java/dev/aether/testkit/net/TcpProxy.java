package dev.aether.testkit.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP proxy on a free loopback port in front of one server (a nats-server, say), for partition tests: a client
 * that connects through {@link #url()} can be cut off from the server and reconnected without either side
 * noticing at the socket level.
 *
 * <ul>
 *   <li>{@link #partition()} stops forwarding in both directions: every byte either side sends is held (the
 *       sender's socket buffers fill, its writes block), nothing is lost and no connection closes, as on a network
 *       that drops packets while TCP retransmits them. A new connection is accepted and connected to the server,
 *       but carries nothing until the partition heals.
 *   <li>{@link #heal()} forwards again: the held bytes arrive late, in order.
 *   <li>{@link #cutConnections()} closes every connection through the proxy at once (both sides see it closed, as
 *       after a reset); the proxy goes on accepting new ones.
 * </ul>
 *
 * <p>Each connection is pumped by two virtual threads (one per direction). Thread-safe: every method may be
 * called from any thread. {@link #close()} closes the listening socket and every connection.
 */
public final class TcpProxy implements AutoCloseable {

  private static final int BUFFER = 64 * 1024;

  private final InetSocketAddress target;
  private final ServerSocket listener;
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private final Gate gate = new Gate();
  private volatile boolean closed;

  private TcpProxy(InetSocketAddress target) throws IOException {
    this.target = target;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().name("tcp-proxy-accept-" + listener.getLocalPort()).start(this::acceptLoop);
  }

  /**
   * Starts a proxy to {@code host:port}.
   *
   * @throws UncheckedIOException when no loopback port can be bound
   * @throws IllegalArgumentException when {@code port} is not 1-65535 or {@code host} is blank
   */
  public static TcpProxy to(String host, int port) {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host: required, was " + (host == null ? "null" : "blank"));
    }
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port: must be 1-65535, was " + port);
    }
    try {
      return new TcpProxy(new InetSocketAddress(host, port));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on a loopback port", e);
    }
  }

  /**
   * Starts a proxy to the server of a URL such as {@code nats://127.0.0.1:4222} (the first of a comma-separated
   * list; the port defaults to 4222).
   *
   * @throws IllegalArgumentException when the URL names no host
   */
  public static TcpProxy to(String url) {
    String first = url.split(",")[0].trim();
    URI uri = URI.create(first.contains("://") ? first : "nats://" + first);
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("url: names no host: " + url);
    }
    return to(uri.getHost(), uri.getPort() == -1 ? 4222 : uri.getPort());
  }

  /** @return the server the proxy forwards to */
  public InetSocketAddress target() {
    return target;
  }

  /** @return the loopback port the proxy listens on */
  public int port() {
    return listener.getLocalPort();
  }

  /** @return {@code nats://127.0.0.1:<port>}: the URL a client connects to instead of the server's */
  public String url() {
    return "nats://127.0.0.1:" + port();
  }

  /** Holds every byte in both directions until {@link #heal()}; idempotent. */
  public void partition() {
    gate.close();
  }

  /** Forwards again, held bytes first; idempotent. */
  public void heal() {
    gate.open();
  }

  /** @return whether the proxy holds the traffic ({@link #partition()} without a {@link #heal()} since) */
  public boolean partitioned() {
    return !gate.isOpen();
  }

  /** @return how many connections the proxy holds open (each client connection counts once) */
  public int connections() {
    return sockets.size() / 2;
  }

  /** Closes every connection through the proxy (clients and server see them closed); new ones are accepted. */
  public void cutConnections() {
    for (Socket s : sockets) {
      sockets.remove(s); // counted no more, also while its pump waits for a partition to heal
      closeQuietly(s);
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(listener);
    cutConnections();
    gate.open(); // releases the pumps, which then find their sockets closed
  }

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        return; // closed
      }
      Socket server = new Socket();
      try {
        server.connect(target, 5_000);
      } catch (IOException e) {
        closeQuietly(client); // the server is down: the client sees its connection refused-like, closed at once
        closeQuietly(server);
        continue;
      }
      sockets.add(client);
      sockets.add(server);
      if (closed) { // closed while this one was being connected: close() may have missed it
        sockets.remove(client);
        sockets.remove(server);
        closeQuietly(client);
        closeQuietly(server);
        return;
      }
      Thread.ofVirtual().start(() -> pump(client, server));
      Thread.ofVirtual().start(() -> pump(server, client));
    }
  }

  /** Copies {@code from}'s bytes to {@code to} while the gate is open; closes both when either side ends. */
  private void pump(Socket from, Socket to) {
    byte[] buffer = new byte[BUFFER];
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      while (true) {
        gate.awaitOpen();
        int n = in.read(buffer);
        if (n < 0) {
          break;
        }
        gate.awaitOpen(); // a partition that began during the read holds these bytes too
        out.write(buffer, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // a side closed or was cut
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      sockets.remove(from);
      sockets.remove(to);
      closeQuietly(from);
      closeQuietly(to);
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception e) {
      // closing what may already be closed
    }
  }

  /** Open or closed; the pumps wait while it is closed. */
  private static final class Gate {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition opened = lock.newCondition();
    private boolean open = true;

    void close() {
      set(false);
    }

    void open() {
      set(true);
    }

    boolean isOpen() {
      lock.lock();
      try {
        return open;
      } finally {
        lock.unlock();
      }
    }

    void awaitOpen() throws InterruptedException {
      lock.lock();
      try {
        while (!open) {
          opened.await();
        }
      } finally {
        lock.unlock();
      }
    }

    private void set(boolean value) {
      lock.lock();
      try {
        open = value;
        if (value) {
          opened.signalAll();
        }
      } finally {
        lock.unlock();
      }
    }
  }
}
