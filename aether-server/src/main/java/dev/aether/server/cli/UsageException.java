package dev.aether.server.cli;

/** A command line that cannot be run as written (exit code 2); the message says what is wrong. */
final class UsageException extends RuntimeException {

  UsageException(String message) {
    super(message, null, false, false);
  }
}
