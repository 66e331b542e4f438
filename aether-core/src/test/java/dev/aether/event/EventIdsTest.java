package dev.aether.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class EventIdsTest {

  @Test
  void newId_isAVersion7UuidOfTheIetfVariant() {
    // when
    UUID id = UUID.fromString(EventIds.newId());
    // then
    assertThat(id.version()).isEqualTo(7);
    assertThat(id.variant()).isEqualTo(2);
  }

  @Test
  void newId_isWrittenInCanonicalLowerCaseForm() {
    assertThat(EventIds.newId()).matches("[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  }

  @Test
  void newId_carriesTheCurrentTimeInItsFirst48Bits() {
    // given
    long before = Instant.now().toEpochMilli();
    // when
    UUID id = UUID.fromString(EventIds.newId());
    // then
    long millis = id.getMostSignificantBits() >>> 16;
    assertThat(millis).isBetween(before, Instant.now().toEpochMilli());
  }

  @Test
  void newUuid_ofLaterMilliseconds_sortsLaterAsStringAndAsUuid() {
    // given
    long now = Instant.parse("2026-11-26T23:39:36.123Z").toEpochMilli();
    List<Long> times = List.of(now, now + 1, now + 2, now + 1000, now + 86_400_000L);
    // when
    List<UUID> ids = times.stream().map(EventIds::newUuid).toList();
    // then
    assertThat(ids).isSorted();
    assertThat(ids.stream().map(UUID::toString).toList()).isSorted();
    assertThat(ids).extracting(id -> id.getMostSignificantBits() >>> 16).containsExactlyElementsOf(times);
  }

  @Test
  void newUuid_spreadsItsRandomBits() {
    // the 74 bits after the time are not a visible counter: every one of them takes both values in 1,000 ids
    long now = Instant.parse("2026-11-26T23:39:36.123Z").toEpochMilli();
    long randAOr = 0;
    long randAAnd = -1;
    long randBOr = 0;
    long randBAnd = -1;
    for (int i = 0; i < 1_000; i++) {
      UUID id = EventIds.newUuid(now);
      randAOr |= id.getMostSignificantBits() & 0x0FFF;
      randAAnd &= id.getMostSignificantBits() & 0x0FFF;
      randBOr |= id.getLeastSignificantBits() & 0x3FFFFFFFFFFFFFFFL;
      randBAnd &= id.getLeastSignificantBits() & 0x3FFFFFFFFFFFFFFFL;
    }
    assertThat(randAOr).isEqualTo(0x0FFF);
    assertThat(randAAnd).isZero();
    assertThat(randBOr).isEqualTo(0x3FFFFFFFFFFFFFFFL);
    assertThat(randBAnd).isZero();
  }

  @Test
  void newUuid_withinOneMillisecond_isStillUnique() {
    // given
    long now = Instant.parse("2026-11-26T23:39:36.123Z").toEpochMilli();
    // when
    Set<UUID> ids = new HashSet<>();
    IntStream.range(0, 10_000).forEach(i -> ids.add(EventIds.newUuid(now)));
    // then
    assertThat(ids).hasSize(10_000);
    assertThat(ids).allSatisfy(id -> {
      assertThat(id.version()).isEqualTo(7);
      assertThat(id.variant()).isEqualTo(2);
    });
  }

  @Test
  void newUuid_fromManyThreadsInOneMillisecond_isUnique() throws Exception {
    // given: many threads drawing from the shared counter at once
    long now = Instant.parse("2026-11-26T23:39:36.123Z").toEpochMilli();
    int threads = 8;
    int perThread = 20_000;
    Set<UUID> ids = java.util.concurrent.ConcurrentHashMap.newKeySet();
    // when
    List<Thread> started = IntStream.range(0, threads).mapToObj(t -> Thread.ofPlatform().name("ids-" + t).start(
        () -> IntStream.range(0, perThread).forEach(i -> ids.add(EventIds.newUuid(now))))).toList();
    for (Thread thread : started) {
      thread.join();
    }
    // then
    assertThat(ids).hasSize(threads * perThread);
  }
}
