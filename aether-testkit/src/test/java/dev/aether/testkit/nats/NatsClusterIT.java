package dev.aether.testkit.nats;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@Tag("nats")
@ExtendWith(NatsClusterExtension.class)
class NatsClusterIT {

    @Test
    void start_formsClusterWithRoutesAndMetaLeader(NatsCluster cluster) {
        assertThat(cluster.size()).isEqualTo(3);
        assertThat(cluster.urls()).doesNotHaveDuplicates().allMatch(url -> url.startsWith("nats://127.0.0.1:"));
        assertThat(cluster.url()).isEqualTo(String.join(",", cluster.urls()));
        for (NatsServer node : cluster.servers()) {
            assertThat(routes(node)).isEqualTo(2);
            assertThat(node.info()).contains("\"jetstream\":true");
        }
        assertThat(cluster.metaLeader()).hasValueSatisfying(leader ->
                assertThat(cluster.servers()).extracting(NatsServer::name).contains(leader));
        assertThat(onlinePeersOfTheMetaLeader(cluster)).hasSize(2);
    }

    @Test
    void nodes_haveDistinctNamesAndStores(NatsCluster cluster) {
        assertThat(cluster.servers()).extracting(NatsServer::name).doesNotHaveDuplicates();
        assertThat(cluster.servers()).extracting(NatsServer::storeDir).doesNotHaveDuplicates();
    }

    @Test
    void stoppedNode_rejoinsAfterRestart(NatsCluster cluster) {
        NatsServer node = cluster.server(1);
        int port = node.port();

        node.stop();
        cluster.awaitHealthy();
        assertThat(routes(cluster.server(0))).isEqualTo(1);
        node.restart();
        cluster.awaitHealthy();

        assertThat(node.port()).isEqualTo(port);
        assertThat(cluster.servers()).allSatisfy(n -> assertThat(routes(n)).isEqualTo(2));
        assertThat(onlinePeersOfTheMetaLeader(cluster)).hasSize(2);
    }

    @Test
    void killedMetaLeader_isReplaced_andRejoins(NatsCluster cluster) {
        String leader = cluster.metaLeader().orElseThrow();
        NatsServer leaderNode = cluster.servers().stream()
                .filter(node -> node.name().equals(leader))
                .findFirst()
                .orElseThrow();

        leaderNode.kill();
        cluster.awaitHealthy();
        assertThat(cluster.metaLeader()).hasValueSatisfying(newLeader -> assertThat(newLeader).isNotEqualTo(leader));
        leaderNode.restart();
        cluster.awaitHealthy();

        assertThat(leaderNode.isRunning()).isTrue();
        assertThat(routes(leaderNode)).isEqualTo(2);
        assertThat(onlinePeersOfTheMetaLeader(cluster)).contains(leader);
    }

    @Test
    void close_stopsAllNodesAndDeletesStores() {
        NatsCluster cluster = NatsCluster.builder().start();
        System.out.println("3-node cluster " + cluster.name() + " formed");
        List<Path> stores = cluster.servers().stream().map(NatsServer::storeDir).toList();

        cluster.close();

        assertThat(cluster.servers()).noneMatch(NatsServer::isRunning);
        assertThat(stores).allSatisfy(store -> assertThat(store).doesNotExist());
    }

    /** The peers the meta leader would place a stream's replicas on, itself excluded. */
    private static Set<String> onlinePeersOfTheMetaLeader(NatsCluster cluster) {
        String leader = cluster.metaLeader().orElseThrow();
        NatsServer node = cluster.servers().stream().filter(n -> n.name().equals(leader)).findFirst().orElseThrow();
        return NatsCluster.onlineMetaPeers(node.monitor("/jsz"));
    }

    private static long routes(NatsServer node) {
        return NatsCluster.routedPeers(node.monitor("/routez"));
    }
}
