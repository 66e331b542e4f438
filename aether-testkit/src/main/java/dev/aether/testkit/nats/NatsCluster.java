package dev.aether.testkit.nats;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cluster of real nats-servers (3 by default) with JetStream, for integration and fault tests.
 *
 * <pre>{@code
 * try (NatsCluster cluster = NatsCluster.builder().start()) {
 *     connect(cluster.url());            // all three client URLs, comma-separated
 *     cluster.server(0).kill();          // crash a node
 *     cluster.server(0).restart();       // same ports, name and store
 *     cluster.awaitHealthy();            // routes back, one meta leader that counts every node as a peer
 * }
 * }</pre>
 *
 * <p>Each node is a {@link NatsServer} with its own store directory, a distinct server name and the
 * same cluster name; nodes route to each other on free 127.0.0.1 cluster ports. {@link Builder#start()}
 * returns once {@link #awaitHealthy()} holds: every node healthy, routed to all the others, and
 * following one JetStream meta leader whose meta group counts every node and lists every other node as an
 * online peer, so that a stream with as many replicas as there are nodes can be placed.
 *
 * <p>Thread-safety: the node list never changes; each node guards its own lifecycle.
 */
public final class NatsCluster implements AutoCloseable {

    /** Number of nodes unless {@link Builder#size(int)} says otherwise. */
    public static final int DEFAULT_SIZE = 3;
    /** How long {@link Builder#start()} and {@link #awaitHealthy()} wait for the cluster to form. */
    public static final Duration DEFAULT_FORM_TIMEOUT = Duration.ofSeconds(30);

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final int MAX_START_ATTEMPTS = 4;
    /** How long a new cluster's meta group may stay smaller than the cluster before it is started again. */
    private static final Duration SPLIT_GRACE = Duration.ofSeconds(5);
    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final Pattern ROUTE_PEER = Pattern.compile("\"remote_id\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern LEADER = Pattern.compile("\"meta_cluster\"\\s*:\\s*\\{[^}]*?\"leader\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern META_REPLICAS =
            Pattern.compile("\"meta_cluster\"\\s*:\\s*\\{[^\\[]*?\"replicas\"\\s*:\\s*\\[([^\\]]*)\\]");
    private static final Pattern PEER = Pattern.compile("\\{[^}]*\\}");
    private static final Pattern PEER_NAME = Pattern.compile("\"name\"\\s*:\\s*\"([^\"]+)\"");
    private static final Pattern META_SIZE = Pattern.compile("\"cluster_size\"\\s*:\\s*(\\d+)");
    private static final Pattern PEER_OFFLINE = Pattern.compile("\"offline\"\\s*:\\s*true");

    private final String name;
    private final List<NatsServer> servers;
    private final List<Integer> reservedPorts;
    private final Duration formTimeout;

    private NatsCluster(String name, List<NatsServer> servers, List<Integer> reservedPorts, Duration formTimeout) {
        this.name = name;
        this.servers = List.copyOf(servers);
        this.reservedPorts = List.copyOf(reservedPorts);
        this.formTimeout = formTimeout;
    }

    /**
     * Returns a builder: 3 nodes, JetStream on, free ports, temporary store directories.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the client URLs of all nodes, in node order.
     *
     * @return one {@code nats://127.0.0.1:<port>} per node
     */
    public List<String> urls() {
        return servers.stream().map(NatsServer::url).toList();
    }

    /**
     * Returns all client URLs joined by commas, the form NATS clients accept as a server list.
     *
     * @return for example {@code nats://127.0.0.1:4222,nats://127.0.0.1:4223,nats://127.0.0.1:4224}
     */
    public String url() {
        return String.join(",", urls());
    }

    /**
     * Returns one node, to stop, kill or restart it.
     *
     * @param index 0 to {@code size() - 1}
     * @return the node
     * @throws IndexOutOfBoundsException for another index
     */
    public NatsServer server(int index) {
        return servers.get(index);
    }

    /**
     * Returns all nodes in order.
     *
     * @return an unmodifiable list
     */
    public List<NatsServer> servers() {
        return servers;
    }

    /**
     * Returns the number of nodes.
     *
     * @return the size, running or not
     */
    public int size() {
        return servers.size();
    }

    /**
     * Returns the cluster name shared by the nodes.
     *
     * @return the name
     */
    public String name() {
        return name;
    }

    /**
     * Waits, up to the form timeout, until every running node answers {@code /healthz} with 200, has a
     * route to every other running node, and follows the same JetStream meta leader, which is a running
     * node, counts every node in its meta group and lists every other running node as an online peer: the
     * peers a stream's replicas are placed on (until it does, creating a stream with a replica on every node
     * is refused with "no suitable peers for placement"). Call it after stopping, killing or restarting a node.
     *
     * @throws NatsServerException when the cluster is not healthy in time; the message says which node
     *                             is not and why
     */
    public void awaitHealthy() {
        awaitHealthy(formTimeout);
    }

    /**
     * Waits until the cluster is healthy, as {@link #awaitHealthy()}, with a given timeout.
     *
     * @param timeout how long to wait
     * @throws NatsServerException when the cluster is not healthy in time
     */
    public void awaitHealthy(Duration timeout) {
        awaitHealthy(timeout, Optional.empty());
    }

    /**
     * Waits until the cluster is healthy. With {@code giveUpSplit}, throws {@link SplitMetaGroupException}
     * once the meta group has stayed smaller than the cluster for that long while every node is routed and
     * follows one leader: a state nats-server does not leave by itself.
     */
    private void awaitHealthy(Duration timeout, Optional<Duration> giveUpSplit) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long splitSince = 0;
        boolean split = false;
        while (true) {
            Optional<Problem> problem = firstProblem();
            if (problem.isEmpty()) {
                return;
            }
            long now = System.nanoTime();
            if (problem.get().splitMetaGroup()) {
                splitSince = split ? splitSince : now;
                split = true;
                if (giveUpSplit.isPresent() && now - splitSince >= giveUpSplit.get().toNanos()) {
                    throw new SplitMetaGroupException("cluster " + name + " formed apart: "
                            + problem.get().text());
                }
            } else {
                split = false;
            }
            if (now - deadline > 0) {
                throw new NatsServerException("cluster " + name + " not healthy within " + timeout + ": "
                        + problem.get().text());
            }
            LockSupport.parkNanos(POLL_NANOS);
            if (Thread.currentThread().isInterrupted()) {
                throw new NatsServerException("interrupted while waiting for cluster " + name);
            }
        }
    }

    /**
     * Returns the server name of the current JetStream meta leader, as a running node sees it.
     *
     * @return the leader's name, empty when no running node knows one
     */
    public Optional<String> metaLeader() {
        for (NatsServer server : running()) {
            Matcher matcher = LEADER.matcher(server.monitor("/jsz"));
            if (matcher.find()) {
                return Optional.of(matcher.group(1));
            }
        }
        return Optional.empty();
    }

    /** Stops every node and deletes their work directories. Idempotent. */
    @Override
    public void close() {
        closeAll(servers);
        reservedPorts.forEach(Ports::release);
    }

    @Override
    public String toString() {
        return "NatsCluster[" + name + " " + url() + "]";
    }

    private List<NatsServer> running() {
        return servers.stream().filter(NatsServer::isRunning).toList();
    }

    /** Why the cluster is not healthy; {@code splitMetaGroup} when only the meta group's size is wrong. */
    private record Problem(String text, boolean splitMetaGroup) {

        static Optional<Problem> of(String text) {
            return Optional.of(new Problem(text, false));
        }
    }

    private Optional<Problem> firstProblem() {
        List<NatsServer> running = running();
        if (running.isEmpty()) {
            return Problem.of("no node is running");
        }
        List<String> names = running.stream().map(NatsServer::name).toList();
        Set<String> leaders = new HashSet<>();
        Optional<Problem> split = Optional.empty();
        for (NatsServer server : running) { // a split meta group counts only when nothing else is wrong
            Optional<Problem> problem = problemOf(server, running.size() - 1, names, leaders);
            if (problem.isPresent() && !problem.get().splitMetaGroup()) {
                return problem;
            }
            split = split.or(() -> problem);
        }
        return leaders.size() > 1 ? Problem.of("nodes disagree on the meta leader: " + leaders) : split;
    }

    /**
     * Checks one node: healthy, routed to every other running node, following a running meta leader, and,
     * when it is that leader, counting every node of the cluster in its meta group and every running one
     * as online.
     */
    private Optional<Problem> problemOf(NatsServer server, int expectedRoutes, List<String> runningNames,
            Set<String> leaders) {
        try {
            Monitor.Response health = Monitor.get(server.monitorPort(), "/healthz");
            if (!health.ok()) {
                // a node left out of a meta group that formed without it is never current with its leader: the
                // split the leader's check below names, seen from the node left out
                return Optional.of(new Problem(server.name() + " /healthz " + health.status() + " " + health.body(),
                        leftOutOfASmallerMetaGroup(Monitor.get(server.monitorPort(), "/jsz").body(), server.name(),
                                runningNames, servers.size())));
            }
            int peers = routedPeers(Monitor.get(server.monitorPort(), "/routez").body());
            if (peers != expectedRoutes) {
                return Problem.of(server.name() + " has routes to " + peers + " servers, expected "
                        + expectedRoutes);
            }
            String jsz = Monitor.get(server.monitorPort(), "/jsz").body();
            Matcher leader = LEADER.matcher(jsz);
            if (!leader.find() || !runningNames.contains(leader.group(1))) {
                return Problem.of(server.name() + " follows no running meta leader");
            }
            leaders.add(leader.group(1));
            if (leader.group(1).equals(server.name())) {
                Set<String> missing = new HashSet<>(runningNames);
                missing.remove(server.name());
                missing.removeAll(onlineMetaPeers(jsz));
                OptionalInt groupSize = metaGroupSize(jsz);
                if (groupSize.isPresent() && groupSize.getAsInt() < servers.size()) {
                    return Optional.of(new Problem("the meta group of leader " + server.name() + " has "
                            + groupSize.getAsInt() + " of " + servers.size() + " servers (missing " + missing
                            + ")", true));
                }
                if (!missing.isEmpty()) {
                    return Problem.of("meta leader " + server.name() + " does not list " + missing
                            + " as online peers");
                }
            }
            return Optional.empty();
        } catch (IOException | NatsServerException e) {
            return Problem.of(server.name() + " monitoring failed: " + e.getMessage());
        }
    }

    /**
     * Whether a node's {@code /jsz} answer shows it following another running node as meta leader in a meta group
     * smaller than the cluster: it was left out when the group formed (a nats-server start-up race it does not
     * leave by itself; its {@code /healthz} then says "JetStream is not current with the meta leader" for ever).
     */
    static boolean leftOutOfASmallerMetaGroup(String jsz, String self, List<String> runningNames, int clusterSize) {
        Matcher leader = LEADER.matcher(jsz);
        return leader.find() && !leader.group(1).equals(self) && runningNames.contains(leader.group(1))
                && metaGroupSize(jsz).orElse(clusterSize) < clusterSize;
    }

    /** The {@code meta_cluster.cluster_size} of a {@code /jsz} answer: the servers in the meta group. */
    static OptionalInt metaGroupSize(String jsz) {
        int meta = jsz.indexOf("\"meta_cluster\"");
        Matcher size = META_SIZE.matcher(jsz);
        return meta >= 0 && size.find(meta) ? OptionalInt.of(Integer.parseInt(size.group(1))) : OptionalInt.empty();
    }

    /**
     * The names of the peers a meta leader's {@code /jsz} answer lists under {@code meta_cluster.replicas}
     * without marking them offline (the leader itself is not among them). Empty when the answer has no such
     * list, as a follower's has not.
     */
    static Set<String> onlineMetaPeers(String jsz) {
        Matcher replicas = META_REPLICAS.matcher(jsz);
        Set<String> online = new HashSet<>();
        if (replicas.find()) {
            Matcher peer = PEER.matcher(replicas.group(1));
            while (peer.find()) {
                Matcher name = PEER_NAME.matcher(peer.group());
                if (name.find() && !PEER_OFFLINE.matcher(peer.group()).find()) {
                    online.add(name.group(1));
                }
            }
        }
        return online;
    }

    /**
     * Counts the servers a {@code /routez} answer has routes to. Not {@code num_routes}: nats-server 2.10+
     * pools several routes per peer (3 by default, plus one per pinned account).
     */
    static int routedPeers(String routez) {
        Set<String> peers = new HashSet<>();
        Matcher peer = ROUTE_PEER.matcher(routez);
        while (peer.find()) {
            peers.add(peer.group(1));
        }
        return peers.size();
    }

    private static void closeAll(List<NatsServer> nodes) {
        RuntimeException failure = null;
        for (NatsServer node : nodes) {
            try {
                node.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Builds and starts a {@link NatsCluster}. Every setter checks its argument and refuses a bad
     * value with {@link IllegalArgumentException}. Not thread-safe.
     */
    public static final class Builder {

        private int size = DEFAULT_SIZE;
        private Optional<String> name = Optional.empty();
        private Optional<Path> binary = Optional.empty();
        private Optional<String> minimumVersion = Optional.empty();
        private String config = "";
        private Duration startTimeout = NatsServer.DEFAULT_START_TIMEOUT;
        private Duration formTimeout = DEFAULT_FORM_TIMEOUT;

        private Builder() {
        }

        /**
         * Sets the number of nodes.
         *
         * @param nodes 2 to 9; default {@link #DEFAULT_SIZE}
         * @return this builder
         */
        public Builder size(int nodes) {
            if (nodes < 2 || nodes > 9) {
                throw new IllegalArgumentException("cluster size must be 2..9: " + nodes);
            }
            this.size = nodes;
            return this;
        }

        /**
         * Sets the cluster name; node {@code i} is then named {@code <name>-n<i>}.
         *
         * @param clusterName letters, digits, {@code _ . -}
         * @return this builder
         */
        public Builder name(String clusterName) {
            this.name = Optional.of(Checks.name(clusterName));
            return this;
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
         * Requires a nats-server of at least this version on every node, as
         * {@link NatsServer.Builder#minimumVersion(String)}; for example {@code "2.9.21"} for replicated
         * streams, which nats-server 2.9.10 corrupts.
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
         * Appends configuration text to every node's configuration, as {@link NatsServer.Builder#config(String)}.
         *
         * @param text nats-server configuration text
         * @return this builder
         */
        public Builder config(String text) {
            this.config = text;
            return this;
        }

        /**
         * Sets how long each node's start waits for it to accept connections.
         *
         * @param timeout positive; default {@link NatsServer#DEFAULT_START_TIMEOUT}
         * @return this builder
         */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Checks.positive(timeout);
            return this;
        }

        /**
         * Sets how long the cluster may take to form (routes and meta leader).
         *
         * @param timeout positive; default {@link #DEFAULT_FORM_TIMEOUT}
         * @return this builder
         */
        public Builder formTimeout(Duration timeout) {
            this.formTimeout = Checks.positive(timeout);
            return this;
        }

        /**
         * Starts all nodes and waits until the cluster has formed. Starts it again, with new ports and
         * stores, when a port was taken by another process meanwhile, or when the nodes formed a JetStream
         * meta group without one of them (a nats-server start-up race it does not recover from), up to 4
         * starts, each waiting up to the form timeout.
         *
         * @return the healthy cluster
         * @throws NatsServerNotFoundException when no nats-server binary is found
         * @throws NatsServerException         when a node does not start or the cluster does not form
         */
        public NatsCluster start() {
            String clusterName = name.orElseGet(() -> "aether-cluster-" + SEQUENCE.incrementAndGet());
            for (int attempt = 1; ; attempt++) {
                try {
                    return startOnce(clusterName);
                } catch (PortInUseException | SplitMetaGroupException e) {
                    if (attempt == MAX_START_ATTEMPTS) {
                        throw e;
                    }
                }
            }
        }

        private NatsCluster startOnce(String clusterName) {
            List<Integer> routePorts = reserve(size);
            List<Integer> reserved = new ArrayList<>(routePorts);
            List<NatsServer> nodes = new ArrayList<>();
            try {
                for (int i = 0; i < size; i++) {
                    nodes.add(node(clusterName, i, routePorts, reserved));
                }
                NatsCluster cluster = new NatsCluster(clusterName, nodes, reserved, formTimeout);
                nodes.forEach(NatsServer::start);
                cluster.awaitHealthy(formTimeout, Optional.of(SPLIT_GRACE));
                return cluster;
            } catch (RuntimeException e) {
                closeQuietly(nodes);
                reserved.forEach(Ports::release);
                throw e;
            }
        }

        private NatsServer node(String clusterName, int index, List<Integer> routePorts, List<Integer> reserved) {
            List<Integer> peers = new ArrayList<>(routePorts);
            peers.remove(index);
            int port = Ports.reserve();
            reserved.add(port);
            int monitorPort = Ports.reserve();
            reserved.add(monitorPort);
            NatsServer.Builder node = NatsServer.builder()
                    .name(clusterName + "-n" + index)
                    .port(port)
                    .monitorPort(monitorPort)
                    .config(config)
                    .startTimeout(startTimeout)
                    .cluster(new ServerConfig.ClusterSection(clusterName, routePorts.get(index), peers));
            binary.ifPresent(node::binary);
            minimumVersion.ifPresent(node::minimumVersion);
            return node.build();
        }

        private static List<Integer> reserve(int count) {
            List<Integer> ports = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ports.add(Ports.reserve());
            }
            return ports;
        }

        private static void closeQuietly(List<NatsServer> nodes) {
            try {
                closeAll(nodes);
            } catch (RuntimeException e) {
                // the start failure is the one to report
            }
        }
    }
}
