package dev.aether.testkit.nats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * The extensions inject running fixtures and clean them up when their scope ends. Each case runs a
 * sample test class through the JUnit Launcher, then looks at the fixtures the sample saw.
 */
@Tag("nats")
class NatsServerExtensionIT {

    @Test
    void natsTest_injectsOneServerPerClass_andClosesItAfterTheClass() {
        PerClassSample.seen.clear();

        TestExecutionSummary summary = run(PerClassSample.class);

        assertPassed(summary, 2);
        assertThat(PerClassSample.seen).hasSize(5).containsOnly(PerClassSample.seen.getFirst());
        assertClosed(PerClassSample.seen.getFirst());
    }

    @Test
    void perMethod_injectsAFreshConfiguredServerPerTest_andClosesEach() {
        PerMethodSample.seen.clear();

        TestExecutionSummary summary = run(PerMethodSample.class);

        assertPassed(summary, 2);
        assertThat(PerMethodSample.seen).hasSize(2).doesNotHaveDuplicates();
        PerMethodSample.seen.forEach(NatsServerExtensionIT::assertClosed);
    }

    @Test
    void clusterExtension_injectsAFormedCluster_andClosesItAfterTheClass() {
        ClusterSample.seen.clear();

        TestExecutionSummary summary = run(ClusterSample.class);

        assertPassed(summary, 1);
        assertThat(ClusterSample.seen).hasSize(1);
        ClusterSample.seen.getFirst().servers().forEach(NatsServerExtensionIT::assertClosed);
    }

    private static TestExecutionSummary run(Class<?> testClass) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectClass(testClass)).build(), listener);
        return listener.getSummary();
    }

    private static void assertPassed(TestExecutionSummary summary, int tests) {
        assertThat(summary.getFailures()).extracting(TestExecutionSummary.Failure::getException).isEmpty();
        assertThat(summary.getTestsSucceededCount()).isEqualTo(tests);
    }

    private static void assertClosed(NatsServer server) {
        assertThat(server.isRunning()).isFalse();
        assertThat(server.storeDir()).doesNotExist();
    }

    @NatsTest
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerClassSample {

        /** Constructor (once per test method), {@code @BeforeAll} and both tests: five injections. */
        static final List<NatsServer> seen = new CopyOnWriteArrayList<>();

        PerClassSample(NatsServer server) {
            seen.add(server);
        }

        @BeforeAll
        static void beforeAll(NatsServer server) {
            seen.add(server);
        }

        @Test
        @Order(1)
        void first(NatsServer server) {
            seen.add(server);
            assertThat(server.isRunning()).isTrue();
            assertThat(server.info()).contains("\"jetstream\":true");
        }

        @Test
        @Order(2)
        void second(NatsServer server) {
            seen.add(server);
            assertThat(server.isRunning()).isTrue();
        }
    }

    static class PerMethodSample {

        static final List<NatsServer> seen = new CopyOnWriteArrayList<>();

        @RegisterExtension
        static final NatsServerExtension NATS = NatsServerExtension.perMethod()
                .withServer(builder -> builder.config("max_payload: 2MB"));

        private NatsServer beforeEachServer;

        @BeforeEach
        void beforeEach(NatsServer server) {
            beforeEachServer = server;
        }

        @Test
        void first(NatsServer server) {
            checkAndRecord(server);
        }

        @Test
        void second(NatsServer server) {
            checkAndRecord(server);
        }

        private void checkAndRecord(NatsServer server) {
            seen.add(server);
            assertThat(server).isSameAs(beforeEachServer);
            assertThat(server.isRunning()).isTrue();
            assertThat(server.info()).contains("\"max_payload\":2097152");
        }
    }

    @Tag("nats")
    @ExtendWith(NatsClusterExtension.class)
    static class ClusterSample {

        static final List<NatsCluster> seen = new CopyOnWriteArrayList<>();

        @Test
        void formed(NatsCluster cluster) {
            seen.add(cluster);
            assertThat(cluster.servers()).allMatch(NatsServer::isRunning);
            assertThat(cluster.metaLeader()).isPresent();
        }
    }
}
