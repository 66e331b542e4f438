package dev.aether.nats;

import dev.aether.NonTransientAetherException;
import dev.aether.event.Event;
import dev.aether.event.EventDecodingException;
import dev.aether.nats.StoreLayout.ActorAddress;
import dev.aether.store.ReplayError;
import dev.aether.store.ReplayResult;
import dev.aether.store.StoreUnavailableException;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamOptions;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads an actor's history: the last message first (no events: done, without waiting for a consumer; it
 * also gives the sequence where the replay ends); a tail of fewer than {@link #WALK_BACK_VERSIONS} versions
 * by following each commit's predecessor back by direct gets; else an ordered push consumer filtered on the
 * actor's subject from the start (or from a known sequence) until that sequence. When the consumer cannot be
 * started within {@link #CONSUMER_START_TIMEOUT} (or the request timeout, if shorter) or stops delivering
 * for the request timeout, the replay goes on from the last sequence it saw by direct gets, one commit at a
 * time, each retried within the {@link ReadRetry} budget: on a replicated stream with one server lost, the
 * server may place the consumer on the lost server (a third of the replays timed out that way on
 * nats-server 2.10.27), while the remaining replicas still answer direct gets. Commits whose last version lies
 * below the wanted version are skipped from their headers, without decoding. When the wanted versions all
 * lie in the last commit, that message alone is decoded and no consumer is made. A bounded range (a page, one
 * command's events) stops at its last version; a short one that starts before the tail is found by bisection
 * ({@link #locate}) and read from there by direct gets.
 * The last message's position is handed to the caller, which caches it for the next append.
 *
 * <p>A fence ({@link CommitCodec#isFence}) reads as a commit without events: skipped, and followed back
 * like a commit; as the last message it gives the position handed to the caller.
 *
 * <p>A message that does not decode, lacks the version header, belongs to another actor or does not
 * continue the version order becomes a {@link ReplayError} carrying its stream sequence and bytes. A message
 * whose version header places it wholly before the wanted version is skipped without being checked.
 *
 * <p>Thread-safe; each replay uses its own subscription, always closed before returning.
 */
final class Replayer {

  /**
   * Replays of fewer versions than this, counted back from the last one, follow the commits back by direct
   * gets (at most one get per version) instead of starting a consumer.
   */
  static final int WALK_BACK_VERSIONS = 32;

  /** The longest wait for the server to start a replay's consumer before reading by direct gets instead. */
  static final Duration CONSUMER_START_TIMEOUT = Duration.ofSeconds(2);

  private static final Logger LOG = LoggerFactory.getLogger(Replayer.class);

  private final JetStream js;
  private final StreamReads reads;
  private final Duration timeout;

  /**
   * @param connection the store's connection
   * @param reads direct gets, retried within their budget
   * @param timeout the request timeout: the longest wait for the consumer's next message
   */
  Replayer(Connection connection, StreamReads reads, Duration timeout) {
    Duration start = timeout.compareTo(CONSUMER_START_TIMEOUT) < 0 ? timeout : CONSUMER_START_TIMEOUT;
    try {
      this.js = connection.jetStream(JetStreamOptions.builder().requestTimeout(start).build());
    } catch (IOException e) {
      throw NatsFailures.ofRequest("opening the JetStream context of replays", e);
    }
    this.reads = reads;
    this.timeout = timeout;
  }

  /**
   * Replays an actor's events of a version range. A range that ends before the history does (a page, one
   * command's events) stops reading at its last version; a short one that starts before the tail that the walk
   * back covers, when no start sequence is known, is {@link #readRange read by direct gets} from the commit that
   * holds its first version, so neither the history before it nor the one after it is read.
   *
   * @param address the actor
   * @param fromVersion the first wanted version
   * @param toVersion the last wanted version; {@link Long#MAX_VALUE} for the rest of the history
   * @param startSequence a stream sequence known to hold no wanted event before it, or 0
   * @param lastSeen told the actor's position when its last message carries a valid version header (the
   *     store caches it, so that the append that usually follows an activation needs no read)
   * @return the events and the undecodable records
   */
  ReplayResult replay(ActorAddress address, long fromVersion, long toVersion, long startSequence,
      Consumer<Position> lastSeen) {
    Optional<StoredMessage> found = reads.last(address);
    if (found.isEmpty()) {
      return new ReplayResult(List.of(), List.of());
    }
    StoredMessage last = found.get();
    CommitCodec.Versions lastVersions = CommitCodec.versions(last.headers());
    if (lastVersions != null) {
      lastSeen.accept(new Position(lastVersions.last(), last.sequence(), lastVersions.isFence()));
      if (lastVersions.last() < fromVersion) {
        return new ReplayResult(List.of(), List.of());
      }
      if (lastVersions.first() <= fromVersion || lastVersions.last() - fromVersion < WALK_BACK_VERSIONS) {
        List<StoredMessage> tail = walkBack(address, last, lastVersions, fromVersion);
        if (tail != null) {
          Collector collector = new Collector(address.streamId(), fromVersion, toVersion);
          for (StoredMessage commit : tail.reversed()) {
            collector.accept(commit.sequence(), commit.headers(), commit.data());
          }
          return collector.result();
        }
      } else if (startSequence <= 0 && toVersion - fromVersion < WALK_BACK_VERSIONS) {
        return readRange(address, fromVersion, toVersion, last);
      }
    }
    return consume(address, fromVersion, toVersion, startSequence, last.sequence());
  }

  /**
   * A short range (fewer than {@link #WALK_BACK_VERSIONS} versions: one command's events, a short page) that
   * starts before the tail, with no known sequence to start from (a snapshot's): from the commit that holds its
   * first version, by direct gets, without a consumer. A longer range is read by a consumer from the start
   * that stops at its last version: measured, its delivery beat the bisection's gets and a consumer from there.
   */
  private ReplayResult readRange(ActorAddress address, long fromVersion, long toVersion, StoredMessage last) {
    Optional<StoredMessage> located = locate(address, fromVersion, last);
    if (located.isEmpty()) {
      return consume(address, fromVersion, toVersion, 0, last.sequence());
    }
    StoredMessage start = located.get();
    Collector collector = new Collector(address.streamId(), fromVersion, toVersion);
    collector.accept(start.sequence(), start.headers(), start.data());
    consumeByDirectGet(address, collector, new Progress(start.sequence()), last.sequence());
    return collector.result();
  }

  /**
   * The actor's first commit whose last version is at least {@code fromVersion}: its very first commit when
   * that one is, else found by bisection with direct gets of the first commit at or after a sequence (about
   * log2 of the sequences searched: 20 gets in a million, each of which has the server look for the subject's
   * next message), since an actor's commits follow each other in version order. Reading on from there reads the
   * range alone, where a consumer filtered from the stream's start delivers every commit before it (measured
   * through a node's HTTP API on nats-server 2.9.10, a stream of 290,000 messages of 1,024 actors: a command's
   * events 40 versions back in 250, resent, 13-21 ms against 39-54 ms; 10 events from version 150, 20-52 ms
   * against 31-77 ms).
   *
   * @param last the actor's last commit, which holds a version at least {@code fromVersion}
   * @return the commit; empty when a message met on the way carries no valid version header (the caller then
   *     reads from the start and reports what it finds)
   */
  private Optional<StoredMessage> locate(ActorAddress address, long fromVersion, StoredMessage last) {
    Optional<StoredMessage> first = reads.next(address, 1); // a range at the start (page 1) needs no search
    CommitCodec.Versions firstVersions = first.map(m -> CommitCodec.versions(m.headers())).orElse(null);
    if (firstVersions == null) {
      return Optional.empty();
    }
    if (firstVersions.last() >= fromVersion) {
      return first;
    }
    // invariant: the wanted commit is the first at or after a sequence in [from, to]; candidate = next(to)
    long from = first.get().sequence() + 1;
    long to = last.sequence();
    StoredMessage candidate = last;
    while (from < to) {
      long middle = from + (to - from) / 2;
      Optional<StoredMessage> found = reads.next(address, middle);
      CommitCodec.Versions versions = found.map(m -> CommitCodec.versions(m.headers())).orElse(null);
      if (versions == null) {
        return Optional.empty();
      }
      if (versions.last() >= fromVersion) {
        to = middle;
        candidate = found.get();
      } else {
        from = found.get().sequence() + 1;
      }
    }
    return Optional.of(candidate);
  }

  /**
   * The commits from the last one back to the one that holds a version, by direct gets: each commit names
   * its predecessor on the subject (the {@code Nats-Expected-Last-Subject-Sequence} it was stored with), so
   * a short tail costs one get per commit instead of a consumer (whose creation goes through the server's
   * serial JetStream API and, filtered from the stream's start, scans the stream: under a burst of reads, as
   * resent commands whose answers need their events, creations queued past their timeout).
   *
   * @return the commits, newest first, the last one holding {@code fromVersion}; {@code null} when the chain
   *     cannot be followed (a commit without the headers, versions that do not join, a predecessor missing),
   *     so that the caller reads with a consumer and reports what it finds there
   */
  private List<StoredMessage> walkBack(ActorAddress address, StoredMessage last, CommitCodec.Versions lastVersions,
      long fromVersion) {
    List<StoredMessage> commits = new ArrayList<>();
    commits.add(last);
    StoredMessage commit = last;
    CommitCodec.Versions versions = lastVersions;
    while (versions.first() > Math.max(fromVersion, 1)) { // versions start at 1: from 0 is from 1
      long previous = CommitCodec.expectedLastSubjectSequence(commit.headers());
      if (previous <= 0 || previous >= commit.sequence()) {
        return null;
      }
      Optional<StoredMessage> found = reads.at(address, previous);
      CommitCodec.Versions before = found.map(m -> CommitCodec.versions(m.headers())).orElse(null);
      if (before == null || before.last() != versions.first() - 1) {
        return null;
      }
      commit = found.get();
      versions = before;
      commits.add(commit);
    }
    return commits;
  }

  /**
   * The version of the last decodable event up to a sequence, for a subject whose last message has no
   * valid version header.
   */
  long lastDecodableVersion(ActorAddress address, long endSequence) {
    List<Event> events = consume(address, 0, Long.MAX_VALUE, 0, endSequence).events();
    return events.isEmpty() ? 0 : events.getLast().version();
  }

  private ReplayResult consume(ActorAddress address, long fromVersion, long toVersion, long startSequence,
      long endSequence) {
    Collector collector = new Collector(address.streamId(), fromVersion, toVersion);
    if (startSequence > endSequence) {
      return collector.result();
    }
    Progress progress = new Progress(Math.max(0, startSequence - 1));
    try {
      consumeWithConsumer(address, collector, progress, endSequence);
    } catch (StoreUnavailableException | JetStreamStoreException e) {
      LOG.info("replay of actor \"{}\" from stream {}: the consumer failed after sequence {} ({}); reading on by "
          + "direct get", address.streamId(), address.stream(), progress.seen, e.getMessage());
      consumeByDirectGet(address, collector, progress, endSequence);
    }
    return collector.result();
  }

  /** The last stream sequence a replay has handed to its collector; confined to the replaying thread. */
  private static final class Progress {
    long seen;

    Progress(long seen) {
      this.seen = seen;
    }
  }

  private void consumeWithConsumer(ActorAddress address, Collector collector, Progress progress, long endSequence) {
    JetStreamSubscription subscription = subscribe(address, progress.seen + 1);
    try {
      while (progress.seen < endSequence && !collector.complete()) {
        Message message = subscription.nextMessage(timeout);
        if (message == null) {
          throw new StoreUnavailableException("replay of actor \"" + address.streamId() + "\" from stream "
              + address.stream() + " stalled: no message within " + timeout.toMillis()
              + " ms after stream sequence " + progress.seen + " (the history ends at " + endSequence + ")", null);
        }
        long sequence = AckSubjects.streamSequence(message);
        if (sequence > progress.seen && sequence <= endSequence) {
          collector.accept(sequence, message.getHeaders(), message.getData());
        }
        progress.seen = Math.max(progress.seen, sequence);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("replay of actor \"" + address.streamId() + "\" interrupted", e);
    } catch (IllegalStateException e) {
      throw NatsFailures.ofRequest("replaying actor \"" + address.streamId() + "\"", e);
    } finally {
      unsubscribe(subscription);
    }
  }

  /** Reads the commits after the progress up to the end sequence one by one, by direct get. */
  private void consumeByDirectGet(ActorAddress address, Collector collector, Progress progress, long endSequence) {
    while (progress.seen < endSequence && !collector.complete()) {
      if (Thread.currentThread().isInterrupted()) {
        throw new StoreUnavailableException("replay of actor \"" + address.streamId() + "\" interrupted", null);
      }
      Optional<StoredMessage> next = reads.next(address, progress.seen + 1);
      if (next.isEmpty() || next.get().sequence() > endSequence) {
        return;
      }
      StoredMessage message = next.get();
      collector.accept(message.sequence(), message.headers(), message.data());
      progress.seen = message.sequence();
    }
  }

  private JetStreamSubscription subscribe(ActorAddress address, long startSequence) {
    ConsumerConfiguration.Builder consumer = ConsumerConfiguration.builder();
    if (startSequence > 1) {
      consumer.deliverPolicy(DeliverPolicy.ByStartSequence).startSequence(startSequence);
    } else {
      consumer.deliverPolicy(DeliverPolicy.All);
    }
    PushSubscribeOptions options = PushSubscribeOptions.builder()
        .stream(address.stream())
        .ordered(true)
        .configuration(consumer.build())
        .build();
    try {
      return js.subscribe(address.subject(), options);
    } catch (IOException | JetStreamApiException | RuntimeException e) {
      throw NatsFailures.ofRequest("starting a replay of actor \"" + address.streamId() + "\"", e);
    }
  }

  private static void unsubscribe(JetStreamSubscription subscription) {
    try {
      subscription.unsubscribe();
    } catch (RuntimeException e) {
      // the connection is gone; the server removes the ephemeral consumer itself
    }
  }

  /** Collects one replay's events and errors; confined to the replaying thread. */
  private static final class Collector {
    private final String streamId;
    private final long fromVersion;
    private final long toVersion;
    private final List<Event> events = new ArrayList<>();
    private final List<ReplayError> errors = new ArrayList<>(0);
    private long lastVersion;

    Collector(String streamId, long fromVersion, long toVersion) {
      this.streamId = streamId;
      this.fromVersion = fromVersion;
      this.toVersion = toVersion;
    }

    /** @return whether the range's last version was collected: nothing after it is wanted */
    boolean complete() {
      return lastVersion >= toVersion;
    }

    void accept(long sequence, Headers headers, byte[] data) {
      if (complete()) {
        return;
      }
      CommitCodec.Versions versions = CommitCodec.versions(headers);
      if (versions != null && versions.last() < fromVersion) {
        lastVersion = Math.max(lastVersion, versions.last());
        return;
      }
      try {
        List<Event> commit = CommitCodec.decode(streamId, versions, data);
        if (commit.isEmpty()) {
          return; // a fence: no events
        }
        if (commit.getFirst().version() <= lastVersion) {
          throw new EventDecodingException("versions do not increase: the commit starts at version "
              + commit.getFirst().version() + " after version " + lastVersion, null);
        }
        lastVersion = commit.getLast().version();
        for (Event event : commit) {
          if (event.version() >= fromVersion && event.version() <= toVersion) {
            events.add(event);
          }
        }
      } catch (NonTransientAetherException e) {
        errors.add(new ReplayError(sequence, data, e));
      }
    }

    ReplayResult result() {
      return new ReplayResult(events, errors);
    }
  }
}
