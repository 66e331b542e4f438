package dev.aether.testkit.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@Tag("nats")
class NatsServerIT {

    private static final String STREAM = "ORDERS";

    @Test
    void start_acceptsRawConnection_withJetStreamInInfo() throws IOException {
        try (NatsServer server = NatsServer.builder().start();
             RawNatsClient client = RawNatsClient.connect(server.port())) {
            System.out.println("single server ready in " + server.lastStartDuration().toMillis() + " ms");

            assertThat(client.info()).startsWith("INFO ").contains("\"jetstream\":true");
            assertThat(server.info()).contains("\"jetstream\":true");
            assertThat(server.url()).isEqualTo("nats://127.0.0.1:" + server.port());
            assertThat(server.isRunning()).isTrue();
        }
    }

    @Test
    void start_bindsLoopbackOnly() {
        try (NatsServer server = NatsServer.builder().start()) {
            assertThat(server.monitor("/varz")).containsPattern("\"host\":\\s*\"127\\.0\\.0\\.1\"");
        }
    }

    @Test
    void twoServers_getDifferentPortsAndStoreDirs() {
        try (NatsServer first = NatsServer.builder().start(); NatsServer second = NatsServer.builder().start()) {
            assertThat(first.port()).isNotEqualTo(second.port());
            assertThat(first.storeDir()).isNotEqualTo(second.storeDir());
            assertThat(first.name()).isNotEqualTo(second.name());
        }
    }

    @Test
    void close_stopsServerAndDeletesStoreDir() {
        NatsServer server = NatsServer.builder().start();
        Path store = server.storeDir();
        assertThat(store.resolve("jetstream")).isDirectory();

        server.close();

        assertThat(server.isRunning()).isFalse();
        assertThat(store).doesNotExist();
        assertThat(server.logFile()).doesNotExist();
        assertThat(accepts(server.port())).isFalse();
    }

    @Test
    void close_keepsCallerSuppliedStoreDir(@TempDir Path dir) {
        Path store = dir.resolve("store");
        try (NatsServer server = NatsServer.builder().storeDir(store).start()) {
            assertThat(server.storeDir()).isEqualTo(store);
        }

        assertThat(store.resolve("jetstream")).isDirectory();
    }

    @Test
    void restart_keepsPortStoreAndAcknowledgedMessages() throws IOException {
        try (NatsServer server = NatsServer.builder().start()) {
            int port = server.port();
            Path store = server.storeDir();
            createStreamAndPublish(server);

            server.restart();

            assertThat(server.port()).isEqualTo(port);
            assertThat(server.storeDir()).isEqualTo(store);
            assertThat(storedMessages(server)).isEqualTo(1);
            assertThat(accepts(port)).isTrue();
        }
    }

    @Test
    void kill_thenRestart_recoversStore() throws IOException {
        try (NatsServer server = NatsServer.builder().start()) {
            createStreamAndPublish(server);

            server.kill();
            assertThat(server.isRunning()).isFalse();
            assertThat(accepts(server.port())).isFalse();
            server.restart();

            assertThat(server.isRunning()).isTrue();
            assertThat(storedMessages(server)).isEqualTo(1);
        }
    }

    @Test
    void stop_thenStart_runsAgain() {
        try (NatsServer server = NatsServer.builder().start()) {
            server.stop();
            assertThat(server.isRunning()).isFalse();

            server.start();

            assertThat(accepts(server.port())).isTrue();
        }
    }

    @Test
    void start_whenRunning_isRefused() {
        try (NatsServer server = NatsServer.builder().start()) {
            assertThatThrownBy(server::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("already running");
        }
    }

    @Test
    void config_isAppliedToTheServer() {
        try (NatsServer server = NatsServer.builder().config("max_payload: 2MB").start()) {
            assertThat(server.info()).contains("\"max_payload\":2097152");
        }
    }

    @Test
    void missingBinary_failsWithInstallCommand() {
        NatsServer.Builder builder = NatsServer.builder().binary(Path.of("/nonexistent/nats-server"));

        assertThatThrownBy(builder::build)
                .isInstanceOf(NatsServerNotFoundException.class)
                .hasMessageContaining("/nonexistent/nats-server")
                .hasMessageContaining("AETHER_NATS_SERVER")
                .hasMessageContaining("sudo apt-get install -y nats-server")
                .hasMessageContaining("brew install nats-server");
    }

    @Test
    void badConfig_failsWithLogTail() {
        NatsServer.Builder builder = NatsServer.builder().config("no_such_option: 1");

        assertThatThrownBy(builder::start)
                .isInstanceOf(NatsServerException.class)
                .hasMessageContaining("exited with code")
                .hasMessageContaining("no_such_option");
    }

    @Test
    void takenPort_failsWithLogTail() throws IOException {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("127.0.0.1", 0));
            NatsServer.Builder builder = NatsServer.builder().port(taken.getLocalPort());

            assertThatThrownBy(builder::start)
                    .isInstanceOf(NatsServerException.class)
                    .hasMessageContaining("address already in use");
        }
    }

    @Test
    void version_isReadFromTheBinary() {
        NatsServer server = NatsServer.create();
        try (server) {
            assertThat(server.version()).matches("\\d+\\.\\d+\\.\\d+.*");
            assertThat(server.isRunning()).isFalse();
        }
    }

    private static void createStreamAndPublish(NatsServer server) throws IOException {
        try (RawNatsClient client = RawNatsClient.connect(server.port())) {
            String created = client.request("$JS.API.STREAM.CREATE." + STREAM,
                    "{\"name\":\"" + STREAM + "\",\"subjects\":[\"orders.>\"],\"storage\":\"file\",\"num_replicas\":1}");
            assertThat(created).contains("\"type\":\"io.nats.jetstream.api.v1.stream_create_response\"")
                    .doesNotContain("\"error\"");
            assertThat(client.request("orders.1", "{\"id\":1}")).contains("\"seq\":1");
        }
    }

    private static long storedMessages(NatsServer server) {
        return Monitor.intField(server.monitor("/jsz"), "messages");
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
