package dev.aether.nats;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class AckSubjectsTest {

  @Test
  void everyKnownForm_givesItsStreamSequence() {
    // <prefix>.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<timestamp>[.<pending>]
    assertThat(AckSubjects.streamSequence("$JS.ACK.aether_ns_EVENTS_0.c1.1.4711.12.1733300000000000000"))
        .isEqualTo(4711);
    assertThat(AckSubjects.streamSequence("$JS.ACK.aether_ns_EVENTS_0.c1.3.4712.12.1733300000000000000.9"))
        .isEqualTo(4712);
    // <prefix>.ACK.<domain>.<account hash>.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>...
    assertThat(AckSubjects.streamSequence("$JS.ACK._.ABCDEF.aether_ns_EVENTS_0.c1.1.4713.12.1733300000000000000.0.x"))
        .isEqualTo(4713);
    assertThat(AckSubjects.streamSequence("$JS.ACK.hub.ABCDEF.S.c.2.9.8.1733300000000000000.0"))
        .isEqualTo(9);
  }

  @Test
  void otherSubjects_areNotRead_soThatJnatsDecides() {
    assertThat(AckSubjects.streamSequence((String) null)).isEqualTo(-1);
    assertThat(AckSubjects.streamSequence("_INBOX.abc.def")).isEqualTo(-1);
    assertThat(AckSubjects.streamSequence("$JS.NAK.S.c.1.4711.12.1733300000000000000.9")).isEqualTo(-1);
    assertThat(AckSubjects.streamSequence("$JS.ACK.S.c.1.4711.12")).as("too few tokens").isEqualTo(-1);
    assertThat(AckSubjects.streamSequence("$JS.ACK.S.c.1.47x1.12.1733300000000000000.9")).isEqualTo(-1);
    assertThat(AckSubjects.streamSequence("$JS.ACK.S.c.1..12.1733300000000000000.9")).isEqualTo(-1);
    assertThat(AckSubjects.streamSequence("$JS.ACK.S.c.1.99999999999999999999.12.1733300000000000000.9"))
        .as("beyond a long").isEqualTo(-1);
  }
}
