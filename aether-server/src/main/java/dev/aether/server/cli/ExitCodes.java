package dev.aether.server.cli;

/**
 * The exit codes of every {@code aether} command, written once for the code, the {@code --help} footers and
 * the README.
 */
final class ExitCodes {

  /** The command did what it was asked. */
  static final int OK = 0;
  /** The node answered an error (400, 401, 404, 413, 429, 503, ...) or a model failed validation. */
  static final int FAILED = 1;
  /** The command line is wrong: unknown option, missing argument, payload that is not JSON, no such file. */
  static final int USAGE = 2;
  /** No node answers at the URL (not running, wrong --url, connection broke). */
  static final int UNREACHABLE = 3;
  /** The node rejected the command: a business rule or a conflict (HTTP 409); nothing was stored. */
  static final int REJECTED = 4;
  /** No outcome within the deadline (HTTP 504, or no answer): resend with the same --key. */
  static final int OUTCOME_UNKNOWN = 5;

  /** The list printed under every command's help. */
  static final String[] HELP = {
      "0:ok",
      "1:the node answered an error, or the model is invalid",
      "2:usage error (options, arguments, payload not JSON, file not found)",
      "3:node unreachable (the message names the URL)",
      "4:command rejected by a business rule or a conflict (HTTP 409)",
      "5:no outcome within the deadline (HTTP 504, or send had no answer): resend with the same --key",
  };

  private ExitCodes() {}

  /** @return the exit code for an error status of the node */
  static int forStatus(int status) {
    return switch (status) {
      case 409 -> REJECTED;
      case 504 -> OUTCOME_UNKNOWN;
      default -> FAILED;
    };
  }
}
