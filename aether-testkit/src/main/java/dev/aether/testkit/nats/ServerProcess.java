package dev.aether.testkit.nats;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

/**
 * One running nats-server process: launched with a configuration file, its output appended to a log
 * file, ready once its client port answers with an {@code INFO} line.
 *
 * <p>Readiness needs no NATS client: a plain TCP connect and the first protocol line. A stand-alone
 * server enables JetStream (and recovers its store) before it opens the client port, so the
 * {@code INFO} line also means JetStream is ready. Not thread-safe; {@link NatsServer} guards it.
 */
final class ServerProcess {

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);
    private static final int CONNECT_TIMEOUT_MILLIS = 200;
    private static final int READ_TIMEOUT_MILLIS = 100;
    private static final int MAX_INFO_BYTES = 64 * 1024;
    private static final int LOG_TAIL_LINES = 25;

    private final Process process;
    private final Path logFile;
    private final String name;

    private ServerProcess(Process process, Path logFile, String name) {
        this.process = process;
        this.logFile = logFile;
        this.name = name;
    }

    /** Starts the binary with a configuration file and extra arguments; output goes to the log file. */
    static ServerProcess launch(Path binary, Path configFile, List<String> args, Path logFile, String name) {
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-c", configFile.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        try {
            Process process = builder.start();
            Reaper.track(process.toHandle());
            return new ServerProcess(process, logFile, name);
        } catch (IOException e) {
            throw new NatsServerException("cannot start " + command, e);
        }
    }

    /**
     * Waits until the client port sends its {@code INFO} line and returns that line's JSON.
     *
     * @throws PortInUseException  when the process exited because a port was taken
     * @throws NatsServerException when the process exited or the timeout passed
     */
    String awaitReady(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw exitedDuringStart(port);
            }
            String info = tryReadInfo(port);
            if (info != null) {
                return info;
            }
            if (System.nanoTime() - deadline > 0) {
                throw failure("did not accept connections on " + ServerConfig.HOST + ":" + port + " within " + timeout);
            }
            LockSupport.parkNanos(POLL_NANOS);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                throw failure("interrupted while waiting for start-up");
            }
        }
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Stops every thread of the process with SIGSTOP and waits until the kernel reports each one stopped ({@code kill}
     * returns before they are, and on a busy machine the server could still answer a publish sent right after).
     */
    void freeze() {
        signal("STOP");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!allThreadsStopped()) {
            if (System.nanoTime() - deadline > 0) {
                signal("CONT");
                throw new NatsServerException("nats-server " + name + " is not stopped 10 s after SIGSTOP");
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** Lets a frozen process run again with SIGCONT. */
    void thaw() {
        signal("CONT");
    }

    /** @return whether every thread of the process is stopped by a signal (false once it has exited) */
    boolean isFrozen() {
        return process.isAlive() && allThreadsStopped();
    }

    private boolean allThreadsStopped() {
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(process.pid()), "task"))) {
            for (Path task : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(task.resolve("stat"));
                } catch (NoSuchFileException gone) {
                    continue;
                }
                char state = stat.charAt(stat.lastIndexOf(')') + 2);
                if (state != 'T' && state != 't' && state != 'Z' && state != 'X') {
                    return false;
                }
            }
            return true;
        } catch (NoSuchFileException gone) {
            return false; // exited
        } catch (IOException e) {
            throw new NatsServerException("cannot read the state of nats-server " + name + " (pid " + process.pid()
                    + ") from /proc: " + e.getMessage(), e);
        }
    }

    private void signal(String signal) {
        if (!process.isAlive()) {
            throw new NatsServerException("cannot send SIG" + signal + " to nats-server " + name + ": it has exited");
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
                    .redirectErrorStream(true).start();
            String out = new String(kill.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (kill.waitFor() != 0) {
                throw new NatsServerException("kill -" + signal + " " + process.pid() + " (nats-server " + name
                        + ") failed: " + out);
            }
        } catch (IOException e) {
            throw new NatsServerException("cannot run kill -" + signal + " for nats-server " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NatsServerException("interrupted while sending SIG" + signal + " to nats-server " + name, e);
        }
    }

    /** Sends SIGTERM, waits up to {@code grace} for a clean exit, then kills the process tree. */
    void stop(Duration grace) {
        if (isFrozen()) {
            try {
                signal("CONT"); // a frozen process would act on SIGTERM only once continued
            } catch (NatsServerException exitedMeanwhile) {
                // gone already: nothing to continue
            }
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!awaitExit(grace)) {
            kill();
            return;
        }
        Reaper.untrack(process.toHandle());
    }

    /** Kills the process tree with SIGKILL, like a crash, and waits until it is gone. */
    void kill() {
        Reaper.destroyTree(process.toHandle());
        awaitExit(Duration.ofSeconds(10));
        Reaper.untrack(process.toHandle());
    }

    /** Returns the tail of the log file, for error messages. */
    String logTail() {
        return "--- last lines of " + logFile + " ---\n" + FixtureFiles.tail(logFile, LOG_TAIL_LINES);
    }

    private boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Reaper.destroyTree(process.toHandle());
            return false;
        }
    }

    private NatsServerException exitedDuringStart(int port) {
        Reaper.untrack(process.toHandle());
        String message = "nats-server " + name + " exited with code " + process.exitValue()
                + " during start-up (client port " + port + ")\n" + logTail();
        return message.toLowerCase(Locale.ROOT).contains("address already in use")
                ? new PortInUseException(message)
                : new NatsServerException(message);
    }

    private NatsServerException failure(String what) {
        kill();
        return new NatsServerException("nats-server " + name + " " + what + "\n" + logTail());
    }

    private static String tryReadInfo(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(ServerConfig.HOST, port), CONNECT_TIMEOUT_MILLIS);
            socket.setSoTimeout(READ_TIMEOUT_MILLIS);
            String line = readLine(socket.getInputStream());
            return line.startsWith("INFO ") ? line.substring("INFO ".length()).strip() : null;
        } catch (IOException e) {
            return null; // not listening yet, or closed before INFO: poll again
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n' && line.size() < MAX_INFO_BYTES) {
            line.write(b);
        }
        return line.toString(StandardCharsets.UTF_8);
    }
}
