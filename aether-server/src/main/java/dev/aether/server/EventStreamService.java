package dev.aether.server;

import dev.aether.TransientAetherException;
import dev.aether.event.Event;
import dev.aether.event.EventJson;
import dev.aether.runtime.ActorKey;
import io.helidon.http.HeaderNames;
import io.helidon.http.HttpMediaType;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.webserver.sse.SseSink;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An actor's events as Server-Sent Events, {@code GET /v1/actors/{type}/{id}/events/stream}: each event once,
 * in version order, {@code id:} = its version, {@code event:} = its type, {@code data:} = the event JSON. Starts
 * after {@code Last-Event-ID} (a reconnecting client resumes where it stopped), else at {@code ?from=N}
 * (default 1); a long history is read and sent {@value #PAGE} events at a time. Once caught up, waits for this
 * node's commits (a signal from its store) and reads the store again at least every
 * {@value #POLL_MILLIS} ms (other writers); a comment is sent on each idle wait, so a gone client is noticed.
 * The stream ends when the client goes or the node begins to stop (its drain: a client reconnects, with
 * {@code Last-Event-ID}, to a node that runs on); one asked while the node drains sends what is stored and ends.
 * Runs on the request's virtual thread.
 */
final class EventStreamService implements HttpService {

  static final long POLL_MILLIS = 1_000;
  /** Events read from the store at a time: a long history is sent page by page, never held whole. */
  static final int PAGE = 500;
  static final io.helidon.http.HeaderName LAST_EVENT_ID = HeaderNames.create("Last-Event-ID");

  private final NodeServices node;
  private final ActorService actors;

  EventStreamService(NodeServices node, ActorService actors) {
    this.node = node;
    this.actors = actors;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/{type}/{id:" + RawPath.ANY + "}/events/stream", this::stream); // RawPath.ANY: see ActorService.routing
  }

  /**
   * Whether an {@code Accept} header takes {@code text/event-stream}: no header does; else the most specific range
   * that matches it decides, and a quality of 0 refuses ({@code text/event-stream;q=0, *}{@code /*} refuses).
   */
  static boolean acceptsEventStream(List<HttpMediaType> accepted) {
    if (accepted.isEmpty()) {
      return true;
    }
    HttpMediaType best = null;
    for (HttpMediaType range : accepted) {
      if (range.test(MediaTypes.TEXT_EVENT_STREAM) && (best == null || specificity(range) > specificity(best))) {
        best = range;
      }
    }
    return best != null && best.qualityFactor() > 0;
  }

  /** The {@code Accept} ranges; a quality value that is not a number is the client's error (400), not ours. */
  private static List<HttpMediaType> acceptedTypes(ServerRequest req) {
    List<HttpMediaType> accepted = req.headers().acceptedTypes();
    try {
      accepted.forEach(HttpMediaType::qualityFactor); // Helidon parses q lazily, and throws then
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("Accept", "a quality value (q) is not a number from 0 to 1");
    }
    return accepted;
  }

  private static int specificity(HttpMediaType range) {
    return range.mediaType().isWildcardType() ? 0 : range.mediaType().isWildcardSubtype() ? 1 : 2;
  }

  private void stream(ServerRequest req, ServerResponse res) {
    Optional<List<String>> path = ActorService.actorPath(req, "events", "stream");
    if (path.isEmpty()) {
      res.next(); // no other route: a 404
      return;
    }
    ActorKey key = ActorService.key(path.get());
    actors.requireKnownType(key.aggregateType());
    long next = SingleHeader.value(req, LAST_EVENT_ID).map(id -> lastEventId(id) + 1)
        .orElseGet(() -> ActorService.number(req, "from", 1, 1, Long.MAX_VALUE));
    if (!acceptsEventStream(acceptedTypes(req))) {
      throw new ApiException(406, "NOT_ACCEPTABLE", "this route answers text/event-stream only; accept it (or"
          + " leave Accept out), or read the events as JSON from the events route");
    }
    if (HeadRequests.isHead(req)) { // the stream's headers, no stream
      res.status(200).header(HeaderNames.CONTENT_TYPE, MediaTypes.TEXT_EVENT_STREAM.text()).send();
      return;
    }
    StreamSignals signals = node.signals();
    SseSink sink = res.sink(SseSink.TYPE);
    try {
      while (true) {
        long seen = signals.generation();
        List<Event> events;
        try {
          events = EventPages.page(node.store(), key.streamId(), next, PAGE);
        } catch (TransientAetherException e) {
          // the store is away for now: the stream stays open and reads again, as it polls anyway (it used to end,
          // as a normal end of stream a client could not tell from one meant)
          sink.emit(SseEvent.builder().comment("store unavailable; reading again").build());
          if (!signals.awaitChange(seen, Duration.ofMillis(POLL_MILLIS))) {
            return;
          }
          continue;
        } catch (RuntimeException e) { // an answer cannot be reset once the stream began: the error as an event
          sink.emit(SseEvent.builder().name("error").data(new String(Json.bytes(HttpApi.error(ErrorTable.of(e))),
              StandardCharsets.UTF_8)).build());
          return;
        }
        for (Event e : events) {
          sink.emit(SseEvent.builder().id(Long.toString(e.version())).name(e.eventType()).data(EventJson.toJson(e))
              .build());
          next = e.version() + 1;
        }
        if (!events.isEmpty()) {
          continue; // a long history goes out page by page, without waiting between pages
        }
        if (signals.isClosed()) {
          return; // the node is stopping: caught up, the stream ends
        }
        sink.emit(SseEvent.builder().comment("waiting").build());
        if (!signals.awaitChange(seen, Duration.ofMillis(POLL_MILLIS))) {
          return;
        }
      }
    } catch (UncheckedIOException e) {
      // the client went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeQuietly(sink);
    }
  }

  private static void closeQuietly(SseSink sink) {
    try {
      sink.close();
    } catch (RuntimeException e) {
      // the connection is gone already
    }
  }

  private static long lastEventId(String text) {
    try {
      long id = Long.parseLong(text.strip());
      if (id < 0 || id == Long.MAX_VALUE) {
        throw ApiException.badRequest("Last-Event-ID", "must be in 0.." + (Long.MAX_VALUE - 1));
      }
      return id;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("Last-Event-ID", "\"" + text + "\" is not an event version");
    }
  }
}
