package dev.aether.testkit.nats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Reading a meta leader's peers from its {@code /jsz} answer, as nats-server 2.10 prints it. */
class MetaPeersTest {

    private static final String LEADER_JSZ = """
            {
              "server_id": "NDX",
              "meta_cluster": {
                "name": "c",
                "leader": "n2",
                "peer": "44jzkV9D",
                "replicas": [
                  {
                    "name": "n1",
                    "current": true,
                    "active": 178749855,
                    "peer": "fjFyEjc1"
                  },
                  {
                    "name": "n3",
                    "current": false,
                    "offline": true,
                    "active": 0,
                    "peer": "BXScrY9i"
                  },
                  {"name":"n4","current":true,"active":1,"peer":"Zq"}
                ],
                "cluster_size": 4,
                "pending": 0
              }
            }
            """;

    @Test
    void theLeadersListedPeers_areOnline_unlessMarkedOffline() {
        assertThat(NatsCluster.onlineMetaPeers(LEADER_JSZ)).containsExactlyInAnyOrder("n1", "n4");
    }

    @Test
    void aFollowersAnswer_listsNoPeers() {
        String follower = """
                {"server_id":"NDY","meta_cluster":{"name":"c","leader":"n2","peer":"44jzkV9D","cluster_size":3}}
                """;

        assertThat(NatsCluster.onlineMetaPeers(follower)).isEmpty();
    }

    @Test
    void theMetaGroupSize_isReadFromMetaCluster_afterItsReplicas() {
        assertThat(NatsCluster.metaGroupSize(LEADER_JSZ)).hasValue(4);
    }

    /** n2's answer in a cluster of 3 whose meta group formed as n0 and n1 only (seen in a start that never formed). */
    private static final String LEFT_OUT_JSZ = """
            {"server_id":"NDF","meta_cluster":{"name":"c","leader":"n0","peer":"XJlx77vA","cluster_size":2,
             "pending":0}}
            """;

    @Test
    void aNodeFollowingAMetaGroupSmallerThanTheCluster_wasLeftOutOfIt() {
        assertThat(NatsCluster.leftOutOfASmallerMetaGroup(LEFT_OUT_JSZ, "n2", List.of("n0", "n1", "n2"), 3)).isTrue();
    }

    @Test
    void aNodeOfAWholeMetaGroup_orWithoutARunningLeader_orTheLeaderItself_isNotLeftOut() {
        String whole = LEFT_OUT_JSZ.replace("\"cluster_size\":2", "\"cluster_size\":3");
        assertThat(NatsCluster.leftOutOfASmallerMetaGroup(whole, "n2", List.of("n0", "n1", "n2"), 3)).isFalse();
        assertThat(NatsCluster.leftOutOfASmallerMetaGroup(LEFT_OUT_JSZ, "n2", List.of("n1", "n2"), 3)).isFalse();
        assertThat(NatsCluster.leftOutOfASmallerMetaGroup(LEFT_OUT_JSZ, "n0", List.of("n0", "n1", "n2"), 3)).isFalse();
        assertThat(NatsCluster.leftOutOfASmallerMetaGroup("{\"server_id\":\"NDY\"}", "n2", List.of("n0", "n2"), 3))
                .isFalse();
    }

    @Test
    void anAnswerWithoutMetaCluster_hasNoMetaGroupSize() {
        assertThat(NatsCluster.metaGroupSize("{\"server_id\":\"NDY\",\"streams\":0}")).isEmpty();
    }
}
