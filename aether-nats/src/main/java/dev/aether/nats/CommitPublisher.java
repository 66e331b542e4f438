package dev.aether.nats;

import dev.aether.nats.ActorPositions.Current;
import dev.aether.nats.StoreLayout.ActorAddress;
import dev.aether.store.CommitTooLargeException;
import dev.aether.store.OutcomeUnknownException;
import dev.aether.store.StoreUnavailableException;
import dev.aether.store.VersionConflictException;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.LongPredicate;

/**
 * Publishes commits with optimistic concurrency enforced by the server, and resolves the answers that do
 * not say plainly whether the commit is stored.
 *
 * <h2>Algorithm</h2>
 * <ol>
 *   <li>Take the actor's position from the cache, else read it (direct get of the last message). A commit
 *       that starts at version 1 without a cached position assumes the actor has no events (only then can
 *       it be accepted) and skips the read: a wrong guess ends in step 4 like an outdated cache.
 *   <li>Check the version rule against it; when a cached position fails, read afresh and check again.
 *       When a fresh position fails, the commit may already be stored (a retry after a lost
 *       acknowledgement): it is ours when the last message carries our {@code Nats-Msg-Id}, or, when this
 *       store lost that acknowledgement itself, when the message after the sequence it expected does.
 *       Otherwise it is a {@link VersionConflictException} with the current version.
 *   <li>Publish with {@code Nats-Expected-Last-Subject-Sequence} = the position's sequence and the commit's
 *       deterministic {@code Nats-Msg-Id}. An acknowledgement, duplicate or not (the server's de-duplication
 *       recognised a retry: nats-server 2.9 and 2.10 check it first), means stored.
 *   <li>On 10071 (wrong last sequence): the commit is ours when the first message after the expected
 *       sequence carries our id (servers that check the sequence before de-duplication, such as 2.11+,
 *       answer a retry this way; looking at the next message rather than the last one stays right when a
 *       third writer appended after us). Otherwise read the position afresh and go back to step 2.
 * </ol>
 * A publish without an acknowledgement in time is an {@link OutcomeUnknownException}; its expected
 * sequence is remembered so that a retry by this store can recognise the commit.
 *
 * <h2>Asynchronous commits</h2>
 * {@link #commitAsync} takes the same steps. When the cached position (or the version-1 guess) passes the
 * rule it publishes with {@code publishAsync} and never blocks; the acknowledgement is settled on the
 * store's {@link CommitCompletions} thread, which also fails a commit whose acknowledgement does not come
 * within the timeout ({@code publishAsync} futures ignore the request timeout) with an
 * {@link OutcomeUnknownException}. Every step that needs a blocking read (a cache miss, a refused rule,
 * the resolution of a 10071) runs the synchronous algorithm on the caller-supplied executor.
 *
 * <h2>Size limit</h2>
 * A commit must fit in one message: at most the server's max payload (read from the connection's server
 * info at each commit, since a reconnect may reach another server) and the stream's max message size (read
 * when the store opens, and again after the server refuses a message as too large, 10054), headers included.
 * The limit on a commit's events is that less the most its headers and framing can take
 * ({@link CommitCodec#commitLimit}); a commit whose events, as measured while encoding, exceed it is refused
 * before sending with a {@link CommitTooLargeException} carrying each event's size, so the caller can split
 * it without encoding anything.
 *
 * <p>Thread-safe and lock-free: concurrent commits of one actor race at the server, which accepts exactly
 * one per expected sequence.
 */
final class CommitPublisher {

  /** How often one commit is re-tried after a 10071 whose fresh position still accepts it. */
  static final int MAX_ATTEMPTS = 64;

  private final Connection connection;
  private final JetStream js;
  private final StreamReads reads;
  private final ActorPositions positions;
  private final Duration timeout;
  private final CommitCompletions completions;
  private final UnresolvedCommits unresolved = new UnresolvedCommits();
  /** The max message size of each stream by name, as last read (0 or less: unlimited). */
  private final ConcurrentMap<String, Long> streamMaxMessageSizes = new ConcurrentHashMap<>();

  /**
   * @param timeout how long an asynchronous commit waits for its acknowledgement
   * @param completionThreadName the name of the thread that settles asynchronous commits
   */
  CommitPublisher(Connection connection, JetStream js, StreamReads reads, ActorPositions positions,
      Duration timeout, String completionThreadName) {
    this.connection = connection;
    this.js = js;
    this.reads = reads;
    this.positions = positions;
    this.timeout = timeout;
    this.completions = new CommitCompletions(completionThreadName, timeout);
  }

  /**
   * Stores a commit if the actor's current version satisfies a rule.
   *
   * @param address the actor
   * @param commit the commit
   * @param accepts tells whether the commit may follow a given current version
   * @return the commit's position and how it was stored
   * @throws VersionConflictException when the current version does not satisfy the rule
   */
  Result commit(ActorAddress address, Commit commit, LongPredicate accepts) {
    return commit(address, commit, accepts, startingPosition(address, commit), 1);
  }

  /**
   * Stores a commit like {@link #commit(ActorAddress, Commit, LongPredicate)} without blocking the caller.
   *
   * @param address the actor
   * @param commit the commit
   * @param accepts tells whether the commit may follow a given current version
   * @param blocking runs the steps that block (reads, the resolution of a 10071)
   * @param outcome called once, with the result or with what {@link #commit(ActorAddress, Commit,
   *     LongPredicate)} would throw (possibly wrapped in a {@link CompletionException}); on the completion
   *     thread, or on {@code blocking} after a blocking step
   * @throws CommitTooLargeException when the commit is above the server's max payload or the stream's max message
   *     size (nothing sent)
   * @throws StoreUnavailableException when not connected (nothing sent)
   * @throws java.util.concurrent.RejectedExecutionException when {@code blocking} is shut down
   */
  void commitAsync(ActorAddress address, Commit commit, LongPredicate accepts, Executor blocking,
      BiConsumer<Result, Throwable> outcome) {
    Position position = startingPosition(address, commit);
    if (position == null || !accepts.test(position.version())) {
      CompletableFuture.supplyAsync(() -> commit(address, commit, accepts), blocking).whenComplete(outcome);
      return;
    }
    long expectedSequence = position.sequence();
    Headers headers = CommitCodec.headers(commit, expectedSequence);
    requireSendable(address, commit);
    CompletableFuture<PublishAck> ack;
    try {
      ack = js.publishAsync(address.subject(), headers, commit.payload());
    } catch (RuntimeException e) {
      outcome.accept(null, NatsFailures.ofPublish(address.streamId(), e));
      return;
    }
    AsyncCommit flight = new AsyncCommit(address, commit, accepts, expectedSequence, blocking, outcome);
    completions.track(flight);
    ack.whenComplete((PublishAck done, Throwable error) -> completions.deliver(flight, done, error));
  }

  /** The store's completion thread, which settles asynchronous commits. */
  CommitCompletions completions() {
    return completions;
  }

  /**
   * An asynchronous commit between its publish and its outcome. A 10071 is resolved on the blocking
   * executor; the deadline does not apply to that step, whose reads have timeouts of their own.
   */
  private final class AsyncCommit extends CommitCompletions.Flight {

    private final ActorAddress address;
    private final Commit commit;
    private final LongPredicate accepts;
    private final long expectedSequence;
    private final Executor blocking;
    private final BiConsumer<Result, Throwable> outcome;
    /** Set by {@link #received} before the flight is queued for settling, which publishes it. */
    private Result stored;

    AsyncCommit(ActorAddress address, Commit commit, LongPredicate accepts, long expectedSequence,
        Executor blocking, BiConsumer<Result, Throwable> outcome) {
      super(System.nanoTime() + timeout.toNanos());
      this.address = address;
      this.commit = commit;
      this.accepts = accepts;
      this.expectedSequence = expectedSequence;
      this.blocking = blocking;
      this.outcome = outcome;
    }

    @Override
    void received(PublishAck ack, Throwable error) {
      if (error == null) {
        // on jnats' reply thread: advance the position cache there, off the completion thread
        stored = stored(address, commit, ack.getSeqno(), ack.isDuplicate() ? How.DUPLICATE : How.STORED);
      }
    }

    @Override
    void answer(PublishAck ack, Throwable error) {
      if (error == null) {
        outcome.accept(stored, null);
        return;
      }
      Throwable cause = unwrap(error);
      if (NatsFailures.isApiError(cause, NatsFailures.WRONG_LAST_SEQUENCE)) {
        try {
          CompletableFuture.supplyAsync(() -> storedAfter(address, commit, expectedSequence)
                  .orElseGet(() -> commit(address, commit, accepts, null, 2)), blocking)
              .whenComplete(outcome);
        } catch (RejectedExecutionException closed) {
          outcome.accept(null, closed);
        }
        return;
      }
      RuntimeException failure = ofAsyncPublish(address, cause);
      if (failure instanceof OutcomeUnknownException) {
        remember(commit.messageId(), expectedSequence);
      }
      outcome.accept(null, failure);
    }

    @Override
    void expire(boolean closing) {
      remember(commit.messageId(), expectedSequence);
      String why = closing ? " before the store was closed" : " within " + timeout;
      outcome.accept(null, new OutcomeUnknownException(address.streamId(), "commit to actor \""
          + address.streamId() + "\" was sent but its acknowledgement did not arrive" + why
          + "; it may or may not be stored. Retrying the same commit is safe", null));
    }
  }

  private static RuntimeException ofAsyncPublish(ActorAddress address, Throwable cause) {
    String what = "commit to actor \"" + address.streamId() + "\"";
    return switch (cause) {
      case TimeoutException timeout -> new OutcomeUnknownException(address.streamId(), what
          + " was sent but the NATS client timed out waiting for its acknowledgement; it may or may not be"
          + " stored. Retrying the same commit is safe", timeout);
      case CancellationException cancelled -> new OutcomeUnknownException(address.streamId(), what
          + " was sent but the NATS client gave up waiting for its acknowledgement; it may or may not be"
          + " stored. Retrying the same commit is safe", cancelled);
      case Exception e -> NatsFailures.ofPublish(address.streamId(), e);
      default -> new OutcomeUnknownException(address.streamId(), what + " failed: " + cause, cause);
    };
  }

  /** Peels the wrappers jnats and {@link CompletableFuture} put around a publish failure. */
  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while (cause.getCause() != null && (cause instanceof CompletionException
        || cause instanceof ExecutionException || cause.getClass() == RuntimeException.class)) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** The cached position, the version-1 guess, or {@code null} when the position must be read. */
  private Position startingPosition(ActorAddress address, Commit commit) {
    Position position = positions.cached(address.streamId());
    if (position == null && commit.firstVersion() == 1) {
      // Only an actor without events accepts version 1: assume it is new instead of reading first. When it
      // is not, the server answers 10071 and the commit is resolved or re-checked as after a stale cache.
      position = Position.NONE;
    }
    return position;
  }

  /** The algorithm's loop from a given position ({@code null}: read it first) and attempt number. */
  private Result commit(ActorAddress address, Commit commit, LongPredicate accepts, Position start,
      int firstAttempt) {
    Position position = start;
    Optional<StoredMessage> last = Optional.empty();
    boolean fresh = position == null;
    if (fresh) {
      Current current = positions.read(address);
      position = current.position();
      last = current.last();
    }
    for (int attempt = firstAttempt; ; attempt++) {
      if (accepts.test(position.version())) {
        Optional<Result> result = attempt(address, commit, position.sequence());
        if (result.isPresent()) {
          return result.get();
        }
      } else if (fresh) {
        Position refused = position;
        return alreadyStored(address, commit, last).orElseThrow(() -> conflict(commit, refused));
      }
      if (attempt >= MAX_ATTEMPTS) {
        throw conflict(commit, positions.read(address).position());
      }
      Current current = positions.read(address);
      position = current.position();
      last = current.last();
      fresh = true;
    }
  }

  /**
   * Publishes a commit once, expecting a given last sequence on the actor's subject, and resolves a 10071.
   *
   * @param address the actor
   * @param commit the commit
   * @param expectedSequence the sequence of the actor's last commit; 0 for a new actor
   * @return the result; empty when the server refused the commit because another writer moved the subject
   */
  Optional<Result> attempt(ActorAddress address, Commit commit, long expectedSequence) {
    Headers headers = CommitCodec.headers(commit, expectedSequence);
    requireSendable(address, commit);
    try {
      PublishAck ack = js.publish(address.subject(), headers, commit.payload());
      return Optional.of(stored(address, commit, ack.getSeqno(), ack.isDuplicate() ? How.DUPLICATE : How.STORED));
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NatsFailures.MESSAGE_TOO_LARGE) {
        throw tooLargeForStream(address, commit, e);
      }
      if (e.getApiErrorCode() != NatsFailures.WRONG_LAST_SEQUENCE) {
        throw NatsFailures.ofPublish(address.streamId(), e);
      }
      return storedAfter(address, commit, expectedSequence);
    } catch (IOException | RuntimeException e) {
      RuntimeException failure = NatsFailures.ofPublish(address.streamId(), e);
      if (failure instanceof OutcomeUnknownException) {
        remember(commit.messageId(), expectedSequence);
      }
      throw failure;
    }
  }

  private Optional<Result> alreadyStored(ActorAddress address, Commit commit, Optional<StoredMessage> last) {
    if (last.isPresent() && commit.messageId().equals(last.get().messageId())) {
      return Optional.of(stored(address, commit, last.get().sequence(), How.RESOLVED));
    }
    Long expected = unresolved.expectedSequence(commit.messageId());
    if (expected == null) {
      return Optional.empty();
    }
    return storedAfter(address, commit, expected);
  }

  /**
   * The commit as resolved when the first message after an expected sequence carries its message id: it was
   * stored by an earlier attempt whose acknowledgement was lost or refused.
   */
  private Optional<Result> storedAfter(ActorAddress address, Commit commit, long expectedSequence) {
    return reads.next(address, expectedSequence + 1)
        .filter(next -> commit.messageId().equals(next.messageId()))
        .map(next -> stored(address, commit, next.sequence(), How.RESOLVED));
  }

  private Result stored(ActorAddress address, Commit commit, long sequence, How how) {
    unresolved.resolved(commit.messageId());
    Position position = new Position(commit.lastVersion(), sequence);
    positions.advance(address.streamId(), position);
    return new Result(position, how);
  }

  private void requireSendable(ActorAddress address, Commit commit) {
    Connection.Status status = connection.getStatus();
    if (status != Connection.Status.CONNECTED) {
      throw new StoreUnavailableException("not connected to NATS (connection " + status + "): commit to actor \""
          + address.streamId() + "\" was not sent, nothing was stored", null);
    }
    long maxPayload = connection.getServerInfo().getMaxPayload();
    long streamMax = streamMaxMessageSizes.getOrDefault(address.stream(), 0L);
    boolean streamLimits = streamMax > 0 && (maxPayload <= 0 || streamMax < maxPayload);
    long maxMessage = streamLimits ? streamMax : maxPayload;
    if (maxMessage <= 0) {
      return;
    }
    long limit = CommitCodec.commitLimit(maxMessage);
    if (commit.size() > limit) {
      throw new CommitTooLargeException(address.streamId(), commit.eventSizes(), limit, (streamLimits
          ? "stream " + address.stream() + "'s max message size of " + maxMessage
          : "the NATS server's max payload of " + maxMessage) + " bytes, less up to "
          + (maxMessage - limit) + " bytes of headers and framing");
    }
  }

  /**
   * Records a stream's max message size, which limits commits to its actors.
   *
   * @param stream the stream's name
   * @param maxMessageSize its max message size; 0 or less for none
   */
  void streamMaxMessageSize(String stream, long maxMessageSize) {
    streamMaxMessageSizes.put(stream, maxMessageSize);
  }

  /**
   * The most bytes a commit to any of the store's streams may hold now.
   *
   * @return the smallest limit; {@link Long#MAX_VALUE} when nothing limits
   */
  long maxCommitBytes() {
    long maxPayload = connection.getServerInfo().getMaxPayload();
    long smallest = maxPayload > 0 ? maxPayload : Long.MAX_VALUE;
    for (long streamMax : streamMaxMessageSizes.values()) {
      if (streamMax > 0) {
        smallest = Math.min(smallest, streamMax);
      }
    }
    return smallest == Long.MAX_VALUE ? smallest : CommitCodec.commitLimit(smallest);
  }

  /** After a 10054: re-reads the stream's max message size, so this and later commits are measured against it. */
  private RuntimeException tooLargeForStream(ActorAddress address, Commit commit, JetStreamApiException refused) {
    try {
      streamMaxMessageSize(address.stream(), reads.maxMessageSize(address.stream()));
      requireSendable(address, commit);
    } catch (CommitTooLargeException tooLarge) {
      return tooLarge;
    } catch (RuntimeException unreadable) {
      refused.addSuppressed(unreadable);
    }
    return NatsFailures.ofPublish(address.streamId(), refused);
  }

  private void remember(String messageId, long expectedSequence) {
    unresolved.remember(messageId, expectedSequence);
  }

  private static VersionConflictException conflict(Commit commit, Position current) {
    return new VersionConflictException(commit.streamId(), commit.firstVersion(), current.version());
  }

  /** How a commit came to be stored. */
  enum How {
    /** This publish stored it. */
    STORED,
    /** An earlier publish of the same commit had stored it; the server's de-duplication said so. */
    DUPLICATE,
    /** An earlier publish had stored it; found after a 10071 or a failed version check. */
    RESOLVED
  }

  /**
   * A stored commit.
   *
   * @param position the actor's position after the commit
   * @param how how it was stored
   */
  record Result(Position position, How how) {}
}
