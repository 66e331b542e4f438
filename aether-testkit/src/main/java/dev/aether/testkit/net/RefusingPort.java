package dev.aether.testkit.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback port that refuses every connection for as long as this is open, for tests of "nothing listens
 * there" (a server that is down, an unreachable URL): a socket bound to it that never listens. Nothing else can
 * bind the port meanwhile, nor take it as an outgoing connection's local port.
 *
 * <p>The usual way, a {@code ServerSocket(0)} closed again at once, leaves the port free: the next bind to port 0
 * on the machine (a nats-server of another test, say) may be given it, and the test then reaches that server.
 *
 * <p>Thread-safe: immutable once open; {@link #close()} may be called more than once.
 */
public final class RefusingPort implements AutoCloseable {

  private final Socket bound;

  private RefusingPort(Socket bound) {
    this.bound = bound;
  }

  /**
   * Binds a free loopback port without listening on it.
   *
   * @throws UncheckedIOException when no loopback port can be bound
   */
  public static RefusingPort open() {
    Socket socket = new Socket();
    try {
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return new RefusingPort(socket);
    } catch (IOException e) {
      try {
        socket.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException("cannot bind a loopback port", e);
    }
  }

  /** @return the port: every connection to it on the loopback address is refused while this is open */
  public int port() {
    return bound.getLocalPort();
  }

  /** Frees the port. */
  @Override
  public void close() {
    try {
      bound.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the socket bound to port " + port(), e);
    }
  }
}
