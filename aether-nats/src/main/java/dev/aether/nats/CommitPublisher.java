package dev.aether.nats;

import dev.aether.nats.ActorPositions.Current;
import dev.aether.nats.StoreLayout.ActorAddress;
import dev.aether.store.CommitTooLargeException;
import dev.aether.store.OutcomeUnknownException;
import dev.aether.store.StoreUnavailableException;
import dev.aether.store.VersionConflictException;
import dev.aether.support.TimeoutWheel;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.PublishAck;
import io.nats.client.impl.Headers;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
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
 * <h2>Size limit</h2>
 * A commit must fit in one message: at most the server's max payload (read from the connection's server
 * info at each commit, since a reconnect may reach another server) and the stream's max message size (read
 * when the store opens, and again after the server refuses a message as too large, 10054), headers included.
 * The limit on a commit's events is that less the most its headers and framing can take
 * ({@link CommitCodec#commitLimit}); a commit whose events, as measured while encoding, exceed it is refused
 * before sending with a {@link CommitTooLargeException} carrying each event's size, so the caller can split
 * it without encoding anything.
 *
 * <h2>Asynchronous commits</h2>
 * {@link #commitAsync} publishes with {@code publishAsync} when the cached position accepts the commit, and
 * completes from the acknowledgement on the connection's thread (step 3's plain acknowledgement is all that
 * happens there); anything else (a position to read, a 10071, an error, no acknowledgement in time) runs the
 * same steps on a thread where blocking is harmless.
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
  private final UnresolvedCommits unresolved = new UnresolvedCommits();
  /** The max message size of each stream by name, as last read (0 or less: unlimited). */
  private final ConcurrentMap<String, Long> streamMaxMessageSizes = new ConcurrentHashMap<>();
  private final long ackTimeoutMillis;
  /** Runs what an asynchronous commit must not do on the connection's thread: reads, retries (rare). */
  private final Executor resolver =
      Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("aether-commit-resolve-", 0).factory());

  /**
   * @param ackTimeout how long {@link #commitAsync} waits for an acknowledgement (as the synchronous publish
   *     does: the store's request timeout)
   */
  CommitPublisher(Connection connection, JetStream js, StreamReads reads, ActorPositions positions,
      Duration ackTimeout) {
    this.ackTimeoutMillis = Math.max(1, ackTimeout.toMillis());
    this.connection = connection;
    this.js = js;
    this.reads = reads;
    this.positions = positions;
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
    Position position = startingPosition(address, commit);
    if (position == null) {
      Current current = positions.read(address);
      return commitFrom(address, commit, accepts, current.position(), current.last(), true, 1, UNKNOWN_BASIS);
    }
    return commitFrom(address, commit, accepts, position, Optional.empty(), false, 1, position.sequence());
  }

  /** The basis of a commit whose writer's read of the history is not known here (no cached position). */
  private static final long UNKNOWN_BASIS = -1;

  /**
   * The algorithm from step 2 on, at a given attempt; {@code fresh}: the position was just read.
   *
   * @param basis the last sequence of the actor's subject the writer is known to have read (the cached position
   *     the commit started from), or {@link #UNKNOWN_BASIS}: a fence found after it refuses the commit
   */
  private Result commitFrom(ActorAddress address, Commit commit, LongPredicate accepts, Position start,
      Optional<StoredMessage> lastRead, boolean freshRead, int firstAttempt, long basis) {
    Position position = start;
    Optional<StoredMessage> last = lastRead;
    boolean fresh = freshRead;
    for (int attempt = firstAttempt; ; attempt++) {
      if (accepts.test(position.version())) {
        if (fresh && last.isPresent() && CommitCodec.isFence(last.get()) && last.get().sequence() > basis) {
          // fenced after this writer read the history: its decision may rest on what the fencing writer has
          // answered differently since; it reads the history again (which caches the fence) and decides again
          throw conflict(commit, position);
        }
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
   * Stores a commit as {@link #commit} does, completing a future from the publish's acknowledgement: when the
   * cached position (or the version-1 guess) accepts the commit, it is published with {@code publishAsync} and
   * an acknowledgement completes the future on the connection's thread, with no other work there. Everything
   * else runs where it blocks harmlessly: a position to read, on the calling thread (all of {@link #commit}); an
   * answer that is not a plain acknowledgement (10071, an API error, no acknowledgement within the ack timeout),
   * resolved on a virtual thread of its own as {@link #attempt} resolves it, then the algorithm goes on there.
   *
   * @param address the actor
   * @param commit the commit
   * @param accepts tells whether the commit may follow a given current version
   * @return completes with the commit's position and how it was stored, or fails with what {@link #commit}
   *     throws
   */
  CompletableFuture<Result> commitAsync(ActorAddress address, Commit commit, LongPredicate accepts) {
    Position position = startingPosition(address, commit);
    if (position == null || !accepts.test(position.version())) {
      try {
        return CompletableFuture.completedFuture(commit(address, commit, accepts));
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      }
    }
    long expectedSequence = position.sequence();
    try {
      requireSendable(address, commit); // refused before sending: nothing was stored
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    CompletableFuture<PublishAck> acknowledged;
    try {
      acknowledged = js.publishAsync(address.subject(), CommitCodec.headers(commit, expectedSequence),
          commit.payload());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(publishFailure(address, commit, expectedSequence, e));
    }
    CompletableFuture<Result> done = new CompletableFuture<>();
    TimeoutWheel.shared().within(acknowledged, ackTimeoutMillis).whenComplete((ack, failure) -> {
      if (failure == null) {
        done.complete(stored(address, commit, ack.getSeqno(), ack.isDuplicate() ? How.DUPLICATE : How.STORED));
        return;
      }
      resolver.execute(() -> {
        try {
          done.complete(afterFailedPublish(address, commit, accepts, expectedSequence, unwrap(failure)));
        } catch (RuntimeException | Error e) {
          done.completeExceptionally(e);
        }
      });
    });
    return done;
  }

  /**
   * Resolves a publish of {@link #commitAsync} that was not plainly acknowledged, as {@link #attempt} does,
   * then goes on with the algorithm. Blocks: runs on a resolver thread.
   */
  private Result afterFailedPublish(ActorAddress address, Commit commit, LongPredicate accepts,
      long expectedSequence, Throwable failure) {
    if (failure instanceof JetStreamApiException e) {
      if (e.getApiErrorCode() == NatsFailures.MESSAGE_TOO_LARGE) {
        throw tooLargeForStream(address, commit, e);
      }
      if (e.getApiErrorCode() != NatsFailures.WRONG_LAST_SEQUENCE) {
        throw NatsFailures.ofPublish(address.streamId(), e);
      }
      Optional<Result> ours = storedAfter(address, commit, expectedSequence);
      if (ours.isPresent()) {
        return ours.get();
      }
      Current current = positions.read(address);
      return commitFrom(address, commit, accepts, current.position(), current.last(), true, 2, expectedSequence);
    }
    if (failure instanceof Error error) {
      throw error;
    }
    throw publishFailure(address, commit, expectedSequence, failure instanceof Exception e ? e
        : new IllegalStateException(failure));
  }

  /** A failed publish in Aether's terms; an unknown outcome is remembered for a retry to recognise. */
  private RuntimeException publishFailure(ActorAddress address, Commit commit, long expectedSequence, Exception e) {
    RuntimeException failure = NatsFailures.ofPublish(address.streamId(), e);
    if (failure instanceof OutcomeUnknownException) {
      remember(commit.messageId(), expectedSequence);
    }
    return failure;
  }

  /**
   * The failure of an asynchronous publish as the synchronous one throws it: without the future's wrappers,
   * and without the {@code RuntimeException} in which jnats wraps the {@code IOException} or {@code
   * JetStreamApiException} of its acknowledgement.
   */
  static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t.getClass() == RuntimeException.class
        && (t.getCause() instanceof IOException || t.getCause() instanceof JetStreamApiException)) {
      t = t.getCause();
    }
    return t;
  }

  /**
   * Writes a fence on the actor's subject at a version (see {@link JetStreamEventStore#fence}), expecting the
   * subject's last sequence as cached (or read) at that version: a commit stored since makes the server
   * refuse it. A fence another writer stored at the same version meanwhile does as well as this one.
   *
   * @param address the actor
   * @param version the version the caller's state rests on
   * @return the actor's position after the fence
   * @throws VersionConflictException when the actor is not at {@code version}
   */
  Position fence(ActorAddress address, long version) {
    Position position = positions.cached(address.streamId());
    if (position == null || position.version() != version) {
      position = positions.read(address).position();
    }
    for (int attempt = 1; ; attempt++) {
      if (position.version() != version) {
        throw new VersionConflictException(address.streamId(), version + 1, version, position.version());
      }
      requireConnected(address, "fence");
      try {
        PublishAck ack = js.publish(address.subject(), CommitCodec.fenceHeaders(version, position.sequence()),
            new byte[0]);
        Position fenced = new Position(version, ack.getSeqno(), true);
        positions.advance(address.streamId(), fenced);
        return fenced;
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() != NatsFailures.WRONG_LAST_SEQUENCE || attempt >= MAX_ATTEMPTS) {
          throw NatsFailures.ofPublish(address.streamId(), e);
        }
        Current current = positions.read(address);
        position = current.position();
        if (position.version() == version && current.last().filter(CommitCodec::isFence).isPresent()) {
          // fenced at this version by another writer since the position was cached: only fences came after what
          // the caller read, so its state is as current as that fence, which does as well as its own
          positions.advance(address.streamId(), position);
          return position;
        }
      } catch (IOException | RuntimeException e) {
        throw NatsFailures.ofPublish(address.streamId(), e);
      }
    }
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
      throw publishFailure(address, commit, expectedSequence, e);
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

  private void requireConnected(ActorAddress address, String what) {
    Connection.Status status = connection.getStatus();
    if (status != Connection.Status.CONNECTED) {
      throw new StoreUnavailableException("not connected to NATS (connection " + status + "): " + what
          + " to actor \"" + address.streamId() + "\" was not sent, nothing was stored", null);
    }
  }

  private void requireSendable(ActorAddress address, Commit commit) {
    requireConnected(address, "commit");
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
