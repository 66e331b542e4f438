package dev.aether.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.aether.event.Event;
import dev.aether.event.EventDecodingException;
import io.nats.client.impl.Headers;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CommitCodecTest {

  private static Event event(String streamId, long version) {
    return Event.builder().eventType("Tested").streamId(streamId).version(version).data(Map.of("v", version)).build();
  }

  private static Headers headers(Commit commit) {
    return CommitCodec.headers(commit, 7);
  }

  @Test
  void oneEvent_isItsJsonObject_andDecodesBack() {
    Event event = event("a.1", 3);
    Commit commit = CommitCodec.encode("a.1", List.of(event));
    assertThat(new String(commit.payload(), StandardCharsets.UTF_8)).startsWith("{");
    assertThat(CommitCodec.decode("a.1", headers(commit), commit.payload())).containsExactly(event);
  }

  @Test
  void severalEvents_areAJsonArray_andDecodeBackInOrder() {
    List<Event> events = List.of(event("a", 1), event("a", 2), event("a", 5));
    Commit commit = CommitCodec.encode("a", events);
    assertThat(new String(commit.payload(), StandardCharsets.UTF_8)).startsWith("[").endsWith("]");
    assertThat(CommitCodec.decode("a", headers(commit), commit.payload())).containsExactlyElementsOf(events);
  }

  @Test
  void headers_carryTheFenceTheIdAndTheVersionRange() {
    Commit commit = CommitCodec.encode("a", List.of(event("a", 2), event("a", 4)));
    Headers headers = CommitCodec.headers(commit, 41);
    assertThat(headers.getFirst("Nats-Expected-Last-Subject-Sequence")).isEqualTo("41");
    assertThat(headers.getFirst("Nats-Msg-Id")).isEqualTo(commit.messageId()).startsWith("4-");
    assertThat(headers.getFirst("Aether-Versions")).isEqualTo("2-4");
    assertThat(CommitCodec.versions(headers)).isEqualTo(new CommitCodec.Versions(2, 4));
    Headers single = CommitCodec.headers(CommitCodec.encode("a", List.of(event("a", 7))), 0);
    assertThat(single.getFirst("Aether-Versions")).isEqualTo("7");
    assertThat(CommitCodec.versions(single)).isEqualTo(new CommitCodec.Versions(7, 7));
  }

  @Test
  void messageId_isTheSameForTheSameCommit_andDiffersForOtherActorsOrEvents() {
    Event e = event("a", 1);
    String id = CommitCodec.encode("a", List.of(e)).messageId();
    assertThat(CommitCodec.encode("a", List.of(e)).messageId()).isEqualTo(id);
    assertThat(CommitCodec.encode("b", List.of(e.toBuilder().streamId("b").build())).messageId()).isNotEqualTo(id);
    assertThat(CommitCodec.encode("a", List.of(event("a", 1))).messageId()).isNotEqualTo(id);
    assertThat(id).matches("[0-9]+-[A-Za-z0-9_-]{22}");
  }

  @Test
  void decode_refusesWhatAnAetherStoreNeverWrites() {
    Commit commit = CommitCodec.encode("a", List.of(event("a", 1), event("a", 2)));
    byte[] payload = commit.payload();
    assertRefused("a", new Headers(), payload, "missing or invalid header Aether-Versions");
    assertRefused("b", headers(commit), payload, "belongs to actor");
    Headers shifted = headers(commit).put(CommitCodec.VERSIONS, "1-3");
    assertRefused("a", shifted, payload, "differ from the header's range");
    assertRefused("a", headers(commit), "not json".getBytes(StandardCharsets.UTF_8), "malformed JSON");
    assertRefused("a", headers(commit), "[]".getBytes(StandardCharsets.UTF_8), "empty commit");
    assertRefused("a", headers(commit), "[1]".getBytes(StandardCharsets.UTF_8), "expected END_ARRAY");
    assertRefused("a", headers(commit), new byte[0], "empty message");
    byte[] reversed = CommitCodec.encode("a", List.of(event("a", 2))).payload();
    String twice = "[" + new String(reversed, StandardCharsets.UTF_8) + "," + new String(reversed,
        StandardCharsets.UTF_8) + "]";
    Headers sameVersion = headers(commit).put(CommitCodec.VERSIONS, "2");
    assertRefused("a", sameVersion, twice.getBytes(StandardCharsets.UTF_8), "versions do not increase");
  }

  @Test
  void aCommitOfAnEarlierBuild_withItsFirstAndLastVersionHeaders_stillReads() {
    // found by a new user: builds before Aether-Versions wrote the range as two headers, and their commits were
    // refused as "not a commit written by an Aether store"
    Commit commit = CommitCodec.encode("a", List.of(event("a", 2), event("a", 3)));
    Headers earlier = new Headers().put(CommitCodec.MSG_ID, commit.messageId())
        .put("Aether-First-Version", "2").put("Aether-Last-Version", "3");
    CommitCodec.Versions versions = CommitCodec.versions(earlier);
    assertThat(versions).isEqualTo(new CommitCodec.Versions(2, 3));
    assertThat(CommitCodec.decode("a", versions, commit.payload())).extracting(Event::version).containsExactly(2L, 3L);
    assertThat(CommitCodec.versions(new Headers().put("Aether-First-Version", "3").put("Aether-Last-Version", "2")))
        .as("a decreasing range").isNull();
    assertThat(CommitCodec.versions(new Headers().put("Aether-First-Version", "2"))).as("one of the two").isNull();
  }

  @Test
  void versions_ignoresMissingZeroNonNumericOrDecreasingRanges() {
    assertThat(CommitCodec.versions(null)).isNull();
    assertThat(CommitCodec.versions(new Headers())).isNull();
    for (String value : List.of("0", "x", "0-2", "3-2", "1-", "-1", "1-2-3", "1-x", "")) {
      assertThat(CommitCodec.versions(new Headers().put(CommitCodec.VERSIONS, value))).as(value).isNull();
    }
    assertThat(CommitCodec.versions(new Headers().put(CommitCodec.VERSIONS, "3-3")))
        .isEqualTo(new CommitCodec.Versions(3, 3));
  }

  @Test
  void positive_readsThePositiveNumbersThatParseLongOfTheTrimmedValueReads() {
    for (String value : List.of("1", "42", " 7 ", "+5", "007", "9223372036854775807", "0", "-1", "-0", "",
        " ", "+", "1.5", "1e3", "12a", "9223372036854775808", "99999999999999999999", "\t3\t")) {
      long expected;
      try {
        expected = Long.parseLong(value.trim());
      } catch (NumberFormatException e) {
        expected = -1;
      }
      long actual = CommitCodec.positive(value);
      assertThat(actual > 0 ? actual : -1).as("\"%s\"", value).isEqualTo(expected > 0 ? expected : -1);
    }
  }

  private static void assertRefused(String streamId, Headers headers, byte[] payload, String reason) {
    assertThatExceptionOfType(EventDecodingException.class)
        .isThrownBy(() -> CommitCodec.decode(streamId, headers, payload))
        .withMessageContaining(reason);
  }
}
