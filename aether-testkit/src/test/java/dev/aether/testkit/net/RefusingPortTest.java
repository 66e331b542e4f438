package dev.aether.testkit.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.BindException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class RefusingPortTest {

  @Test
  void aConnection_isRefused() {
    try (RefusingPort port = RefusingPort.open()) {
      assertThatThrownBy(() -> new Socket("127.0.0.1", port.port()).close()).isInstanceOf(ConnectException.class);
    }
  }

  @Test
  void noServerCanBindThePort_whileItIsOpen() throws Exception {
    try (RefusingPort port = RefusingPort.open(); ServerSocket server = new ServerSocket()) {
      server.setReuseAddress(true); // as nats-server (Go) binds its listener
      assertThatThrownBy(() -> server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port.port())))
          .isInstanceOf(BindException.class);
    }
  }

  @Test
  void closed_freesThePort() throws Exception {
    RefusingPort port = RefusingPort.open();
    port.close();
    port.close();
    try (ServerSocket server = new ServerSocket(port.port(), 1, InetAddress.getLoopbackAddress())) {
      assertThat(server.getLocalPort()).isEqualTo(port.port());
    }
  }
}
