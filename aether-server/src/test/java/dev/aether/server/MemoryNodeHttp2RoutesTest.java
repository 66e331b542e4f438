package dev.aether.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Every route over HTTP/2 (h2c, java.net.http's default version) on a node with the in-memory store: the same
 * answers as over HTTP/1.1, SSE included; {@link Api} checks that each answer came over HTTP/2.
 */
class MemoryNodeHttp2RoutesTest extends NodeRoutesContract {

  @Override
  NodeConfig.Builder store(NodeConfig.Builder builder, Path dir) {
    return builder.store(StoreKind.MEMORY).dataDir(dir);
  }

  @Override
  HttpClient.Version version() {
    return HttpClient.Version.HTTP_2;
  }

  @Test
  void defaultClient_firstPostIsAnswered_andAfterAGetCommandsGoOverHttp2() throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      assertThat(client.version()).isEqualTo(HttpClient.Version.HTTP_2);
      // java.net.http asks for the h2c upgrade only on a request without a body: a first POST is answered
      // (over HTTP/1.1 by today's JDKs), and a GET moves the connection to HTTP/2
      assertThat(post(client, id()).statusCode()).isEqualTo(200);
      HttpResponse<String> get = client.send(HttpRequest.newBuilder(node.uri().resolve("/health/ready")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(get.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(get.statusCode()).isEqualTo(200);
      HttpResponse<String> command = post(client, id());
      assertThat(command.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(command.statusCode()).isEqualTo(200);
      assertThat(Api.JSON.readTree(command.body()).get("version").asLong()).isEqualTo(1);
      assertThat(command.headers().firstValue("Idempotency-Key")).isPresent();
    }
  }

  @Test
  void head_isAnsweredOverHttp2_withTheGetsHeadersAndNoBody() {
    Api.Answer get = api.get("/v1/model");
    Api.Answer head = api.send(api.request("/v1/model").method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.header("Content-Length")).contains(Integer.toString(get.body().length()));
    assertThat(api.get("/health/live").status()).as("the connection still serves").isEqualTo(200);
  }

  @Test
  void priorKnowledge_theConnectionPrefaceIsAnsweredWithSettings() throws Exception {
    try (Socket socket = new Socket(node.uri().getHost(), node.uri().getPort())) {
      socket.setSoTimeout(10_000);
      OutputStream out = socket.getOutputStream();
      out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      out.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // an empty SETTINGS frame on stream 0
      out.flush();
      byte[] frame = socket.getInputStream().readNBytes(9);
      assertThat(frame).hasSize(9);
      assertThat(frame[3]).as("frame type").isEqualTo((byte) 4); // SETTINGS: the server speaks HTTP/2
    }
  }

  @Test
  void connections_haveNagleOff() {
    // an HTTP/2 answer is several writes (HEADERS, DATA): with Nagle on, each answer waited ~40 ms for the
    // client's delayed ACK (64 clients on one connection: 1,900 commands/s instead of 7,000)
    assertThat(node.httpConfig().connectionOptions().tcpNoDelay()).isTrue();
  }

  private HttpResponse<String> post(HttpClient client, String id) throws IOException, InterruptedException {
    return client.send(HttpRequest.newBuilder(node.uri().resolve("/v1/actors/Account/" + id + "/commands/Open"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"owner\":\"ann\"}"))
        .build(), HttpResponse.BodyHandlers.ofString());
  }
}
