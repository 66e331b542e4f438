package dev.aether.testkit.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A main class running in a separate JVM on this JVM's class path, for fault tests: real {@code kill -9},
 * {@code SIGSTOP} / {@code SIGCONT} and {@code SIGTERM} with a deadline.
 *
 * <pre>{@code
 * try (JvmProcess node = JvmProcess.builder("dev.aether.cluster.NodeMain").args(url, ns, "p1")
 *         .readyLine("READY p1").start()) {   // returns once the process printed its ready line
 *     node.pause();                          // SIGSTOP: frozen, answers nothing
 *     node.resume();                         // SIGCONT
 *     JvmProcess.Exit exit = node.terminate(Duration.ofSeconds(40)); // SIGTERM, SIGKILL after the deadline
 * }                                          // close(): SIGKILL if still alive
 * }</pre>
 *
 * <p>The child runs {@code java} of {@code java.home} with {@code -cp} = {@code java.class.path}, its standard
 * error merged into its standard output. A daemon thread reads that output: it keeps the last {@value
 * #TAIL_LINES} lines (for {@link #outputTail()} and error messages), optionally echoes them to this JVM's
 * standard error prefixed with the process name, and signals the ready line. Every process is killed on
 * {@link #close()} and, if still alive when this JVM exits, by a shutdown hook; an exited process is always
 * waited for, so no zombie is left. Signals other than SIGKILL and SIGTERM are sent with the {@code kill}
 * command (POSIX systems only).
 *
 * <p>Thread-safety: safe from any thread; the output tail is guarded by a lock, the rest is the JDK's
 * {@link Process}.
 */
public final class JvmProcess implements AutoCloseable {

    /** How long {@link Builder#start()} waits for the ready line unless told otherwise. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
    /** How many output lines are kept. */
    public static final int TAIL_LINES = 200;

    /**
     * How a process ended.
     *
     * @param code     its exit code (for example 143 after SIGTERM without a handler, 137 after SIGKILL)
     * @param graceful whether it exited by itself within the deadline, rather than being killed
     */
    public record Exit(int code, boolean graceful) {
    }

    private final String name;
    private final Process process;
    private final CountDownLatch ready = new CountDownLatch(1);
    private final ReentrantLock tailLock = new ReentrantLock();
    private final Deque<String> tail = new ArrayDeque<>(); // guarded by tailLock

    private JvmProcess(String name, Process process) {
        this.name = name;
        this.process = process;
    }

    /**
     * Returns a builder for a process running {@code mainClass}.
     *
     * @param mainClass the fully qualified name of a class with a {@code main} method on this class path
     * @return a new builder
     * @throws IllegalArgumentException when the name is blank
     */
    public static Builder builder(String mainClass) {
        if (mainClass == null || mainClass.isBlank()) {
            throw new IllegalArgumentException("mainClass must not be blank");
        }
        return new Builder(mainClass);
    }

    /**
     * Returns the process id.
     *
     * @return the operating system's pid
     */
    public long pid() {
        return process.pid();
    }

    /**
     * Returns the name given to the builder (the main class's simple name unless set).
     *
     * @return the name used in messages and echoed output
     */
    public String name() {
        return name;
    }

    /**
     * Returns whether the process has not exited (a paused process is alive).
     *
     * @return whether it is alive
     */
    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Kills the process with SIGKILL ({@code kill -9}, a crash: no shutdown hook runs), with its descendants,
     * and waits until it is gone. Does nothing when it has exited.
     *
     * @return its exit code
     */
    public int kill() {
        ProcessReaper.destroyTree(process.toHandle());
        int code = awaitExit(Duration.ofSeconds(30)).orElseThrow(
                () -> new JvmProcessException(name + " (pid " + pid() + ") did not die of SIGKILL within 30 s"));
        ProcessReaper.untrack(process.toHandle());
        return code;
    }

    /**
     * Freezes the process with SIGSTOP: its threads stop, it answers nothing, its sockets stay open (as in a
     * long GC pause or a hung VM). Returns once the kernel reports it stopped.
     *
     * @throws JvmProcessException when it has exited or the signal could not be sent
     */
    public void pause() {
        signal("STOP");
        awaitState(true);
    }

    /**
     * Lets a paused process run again with SIGCONT. Returns once the kernel reports it running.
     *
     * @throws JvmProcessException when it has exited or the signal could not be sent
     */
    public void resume() {
        signal("CONT");
        awaitState(false);
    }

    /**
     * Returns whether the process is stopped by a signal, as the kernel reports it ({@code /proc/<pid>/stat}
     * state {@code T}, or {@code ps} where there is no {@code /proc}).
     *
     * @return whether it is paused; false once it has exited
     */
    public boolean isPaused() {
        if (!process.isAlive()) {
            return false;
        }
        Path stat = Path.of("/proc", Long.toString(pid()), "stat");
        try {
            String state = Files.exists(stat) ? procState(Files.readString(stat)) : psState();
            return state.startsWith("T");
        } catch (IOException e) {
            return false; // exited meanwhile
        }
    }

    /**
     * Stops the process with SIGTERM (its shutdown hooks run: a graceful stop) and waits up to {@code deadline}
     * for it to exit; kills it with SIGKILL after that. A paused process is resumed first (a stopped process
     * would only act on SIGTERM once continued).
     *
     * @param deadline how long it may take to exit by itself
     * @return how it ended: {@link Exit#graceful()} is false when it had to be killed
     */
    public Exit terminate(Duration deadline) {
        Objects.requireNonNull(deadline, "deadline");
        if (!process.isAlive()) {
            return new Exit(process.exitValue(), true);
        }
        if (isPaused()) {
            resume();
        }
        process.toHandle().destroy(); // SIGTERM; Process.destroy() would also close our end of its output
        OptionalInt code = awaitExit(deadline);
        if (code.isPresent()) {
            ProcessReaper.untrack(process.toHandle());
            return new Exit(code.getAsInt(), true);
        }
        return new Exit(kill(), false);
    }

    /**
     * Waits until the process exits.
     *
     * @param timeout how long to wait
     * @return its exit code, or empty when it is still alive after {@code timeout}
     */
    public OptionalInt awaitExit(Duration timeout) {
        try {
            if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return OptionalInt.of(process.exitValue());
            }
            return OptionalInt.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalInt.empty();
        }
    }

    /**
     * Returns the last lines the process printed (standard output and error), oldest first.
     *
     * @return at most {@value #TAIL_LINES} lines
     */
    public List<String> outputTail() {
        tailLock.lock();
        try {
            return new ArrayList<>(tail);
        } finally {
            tailLock.unlock();
        }
    }

    /** Kills the process if it is still alive (SIGKILL) and waits until it is gone. Idempotent. */
    @Override
    public void close() {
        if (process.isAlive()) {
            kill();
        } else {
            ProcessReaper.untrack(process.toHandle());
        }
    }

    @Override
    public String toString() {
        return "JvmProcess[" + name + " pid " + pid() + (process.isAlive() ? "" : " exited") + "]";
    }

    private void signal(String signal) {
        if (!process.isAlive()) {
            throw new JvmProcessException("cannot send SIG" + signal + " to " + name + ": it has exited");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid()))
                    .redirectErrorStream(true).start();
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                throw new JvmProcessException("kill -" + signal + " " + pid() + " (" + name + ") failed: " + out);
            }
        } catch (IOException e) {
            throw new JvmProcessException("cannot run kill -" + signal + " for " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JvmProcessException("interrupted while sending SIG" + signal + " to " + name, e);
        }
    }

    /** Waits until the kernel reports the process stopped (or running again): a signal is delivered asynchronously. */
    private void awaitState(boolean paused) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (process.isAlive() && isPaused() != paused) {
            if (System.nanoTime() - deadline > 0) {
                throw new JvmProcessException(name + " is not " + (paused ? "stopped" : "running") + " 10 s after the signal");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /** The state field of {@code /proc/<pid>/stat}: after the command name's closing parenthesis. */
    private static String procState(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 1).strip();
    }

    private String psState() throws IOException {
        Process ps = new ProcessBuilder("ps", "-o", "stat=", "-p", Long.toString(pid())).start();
        return new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }

    private void readOutput(String readyLine, boolean echo) {
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                remember(line);
                if (echo) {
                    System.err.println("[" + name + "] " + line);
                }
                if (line.equals(readyLine)) {
                    ready.countDown();
                }
            }
        } catch (IOException e) {
            // the process is gone: its pipe closed
        }
    }

    private void remember(String line) {
        tailLock.lock();
        try {
            if (tail.size() == TAIL_LINES) {
                tail.removeFirst();
            }
            tail.addLast(line);
        } finally {
            tailLock.unlock();
        }
    }

    private void awaitReady(String readyLine, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (!ready.await(20, TimeUnit.MILLISECONDS)) {
                if (!process.isAlive() || System.nanoTime() - deadline > 0) {
                    String why = process.isAlive() ? "did not print \"" + readyLine + "\" within " + timeout
                            : "exited with code " + process.exitValue() + " before printing \"" + readyLine + "\"";
                    close();
                    throw new JvmProcessException(name + " " + why + "; last output:\n"
                            + String.join("\n", outputTail()));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new JvmProcessException("interrupted while waiting for " + name + " to be ready", e);
        }
    }

    /**
     * Builds and starts a {@link JvmProcess}. Setters check their arguments ({@link IllegalArgumentException}).
     * Not thread-safe.
     */
    public static final class Builder {

        private final String mainClass;
        private final List<String> args = new ArrayList<>();
        private final List<String> jvmArgs = new ArrayList<>();
        private String name;
        private String readyLine;
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private boolean echo;

        private Builder(String mainClass) {
            this.mainClass = mainClass;
            this.name = mainClass.substring(mainClass.lastIndexOf('.') + 1);
        }

        /**
         * Sets the program arguments.
         *
         * @param arguments passed to {@code main}, none may be null
         * @return this builder
         */
        public Builder args(String... arguments) {
            for (String a : arguments) {
                args.add(Objects.requireNonNull(a, "argument"));
            }
            return this;
        }

        /**
         * Adds JVM options, for example {@code -Xmx256m}.
         *
         * @param options placed before the main class, none may be null
         * @return this builder
         */
        public Builder jvmArgs(String... options) {
            for (String o : options) {
                jvmArgs.add(Objects.requireNonNull(o, "jvm option"));
            }
            return this;
        }

        /**
         * Sets the name used in messages and echoed output.
         *
         * @param processName not blank
         * @return this builder
         */
        public Builder name(String processName) {
            if (processName == null || processName.isBlank()) {
                throw new IllegalArgumentException("name must not be blank");
            }
            this.name = processName;
            return this;
        }

        /**
         * Makes {@link #start()} wait until the process prints exactly this line; without one, it returns at once.
         *
         * @param line the whole line, not blank
         * @return this builder
         */
        public Builder readyLine(String line) {
            if (line == null || line.isBlank()) {
                throw new IllegalArgumentException("readyLine must not be blank");
            }
            this.readyLine = line;
            return this;
        }

        /**
         * Sets how long {@link #start()} waits for the ready line.
         *
         * @param timeout positive; default {@link #DEFAULT_START_TIMEOUT}
         * @return this builder
         */
        public Builder startTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("startTimeout must be positive: " + timeout);
            }
            this.startTimeout = timeout;
            return this;
        }

        /**
         * Echoes the process's output to this JVM's standard error, each line prefixed with {@code [name]}.
         *
         * @param enabled default false
         * @return this builder
         */
        public Builder echo(boolean enabled) {
            this.echo = enabled;
            return this;
        }

        /**
         * Starts the process and waits for its ready line.
         *
         * @return the running process
         * @throws JvmProcessException when it cannot start, exits first or is not ready in time (it is then
         *                             killed; the message holds its last output)
         */
        public JvmProcess start() {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmArgs);
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(mainClass);
            command.addAll(args);
            Process started;
            try {
                started = new ProcessBuilder(command).redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new JvmProcessException("cannot start " + name + ": " + e.getMessage(), new UncheckedIOException(e));
            }
            ProcessReaper.track(started.toHandle());
            started.onExit().thenRun(() -> ProcessReaper.untrack(started.toHandle()));
            JvmProcess process = new JvmProcess(name, started);
            String line = readyLine;
            boolean echoing = echo;
            Thread.ofPlatform().daemon().name("jvm-process-" + name + "-output")
                    .start(() -> process.readOutput(line, echoing));
            if (readyLine != null) {
                process.awaitReady(readyLine, startTimeout);
            }
            return process;
        }
    }
}
