package dev.aether.testkit.nats;

/**
 * No nats-server binary was found. The message says where the fixture looked and how to install the
 * server: set {@code AETHER_NATS_SERVER}, {@code sudo apt-get install -y nats-server},
 * {@code brew install nats-server}, or run {@code ./scripts/test}.
 */
public final class NatsServerNotFoundException extends NatsServerException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message where the fixture looked and how to install the server
     */
    public NatsServerNotFoundException(String message) {
        super(message);
    }
}
