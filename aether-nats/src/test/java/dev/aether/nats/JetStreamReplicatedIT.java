package dev.aether.nats;

import static dev.aether.nats.NatsTestSupport.events;
import static dev.aether.nats.NatsTestSupport.newStreamId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.aether.testkit.nats.NatsCluster;
import dev.aether.testkit.nats.NatsClusterExtension;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamConfiguration;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Replicated streams on the default nats-server (the oldest supported, 2.9.10, in {@code ./scripts/test}):
 * before 2.9.21 two writers on a replicated stream can both store a commit after the same one, so the store
 * refuses replicas there, for streams it would create and for existing ones. Run on a server with the fix
 * ({@code ./scripts/test --nats-server 2.10}), the same requests are accepted.
 */
@Tag("nats")
@ExtendWith(NatsClusterExtension.class)
class JetStreamReplicatedIT {

  @Test
  void threeReplicas_areRefusedBeforeTheFix_namingTheVersionAndWhatToInstall_andNothingIsCreated(
      NatsCluster cluster) throws Exception {
    JetStreamConfig config = JetStreamConfig.builder().servers(cluster.urls()).namespace("r3-new").replicas(3)
        .build();
    String stream = StoreLayout.of(config).streamName(0);
    if (beforeTheFix(cluster)) {
      assertThatExceptionOfType(UnsupportedServerException.class)
          .isThrownBy(() -> JetStreamEventStore.connect(config))
          .satisfies(e -> {
            assertThat(e.serverVersion()).isEqualTo(cluster.server(0).version());
            assertThat(e.requiredVersion()).isEqualTo("2.9.21");
            assertThat(e.isTransient()).isFalse();
          })
          .withMessageContaining("version " + cluster.server(0).version())
          .withMessageContaining("stream " + stream + " with 3 replicas")
          .withMessageContaining("install nats-server 2.9.21 or newer")
          .withMessageContaining("2.10.27");
      try (Connection raw = connect(cluster)) {
        assertThat(raw.jetStreamManagement().getStreamNames()).doesNotContain(stream);
      }
    } else {
      assertStoreWorks(config);
    }
  }

  @Test
  void anExistingReplicatedStream_isRefusedBeforeTheFix_evenWhenOneReplicaIsConfigured(NatsCluster cluster)
      throws Exception {
    JetStreamConfig config = JetStreamConfig.builder().servers(cluster.urls()).namespace("r3-old").build();
    StoreLayout layout = StoreLayout.of(config);
    try (Connection raw = connect(cluster)) {
      JetStreamManagement jsm = raw.jetStreamManagement();
      jsm.addStream(StreamConfiguration.builder(StreamProvisioner.eventStream(config, layout, 0)).replicas(3)
          .build());
    }
    if (beforeTheFix(cluster)) {
      assertThatExceptionOfType(UnsupportedServerException.class)
          .isThrownBy(() -> JetStreamEventStore.connect(config))
          .withMessageContaining("stream " + layout.streamName(0) + " with 3 replicas");
    } else {
      assertStoreWorks(config);
    }
  }

  @Test
  void oneReplica_isAcceptedOnEverySupportedServer(NatsCluster cluster) {
    assertStoreWorks(JetStreamConfig.builder().servers(cluster.urls()).namespace("r1").build());
  }

  private static boolean beforeTheFix(NatsCluster cluster) {
    return ServerVersion.parse(cluster.server(0).version()).orElseThrow().isBefore(ServerVersion.REPLICATION_FIX);
  }

  private static void assertStoreWorks(JetStreamConfig config) {
    try (JetStreamEventStore store = JetStreamEventStore.connect(config)) {
      String streamId = newStreamId();
      store.append(streamId, 0, events(streamId, 1, 2));
      assertThat(store.getEvents(streamId, 1)).hasSize(2);
    }
  }

  private static Connection connect(NatsCluster cluster) throws Exception {
    return io.nats.client.Nats.connect(new io.nats.client.Options.Builder().servers(
        cluster.urls().toArray(String[]::new)).build());
  }
}
