package dev.aether.testkit.nats;

/** A server exited during start-up because one of its ports was taken; retrying with new ports may help. */
final class PortInUseException extends NatsServerException {

    private static final long serialVersionUID = 1L;

    PortInUseException(String message) {
        super(message);
    }
}
