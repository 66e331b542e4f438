package dev.aether.cluster;

import dev.aether.support.TimeoutWheel;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.support.NatsRequestCompletableFuture;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Function;

/**
 * A thin client's requests that any node answers (a subject of the nodes' queue group), within a deadline: asked
 * again at once when the node that took one did not answer within the attempt timeout (the queue group picks
 * again, so a paused node costs one attempt), and after a backoff while no node runs (no responders), the
 * connection cannot send now (reconnecting), or an answer says to ask again later. Only for requests that may be
 * answered twice (reads). Thread-safe.
 */
final class AnyNode {

  private static final long FIRST_BACKOFF_MILLIS = 50;
  private static final long MAX_BACKOFF_MILLIS = 500;

  private final Connection connection;
  private final long attemptMillis;

  /** @param attemptTimeout how long one node is waited for before the request is asked again */
  AnyNode(Connection connection, Duration attemptTimeout) {
    this.connection = connection;
    this.attemptMillis = attemptTimeout.toMillis();
  }

  /**
   * Asks any node.
   *
   * @param what what is asked, for the failure's message ("the read of Account/acc-1")
   * @param deadline when to stop asking ({@link System#nanoTime()})
   * @param later the failure an answer reports when it says to ask again later; {@code null} for a final answer
   * @return completes with the final answer, on a virtual thread; exceptionally with the last answer's
   *     {@code later} failure or a {@link ClusterUnavailableException} when no node gave a final one by the
   *     deadline, with an {@link IllegalStateException} when the connection closed
   */
  CompletableFuture<Message> ask(String subject, byte[] body, String what, long deadline,
      Function<Message, RuntimeException> later) {
    return ask(subject, body, what, deadline, later, null);
  }

  /**
   * Asks any node, as {@link #ask(String, byte[], String, long, Function)} does, until {@code outcome} (what the
   * answer is for, completed by the caller) is done: a request its caller gave up (a client that closed) is
   * asked no more, and its answer is cancelled.
   *
   * @param outcome the caller's future; null: the answer's own
   */
  CompletableFuture<Message> ask(String subject, byte[] body, String what, long deadline,
      Function<Message, RuntimeException> later, CompletableFuture<?> outcome) {
    CompletableFuture<Message> answer = new HandedOffFuture<>();
    attempt(new Ask(subject, body, what, deadline, later, answer, outcome == null ? answer : outcome),
        FIRST_BACKOFF_MILLIS, null);
    return answer;
  }

  private record Ask(String subject, byte[] body, String what, long deadline,
      Function<Message, RuntimeException> later, CompletableFuture<Message> answer, CompletableFuture<?> outcome) {

    long leftMillis() {
      return TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    }
  }

  private void attempt(Ask ask, long backoffMillis, Throwable lastCause) {
    if (ask.outcome().isDone()) { // given up by its asker meanwhile (a client that closed): ask no more
      ask.answer().cancel(false);
      return;
    }
    long left = ask.leftMillis();
    if (left < 1) {
      ask.answer().completeExceptionally(new ClusterUnavailableException("no node of the cluster answered "
          + ask.what() + " in time", lastCause));
      return;
    }
    send(connection, ask.subject(), ask.body(), Math.min(left, attemptMillis), (reply, failure) -> {
      if (failure == null) {
        RuntimeException again = ask.later().apply(reply);
        if (again == null) {
          ask.answer().complete(reply);
        } else {
          retry(ask, backoffMillis, again);
        }
      } else if (failure instanceof TimeoutException) {
        attempt(ask, backoffMillis, failure); // the node that took it did not answer: the queue group picks again
      } else if (connection.getStatus() == Connection.Status.CLOSED) {
        ask.answer().completeExceptionally(new IllegalStateException("the connection is closed", failure));
      } else if (failure instanceof CancellationException) { // no responders: no node runs (yet)
        retry(ask, backoffMillis, new ClusterUnavailableException("no node of the cluster is running to answer "
            + ask.what(), null));
      } else { // the connection cannot send now (reconnecting, its buffer full, closing)
        retry(ask, backoffMillis, new ClusterUnavailableException("could not ask the cluster for " + ask.what()
            + ": " + failure.getMessage(), failure));
      }
    }, ask.answer());
  }

  /** Asks again after the backoff, or fails with {@code last} when the deadline comes first. */
  private void retry(Ask ask, long backoffMillis, RuntimeException last) {
    if (ask.leftMillis() <= backoffMillis) {
      ask.answer().completeExceptionally(last);
      return;
    }
    CompletableFuture.delayedExecutor(backoffMillis, TimeUnit.MILLISECONDS, HandedOffFuture.VIRTUAL)
        .execute(() -> attempt(ask, Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2), last));
  }

  /**
   * One request. {@code then} runs on a virtual thread, never on the connection's, with the answer or the failure
   * unwrapped ({@link TimeoutException}, {@link CancellationException} for no responders, the connection's
   * refusal to send); what it throws fails {@code outcome}, so that a caller's future always completes.
   */
  static void send(Connection connection, String subject, byte[] body, long timeoutMillis,
      BiConsumer<Message, Throwable> then, CompletableFuture<?> outcome) {
    long timeout = Math.max(1, timeoutMillis);
    BiConsumer<Message, Throwable> guarded = (reply, failure) -> {
      try {
        then.accept(reply, failure instanceof CompletionException c && c.getCause() != null ? c.getCause()
            : failure);
      } catch (RuntimeException e) {
        outcome.completeExceptionally(e);
      }
    };
    CompletableFuture<Message> sent;
    try {
      sent = connection.requestWithTimeout(subject, body, Duration.ofMillis(timeout));
    } catch (RuntimeException refused) { // closed, draining, or its reconnect buffer full
      HandedOffFuture.VIRTUAL.execute(() -> guarded.accept(null, refused));
      return;
    }
    TimeoutWheel.shared().within(sent, timeout).whenCompleteAsync((reply, failure) -> guarded.accept(reply,
        failure instanceof CancellationException && sent instanceof NatsRequestCompletableFuture request
            && request.wasCancelledClosing() ? new IllegalStateException("the connection closed", failure)
            : failure), HandedOffFuture.VIRTUAL);
  }
}
