package dev.aether.runtime;

import static dev.aether.runtime.Fixtures.accepted;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A runtime closed after its store (the wrong order) cannot write its actors' last snapshots: that is said in one
 * WARN naming the count, the first actor and the order to close in, not in a WARN with a stack trace per actor; so
 * is a drain of many actors (a cluster node drains its actors before it closes its runtime).
 */
class LastSnapshotOnCloseTest {

  private final TestStore store = new TestStore();
  private final AtomicBoolean storeClosed = new AtomicBoolean();
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private final Logger runtimeLogger = (Logger) LoggerFactory.getLogger("dev.aether.runtime");
  private Level level;
  private Runtime runtime;

  @BeforeEach
  void start() {
    store.beforeSnapshot = streamId -> {
      if (storeClosed.get()) {
        throw new IllegalStateException("the test's event store is closed");
      }
    };
    level = runtimeLogger.getLevel();
    runtimeLogger.setLevel(Level.INFO);
    log.start();
    runtimeLogger.addAppender(log);
    runtime = Fixtures.runtime(store).build();
    runtime.start();
  }

  @AfterEach
  void stop() {
    runtime.close();
    runtimeLogger.detachAppender(log);
    runtimeLogger.setLevel(level);
  }

  @Test
  void aRuntimeClosedAfterItsStore_saysOnceThatItsActorsStoppedWithoutTheirLastSnapshot() {
    for (int i = 0; i < 5; i++) {
      accepted(runtime.sendMessage(Bank.open("acc-" + i)));
    }
    storeClosed.set(true);

    runtime.close();

    List<ILoggingEvent> warnings = log.list.stream().filter(e -> e.getLevel() == Level.WARN).toList();
    assertThat(warnings).singleElement().satisfies(e -> {
      assertThat(e.getFormattedMessage()).contains("5 actor(s) stopped without their last snapshot",
          "the test's event store is closed", "close the runtime (or cluster node) first, then the store");
      assertThat(e.getThrowableProxy()).isNull();
    });
  }

  @Test
  void aDrainOfManyActors_saysTheirFailedSnapshotsOnce_asAClusterNodeStoppingDoes() {
    List<ActorKey> keys = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      accepted(runtime.sendMessage(Bank.open("drained-" + i)));
      keys.add(ActorKey.of("Account", "drained-" + i));
    }
    storeClosed.set(true);

    Fixtures.join(runtime.drain(keys));

    assertThat(log.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage()).contains("4 actor(s) stopped without their last"));
  }

  @Test
  void aSnapshotFailingWhileTheRuntimeRuns_isStillSaidForItsActor() {
    accepted(runtime.sendMessage(Bank.open("acc-1")));
    storeClosed.set(true);

    Fixtures.join(runtime.stopVM(ActorKey.of("Account", "acc-1")));

    assertThat(log.list).filteredOn(e -> e.getLevel() == Level.WARN).singleElement()
        .satisfies(e -> assertThat(e.getFormattedMessage()).contains("snapshot of Account/acc-1 at v1 failed"));
  }
}
