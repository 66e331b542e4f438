package dev.aether.model.expr;

import java.time.Instant;

/**
 * Reads ISO-8601 timestamps in expressions with Aether's one timestamp parser
 * ({@code dev.aether.support.Timestamps}, aether-core, shared with the event codec): the form Aether writes
 * is read by hand, anything else by {@link Instant#parse}.
 */
final class Timestamps {

  private Timestamps() {}

  /**
   * Parses a timestamp.
   *
   * @throws java.time.format.DateTimeParseException when the text is not an ISO-8601 instant
   */
  static Instant parse(String text) {
    return dev.aether.support.Timestamps.parse(text);
  }
}
