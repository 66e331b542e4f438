package dev.aether.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.store.InMemoryEventStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A command's payload takes the common {@code java.time} values as the ISO-8601 text Jackson writes (the project's
 * setup: {@code JavaTimeModule}, dates and durations not as timestamps), and refuses text with an unpaired UTF-16
 * surrogate naming its field; stored events holding such text still read.
 */
class RuntimeMessageValuesTest {

  private static Object sent(Object value) {
    return RuntimeMessage.of("Account", "a-1", "Note", Map.of("at", value)).payload().get("at");
  }

  private static InvalidInputException refused(RuntimeMessage.Builder message) {
    return org.assertj.core.api.Assertions.catchThrowableOfType(InvalidInputException.class, message::build);
  }

  private static RuntimeMessage.Builder note(Map<String, ?> payload) {
    return RuntimeMessage.builder("Account", "a-1", "Note").payload(payload);
  }

  @Test
  void anInstant_isSentAsJacksonWritesIt_wholeSecondsAndFractionsAsInstantToString() {
    assertThat(sent(Instant.parse("2026-12-07T08:00:00Z"))).isEqualTo("2026-12-07T08:00:00Z");
    assertThat(sent(Instant.parse("2026-12-07T08:00:00.500Z"))).isEqualTo("2026-12-07T08:00:00.500Z");
    assertThat(sent(Instant.parse("2026-12-07T08:00:00.000000001Z"))).isEqualTo("2026-12-07T08:00:00.000000001Z");
    assertThat(sent(Instant.parse("-0001-01-01T00:00:00Z"))).isEqualTo("-0001-01-01T00:00:00Z");
    assertThat(sent(Instant.parse("+10000-01-01T00:00:00Z"))).isEqualTo("+10000-01-01T00:00:00Z");
    assertThat(sent(Instant.EPOCH)).isEqualTo("1970-01-01T00:00:00Z");
  }

  @Test
  void anOffsetDateTime_isSentAsJacksonWritesIt_notAsItsToString() {
    OffsetDateTime wholeMinute = OffsetDateTime.of(2026, 12, 7, 9, 0, 0, 0, ZoneOffset.ofHours(1));
    assertThat(wholeMinute.toString()).isEqualTo("2026-12-07T09:00+01:00"); // no seconds: not what Jackson writes
    assertThat(sent(wholeMinute)).isEqualTo("2026-12-07T09:00:00+01:00");
    OffsetDateTime half = wholeMinute.withNano(500_000_000);
    assertThat(half.toString()).isEqualTo("2026-12-07T09:00:00.500+01:00");
    assertThat(sent(half)).isEqualTo("2026-12-07T09:00:00.5+01:00");
    assertThat(sent(wholeMinute.withOffsetSameInstant(ZoneOffset.UTC))).isEqualTo("2026-12-07T08:00:00Z");
    assertThat(sent(ZonedDateTime.of(2026, 12, 7, 9, 0, 0, 0, java.time.ZoneId.of("Europe/Paris"))))
        .isEqualTo("2026-12-07T09:00:00+01:00");
  }

  @Test
  void datesTimesAndDurations_areSentAsIsoText_alsoInsideListsAndMaps() {
    assertThat(sent(LocalDate.of(2026, 12, 7))).isEqualTo("2026-12-07");
    assertThat(sent(LocalDate.of(-5, 1, 1))).isEqualTo("-0005-01-01");
    assertThat(sent(LocalDateTime.of(2026, 12, 7, 8, 0))).isEqualTo("2026-12-07T08:00:00");
    assertThat(sent(LocalTime.of(8, 0))).isEqualTo("08:00:00");
    assertThat(sent(Duration.ofMillis(1500))).isEqualTo("PT1.5S");
    assertThat(sent(Duration.ZERO)).isEqualTo("PT0S");
    assertThat(sent(Period.ofDays(3))).isEqualTo("P3D");
    assertThat(sent(List.of(LocalDate.of(2026, 1, 1), Map.of("d", Duration.ofSeconds(5)), 7)))
        .isEqualTo(List.of("2026-01-01", Map.of("d", "PT5S"), 7L));
  }

  @Test
  void aJavaTimeValueJacksonWritesAsNoString_isRefusedNamingTheFieldAndWhatToSend() {
    InvalidInputException refused = refused(note(Map.of("lines", List.of(Map.of("c", Clock.systemUTC())))));

    assertThat(refused.field()).isEqualTo("payload.lines[0].c");
    assertThat(refused.getMessage()).contains("java.time.Clock").contains("send it as an ISO-8601 string");
    assertThat(refused(note(Map.of("o", new Object()))).field()).as("any other object, as before")
        .isEqualTo("payload.o");
  }

  @Test
  void textWithAnUnpairedSurrogate_isRefusedNamingItsField() {
    String lone = "ab\uD800cd";
    assertThat(refused(note(Map.of("note", lone)))).satisfies(e -> {
      assertThat(e.field()).isEqualTo("payload.note");
      assertThat(e.getMessage()).contains("unpaired UTF-16 surrogate", "\\ud800", "index 2");
    });
    assertThat(refused(note(Map.of("lines", List.of("ok", Map.of("t", "\uDC00")))))
        .field()).isEqualTo("payload.lines[1].t");
    assertThat(refused(note(Map.of("k\uDBFF", 1))).field()).isEqualTo("payload");
    assertThat(refused(note(Map.of()).traceId("t" + "\uD83D")).field()).isEqualTo("metadata.traceId");
    assertThat(refused(note(Map.of()).commandId("id\uDFFF")).field()).isEqualTo("commandId");
    assertThat(refused(RuntimeMessage.builder("Account", "a-1", "No\uD800te")).field()).isEqualTo("command");
  }

  @Test
  void wellFormedText_withSurrogatePairs_isTaken() {
    String emoji = "\uD83D\uDE00 and \uD834\uDD1E";
    assertThat(RuntimeMessage.of("Account", "a-1", "Note", Map.of("note", emoji, emoji, List.of(emoji))).payload())
        .containsEntry("note", emoji).containsEntry(emoji, List.of(emoji));
  }

  @Test
  void aStoredEventHoldingAnUnpairedSurrogate_stillReads() {
    // an earlier attempt refused such text in the value copier that events share, and old events stopped reading
    InMemoryEventStore store = InMemoryEventStore.create();
    store.saveEvent(Event.builder().eventType("Noted").streamId("Account/a-1").version(1)
        .data(Map.of("note", "ab\uD800cd")).build());

    assertThat(store.getEvents("Account/a-1", 1)).singleElement()
        .satisfies(e -> assertThat(e.data()).containsEntry("note", "ab\uD800cd"));
  }
}
