package dev.aether.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import dev.aether.store.EventStoredListener;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class JetStreamConfigTest {

  @Test
  void builder_withoutSettings_holdsTheNamedDefaults() {
    JetStreamConfig config = JetStreamConfig.builder().build();
    assertThat(config.servers()).containsExactly(JetStreamConfig.DEFAULT_SERVER);
    assertThat(config.credentials()).isEqualTo(NatsCredentials.none());
    assertThat(config.tls()).isFalse();
    assertThat(config.sslContext()).isEmpty();
    assertThat(config.namespace()).isEqualTo(JetStreamConfig.DEFAULT_NAMESPACE);
    assertThat(config.subjectPrefix()).isEqualTo(JetStreamConfig.DEFAULT_SUBJECT_PREFIX);
    assertThat(config.partitions()).isEqualTo(1);
    assertThat(config.replicas()).isEqualTo(1);
    assertThat(config.maxAge()).isEmpty();
    assertThat(config.duplicateWindow()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.connectTimeout()).isEqualTo(JetStreamConfig.DEFAULT_CONNECT_TIMEOUT);
    assertThat(config.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.storage()).isEqualTo(JetStreamConfig.Storage.FILE);
    assertThat(config.eventStoredListener()).isSameAs(EventStoredListener.NONE);
  }

  @Test
  void builder_keepsEverySetting_andToBuilderCopiesThem() throws NoSuchAlgorithmException {
    SSLContext ssl = SSLContext.getDefault();
    JetStreamConfig config = JetStreamConfig.builder()
        .servers("nats://a:4222", "tls://b:4443")
        .credentials(NatsCredentials.token("t0ken"))
        .sslContext(ssl)
        .namespace("tenant-1.orders_eu")
        .subjectPrefix("Acme-2")
        .partitions(1024)
        .replicas(5)
        .maxAge(Duration.ofDays(365))
        .duplicateWindow(Duration.ofMinutes(10))
        .connectTimeout(Duration.ofMillis(100))
        .requestTimeout(Duration.ofMillis(300))
        .storage(JetStreamConfig.Storage.MEMORY)
        .build();
    assertThat(config.servers()).containsExactly("nats://a:4222", "tls://b:4443");
    assertThat(config.tls()).isTrue();
    assertThat(config.sslContext()).containsSame(ssl);
    assertThat(config.maxAge()).contains(Duration.ofDays(365));
    assertThat(config.toBuilder().build()).isEqualTo(config);
  }

  @Test
  void setters_refuseBadValuesNamingTheField() {
    JetStreamConfig.Builder b = JetStreamConfig.builder();
    assertRefused(() -> b.servers(List.of()), "servers");
    assertRefused(() -> b.servers("http://x:80"), "servers[0]");
    assertRefused(() -> b.servers("nats://ok:1", "not a url"), "servers[1]");
    assertRefused(() -> b.servers("nats://"), "servers[0]");
    assertRefused(() -> b.namespace(""), "namespace");
    assertRefused(() -> b.namespace("a..b"), "namespace");
    assertRefused(() -> b.namespace(".a"), "namespace");
    assertRefused(() -> b.namespace("a*"), "namespace");
    assertRefused(() -> b.namespace("a b"), "namespace");
    assertRefused(() -> b.namespace("x".repeat(65)), "namespace");
    assertRefused(() -> b.subjectPrefix("a_b"), "subjectPrefix");
    assertRefused(() -> b.subjectPrefix("a.b"), "subjectPrefix");
    assertRefused(() -> b.subjectPrefix("$JS"), "subjectPrefix");
    assertRefused(() -> b.partitions(0), "partitions");
    assertRefused(() -> b.partitions(1025), "partitions");
    assertRefused(() -> b.replicas(0), "replicas");
    assertRefused(() -> b.replicas(6), "replicas");
    assertRefused(() -> b.maxAge(Duration.ZERO), "maxAge");
    assertRefused(() -> b.duplicateWindow(Duration.ofSeconds(-1)), "duplicateWindow");
    assertRefused(() -> b.connectTimeout(null), "connectTimeout");
    assertRefused(() -> b.requestTimeout(Duration.ZERO), "requestTimeout");
    assertRefused(() -> b.storage(null), "storage");
    assertRefused(() -> b.eventStoredListener(null), "eventStoredListener");
    assertRefused(() -> b.credentials(null), "credentials");
  }

  @Test
  void namespace_events_isRefusedBecauseItWouldOverlapTheBusSubjects() {
    assertThatThrownBy(() -> JetStreamConfig.builder().namespace("events"))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("reserved")
        .extracting(e -> ((InvalidInputException) e).field()).isEqualTo("namespace");
    assertThat(JetStreamConfig.builder().namespace("events.a").build().namespace()).isEqualTo("events.a");
  }

  @Test
  void build_refusesADuplicateWindowLongerThanMaxAge() {
    JetStreamConfig.Builder b = JetStreamConfig.builder().maxAge(Duration.ofMinutes(1));
    assertRefused(b::build, "duplicateWindow");
    assertThat(b.duplicateWindow(Duration.ofMinutes(1)).build().maxAge()).contains(Duration.ofMinutes(1));
  }

  @Test
  void constructor_refusesAnSslContextWithoutTls() throws NoSuchAlgorithmException {
    JetStreamConfig valid = JetStreamConfig.builder().build();
    SSLContext ssl = SSLContext.getDefault();
    assertRefused(() -> new JetStreamConfig(valid.servers(), valid.credentials(), false, Optional.of(ssl),
        valid.namespace(), valid.subjectPrefix(), 1, 1, Optional.empty(), valid.duplicateWindow(),
        valid.connectTimeout(), valid.requestTimeout(), valid.storage(), valid.eventStoredListener()), "tls");
    assertThat(JetStreamConfig.builder().sslContext(ssl).tls(false).build().sslContext()).isEmpty();
  }

  @Test
  void credentials_refuseBadValues_andNeverShowSecrets() {
    assertRefused(() -> NatsCredentials.userPassword(" ", "p"), "credentials.user");
    assertRefused(() -> NatsCredentials.userPassword("u", null), "credentials.password");
    assertRefused(() -> NatsCredentials.token(""), "credentials.token");
    assertRefused(() -> NatsCredentials.credsFile(null), "credentials.file");
    assertThat(NatsCredentials.userPassword("alice", "s3cret").toString()).contains("alice").doesNotContain("s3cret");
    assertThat(NatsCredentials.token("t0ken").toString()).doesNotContain("t0ken");
    assertThat(JetStreamConfig.builder().credentials(NatsCredentials.token("t0ken")).build().toString())
        .doesNotContain("t0ken");
    assertThat(NatsCredentials.credsFile(Path.of("/x.creds"))).isEqualTo(NatsCredentials.credsFile(Path.of("/x.creds")));
  }

  private static void assertRefused(ThrowingCallable call, String field) {
    assertThatExceptionOfType(InvalidInputException.class).isThrownBy(call)
        .extracting(InvalidInputException::field).isEqualTo(field);
  }
}
