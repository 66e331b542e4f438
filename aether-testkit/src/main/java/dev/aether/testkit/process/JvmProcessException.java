package dev.aether.testkit.process;

/**
 * A {@link JvmProcess} that could not be started, did not become ready, or could not be signalled. The
 * message names the process and, where it helps, holds the last lines of its output. Unchecked; a test
 * failure, not something to recover from.
 */
public final class JvmProcessException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message what failed, naming the process
     */
    public JvmProcessException(String message) {
        super(message);
    }

    /**
     * Creates the exception with its cause.
     *
     * @param message what failed, naming the process
     * @param cause   the underlying failure
     */
    public JvmProcessException(String message, Throwable cause) {
        super(message, cause);
    }
}
