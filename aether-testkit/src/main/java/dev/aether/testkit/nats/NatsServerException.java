package dev.aether.testkit.nats;

/**
 * A nats-server fixture could not do what it was asked: the server did not start, did not become
 * ready in time, or exited during start-up. The message includes the tail of the server's log when
 * there is one.
 */
public class NatsServerException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, with the server's log tail when available
     */
    public NatsServerException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what failed
     * @param cause   the underlying failure
     */
    public NatsServerException(String message, Throwable cause) {
        super(message, cause);
    }
}
