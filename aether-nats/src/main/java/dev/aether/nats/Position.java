package dev.aether.nats;

/**
 * Where an actor's history ends: the version of its last event and the stream sequence of its last commit.
 * A true fact once observed, because history is append-only; it may only be outdated.
 *
 * @param version the last event's version; 0 without events
 * @param sequence the last commit's stream sequence; 0 without events
 */
record Position(long version, long sequence) {

  /** The position of an actor without events. */
  static final Position NONE = new Position(0, 0);
}
