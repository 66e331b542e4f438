package dev.aether.nats;

/**
 * Where an actor's history ends: the version of its last event and the stream sequence of its last message,
 * a commit or a fence. A true fact once observed, because history is append-only; it may only be outdated.
 *
 * @param version the last event's version; 0 without events
 * @param sequence the last message's stream sequence; 0 without messages
 * @param fence whether the last message is a fence (then {@code sequence} is not a commit's)
 */
record Position(long version, long sequence, boolean fence) {

  /** The position of an actor without events. */
  static final Position NONE = new Position(0, 0);

  /** The position after a commit. */
  Position(long version, long sequence) {
    this(version, sequence, false);
  }
}
