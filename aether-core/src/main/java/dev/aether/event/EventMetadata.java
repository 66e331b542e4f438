package dev.aether.event;

/**
 * The well-known keys of {@link Event#metadata()}. The names are the upstream wire names.
 */
public final class EventMetadata {

  /** Id shared by every message and event of one business transaction. */
  public static final String CORRELATION_ID = "correlationId";
  /** Id of the message or event that directly caused this event. */
  public static final String CAUSATION_ID = "causationId";
  /** Id of the user on whose behalf the event was produced. */
  public static final String USER_ID = "userId";
  /** Distributed-tracing trace id (OpenTelemetry style). */
  public static final String TRACE_ID = "traceId";
  /** Distributed-tracing span id (OpenTelemetry style). */
  public static final String SPAN_ID = "spanId";

  private EventMetadata() {}
}
