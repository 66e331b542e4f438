package dev.aether.testkit.process;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kills every {@link JvmProcess} still alive when the JVM exits, with its descendants, so that a test run that
 * forgets to close one (or is interrupted) leaves no process behind. One shutdown hook, registered when this
 * class is first used; thread-safe (a concurrent set). A JVM killed with SIGKILL runs no hook.
 */
final class ProcessReaper {

    private static final Set<ProcessHandle> PROCESSES = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(ProcessReaper::reapAll, "aether-jvm-process-reaper"));
    }

    private ProcessReaper() {
    }

    static void track(ProcessHandle process) {
        PROCESSES.add(process);
    }

    static void untrack(ProcessHandle process) {
        PROCESSES.remove(process);
    }

    /** Forcibly ends a process and all its descendants. */
    static void destroyTree(ProcessHandle process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private static void reapAll() {
        PROCESSES.forEach(ProcessReaper::destroyTree);
    }
}
