package dev.aether.testkit.nats;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Free loopback ports, never handed out twice in one JVM while still reserved.
 *
 * <p>A port is free when the kernel gives it for a bind to port 0; another process may still take it
 * before the server binds it, which the caller detects ("address already in use") and retries.
 * Thread-safe: the reserved set is a concurrent set.
 */
final class Ports {

    private static final Set<Integer> RESERVED = ConcurrentHashMap.newKeySet();
    private static final int MAX_TRIES = 50;

    private Ports() {
    }

    /** Reserves and returns a port that was free on 127.0.0.1 a moment ago. */
    static int reserve() {
        for (int i = 0; i < MAX_TRIES; i++) {
            int port = freePort();
            if (RESERVED.add(port)) {
                return port;
            }
        }
        throw new NatsServerException("no free loopback port after " + MAX_TRIES + " tries");
    }

    /** Gives a reserved port back. */
    static void release(int port) {
        RESERVED.remove(port);
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(ServerConfig.HOST))) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot bind a loopback port", e);
        }
    }
}
