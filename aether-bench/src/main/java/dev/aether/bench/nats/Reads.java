package dev.aether.bench.nats;

import dev.aether.bench.Benchmark;
import dev.aether.event.Event;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.MessageInfo;
import java.time.Duration;
import java.util.List;

/**
 * Reads of one actor with a history of {@link #HISTORY} events, one commit (one message) each, written once
 * by the store before the first read and then read by both sides: the very same messages.
 *
 * <ul>
 *   <li>replay, Aether: {@code store.getEvents(actor, 1)}: every event decoded and checked;
 *   <li>replay, raw: a legacy ordered push consumer ({@code js.subscribe(subject, ordered, stream known)}),
 *       the fastest replay in the probe ({@code shared/reference/nats-probe.md} e2), reading each message's
 *       bytes until the server reports nothing pending; no decoding, which is the store's real cost;
 *   <li>latest version, Aether: {@code store.getLatestVersion(actor)}, {@link #LOOKUPS} times;
 *   <li>latest version, raw: {@code jsm.getLastMessage(stream, subject)} (a direct get), as often.
 * </ul>
 */
final class Reads {

  static final int HISTORY = 10_000;
  static final int LOOKUPS = 2_000;
  /** Replays per run, so that a run lasts long enough to time well. */
  static final int REPLAYS = 5;
  private static final Duration WAIT = Duration.ofSeconds(5);

  private final NatsBench bench;
  private String actorId;

  Reads(NatsBench bench) {
    this.bench = bench;
  }

  Benchmark storeReplay() {
    return new Benchmark() {
      @Override
      public void setUp() throws Exception {
        history();
      }

      @Override
      public long run() {
        for (int i = 0; i < REPLAYS; i++) {
          List<Event> events = bench.store().getEvents(actorId, 1);
          if (events.size() != HISTORY || events.getLast().version() != HISTORY) {
            throw new IllegalStateException("replayed " + events.size() + " events, expected " + HISTORY);
          }
        }
        return REPLAYS;
      }
    };
  }

  Benchmark rawReplay() {
    return new Benchmark() {
      @Override
      public void setUp() throws Exception {
        history();
      }

      @Override
      public long run() throws Exception {
        for (int i = 0; i < REPLAYS; i++) {
          replayOnce();
        }
        return REPLAYS;
      }

      private void replayOnce() throws Exception {
        PushSubscribeOptions options = PushSubscribeOptions.builder().stream(NatsBench.STREAM).ordered(true).build();
        JetStreamSubscription subscription = bench.js().subscribe(NatsBench.subject(actorId), options);
        long messages = 0;
        long bytes = 0;
        try {
          while (true) {
            Message message = subscription.nextMessage(WAIT);
            if (message == null) {
              throw new IllegalStateException("raw replay stalled after " + messages + " messages");
            }
            messages++;
            bytes += message.getData().length;
            if (message.metaData().pendingCount() == 0) {
              break;
            }
          }
        } finally {
          subscription.unsubscribe();
        }
        if (messages != HISTORY || bytes < HISTORY) {
          throw new IllegalStateException("raw replay read " + messages + " messages, expected " + HISTORY);
        }
      }
    };
  }

  Benchmark storeLatest() {
    return new Benchmark() {
      @Override
      public void setUp() throws Exception {
        history();
      }

      @Override
      public long run() {
        long sum = 0;
        for (int i = 0; i < LOOKUPS; i++) {
          sum += bench.store().getLatestVersion(actorId);
        }
        if (sum != (long) LOOKUPS * HISTORY) {
          throw new IllegalStateException("getLatestVersion returned " + sum / LOOKUPS + " on average");
        }
        return LOOKUPS;
      }
    };
  }

  Benchmark rawLatest() {
    return new Benchmark() {
      private long lastSequence;

      @Override
      public void setUp() throws Exception {
        history();
        lastSequence = bench.jsm().getLastMessage(NatsBench.STREAM, NatsBench.subject(actorId)).getSeq();
      }

      @Override
      public long run() throws Exception {
        String subject = NatsBench.subject(actorId);
        long sum = 0;
        for (int i = 0; i < LOOKUPS; i++) {
          MessageInfo last = bench.jsm().getLastMessage(NatsBench.STREAM, subject);
          sum += last.getSeq();
        }
        if (sum != LOOKUPS * lastSequence) {
          throw new IllegalStateException("getLastMessage returned another message");
        }
        return LOOKUPS;
      }
    };
  }

  /** Writes the history once (untimed, on first use). */
  private void history() throws Exception {
    if (actorId != null) {
      return;
    }
    String id = bench.freshActor("history", 0);
    for (int v = 1; v <= HISTORY; v++) {
      bench.store().append(id, v - 1, List.of(NatsBench.event(id, v)));
    }
    bench.checkLayout(id, HISTORY);
    actorId = id;
  }
}
