package dev.aether.nats;

import static dev.aether.nats.NatsTestSupport.event;
import static dev.aether.nats.NatsTestSupport.newStreamId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aether.AetherException;
import dev.aether.testkit.nats.NatsServer;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS with the caller's {@link SSLContext}, against a server with a self-signed certificate made by openssl. */
@Tag("nats")
class JetStreamTlsIT {

  @Test
  void aStoreWithTheServersTrust_connectsOverTls_andAPlainConnectionIsRefused(@TempDir Path dir) throws Exception {
    // given: a server that requires TLS (skipped where openssl cannot make the certificate)
    Path cert = dir.resolve("cert.pem");
    Path key = dir.resolve("key.pem");
    assumeTrue(selfSignedCertificate(cert, key), "openssl is needed to make a test certificate");
    try (NatsServer server = NatsServer.builder()
        .config("tls { cert_file: \"" + cert + "\"\n key_file: \"" + key + "\" }").start()) {
      JetStreamConfig.Builder config = JetStreamConfig.builder().servers(server.url()).namespace("tls")
          .connectTimeout(Duration.ofSeconds(2));
      // when / then
      try (JetStreamEventStore store = JetStreamEventStore.connect(config.sslContext(trusting(cert)).build())) {
        String streamId = newStreamId();
        store.saveEvent(event(streamId, 1));
        assertThat(store.getLatestVersion(streamId)).isEqualTo(1);
      }
      assertThatExceptionOfType(AetherException.class)
          .isThrownBy(() -> JetStreamEventStore.connect(config.tls(false).build()))
          .satisfies(e -> assertThat(e.getClass().getPackageName()).startsWith("dev.aether"));
    }
  }

  private static boolean selfSignedCertificate(Path cert, Path key) {
    try {
      Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
          "-keyout", key.toString(), "-out", cert.toString(), "-days", "1", "-subj", "/CN=localhost",
          "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost")
          .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return openssl.waitFor(30, TimeUnit.SECONDS) && openssl.exitValue() == 0 && Files.exists(cert);
    } catch (Exception e) {
      return false;
    }
  }

  private static SSLContext trusting(Path cert) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream in = Files.newInputStream(cert)) {
      trust.setCertificateEntry("nats", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    factory.init(trust);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, factory.getTrustManagers(), null);
    return context;
  }
}
