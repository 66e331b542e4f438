package dev.aether.testkit.nats;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A real nats-server process for integration tests: JetStream on, bound to a free 127.0.0.1 port, with
 * a fresh temporary store directory that is deleted on {@link #close()}.
 *
 * <pre>{@code
 * try (NatsServer server = NatsServer.builder().start()) {
 *     connect(server.url()); // nats://127.0.0.1:<port>
 * }
 * }</pre>
 *
 * <p>The binary is, in this order: {@link Builder#binary(Path)}, the path in the environment variable
 * {@code AETHER_NATS_SERVER}, the first {@code nats-server} on {@code PATH} or in {@code /usr/sbin},
 * {@code /usr/local/sbin}, {@code /usr/local/bin}, {@code /usr/bin}, {@code /opt/homebrew/bin},
 * {@code ~/go/bin}. Without
 * one, {@link Builder#build()} throws {@link NatsServerNotFoundException}, whose message names the
 * install command.
 *
 * <p>Each server has a private work directory (in {@code java.io.tmpdir}) holding its configuration
 * file, its log ({@code server.log}, stdout and stderr) and, unless the caller supplies one, its store
 * directory. {@link #restart()} reuses the ports, the store and the name, so data acknowledged before
 * a restart (or a {@link #kill()}) must still be there after it. A JVM shutdown hook kills every
 * server still running and deletes every work directory still present.
 *
 * <p>Thread-safety: lifecycle methods ({@code start}, {@code stop}, {@code restart}, {@code kill},
 * {@code close}) are serialized by one lock, which also guards the process and the last start data;
 * the other accessors are safe from any thread.
 *
 * <p>This file is longer than our usual 500 lines because it also holds {@link Builder}, one
 * documented setter per option.
 */
public final class NatsServer implements AutoCloseable {

    /** How long {@link #start()} waits for the server to accept connections. */
    public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(10);
    /** How long {@link #stop()} waits for a graceful exit before it kills the process. */
    public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(5);

    private static final System.Logger LOG = System.getLogger(NatsServer.class.getName());
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final int MAX_START_ATTEMPTS = 4;

    private final ServerSettings settings;
    private final Path workDir;
    private final Path storeDir;
    private final ReentrantLock lock = new ReentrantLock();

    // guarded by lock
    private ServerConfig config;
    private List<Integer> reservedPorts;
    private Optional<ServerProcess> process = Optional.empty();
    private Optional<String> info = Optional.empty();
    private Duration lastStartDuration = Duration.ZERO;
    private boolean startedOnce;
    private boolean closed;

    private NatsServer(ServerSettings settings, Path workDir, Path storeDir, ServerConfig config,
            List<Integer> reservedPorts) {
        this.settings = settings;
        this.workDir = workDir;
        this.storeDir = storeDir;
        this.config = config;
        this.reservedPorts = List.copyOf(reservedPorts);
    }

    /**
     * Returns a builder with the defaults: JetStream on, free ports, temporary store directory.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Creates a server with the defaults, not started yet.
     *
     * @return the server; call {@link #start()}
     * @throws NatsServerNotFoundException when no nats-server binary is found
     */
    public static NatsServer create() {
        return builder().build();
    }

    /**
     * Starts the process and waits until it accepts client connections (with JetStream ready).
     * When this server picked its own ports and one is taken by another process meanwhile, it retries
     * with new ports, at most a few times and only before its first successful start.
     *
     * @return this server
     * @throws IllegalStateException when the server is running or closed
     * @throws NatsServerException   when the process exits during start-up or is not ready in time;
     *                               the message holds the tail of its log
     */
    public NatsServer start() {
        return locked(() -> {
            requireUsable();
            if (process.isPresent() && process.get().isAlive()) {
                throw new IllegalStateException("nats-server " + name() + " is already running");
            }
            startWithRetries();
            return this;
        });
    }

    /**
     * Stops the server gracefully (SIGTERM), kills it if it has not exited after the stop timeout, and
     * waits until the process is gone. Does nothing when it is not running.
     */
    public void stop() {
        locked(() -> {
            process.ifPresent(p -> p.stop(settings.stopTimeout()));
            process = Optional.empty();
            return null;
        });
    }

    /**
     * Kills the server with SIGKILL, as a crash would, and waits until the process is gone. Does nothing
     * when it is not running.
     */
    public void kill() {
        locked(() -> {
            process.ifPresent(ServerProcess::kill);
            process = Optional.empty();
            return null;
        });
    }

    /**
     * Freezes the server with SIGSTOP, as a hung machine or a long pause would: it keeps its sockets open (clients
     * stay connected) but answers nothing. Returns once every thread of the process is stopped. {@link #thaw()}
     * lets it run again; {@link #stop()}, {@link #kill()}, {@link #restart()} and closing also work on a frozen
     * server. Linux only (reads {@code /proc}).
     *
     * @throws IllegalStateException when the server is not running
     * @throws NatsServerException   when the signal cannot be sent or the process does not stop
     */
    public void freeze() {
        locked(() -> {
            running("freeze").freeze();
            return null;
        });
    }

    /**
     * Lets a server frozen by {@link #freeze()} run again (SIGCONT); its clients' connections are still there.
     *
     * @throws IllegalStateException when the server is not running
     * @throws NatsServerException   when the signal cannot be sent
     */
    public void thaw() {
        locked(() -> {
            running("thaw").thaw();
            return null;
        });
    }

    /**
     * Tells whether the server is frozen ({@link #freeze()}): every thread of its process stopped by a signal.
     *
     * @return true while frozen; false when running normally or not running
     */
    public boolean isFrozen() {
        return locked(() -> process.map(ServerProcess::isFrozen).orElse(false));
    }

    private ServerProcess running(String action) {
        return process.filter(ServerProcess::isAlive).orElseThrow(() -> new IllegalStateException("cannot " + action
                + " nats-server " + name() + ": it is not running"));
    }

    /**
     * Stops the server if it is running, then starts it again on the same ports, with the same name
     * and the same store directory.
     *
     * @return this server
     * @throws IllegalStateException when the server is closed
     * @throws NatsServerException   when it does not start again (for example its port was taken)
     */
    public NatsServer restart() {
        return locked(() -> {
            requireUsable();
            stop();
            startWithRetries();
            return this;
        });
    }

    /**
     * Stops the server and deletes its work directory, including the store directory unless the caller
     * supplied it. Idempotent.
     */
    @Override
    public void close() {
        locked(() -> {
            if (closed) {
                return null;
            }
            closed = true;
            try {
                stop();
            } finally {
                deleteWorkDir();
                reservedPorts.forEach(Ports::release);
            }
            return null;
        });
    }

    /**
     * Returns the client URL.
     *
     * @return {@code nats://127.0.0.1:<port>}
     */
    public String url() {
        return "nats://" + ServerConfig.HOST + ":" + port();
    }

    /**
     * Returns the client port; it stays the same across restarts.
     *
     * @return the port on 127.0.0.1
     */
    public int port() {
        return locked(() -> config.port());
    }

    /**
     * Returns the HTTP monitoring port.
     *
     * @return the port on 127.0.0.1
     */
    public int monitorPort() {
        return locked(() -> config.monitorPort());
    }

    /**
     * Returns the HTTP monitoring base URL.
     *
     * @return {@code http://127.0.0.1:<monitorPort>}
     */
    public String monitorUrl() {
        return Monitor.baseUrl(monitorPort());
    }

    /**
     * GETs a monitoring endpoint, for example {@code "/varz"}, {@code "/jsz?streams=true"},
     * {@code "/routez"} or {@code "/healthz"}, and returns the body whatever the HTTP status.
     *
     * @param path the path with its query, starting with {@code /}
     * @return the response body (JSON)
     * @throws NatsServerException when the request fails, for example because the server is down
     */
    public String monitor(String path) {
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + path);
        }
        try {
            return Monitor.get(monitorPort(), path).body();
        } catch (IOException e) {
            throw new NatsServerException("GET " + monitorUrl() + path + " failed: " + e, e);
        }
    }

    /**
     * Returns the JetStream store directory; it stays the same across restarts.
     *
     * @return the directory the server's {@code jetstream/} directory lives in
     */
    public Path storeDir() {
        return storeDir;
    }

    /**
     * Returns the file that collects the server's stdout and stderr (appended across restarts).
     *
     * @return the log file in the work directory
     */
    public Path logFile() {
        return workDir.resolve("server.log");
    }

    /**
     * Returns the server name ({@code server_name}).
     *
     * @return the name, unique within this JVM unless the caller chose it
     */
    public String name() {
        return settings.name();
    }

    /**
     * Returns the version of the binary, such as {@code 2.9.10}, asked once per binary and cached.
     *
     * @return the version without a leading {@code v}
     * @throws NatsServerException when {@code nats-server --version} cannot be run or read
     */
    public String version() {
        return Versions.of(settings.binary());
    }

    /**
     * Returns the nats-server executable this server runs.
     *
     * @return the absolute path
     */
    public Path binary() {
        return settings.binary();
    }

    /**
     * Tells whether the process is alive (it may have died on its own).
     *
     * @return true while the process runs
     */
    public boolean isRunning() {
        return locked(() -> process.map(ServerProcess::isAlive).orElse(false));
    }

    /**
     * Returns the JSON of the {@code INFO} line the server sent at its last start.
     *
     * @return the INFO JSON, for example with {@code "jetstream":true}
     * @throws IllegalStateException when the server has never started
     */
    public String info() {
        return locked(() -> info.orElseThrow(() -> new IllegalStateException("nats-server " + name()
                + " has not started")));
    }

    /**
     * Returns how long the last successful start took, from launching the process to the first
     * {@code INFO} line.
     *
     * @return the duration, zero before the first start
     */
    public Duration lastStartDuration() {
        return locked(() -> lastStartDuration);
    }

    @Override
    public String toString() {
        return "NatsServer[" + name() + " " + url() + " store=" + storeDir + "]";
    }

    private void startWithRetries() {
        for (int attempt = 1; ; attempt++) {
            try {
                startOnce();
                startedOnce = true;
                return;
            } catch (PortInUseException e) {
                if (startedOnce || reservedPorts.isEmpty() || attempt == MAX_START_ATTEMPTS) {
                    throw e;
                }
                LOG.log(Level.DEBUG, "port taken, retrying nats-server {0} with new ports", name());
                reassignPorts();
            }
        }
    }

    private void startOnce() {
        Path configFile = workDir.resolve("server.conf");
        FixtureFiles.write(configFile, config.render());
        long begin = System.nanoTime();
        ServerProcess started = ServerProcess.launch(settings.binary(), configFile, settings.args(), logFile(), name());
        process = Optional.of(started);
        String infoJson = started.awaitReady(config.port(), settings.startTimeout());
        lastStartDuration = Duration.ofNanos(System.nanoTime() - begin);
        info = Optional.of(infoJson);
        LOG.log(Level.DEBUG, "nats-server {0} ready on {1} in {2} ms", name(), url(), lastStartDuration.toMillis());
    }

    private void reassignPorts() {
        process = Optional.empty();
        reservedPorts.forEach(Ports::release);
        List<Integer> fresh = new ArrayList<>();
        config = config.withPorts(
                pick(settings.port(), fresh), pick(settings.monitorPort(), fresh));
        reservedPorts = List.copyOf(fresh);
    }

    /** Returns the requested port, or reserves a free one (recorded in {@code reserved}) for 0. */
    private static int pick(int requested, List<Integer> reserved) {
        if (requested != 0) {
            return requested;
        }
        int port = Ports.reserve();
        reserved.add(port);
        return port;
    }

    private void requireUsable() {
        if (closed) {
            throw new IllegalStateException("nats-server " + name() + " is closed");
        }
    }

    private void deleteWorkDir() {
        FixtureFiles.deleteQuietly(workDir);
        Reaper.untrackDirectory(workDir);
    }

    private <T> T locked(Supplier<T> action) {
        lock.lock();
        try {
            return action.get();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Builds a {@link NatsServer}. Every setter checks its argument and refuses a bad value with
     * {@link IllegalArgumentException}. Not thread-safe.
     */
    public static final class Builder {

        private Optional<Path> binary = Optional.empty();
        private Optional<String> minimumVersion = Optional.empty();
        private boolean jetStream = true;
        private Optional<Path> storeDir = Optional.empty();
        private int port;
        private int monitorPort;
        private Optional<String> name = Optional.empty();
        private String config = "";
        private List<String> args = List.of();
        private Duration startTimeout = DEFAULT_START_TIMEOUT;
        private Duration stopTimeout = DEFAULT_STOP_TIMEOUT;
        private Optional<ServerConfig.ClusterSection> cluster = Optional.empty();

        private Builder() {
        }

        /**
         * Uses this executable instead of {@code AETHER_NATS_SERVER} or {@code PATH}.
         *
         * @param executable the nats-server executable
         * @return this builder
         */
        public Builder binary(Path executable) {
            this.binary = Optional.of(executable);
            return this;
        }

        /**
         * Requires a nats-server of at least this version, for tests that need a newer server than the
         * default one (replicated streams need 2.9.21). The binary is then the one given by
         * {@link #binary(Path)}, which must have that version, or the first of {@code AETHER_NATS_SERVER},
         * {@code AETHER_NATS_SERVER_NEW} and the usual search that has it. {@code ./scripts/test} always
         * provides {@code AETHER_NATS_SERVER_NEW}. Without such a binary {@link #build()} fails (never
         * skips) with {@link NatsServerNotFoundException} naming what it found.
         *
         * @param version for example {@code "2.9.21"}
         * @return this builder
         */
        public Builder minimumVersion(String version) {
            Versions.atLeast(version, version); // refuses what is not a version
            this.minimumVersion = Optional.of(version);
            return this;
        }

        /**
         * Turns JetStream on (the default) or off.
         *
         * @param enabled whether the server runs JetStream
         * @return this builder
         */
        public Builder jetStream(boolean enabled) {
            this.jetStream = enabled;
            return this;
        }

        /**
         * Uses this store directory (created when missing) instead of a temporary one; it is kept on
         * {@link NatsServer#close()}, so that a later server can open the same store.
         *
         * @param directory the JetStream store directory
         * @return this builder
         */
        public Builder storeDir(Path directory) {
            this.storeDir = Optional.of(directory.toAbsolutePath());
            return this;
        }

        /**
         * Uses this client port instead of a free one; a taken port then fails the start.
         *
         * @param clientPort 1 to 65535
         * @return this builder
         */
        public Builder port(int clientPort) {
            this.port = Checks.port(clientPort);
            return this;
        }

        /**
         * Uses this HTTP monitoring port instead of a free one.
         *
         * @param httpPort 1 to 65535
         * @return this builder
         */
        public Builder monitorPort(int httpPort) {
            this.monitorPort = Checks.port(httpPort);
            return this;
        }

        /**
         * Sets the server name ({@code server_name}); by default a name unique within this JVM.
         *
         * @param serverName letters, digits, {@code _ . -}
         * @return this builder
         */
        public Builder name(String serverName) {
            this.name = Optional.of(Checks.name(serverName));
            return this;
        }

        /**
         * Appends configuration file text after the generated keys, for example {@code "max_payload: 2MB"}.
         * It must not repeat a generated key ({@code server_name}, {@code listen}, {@code http},
         * {@code jetstream}, {@code cluster}).
         *
         * @param text nats-server configuration text
         * @return this builder
         */
        public Builder config(String text) {
            this.config = text;
            return this;
        }

        /**
         * Adds command-line arguments after {@code -c <config file>}, for example {@code "-DV"}.
         *
         * @param extraArgs the arguments
         * @return this builder
         */
        public Builder args(String... extraArgs) {
            this.args = List.of(extraArgs);
            return this;
        }

        /**
         * Sets how long a start waits for the server to accept connections.
         *
         * @param timeout positive; default {@link #DEFAULT_START_TIMEOUT}
         * @return this builder
         */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Checks.positive(timeout);
            return this;
        }

        /**
         * Sets how long {@link NatsServer#stop()} waits for a graceful exit before killing.
         *
         * @param timeout positive; default {@link #DEFAULT_STOP_TIMEOUT}
         * @return this builder
         */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = Checks.positive(timeout);
            return this;
        }

        Builder cluster(ServerConfig.ClusterSection section) {
            this.cluster = Optional.of(section);
            return this;
        }

        /**
         * Creates the server (its work directory and ports), not started yet.
         *
         * @return the server
         * @throws NatsServerNotFoundException when no nats-server binary (of the minimum version) is found
         * @throws IllegalArgumentException    when the client and monitoring ports are equal
         */
        public NatsServer build() {
            Path executable = BinaryLocator.locate(binary, minimumVersion);
            if (port != 0 && port == monitorPort) {
                throw new IllegalArgumentException("client and monitoring port are both " + port);
            }
            Path workDir = FixtureFiles.createTempDirectory("aether-nats-");
            Reaper.trackDirectory(workDir);
            Path store = FixtureFiles.createDirectories(storeDir.orElse(workDir.resolve("store")));
            List<Integer> reserved = new ArrayList<>();
            String serverName = name.orElseGet(() -> "aether-nats-" + SEQUENCE.incrementAndGet());
            ServerConfig serverConfig = new ServerConfig(serverName, jetStream, store,
                    pick(port, reserved), pick(monitorPort, reserved), cluster, config);
            ServerSettings settings = new ServerSettings(executable, serverName, args, port, monitorPort,
                    startTimeout, stopTimeout);
            return new NatsServer(settings, workDir, store, serverConfig, reserved);
        }

        /**
         * Builds and starts the server.
         *
         * @return the running server
         * @throws NatsServerNotFoundException when no nats-server binary is found
         * @throws NatsServerException         when it does not start
         */
        public NatsServer start() {
            NatsServer server = build();
            try {
                return server.start();
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
        }
    }
}
