package dev.aether.testkit.nats;

import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Kills every server process still alive and deletes every work directory still present when the JVM
 * exits, so that a test run that forgets to close a fixture (or is interrupted) leaves nothing behind.
 *
 * <p>One shutdown hook, registered when this class is first used. Thread-safe: both registries are
 * concurrent sets. A JVM killed with SIGKILL runs no hook; its servers are then orphaned.
 */
final class Reaper {

    private static final Set<ProcessHandle> PROCESSES = ConcurrentHashMap.newKeySet();
    private static final Set<Path> DIRECTORIES = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Reaper::reapAll, "aether-nats-reaper"));
    }

    private Reaper() {
    }

    static void track(ProcessHandle process) {
        PROCESSES.add(process);
    }

    static void untrack(ProcessHandle process) {
        PROCESSES.remove(process);
    }

    static void trackDirectory(Path directory) {
        DIRECTORIES.add(directory);
    }

    static void untrackDirectory(Path directory) {
        DIRECTORIES.remove(directory);
    }

    /** Forcibly ends a process and all its descendants. */
    static void destroyTree(ProcessHandle process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static void reapAll() {
        PROCESSES.forEach(Reaper::destroyTree);
        for (ProcessHandle process : PROCESSES) {
            try {
                process.onExit().get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                // best effort while the JVM exits
            }
        }
        DIRECTORIES.forEach(FixtureFiles::deleteQuietly);
    }
}
