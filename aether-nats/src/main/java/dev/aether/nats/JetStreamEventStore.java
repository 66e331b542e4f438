package dev.aether.nats;

import dev.aether.InvalidInputException;
import dev.aether.event.ActorSnapshot;
import dev.aether.event.Event;
import dev.aether.support.AppendChecks;
import dev.aether.support.Checks;
import dev.aether.nats.CommitPublisher.Result;
import dev.aether.nats.StoreLayout.ActorAddress;
import dev.aether.store.EventFeed;
import dev.aether.store.EventStore;
import dev.aether.store.EventStored;
import dev.aether.store.EventStoredListener;
import dev.aether.store.FeedPosition;
import dev.aether.store.FeedReader;
import dev.aether.store.FeedStart;
import dev.aether.store.HealthReporting;
import dev.aether.store.OutcomeUnknownException;
import dev.aether.store.ReplayResult;
import dev.aether.store.SharedFeed;
import dev.aether.store.SharedFeedOptions;
import dev.aether.store.SnapshotStore;
import dev.aether.store.StoreHealth;
import dev.aether.store.StoreUnavailableException;
import dev.aether.store.VersionConflictException;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueOptions;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongPredicate;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An {@link EventStore} and {@link SnapshotStore} on NATS JetStream, shared safely by any number of
 * processes: the server enforces each actor's version order.
 *
 * <h2>Layout</h2>
 * A namespace's events are spread over {@code partitions} streams by a stable hash of the stream id; each
 * actor has one subject, {@code <prefix>.<namespace>.events.<partition>.<actorToken>}, and each commit
 * ({@link #saveEvent} of one event, {@link #append} of several) is one message, so a batch is stored whole
 * or not at all. Snapshots live in a KV bucket of the namespace. The streams and the bucket are created on
 * first use and reused afterwards; an existing one that is incompatible or weaker than the configuration
 * is refused with an {@link IncompatibleStreamException} and left unchanged; settings that only weaken it
 * are logged once as a warning. A server before 2.9.10, or before 2.9.21 for a stream of more than one
 * replica, is refused with an {@link UnsupportedServerException} (see the module README's table of stream
 * and server settings).
 *
 * <h2>Errors</h2>
 * <ul>
 *   <li>{@link VersionConflictException}: another writer got there first (also across processes); nothing
 *       stored.
 *   <li>{@link OutcomeUnknownException}: the commit was sent but no acknowledgement came within the request
 *       timeout. Retrying the same commit (same events) within the duplicate window stores it at most once
 *       and succeeds if it was stored.
 *   <li>{@link StoreUnavailableException}: the server cannot be reached, is disconnected or did not answer a
 *       read; nothing stored.
 *   <li>{@link InvalidInputException}: bad arguments, or a commit larger than the server's max payload;
 *       nothing stored.
 *   <li>{@link NatsAuthenticationException}, {@link JetStreamStoreException}: refused credentials, a
 *       server-side refusal, or a closed store.
 * </ul>
 * No exception of the NATS client leaves the store.
 *
 * <h2>Notices</h2>
 * After a successful commit the store's {@link EventStoredListener} (given to {@link #connect(JetStreamConfig,
 * EventStoredListener)} or {@link #create(Connection, JetStreamConfig, EventStoredListener)}; none by default)
 * is called on the writing thread, once per event in version order; never for a refused or failed commit.
 * A listener failure is logged.
 *
 * <h2>Feed</h2>
 * {@link #openFeed} reads every partition stream with one ordered consumer each (nothing kept on the server:
 * the reader's {@link FeedPosition} is the caller's checkpoint); {@link #openShared} makes or joins a durable
 * pull consumer per partition stream named after the group. A position's partitions are the partition
 * streams, its sequences their stream sequences. Closing the store closes the readers and members it opened
 * (not the groups' durable consumers). See the module README, "Event feed".
 *
 * <h2>Health and meters</h2>
 * {@link #health()} reads the connection's status, URL and last error locally (for a health endpoint);
 * {@link #bindTo(MeterRegistry)} publishes them as {@code aether.store.connection.state} (gauge per state)
 * and {@code aether.store.reconnects} (see the module README, "Metrics").
 *
 * <p>Thread-safe and lock-free. Create with {@link #connect(JetStreamConfig)} (the store owns its
 * connection) or {@link #create(Connection, JetStreamConfig)} (the caller's connection, left open by
 * {@link #close()}).
 */
public final class JetStreamEventStore implements EventStore, SnapshotStore, EventFeed, HealthReporting, MeterBinder {

  private static final Logger LOG = LoggerFactory.getLogger(JetStreamEventStore.class);
  private static final int MAX_SNAPSHOT_HINTS = 100_000;

  private final Connection connection;
  private final boolean ownsConnection;
  private final JetStreamConfig config;
  private final EventStoredListener listener;
  private final StoreLayout layout;
  private final ActorPositions positions;
  private final StreamReads reads;
  private final CommitPublisher publisher;
  private final Replayer replayer;
  private final SnapshotBucket snapshots;
  private final JetStreamFeeds feeds;
  private final StreamProbe probe;
  private final MissingStreams missing;
  /** The snapshot bucket's stream, as the server names a KV bucket's. */
  private final String bucketStream;
  /** The last snapshot read or saved per actor, a hint bounded like the positions ({@link BoundedMaps}). */
  private final ConcurrentMap<String, Position> snapshotPositions = BoundedMaps.create(MAX_SNAPSHOT_HINTS);
  private final AtomicBoolean closed = new AtomicBoolean();

  private JetStreamEventStore(Connection connection, boolean ownsConnection, JetStreamConfig config,
      EventStoredListener listener, JetStreamOptions jso, JetStream js, JetStreamManagement jsm, KeyValue kv)
      throws IOException {
    this.connection = connection;
    this.ownsConnection = ownsConnection;
    this.config = config;
    this.listener = listener;
    this.layout = StoreLayout.of(config);
    ReadRetry retry = ReadRetry.forRequestTimeout(config.requestTimeout());
    StreamReads reads = new StreamReads(jsm, retry);
    this.reads = reads;
    this.replayer = new Replayer(connection, reads, config.requestTimeout());
    this.positions = new ActorPositions(reads, replayer);
    this.publisher = new CommitPublisher(connection, js, reads, positions, config.requestTimeout());
    this.snapshots = new SnapshotBucket(kv, layout.bucketName(), retry, () -> maxPayloadOf(connection));
    this.feeds = new JetStreamFeeds(connection, jso, layout, retry, config.requestTimeout());
    List<String> streams = IntStream.range(0, config.partitions()).mapToObj(layout::streamName).toList();
    this.bucketStream = "KV_" + layout.bucketName();
    this.missing = new MissingStreams(connection, Stream.concat(streams.stream(), Stream.of(bucketStream))
        .toList());
    this.probe = new StreamProbe(connection, streams, missing);
  }

  /**
   * Connects to the configured servers and opens a store that owns the connection.
   *
   * @param config the configuration
   * @return the store, with its streams and bucket checked or created
   * @throws StoreUnavailableException when no server can be reached in the connect timeout
   * @throws NatsAuthenticationException when the server refuses the credentials
   * @throws IncompatibleStreamException when an existing stream or bucket is incompatible or weaker
   * @throws UnsupportedServerException when the server is older than 2.9.10, or than 2.9.21 for replicas
   * @throws JetStreamStoreException when JetStream is not enabled or refuses to create a stream
   */
  public static JetStreamEventStore connect(JetStreamConfig config) {
    return connect(config, EventStoredListener.NONE);
  }

  /**
   * Connects to the configured servers and opens a store that owns the connection and tells a listener about
   * every stored event (see "Notices" above).
   *
   * @param config the configuration
   * @param listener a thread-safe, quick listener, for example {@code EventStoredFeed.publisher(bus, ns)}
   * @return the store, with its streams and bucket checked or created
   * @throws InvalidInputException naming {@code config} or {@code eventStoredListener} when it is null
   * @throws StoreUnavailableException when no server can be reached in the connect timeout
   * @throws NatsAuthenticationException when the server refuses the credentials
   * @throws IncompatibleStreamException when an existing stream or bucket is incompatible or weaker
   * @throws UnsupportedServerException when the server is older than 2.9.10, or than 2.9.21 for replicas
   * @throws JetStreamStoreException when JetStream is not enabled or refuses to create a stream
   */
  public static JetStreamEventStore connect(JetStreamConfig config, EventStoredListener listener) {
    Checks.notNull(config, "config");
    Checks.notNull(listener, "eventStoredListener");
    Connection connection = NatsConnector.connect(config);
    try {
      return open(connection, true, config, listener);
    } catch (RuntimeException e) {
      closeQuietly(connection);
      throw e;
    }
  }

  /**
   * Opens a store on a connection owned by the caller; {@link #close()} leaves it open. The configuration's
   * servers, credentials, TLS and connect timeout are not used. The event feed's pulls end with pull status
   * warnings (404, 408) whenever nothing is new: give the connection an {@code ErrorListener} that keeps
   * {@code pullStatusWarning} quiet (jnats' default logs each), or open it with
   * {@link NatsConnector#connect(JetStreamConfig, String)}.
   *
   * @param connection an open connection
   * @param config the configuration
   * @return the store, with its streams and bucket checked or created
   * @throws IncompatibleStreamException when an existing stream or bucket is incompatible or weaker
   * @throws UnsupportedServerException when the server is older than 2.9.10, or than 2.9.21 for replicas
   * @throws JetStreamStoreException when JetStream is not enabled or refuses to create a stream
   * @throws StoreUnavailableException when the connection is closed or the server does not answer
   */
  public static JetStreamEventStore create(Connection connection, JetStreamConfig config) {
    return create(connection, config, EventStoredListener.NONE);
  }

  /**
   * Opens a store on a connection owned by the caller, telling a listener about every stored event (see
   * "Notices" above); {@link #close()} leaves the connection open. The configuration's servers, credentials,
   * TLS and connect timeout are not used.
   *
   * @param connection an open connection
   * @param config the configuration
   * @param listener a thread-safe, quick listener, for example {@code EventStoredFeed.publisher(bus, ns)}
   * @return the store, with its streams and bucket checked or created
   * @throws InvalidInputException naming {@code connection}, {@code config} or {@code eventStoredListener}
   *     when it is null
   * @throws IncompatibleStreamException when an existing stream or bucket is incompatible or weaker
   * @throws UnsupportedServerException when the server is older than 2.9.10, or than 2.9.21 for replicas
   * @throws JetStreamStoreException when JetStream is not enabled or refuses to create a stream
   * @throws StoreUnavailableException when the connection is closed or the server does not answer
   */
  public static JetStreamEventStore create(Connection connection, JetStreamConfig config,
      EventStoredListener listener) {
    Checks.notNull(connection, "connection");
    Checks.notNull(config, "config");
    Checks.notNull(listener, "eventStoredListener");
    return open(connection, false, config, listener);
  }

  private static JetStreamEventStore open(Connection connection, boolean owns, JetStreamConfig config,
      EventStoredListener listener) {
    if (connection.getStatus() == Connection.Status.CLOSED) {
      throw new StoreUnavailableException("the NATS connection is closed", null);
    }
    JetStreamOptions jso = JetStreamOptions.builder().requestTimeout(config.requestTimeout()).build();
    KeyValueOptions kvo = KeyValueOptions.builder().jetStreamOptions(jso).build();
    StoreLayout layout = StoreLayout.of(config);
    try {
      JetStreamManagement jsm = connection.jetStreamManagement(jso);
      new StreamProvisioner(connection, jsm, connection.keyValueManagement(kvo), config, layout).provision();
      KeyValue kv = connection.keyValue(layout.bucketName(), kvo);
      JetStreamEventStore store = new JetStreamEventStore(connection, owns, config, listener, jso,
          connection.jetStream(jso), jsm, kv);
      store.readStreamLimits();
      return store;
    } catch (IOException | RuntimeException e) {
      throw NatsFailures.ofRequest("opening the JetStream event store", e);
    }
  }

  /** @return the configuration's namespace */
  @Override
  public Optional<String> namespace() {
    return Optional.of(config.namespace());
  }

  /**
   * The store's configuration.
   *
   * @return the configuration it was opened with
   */
  public JetStreamConfig config() {
    return config;
  }

  /** @return the store's connection (owned by the store or by its caller, as it was opened) */
  Connection connection() {
    return connection;
  }

  /**
   * The health of the store's connection, read locally (no request): {@code CONNECTED}; {@code RECONNECTING}
   * while the connection is down and retrying (writes are refused as unavailable meanwhile); {@code CLOSED}
   * once the store or its connection is closed. Never throws.
   *
   * @return the health, with the connected URL (or the configured servers while not connected) and the last
   *     error the connection reported
   */
  @Override
  public StoreHealth health() {
    return ConnectionHealth.of(connection, closed.get(), config.servers());
  }

  /**
   * Whether JetStream serves this store now, asked of the server (a stream-info request per partition, each
   * within 1 s; at most one probe every 2 s, whatever the callers: between probes, the last answer): what a
   * readiness check needs beyond {@link #health()}, since a connected client does not mean the server runs
   * JetStream, is not frozen, or still has the streams. Never throws.
   *
   * @return empty when it serves, else the problem (not connected, no answer in time, a stream not found)
   */
  public Optional<String> jetStreamProblem() {
    StoreHealth health = health();
    if (!health.isHealthy()) {
      return Optional.of("the NATS connection is " + health.status());
    }
    return probe.problem();
  }

  /**
   * Registers the store's connection meters in a registry, tagged {@code store=jetstream} and
   * {@code namespace}: {@code aether.store.connection.state} (a gauge per {@code state}, 1 for the current
   * one) and {@code aether.store.reconnects} (a function counter). The gauges read {@link #health()}; nothing
   * is measured on the store's hot path. Call once per registry.
   *
   * @param registry the registry; the caller keeps owning it
   * @throws InvalidInputException naming {@code registry} when it is null
   */
  @Override
  public void bindTo(MeterRegistry registry) {
    ConnectionHealth.bind(Checks.notNull(registry, "registry"), this, connection, config.namespace());
  }

  /**
   * {@inheritDoc}
   *
   * @throws OutcomeUnknownException when no acknowledgement arrived in time; retry the same event
   * @throws StoreUnavailableException when the server is not reachable; nothing was stored
   * @throws InvalidInputException when the event is larger than the server's max payload
   */
  @Override
  public void saveEvent(Event event) {
    Checks.notNull(event, "event");
    long version = event.version();
    commit(event.streamId(), List.of(event), current -> current < version);
  }

  /**
   * {@inheritDoc}
   *
   * @throws OutcomeUnknownException when no acknowledgement arrived in time; retry the same batch
   * @throws StoreUnavailableException when the server is not reachable; nothing was stored
   */
  @Override
  public long append(String streamId, long expectedVersion, List<Event> events) {
    List<Event> batch = AppendChecks.check(streamId, expectedVersion, events);
    try {
      return commit(streamId, batch, current -> current == expectedVersion).position().version();
    } catch (VersionConflictException conflict) {
      throw conflict.withExpectedVersion(expectedVersion);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>A fence is a message without events on the actor's subject ({@code Aether-Fence}: the version), published
   * expecting the subject's last sequence as this store last saw it at {@code version}, so nothing stored since
   * can be passed over. A commit refuses to follow a fence stored after the position it started from (this
   * store's cached position of the actor: its last commit's, or the end of its writer's last read), and
   * a commit without a cached position refuses to follow any fence: a {@link VersionConflictException} at the
   * same version, after which the writer's read of the history ({@link #getEventsForWriter}: a catch-up) caches
   * the fence's position and the commit decided again goes through; no other read does. Replays, reads, positions
   * and feeds pass over fences.
   *
   * @throws StoreUnavailableException when the server is not reachable or does not answer in time (a fence may
   *     have been stored; writing another is harmless)
   */
  @Override
  public void fence(String streamId, long version) {
    AppendChecks.checkFence(streamId, version);
    requireOpen("fence");
    ActorAddress address = layout.address(streamId);
    guarded(address.stream(), () -> "fencing actor \"" + streamId + "\"", () -> publisher.fence(address, version));
  }

  /**
   * {@inheritDoc}
   *
   * <p>When the actor's cached position accepts the commit (the runtime's normal case), the commit is published
   * asynchronously and the future completes on the NATS connection's thread as soon as the acknowledgement
   * arrives (the listener is told first, as by {@link #append}); a position to read is read on the calling
   * thread, and an answer other than a plain acknowledgement is resolved on a thread of the store's, exactly as
   * {@link #append} resolves it. Failures: those of {@link #append}.
   */
  @Override
  public CompletableFuture<Long> appendAsync(String streamId, long expectedVersion, List<Event> events) {
    List<Event> batch;
    ActorAddress address;
    Commit commit;
    try {
      batch = AppendChecks.check(streamId, expectedVersion, events);
      requireOpen("write");
      address = layout.address(streamId);
      missing.require(address.stream(), () -> commitTo(streamId));
      commit = CommitCodec.encode(address.streamId(), batch);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<Long> appended = new CompletableFuture<>();
    publisher.commitAsync(address, commit, current -> current == expectedVersion).whenComplete((result, failure) -> {
      if (failure == null) {
        notifyStored(batch);
        appended.complete(result.position().version());
      } else {
        Throwable cause = CommitPublisher.unwrap(failure);
        if (cause instanceof VersionConflictException conflict) {
          appended.completeExceptionally(conflict.withExpectedVersion(expectedVersion));
        } else if (cause instanceof StoreUnavailableException unavailable
            && NatsFailures.mayMeanMissingStream(unavailable)) {
          // asking the server blocks: not on the connection's thread, which may be the one completing here
          Thread.ofVirtual().name("aether-missing-stream-check").start(() -> appended.completeExceptionally(
              missing.failed(address.stream(), () -> commitTo(streamId), unavailable)));
        } else {
          appended.completeExceptionally(cause);
        }
      }
    });
    return appended;
  }

  /**
   * {@inheritDoc} The smallest of the connected server's max payload and the streams' max message sizes (read
   * when the store opened, and again after the server refused a message as too large), less the most a
   * commit's headers and framing take; a commit's events are measured as their JSON plus one byte each.
   */
  @Override
  public long maxCommitBytes() {
    return publisher.maxCommitBytes();
  }

  /** Reads each stream's max message size, which limits the commits to its actors. */
  private void readStreamLimits() {
    for (int partition = 0; partition < layout.partitions(); partition++) {
      String stream = layout.streamName(partition);
      publisher.streamMaxMessageSize(stream, reads.maxMessageSize(stream));
    }
  }

  /**
   * {@inheritDoc} A record's position is its stream sequence in the actor's partition stream.
   *
   * @throws StoreUnavailableException when the server does not answer in time
   */
  @Override
  public List<Event> getEvents(String streamId, long fromVersion) {
    return replay(streamId, fromVersion, Long.MAX_VALUE, false).eventsOrThrow(streamId);
  }

  /**
   * {@inheritDoc} Each error's position is the record's stream sequence in the actor's partition stream.
   *
   * @throws StoreUnavailableException when the server does not answer in time
   */
  @Override
  public ReplayResult getEventsWithErrors(String streamId, long fromVersion) {
    return replay(streamId, fromVersion, Long.MAX_VALUE, false);
  }

  /**
   * {@inheritDoc} The only read after which the actor's next commit may follow another writer's fence: the
   * fence's position is cached from this read (the position a commit starts from), never from another read (a
   * fence this store wrote itself is cached by {@link #fence}).
   *
   * @throws StoreUnavailableException when the server does not answer in time
   */
  @Override
  public ReplayResult getEventsForWriter(String streamId, long fromVersion) {
    return replay(streamId, fromVersion, Long.MAX_VALUE, true);
  }

  /**
   * {@inheritDoc} Reads no commit after the one that holds {@code toVersion}; a range of fewer than 32 versions
   * that starts before the last 32 is found by bisecting the stream's sequences with direct gets (about 20 in a
   * million) and read by direct gets, instead of by a consumer from the actor's first commit. Each error's
   * position is the record's stream sequence.
   *
   * @throws StoreUnavailableException when the server does not answer in time
   */
  @Override
  public ReplayResult getEventsWithErrors(String streamId, long fromVersion, long toVersion) {
    AppendChecks.checkRead(streamId, fromVersion, toVersion);
    return replay(streamId, fromVersion, toVersion, false);
  }

  /**
   * {@inheritDoc} Always asks the server (one direct get of the actor's last message).
   *
   * @throws StoreUnavailableException when the server does not answer in time
   */
  @Override
  public long getLatestVersion(String streamId) {
    Event.validStreamId(streamId);
    requireOpen("read the latest version");
    ActorAddress address = layout.address(streamId);
    return guarded(address.stream(), () -> "reading the version of actor \"" + streamId + "\"",
        () -> positions.read(address).position().version());
  }

  /**
   * {@inheritDoc} The entry also records the stream sequence of the last commit the snapshot covers when it
   * is known (the snapshot's version is the last version of the actor's latest commit), so that a replay
   * after {@link #getLatestSnapshot} starts there instead of at the beginning of the stream.
   *
   * @throws StoreUnavailableException when the server does not answer in time
   * @throws dev.aether.store.SnapshotTooLargeException when the snapshot does not fit in one message (the
   *     server's max payload); nothing is sent, the snapshot stored before stays
   */
  @Override
  public void saveSnapshot(ActorSnapshot snapshot) {
    Checks.notNull(snapshot, "snapshot");
    requireOpen("save a snapshot");
    ActorAddress address = layout.address(snapshot.streamId());
    Supplier<String> what = () -> "saving the snapshot of actor \"" + snapshot.streamId() + "\"";
    missing.require(bucketStream, what); // before the covered sequence is read: nothing is asked in vain
    long sequence = guarded(address.stream(), what, () -> coveredSequence(address, snapshot.version()));
    guarded(bucketStream, what, () -> {
      snapshots.save(address, snapshot, sequence);
      return null;
    });
    rememberSnapshotPosition(snapshot.streamId(), new Position(snapshot.version(), sequence));
  }

  /** @return the server's max payload as the connection last learnt it; 0 when it knows none */
  private static long maxPayloadOf(Connection connection) {
    io.nats.client.api.ServerInfo info = connection.getServerInfo();
    return info == null ? 0 : info.getMaxPayload();
  }

  /**
   * {@inheritDoc} An entry that cannot be decoded is logged and reported as absent.
   *
   * @throws StoreUnavailableException when the server does not answer in time
   */
  @Override
  public Optional<ActorSnapshot> getLatestSnapshot(String streamId) {
    Event.validStreamId(streamId);
    requireOpen("read a snapshot");
    ActorAddress address = layout.address(streamId);
    return guarded(bucketStream, () -> "reading the snapshot of actor \"" + streamId + "\"",
        () -> snapshots.get(address)).map(stored -> {
      rememberSnapshotPosition(streamId, new Position(stored.snapshot().version(), stored.sequence()));
      return stored.snapshot();
    });
  }

  /**
   * {@inheritDoc} Each partition stream is read by an ordered consumer (jnats' simplified API, an ephemeral
   * pull consumer recreated by the client after a gap or reconnect) from the commit after the start position in
   * that partition; {@link FeedStart#now()} reads the streams' last sequences first and starts after them.
   *
   * @throws dev.aether.store.FeedClosedException when the store is closed
   * @throws StoreUnavailableException when the server does not answer
   */
  @Override
  public FeedReader openFeed(FeedStart start) {
    return feeds.open(start);
  }

  /**
   * {@inheritDoc} Each partition stream's last sequence (one stream info request per partition).
   *
   * @throws StoreUnavailableException when the server does not answer in time
   */
  @Override
  public FeedPosition head() {
    requireOpen("read the feed's head");
    for (int partition = 0; partition < layout.partitions(); partition++) {
      missing.require(layout.streamName(partition), () -> "reading the feed's head");
    }
    try {
      return feeds.head();
    } catch (StoreUnavailableException | JetStreamStoreException e) {
      for (int partition = 0; partition < layout.partitions(); partition++) {
        RuntimeException failure = missing.failed(layout.streamName(partition), () -> "reading the feed's head", e);
        if (failure != e) {
          throw failure;
        }
      }
      throw e;
    }
  }

  /**
   * {@inheritDoc} The group is a durable pull consumer named {@code group} on every partition stream (explicit
   * ack, ack wait = the ack timeout, max ack pending = the in-flight bound per partition); it survives the store,
   * the process and server restarts. See the module README, "Event feed".
   *
   * @throws InvalidInputException naming {@code group} also when a stream has a consumer of that name that is
   *     not a shared feed's
   * @throws dev.aether.store.FeedClosedException when the store is closed
   * @throws StoreUnavailableException when the server does not answer
   */
  @Override
  public SharedFeed openShared(String group, FeedStart startIfNew, SharedFeedOptions options) {
    return feeds.openShared(group, startIfNew, options);
  }

  /**
   * Closes the feed readers and shared feed members opened by this store, then the connection if the store
   * owns it. Idempotent; later operations fail.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      feeds.close();
      if (ownsConnection) {
        closeQuietly(connection);
      }
    }
  }

  /** @return true once this store, or its connection (which never reconnects then), is closed */
  @Override
  public boolean isClosed() {
    return closed.get() || connection.getStatus() == Connection.Status.CLOSED;
  }

  @Override
  public String toString() {
    return "JetStreamEventStore[namespace=" + config.namespace() + ", partitions=" + config.partitions() + "]";
  }

  /** The publisher, for tests of the commit resolution. */
  CommitPublisher publisher() {
    return publisher;
  }

  /** The cached positions, for tests of what reads and writes leave in the cache. */
  ActorPositions positions() {
    return positions;
  }

  /** The layout, for tests that write to an actor's subject directly. */
  StoreLayout layout() {
    return layout;
  }

  private Result commit(String streamId, List<Event> events, LongPredicate accepts) {
    requireOpen("write");
    ActorAddress address = layout.address(streamId);
    Result result = guarded(address.stream(), () -> commitTo(streamId),
        () -> publisher.commit(address, CommitCodec.encode(address.streamId(), events), accepts));
    notifyStored(events);
    return result;
  }

  /**
   * @param writer whether the caller is the actor's writer ({@link #getEventsForWriter}): only then is a fence's
   *     position cached (a commit from it passes the fence); any read caches a commit's position, which passes
   *     no fence stored after it
   */
  private ReplayResult replay(String streamId, long fromVersion, long toVersion, boolean writer) {
    AppendChecks.checkRead(streamId, fromVersion);
    requireOpen("read events");
    Position snapshot = snapshotPositions.get(streamId);
    // the snapshot's commit ends at its version: a read from that version on starts at that commit (the
    // runtime reads the snapshot's own event to check the store holds it), a read after it just after
    long start = snapshot == null || snapshot.sequence() <= 0 || snapshot.version() > fromVersion ? 0
        : snapshot.version() == fromVersion ? snapshot.sequence() : snapshot.sequence() + 1;
    ActorAddress address = layout.address(streamId);
    return guarded(address.stream(), () -> "reading the events of actor \"" + streamId + "\"",
        () -> replayer.replay(address, fromVersion, toVersion, start, seen -> {
          if (writer || !seen.fence()) {
            positions.advance(streamId, seen);
          }
        }));
  }

  /**
   * Runs an operation on one of the store's streams: at once refused when the stream is known missing, and its
   * failure told as a missing stream when the server says so (see {@link MissingStreams}).
   */
  private <T> T guarded(String stream, Supplier<String> what, Supplier<T> operation) {
    missing.require(stream, what);
    try {
      return operation.get();
    } catch (StoreUnavailableException | JetStreamStoreException e) {
      throw missing.failed(stream, what, e);
    }
  }

  private static String commitTo(String streamId) {
    return "commit to actor \"" + streamId + "\"";
  }

  private long coveredSequence(ActorAddress address, long version) {
    Position cached = positions.cached(address.streamId());
    if (cached != null && cached.version() == version && !cached.fence()) {
      return cached.sequence();
    }
    Position current = positions.read(address).position();
    return current.version() == version && !current.fence() ? current.sequence() : 0; // 0: not known
  }

  private void rememberSnapshotPosition(String streamId, Position position) {
    if (position.sequence() <= 0) {
      return;
    }
    snapshotPositions.merge(streamId, position, (old, fresh) -> fresh.sequence() >= old.sequence() ? fresh : old);
  }

  private void notifyStored(List<Event> events) {
    if (listener == EventStoredListener.NONE) {
      return;
    }
    for (Event event : events) {
      try {
        listener.onEventStored(EventStored.of(event));
      } catch (RuntimeException e) {
        LOG.warn("EventStored listener failed for {} v{}", event.streamId(), event.version(), e);
      }
    }
  }

  /**
   * Refuses an operation of a closed store, and one while the connection is not connected: a request sent then
   * would wait in the client's reconnect buffer for its whole timeout, where the caller can be told at once that
   * nothing was sent (a 503 to retry, not a 504 "may have been applied").
   */
  private void requireOpen(String operation) {
    if (closed.get()) {
      throw new JetStreamStoreException("the JetStream event store is closed: cannot " + operation, 0, null);
    }
    Connection.Status status = connection.getStatus();
    if (status != Connection.Status.CONNECTED) {
      throw new StoreUnavailableException("not connected to NATS (connection " + status + "): cannot " + operation
          + "; nothing was sent", null);
    }
  }

  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      LOG.debug("closing the NATS connection failed", e);
    }
  }
}
