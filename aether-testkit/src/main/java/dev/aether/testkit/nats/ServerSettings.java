package dev.aether.testkit.nats;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What a {@link NatsServer.Builder} fixed that never changes over the server's life.
 *
 * @param port        requested client port, 0 for a free one
 * @param monitorPort requested monitoring port, 0 for a free one
 */
record ServerSettings(
        Path binary,
        String name,
        List<String> args,
        int port,
        int monitorPort,
        Duration startTimeout,
        Duration stopTimeout) {

    ServerSettings {
        args = List.copyOf(args);
    }
}
