package dev.aether.testkit.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Real child JVMs ({@link WaitingMain}) crashed, paused, resumed and stopped by {@link JvmProcess}. */
class JvmProcessTest {

    private static JvmProcess start(String mode) {
        return JvmProcess.builder(WaitingMain.class.getName()).args(mode).readyLine("READY").start();
    }

    @Test
    void start_returnsOnceTheReadyLineIsPrinted() {
        try (JvmProcess child = start("polite")) {
            assertThat(child.isAlive()).isTrue();
            assertThat(child.outputTail()).contains("READY");
            assertThat(child.name()).isEqualTo("WaitingMain");
        }
    }

    @Test
    void kill_isACrash_noShutdownHookRuns() {
        try (JvmProcess child = start("polite")) {
            int code = child.kill();
            assertThat(code).isEqualTo(137);
            assertThat(child.isAlive()).isFalse();
            assertThat(child.outputTail()).doesNotContain("BYE");
        }
    }

    @Test
    void pause_freezesTheProcess_andResumeLetsItRunAgain() {
        try (JvmProcess child = start("polite")) {
            child.pause();
            assertThat(child.isPaused()).isTrue();
            assertThat(child.isAlive()).isTrue();
            child.resume();
            assertThat(child.isPaused()).isFalse();
            assertThat(child.terminate(Duration.ofSeconds(30)).graceful()).isTrue();
        }
    }

    @Test
    void terminate_runsTheShutdownHooks_aGracefulExit() {
        try (JvmProcess child = start("polite")) {
            JvmProcess.Exit exit = child.terminate(Duration.ofSeconds(30));
            assertThat(exit.graceful()).isTrue();
            assertThat(exit.code()).isEqualTo(143);
            await().atMost(Duration.ofSeconds(10)).until(() -> child.outputTail().contains("BYE"));
        }
    }

    @Test
    void terminate_ofAPausedProcess_resumesItFirst() {
        try (JvmProcess child = start("polite")) {
            child.pause();
            assertThat(child.terminate(Duration.ofSeconds(30)).graceful()).isTrue();
            assertThat(child.isAlive()).isFalse();
        }
    }

    @Test
    void terminate_killsAProcessThatDoesNotExitByTheDeadline() {
        try (JvmProcess child = start("stubborn")) {
            JvmProcess.Exit exit = child.terminate(Duration.ofMillis(500));
            assertThat(exit.graceful()).isFalse();
            assertThat(exit.code()).isEqualTo(137);
            assertThat(child.isAlive()).isFalse();
        }
    }

    @Test
    void start_withoutTheReadyLineInTime_failsNamingIt_andKillsTheProcess() {
        JvmProcess.Builder builder = JvmProcess.builder(WaitingMain.class.getName()).args("silent")
            .readyLine("READY").startTimeout(Duration.ofMillis(300)).name("mute");
        assertThatThrownBy(builder::start).isInstanceOf(JvmProcessException.class)
            .hasMessageContaining("mute did not print \"READY\"");
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().arguments()
            .map(a -> a.length > 0 && a[a.length - 1].equals("silent")).orElse(false))
            .filter(p -> p.parent().map(pp -> pp.pid() == ProcessHandle.current().pid()).orElse(false))
            .filter(ProcessHandle::isAlive).count()).isZero();
    }

    @Test
    void start_ofAProcessThatExits_failsWithItsExitCode() {
        JvmProcess.Builder builder = JvmProcess.builder("no.such.MainClass").readyLine("READY");
        assertThatThrownBy(builder::start).isInstanceOf(JvmProcessException.class)
            .hasMessageContaining("exited with code 1");
    }

    @Test
    void builder_refusesBadArguments() {
        assertThatThrownBy(() -> JvmProcess.builder(" ")).isInstanceOf(IllegalArgumentException.class)
            .hasMessageContaining("mainClass");
        assertThatThrownBy(() -> JvmProcess.builder("x.Y").startTimeout(Duration.ZERO))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("startTimeout");
        assertThatThrownBy(() -> JvmProcess.builder("x.Y").readyLine(""))
            .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("readyLine");
    }
}
