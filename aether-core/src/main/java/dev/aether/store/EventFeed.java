package dev.aether.store;

/**
 * The positional, ordered read of every event of a store's namespace, across all streams: what policies, read
 * models and projections consume, so that they see the events of every writer, and resume from a checkpoint
 * after a restart. A store implements it next to {@link EventStore} (a separate interface, so that existing
 * {@code EventStore} implementations keep compiling).
 *
 * <h2>Partitions and order</h2>
 * A store's namespace is made of one or more partitions; every stream belongs to exactly one. A reader gets
 * each partition's events in the order they were stored, and so each stream's events in version order,
 * always. Across partitions events are interleaved in no defined order. The in-memory store has one
 * partition, so its order is global (the order of commits); a JetStream store has one partition per
 * partition stream.
 *
 * <h2>Two ways to read</h2>
 * <ul>
 *   <li>{@link #openFeed}: one reader of all partitions, positioned by the caller, who keeps the
 *       {@link FeedPosition} (a checkpoint) and resumes {@link FeedStart#after after} it. Nothing is kept by
 *       the store.
 *   <li>{@link #openShared}: several members (in one or several processes) share a durable group: each event
 *       is handed to one member at a time, acknowledged per delivery; what a member does not acknowledge
 *       within the ack timeout (it crashed, or closed) goes to another. The store keeps the group's progress.
 * </ul>
 *
 * <h2>Errors</h2>
 * Bad arguments give an {@link dev.aether.InvalidInputException} naming the argument; a record that cannot be
 * decoded an {@link UnreadableFeedRecordException} (never a silent skip); a closed reader a
 * {@link FeedClosedException}; a store that cannot be reached a {@link StoreUnavailableException}.
 *
 * <p>Implementations are thread-safe; readers and shared feeds say what they allow.
 */
public interface EventFeed {

  /**
   * Opens a reader of every partition.
   *
   * @param start where to begin
   * @return the reader, to be closed by the caller
   * @throws dev.aether.InvalidInputException naming {@code start} when it is null or names a partition the
   *     store does not have
   * @throws StoreUnavailableException when the store cannot be reached
   */
  FeedReader openFeed(FeedStart start);

  /**
   * The position of the last event stored now, in every partition: a reader whose
   * {@link FeedReader#position()} {@linkplain FeedPosition#covers covers} it has caught up with everything
   * stored before this call. For progress reports ("done / total") and "caught up?" checks.
   *
   * @return the position; {@link FeedPosition#START} when nothing is stored
   * @throws StoreUnavailableException when the store cannot be reached
   */
  FeedPosition head();

  /**
   * Joins (or creates) a durable group that shares the feed among its members: each commit is handed to one
   * member at a time, and one that is not acknowledged within {@link SharedFeedOptions#ackTimeout()} is
   * handed out again (to any member). The group's progress is kept by the store, so a member that restarts
   * continues where the group stands.
   *
   * @param group the group's name: 1 to {@value SharedFeedOptions#MAX_GROUP_LENGTH} characters of
   *     {@code [A-Za-z0-9_-]}
   * @param startIfNew where a group that does not exist yet begins; ignored when it exists
   * @param options the ack timeout and in-flight bound of the group (the latest member to join sets them)
   * @return the member, to be closed by the caller
   * @throws dev.aether.InvalidInputException naming {@code group}, {@code startIfNew} or {@code options} when
   *     it is null or invalid
   * @throws StoreUnavailableException when the store cannot be reached
   */
  SharedFeed openShared(String group, FeedStart startIfNew, SharedFeedOptions options);

  /**
   * Whether the feed can never be read again: its store (or the connection it needs, which does not reconnect
   * once closed) was closed. A reaction polling the feed stops then, instead of retrying for ever. Thread-safe.
   *
   * @return true once closed; the default: never (a feed without a close)
   */
  default boolean isClosed() {
    return false;
  }
}
