package dev.aether.testkit.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpProxyTest {

  private ServerSocket server;
  private final BlockingQueue<Socket> accepted = new ArrayBlockingQueue<>(8);
  private TcpProxy proxy;

  @BeforeEach
  void start() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread.ofVirtual().start(() -> {
      try {
        while (true) {
          accepted.add(server.accept());
        }
      } catch (IOException e) {
        // closed
      }
    });
    proxy = TcpProxy.to("127.0.0.1", server.getLocalPort());
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    server.close();
  }

  private Socket serverSide() throws InterruptedException {
    Socket s = accepted.poll(5, TimeUnit.SECONDS);
    assertThat(s).as("the proxy connected to the server").isNotNull();
    return s;
  }

  private static void send(Socket s, String text) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(text.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static String read(Socket s, int bytes) throws IOException {
    s.setSoTimeout(5_000);
    return new String(s.getInputStream().readNBytes(bytes), StandardCharsets.UTF_8);
  }

  @Test
  void forwardsBothWays() throws Exception {
    try (Socket client = new Socket("127.0.0.1", proxy.port()); Socket far = serverSide()) {
      send(client, "ping");
      assertThat(read(far, 4)).isEqualTo("ping");
      send(far, "pong");
      assertThat(read(client, 4)).isEqualTo("pong");
      assertThat(proxy.connections()).isEqualTo(1);
      assertThat(proxy.url()).isEqualTo("nats://127.0.0.1:" + proxy.port());
    }
  }

  @Test
  void aPartition_holdsEveryByteBothWays_andTheHealDeliversThemInOrder() throws Exception {
    try (Socket client = new Socket("127.0.0.1", proxy.port()); Socket far = serverSide()) {
      send(client, "a");
      assertThat(read(far, 1)).isEqualTo("a");

      proxy.partition();
      assertThat(proxy.partitioned()).isTrue();
      send(client, "bc");
      send(client, "d");
      send(far, "xyz");
      far.setSoTimeout(300);
      assertThatThrownBy(() -> far.getInputStream().read()).as("held, not forwarded")
          .isInstanceOf(SocketTimeoutException.class);
      client.setSoTimeout(300);
      assertThatThrownBy(() -> client.getInputStream().read()).as("held, not forwarded")
          .isInstanceOf(SocketTimeoutException.class);

      proxy.heal();
      assertThat(proxy.partitioned()).isFalse();
      assertThat(read(far, 3)).isEqualTo("bcd");
      assertThat(read(client, 3)).isEqualTo("xyz");
    }
  }

  @Test
  void aConnectionMadeDuringAPartition_carriesNothingUntilItHeals() throws Exception {
    proxy.partition();
    try (Socket client = new Socket("127.0.0.1", proxy.port()); Socket far = serverSide()) {
      send(client, "early");
      far.setSoTimeout(300);
      assertThatThrownBy(() -> far.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
      proxy.heal();
      assertThat(read(far, 5)).isEqualTo("early");
    }
  }

  @Test
  void cutConnections_closesBothSides_andNewConnectionsStillWork() throws Exception {
    try (Socket client = new Socket("127.0.0.1", proxy.port()); Socket far = serverSide()) {
      proxy.cutConnections();
      client.setSoTimeout(5_000);
      far.setSoTimeout(5_000);
      assertThat(readOrEnd(client.getInputStream())).as("the client sees its connection end").isEqualTo(-1);
      assertThat(readOrEnd(far.getInputStream())).as("the server sees it end").isEqualTo(-1);
    }
    try (Socket client = new Socket("127.0.0.1", proxy.port()); Socket far = serverSide()) {
      send(client, "again");
      assertThat(read(far, 5)).isEqualTo("again");
    }
  }

  @Test
  void aServerThatIsDown_closesTheClientsConnectionAtOnce() throws Exception {
    // A port bound but not listening refuses every connection, and nothing else can take it meanwhile. (Closing
    // the test's listening server instead raced with its accept thread, which could still accept the proxy's
    // connection: 1 run in 100 then waited for bytes that never came.)
    try (RefusingPort down = RefusingPort.open();
        TcpProxy toNothing = TcpProxy.to("127.0.0.1", down.port());
        Socket client = new Socket("127.0.0.1", toNothing.port())) {
      client.setSoTimeout(5_000);
      assertThat(readOrEnd(client.getInputStream())).isEqualTo(-1);
      assertThat(toNothing.connections()).isZero();
    }
  }

  @Test
  void badTargets_areRefused_namingTheField() {
    assertThatThrownBy(() -> TcpProxy.to("127.0.0.1", 0)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port").hasMessageContaining("0");
    assertThatThrownBy(() -> TcpProxy.to("127.0.0.1", 70_000)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port");
    assertThatThrownBy(() -> TcpProxy.to(" ", 4222)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("host");
    assertThatThrownBy(() -> TcpProxy.to("nats://:4222")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("url");
  }

  @Test
  void aUrl_namesTheServer_theFirstOfAList_withNatsDefaultPort() throws Exception {
    try (TcpProxy viaUrl = TcpProxy.to("nats://127.0.0.1:" + server.getLocalPort() + ",nats://127.0.0.1:1");
        Socket client = new Socket("127.0.0.1", viaUrl.port()); Socket far = serverSide()) {
      send(client, "via url");
      assertThat(read(far, 7)).isEqualTo("via url");
    }
    try (TcpProxy defaultPort = TcpProxy.to("nats://127.0.0.1"); TcpProxy noScheme = TcpProxy.to("127.0.0.1:5222")) {
      assertThat(defaultPort.target().getPort()).isEqualTo(4222);
      assertThat(noScheme.target().getPort()).isEqualTo(5222);
    }
  }

  @Test
  void cutConnections_duringAPartition_countsThemGoneAtOnce() throws Exception {
    try (Socket client = new Socket("127.0.0.1", proxy.port()); Socket far = serverSide()) {
      proxy.partition();
      proxy.cutConnections();
      assertThat(proxy.connections()).isZero();
      proxy.heal();
    }
  }

  /** @return the first byte, or -1 at the end of the stream (a reset counts as the end) */
  private static int readOrEnd(InputStream in) throws IOException {
    try {
      return in.read();
    } catch (java.net.SocketException e) {
      return -1;
    }
  }
}
