package dev.aether.bench.nats;

import dev.aether.bench.Benchmark;
import dev.aether.event.Event;
import dev.aether.event.EventJson;
import io.nats.client.JetStream;
import io.nats.client.api.PublishAck;
import io.nats.client.PublishOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link #EVENTS} appends to one fresh actor, one after the other on the benchmark thread, each waiting for
 * its acknowledgement. One operation is one event (one commit).
 *
 * <ul>
 *   <li>Aether: {@code store.append(actor, v - 1, [event v])};
 *   <li>raw: {@code js.publish(subject, bytes, options)} (synchronous) with {@code Nats-Msg-Id} = the event id
 *       and {@code Nats-Expected-Last-Subject-Sequence} = the previous acknowledgement's sequence, the payload
 *       being the store's own JSON of the event, encoded before the run.
 * </ul>
 */
final class SequentialAppends {

  static final int EVENTS = 2_000;

  private SequentialAppends() {}

  static Benchmark store(NatsBench bench) {
    return new Benchmark() {
      private List<Event> events;

      @Override
      public void setUp() {
        bench.nextRun();
        events = events(bench.freshActor("seq-store", 0));
      }

      @Override
      public long run() {
        for (Event event : events) {
          bench.store().append(event.streamId(), event.version() - 1, List.of(event));
        }
        return EVENTS;
      }

      @Override
      public void tearDown() throws Exception {
        bench.checkLayout(events.getLast().streamId(), EVENTS);
      }
    };
  }

  static Benchmark raw(NatsBench bench) {
    return new Benchmark() {
      private String subject;
      private byte[][] payloads;
      private String[] ids;

      @Override
      public void setUp() {
        bench.nextRun();
        List<Event> events = events(bench.freshActor("seq-raw", 0));
        subject = NatsBench.subject(events.getFirst().streamId());
        payloads = new byte[EVENTS][];
        ids = new String[EVENTS];
        for (int i = 0; i < EVENTS; i++) {
          payloads[i] = EventJson.toBytes(events.get(i));
          ids[i] = events.get(i).id();
        }
      }

      @Override
      public long run() throws Exception {
        JetStream js = bench.js();
        long sequence = 0;
        for (int i = 0; i < EVENTS; i++) {
          PublishOptions options = PublishOptions.builder().messageId(ids[i])
              .expectedLastSubjectSequence(sequence).build();
          PublishAck ack = js.publish(subject, payloads[i], options);
          if (ack.isDuplicate()) {
            throw new IllegalStateException("duplicate ack " + ack);
          }
          sequence = ack.getSeqno();
        }
        return EVENTS;
      }
    };
  }

  private static List<Event> events(String actorId) {
    List<Event> events = new ArrayList<>(EVENTS);
    for (int v = 1; v <= EVENTS; v++) {
      events.add(NatsBench.event(actorId, v));
    }
    return events;
  }
}
