package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.accepted;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.event.Event;
import dev.aether.event.EventMetadata;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Issue 9 §4: a message's metadata reaches its stored events unchanged; only what it lacks is filled in. */
class MetadataTest {

  private final TestStore store = new TestStore();
  private Runtime runtime;

  @BeforeEach
  void start() {
    runtime = Fixtures.runtime(store).build();
    runtime.start();
  }

  @AfterEach
  void close() {
    runtime.close();
  }

  @Test
  void explicitCausationCorrelationUserAndTraceIds_reachTheStoredEventsUnchanged() {
    RuntimeMessage open = RuntimeMessage.builder(Bank.TYPE, "meta", "Open").payload(Map.of("owner", "o"))
        .commandId("cmd-1").causationId("event-41").correlationId("order-7").userId("alice").traceId("trace-9")
        .metadata("tenant", "t1").build();

    Event stored = accepted(runtime.sendMessage(open)).events().getFirst();

    assertThat(store.events(Bank.stream("meta"))).containsExactly(stored);
    assertThat(stored.metadata()).containsEntry(EventMetadata.CAUSATION_ID, "event-41")
        .containsEntry(EventMetadata.CORRELATION_ID, "order-7").containsEntry(EventMetadata.USER_ID, "alice")
        .containsEntry(EventMetadata.TRACE_ID, "trace-9").containsEntry("tenant", "t1");
    assertThat(stored.commandId()).contains("cmd-1");
  }

  @Test
  void withoutCausationOrCorrelationId_theCommandIdStandsIn() {
    RuntimeMessage open = RuntimeMessage.builder(Bank.TYPE, "meta-2", "Open").payload(Map.of("owner", "o"))
        .commandId("cmd-2").userId("bob").build();

    Event stored = accepted(runtime.sendMessage(open)).events().getFirst();

    assertThat(stored.metadata()).containsEntry(EventMetadata.CAUSATION_ID, "cmd-2")
        .containsEntry(EventMetadata.CORRELATION_ID, "cmd-2").containsEntry(EventMetadata.USER_ID, "bob");
  }

  @Test
  void aBlankWellKnownId_isRefusedNamingIt_notStampedOnEveryEvent() {
    for (String blank : new String[] {"", " ", "\t"}) {
      RuntimeMessage.Builder b = RuntimeMessage.builder("Account", "a", "Open");
      assertThatField(() -> b.correlationId(blank), "correlationId");
      assertThatField(() -> b.causationId(blank), "causationId");
      assertThatField(() -> b.userId(blank), "userId");
      assertThatField(() -> b.traceId(blank), "traceId");
    }
  }

  private static void assertThatField(Runnable call, String field) {
    org.assertj.core.api.Assertions.assertThatThrownBy(call::run).isInstanceOfSatisfying(
        dev.aether.InvalidInputException.class, e -> assertThat(e.field()).isEqualTo(field));
  }
}
