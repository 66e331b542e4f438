package dev.aether.testkit.nats;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The settings of one nats-server process, rendered into the configuration file it is started with.
 *
 * <p>Every listener binds {@value #HOST} only. The caller's extra configuration text is appended
 * after the generated keys, so it must not repeat them.
 */
record ServerConfig(
        String name,
        boolean jetStream,
        Path storeDir,
        int port,
        int monitorPort,
        Optional<ClusterSection> cluster,
        String extraConfig) {

    /** The only address any listener binds. */
    static final String HOST = "127.0.0.1";

    /** The {@code cluster { }} block of a node: cluster name, its route port and its peers' route ports. */
    record ClusterSection(String name, int port, List<Integer> routePorts) {
        ClusterSection {
            routePorts = List.copyOf(routePorts);
        }
    }

    /** Returns this configuration with other client and monitoring ports. */
    ServerConfig withPorts(int newPort, int newMonitorPort) {
        return new ServerConfig(name, jetStream, storeDir, newPort, newMonitorPort, cluster, extraConfig);
    }

    /** Returns the configuration file text. */
    String render() {
        StringBuilder text = new StringBuilder()
                .append("server_name: ").append(quote(name)).append('\n')
                .append("listen: ").append(quote(HOST + ":" + port)).append('\n')
                .append("http: ").append(quote(HOST + ":" + monitorPort)).append('\n');
        if (jetStream) {
            text.append("jetstream {\n  store_dir: ").append(quote(storeDir.toString())).append("\n}\n");
        }
        cluster.ifPresent(c -> text.append(renderCluster(c)));
        return text.append(extraConfig).append('\n').toString();
    }

    private static String renderCluster(ClusterSection c) {
        String routes = c.routePorts().stream()
                .map(p -> quote("nats-route://" + HOST + ":" + p))
                .collect(Collectors.joining(", ", "[", "]"));
        return "cluster {\n  name: " + quote(c.name()) + "\n  listen: " + quote(HOST + ":" + c.port())
                + "\n  routes: " + routes + "\n}\n";
    }

    private static String quote(String value) {
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
