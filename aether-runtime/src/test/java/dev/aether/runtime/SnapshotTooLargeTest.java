package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.accepted;
import static dev.aether.runtime.Fixtures.eventually;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.aether.store.SnapshotTooLargeException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A state too large for a snapshot ({@link SnapshotTooLargeException}, a permanent refusal) is said once per actor,
 * not at every snapshot interval, and once more when a snapshot fits again; the actor keeps working and
 * replays its events on activation.
 */
class SnapshotTooLargeTest {

  private static final String STREAM = "Account/big";

  private final TestStore store = new TestStore();
  private final AtomicBoolean tooLarge = new AtomicBoolean(true);
  private final AtomicInteger attempts = new AtomicInteger();
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger runtimeLogger = (Logger) LoggerFactory.getLogger("dev.aether.runtime");
  private Level level;
  private Runtime runtime;

  @BeforeEach
  void start() {
    store.beforeSnapshot = streamId -> {
      attempts.incrementAndGet();
      if (tooLarge.get()) {
        throw new SnapshotTooLargeException(streamId, 0, 2_000_000, 1_048_320, "a test's limit", null);
      }
    };
    level = runtimeLogger.getLevel();
    runtimeLogger.setLevel(Level.INFO);
    log.start();
    runtimeLogger.addAppender(log);
    runtime = Fixtures.runtime(store).config(RuntimeConfig.builder().snapshotInterval(1).build()).build();
    runtime.start();
  }

  @AfterEach
  void stop() {
    runtime.close();
    runtimeLogger.detachAppender(log);
    runtimeLogger.setLevel(level);
  }

  @Test
  void aSnapshotRefusedAsTooLarge_isLoggedOncePerActor_andItsFitAgainToo() {
    accepted(runtime.sendMessage(Bank.open("big")));
    for (int i = 1; i <= 3; i++) {
      accepted(runtime.sendMessage(Bank.deposit("big", i)));
    }
    eventually().untilAsserted(() -> assertThat(attempts).hasValue(4)); // one per version: interval 1

    assertThat(warningsAbout(STREAM)).singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage()).contains("too large for a snapshot", "a test's limit"));

    tooLarge.set(false);
    accepted(runtime.sendMessage(Bank.deposit("big", 4)));
    eventually().untilAsserted(() -> assertThat(log.list).filteredOn(e -> e.getLevel() == Level.INFO)
        .anySatisfy(e -> assertThat(e.getFormattedMessage()).contains(STREAM, "fits in a snapshot again", "v5")));
    assertThat(warningsAbout(STREAM)).hasSize(1);
  }

  @Test
  void anActorWhoseStateIsTooLargeForASnapshot_replaysItsEventsOnActivation() {
    accepted(runtime.sendMessage(Bank.open("big")));
    accepted(runtime.sendMessage(Bank.deposit("big", 7)));
    Fixtures.join(runtime.stopVM(ActorKey.of("Account", "big")));

    assertThat(accepted(runtime.sendMessage(Bank.deposit("big", 1))).newVersion()).isEqualTo(3);
    assertThat(runtime.registry().get(ActorKey.of("Account", "big")).orElseThrow().getState())
        .containsEntry("balance", 8L);
    assertThat(store.inner.getLatestSnapshot(STREAM)).isEmpty();
  }

  private java.util.List<ILoggingEvent> warningsAbout(String streamId) {
    return log.list.stream().filter(e -> e.getLevel() == Level.WARN)
        .filter(e -> e.getFormattedMessage().contains(streamId)).toList();
  }
}
