package dev.aether.nats.bus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.event.Event;
import dev.aether.event.PayloadLimits;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bus envelope's JSON, without a server. */
class BusMessageTest {

  @Test
  void decode_ofAnEventWithAKeyLongerThanJacksonsDefaultNameLimit_readsTheEvent() {
    // regression: the envelope's own parser had Jackson's default limits, refusing names above 50,000
    // characters, so such an event (accepted by Event.Builder) was dropped as malformed by every receiver
    String key = "k".repeat(60_000);
    Event event = Event.builder().eventType("Happened").streamId("actor-1").version(1)
        .data(Map.of(key, "v", "nested", Map.of(key, 1L))).build();
    // when
    BusMessage envelope = BusMessage.decode(BusMessage.encode("node-1", "ns", event));
    // then
    assertThat(envelope.nodeId()).isEqualTo("node-1");
    assertThat(envelope.namespace()).isEqualTo("ns");
    assertThat(envelope.event()).isEqualTo(event);
  }

  @Test
  void decode_ofAnEventAtTheDepthCeiling_readsTheEvent() {
    // the envelope adds one level around the event: the shared factory allows it
    Map<String, Object> deep = Map.of();
    for (int i = 1; i < PayloadLimits.MAX_DEPTH_CEILING; i++) {
      deep = Map.of("a", deep);
    }
    Event event = Event.builder().limits(PayloadLimits.CEILINGS).eventType("Happened").streamId("actor-1")
        .version(1).data(deep).build();
    // when / then
    assertThat(BusMessage.decode(BusMessage.encode("node-1", "ns", event)).event()).isEqualTo(event);
  }
}
