package dev.aether.testkit.nats;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ServerConfigTest {

    @Test
    void render_bindsLoopbackAndEnablesJetStream() {
        ServerConfig config = new ServerConfig("s1", true, Path.of("/tmp/store"), 4222, 8222, Optional.empty(), "");

        assertThat(config.render())
                .contains("server_name: \"s1\"")
                .contains("listen: \"127.0.0.1:4222\"")
                .contains("http: \"127.0.0.1:8222\"")
                .contains("jetstream {\n  store_dir: \"/tmp/store\"\n}")
                .doesNotContain("cluster");
    }

    @Test
    void render_withoutJetStream_hasNoJetStreamBlock() {
        ServerConfig config = new ServerConfig("s1", false, Path.of("/tmp/store"), 4222, 8222, Optional.empty(), "");

        assertThat(config.render()).doesNotContain("jetstream");
    }

    @Test
    void render_clusterNode_routesToItsPeers_andAppendsExtraConfig() {
        ServerConfig.ClusterSection cluster = new ServerConfig.ClusterSection("c", 6222, List.of(6223, 6224));
        ServerConfig config = new ServerConfig("c-n0", true, Path.of("/s"), 4222, 8222, Optional.of(cluster),
                "max_payload: 2MB");

        assertThat(config.render())
                .contains("cluster {\n  name: \"c\"\n  listen: \"127.0.0.1:6222\"\n"
                        + "  routes: [\"nats-route://127.0.0.1:6223\", \"nats-route://127.0.0.1:6224\"]\n}")
                .endsWith("max_payload: 2MB\n");
    }

    @Test
    void render_escapesQuotesAndBackslashesInPaths() {
        ServerConfig config = new ServerConfig("s", true, Path.of("/tmp/a\"b\\c"), 1, 2, Optional.empty(), "");

        assertThat(config.render()).contains("store_dir: \"/tmp/a\\\"b\\\\c\"");
    }
}
