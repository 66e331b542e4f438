package dev.aether.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aether.InvalidInputException;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class JetStreamConfigTest {

  @Test
  void redacted_hidesTheSecretOfAUrlsUserInfo_andToStringShowsNoSecret() {
    assertThat(JetStreamConfig.redacted("nats://aether:S3cret@10.0.0.1:4222")).isEqualTo("nats://aether:****@10.0.0.1:4222");
    assertThat(JetStreamConfig.redacted("tls://t0ken@host:4222")).isEqualTo("tls://****@host:4222");
    assertThat(JetStreamConfig.redacted("nats://host:4222")).isEqualTo("nats://host:4222");
    assertThat(JetStreamConfig.redacted("no servers: [nats://a:x@h:1, nats://b:y@h:2]"))
        .isEqualTo("no servers: [nats://a:****@h:1, nats://b:****@h:2]");
    assertThat(JetStreamConfig.builder().servers("nats://u:S3cret@127.0.0.1:4222", "nats://127.0.0.1:4223").build()
        .toString()).doesNotContain("S3cret").contains("nats://u:****@127.0.0.1:4222", "nats://127.0.0.1:4223");
  }

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
    assertRefused(() -> JetStreamEventStore.connect(b.build(), null), "eventStoredListener");
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
  void build_refusesADuplicateWindowLongerThanMaxAge_setByTheCaller() {
    JetStreamConfig.Builder b = JetStreamConfig.builder().maxAge(Duration.ofMinutes(1))
        .duplicateWindow(Duration.ofMinutes(5));
    assertRefused(b::build, "duplicateWindow");
    assertThatThrownBy(b::build).hasMessage("duplicateWindow: must not be longer than maxAge (1m), was 5m");
    assertThat(b.duplicateWindow(Duration.ofMinutes(1)).build().maxAge()).contains(Duration.ofMinutes(1));
  }

  @Test
  void aShortMaxAgeAlone_shortensTheDefaultDuplicateWindow_insteadOfBeingRefusedForIt() {
    // found by a new user: max-age=1m alone was refused naming duplicate-window, which they had not set
    JetStreamConfig short1m = JetStreamConfig.fromMap(Map.of("aether.nats.max-age", "1m"));
    assertThat(short1m.duplicateWindow()).isEqualTo(Duration.ofMinutes(1));
    assertThat(short1m.toBuilder().maxAge(Duration.ofDays(1)).build().duplicateWindow())
        .isEqualTo(JetStreamConfig.DEFAULT_DUPLICATE_WINDOW);
    assertThat(JetStreamConfig.builder().maxAge(Duration.ofHours(1)).build().duplicateWindow())
        .isEqualTo(JetStreamConfig.DEFAULT_DUPLICATE_WINDOW);
    JetStreamConfig set = JetStreamConfig.builder().duplicateWindow(Duration.ofSeconds(30)).build();
    assertThat(set.toBuilder().maxAge(Duration.ofDays(1)).build().duplicateWindow()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void timeoutsAboveADay_andANullServer_areRefusedNamingTheField() {
    // found by a new user: 200000d was accepted, then connecting failed with ArithmeticException: long overflow
    assertRefused(() -> JetStreamConfig.builder().connectTimeout(Duration.ofDays(200_000)), "connectTimeout");
    assertRefused(() -> JetStreamConfig.builder().requestTimeout(Duration.ofDays(2)), "requestTimeout");
    assertThat(JetStreamConfig.builder().requestTimeout(Duration.ofDays(1)).build().requestTimeout())
        .isEqualTo(JetStreamConfig.MAX_TIMEOUT);
    assertRefused(() -> JetStreamConfig.builder().servers((String) null), "servers[0]");
    assertRefused(() -> JetStreamConfig.builder().servers("nats://a:4222", null), "servers[1]");
  }

  @Test
  void anSslContextWithoutTls_cannotBeBuilt() throws NoSuchAlgorithmException {
    SSLContext ssl = SSLContext.getDefault();
    assertThat(JetStreamConfig.class.getConstructors()).isEmpty();
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

  @Test
  void emptyMap_givesTheBuilderDefaults() {
    assertThat(JetStreamConfig.fromMap(Map.of())).isEqualTo(JetStreamConfig.builder().build())
        .hasSameHashCodeAs(JetStreamConfig.builder().build());
  }

  @Test
  void fromMap_readsEveryKey_andIgnoresOtherPrefixes() {
    Map<String, String> settings = new HashMap<>();
    settings.put("aether.nats.servers", "nats://a:4222, tls://b:4443");
    settings.put("aether.nats.user", "alice");
    settings.put("aether.nats.password", "s3cret");
    settings.put("aether.nats.tls", "true");
    settings.put("aether.nats.namespace", "tenant-1.orders_eu");
    settings.put("aether.nats.subject-prefix", "Acme-2");
    settings.put("aether.nats.partitions", "16");
    settings.put("aether.nats.replicas", "3");
    settings.put("aether.nats.max-age", "365d");
    settings.put("aether.nats.duplicate-window", "10m");
    settings.put("aether.nats.connect-timeout", "100ms");
    settings.put("aether.nats.request-timeout", "PT0.3S");
    settings.put("aether.nats.storage", "memory");
    settings.put("aether.runtime.idle-timeout", "not read here");
    settings.put("aether.natsx.servers", "x");

    assertThat(JetStreamConfig.fromMap(settings)).isEqualTo(JetStreamConfig.builder()
        .servers("nats://a:4222", "tls://b:4443")
        .credentials(NatsCredentials.userPassword("alice", "s3cret"))
        .tls(true)
        .namespace("tenant-1.orders_eu")
        .subjectPrefix("Acme-2")
        .partitions(16)
        .replicas(3)
        .maxAge(Duration.ofDays(365))
        .duplicateWindow(Duration.ofMinutes(10))
        .connectTimeout(Duration.ofMillis(100))
        .requestTimeout(Duration.ofMillis(300))
        .storage(JetStreamConfig.Storage.MEMORY)
        .build());
  }

  @Test
  void fromMap_readsTheOtherCredentialsAndKeepForever() {
    assertThat(JetStreamConfig.fromMap(Map.of("aether.nats.token", "t0ken")).credentials())
        .isEqualTo(NatsCredentials.token("t0ken"));
    assertThat(JetStreamConfig.fromMap(Map.of("aether.nats.creds-file", "/etc/aether/app.creds")).credentials())
        .isEqualTo(NatsCredentials.credsFile(Path.of("/etc/aether/app.creds")));
    assertThat(JetStreamConfig.fromMap(Map.of("aether.nats.max-age", "forever")).maxAge()).isEmpty();
    assertThat(JetStreamConfig.builder().maxAge(Duration.ofDays(1)).apply(Map.of("aether.nats.max-age", "Forever"))
        .build().maxAge()).isEmpty();
  }

  @Test
  void fromMap_refusesEachBadValueNamingTheKey() {
    refusedKey("aether.nats.servers", "http://x:80");
    refusedKey("aether.nats.servers", "nats://a:1,,nats://b:2");
    refusedKey("aether.nats.tls", "yes");
    refusedKey("aether.nats.namespace", "events");
    refusedKey("aether.nats.namespace", "a b");
    refusedKey("aether.nats.subject-prefix", "a_b");
    refusedKey("aether.nats.partitions", "1025");
    refusedKey("aether.nats.partitions", "two");
    refusedKey("aether.nats.replicas", "0");
    refusedKey("aether.nats.max-age", "0s");
    refusedKey("aether.nats.max-age", "never");
    refusedKey("aether.nats.duplicate-window", "2");
    refusedKey("aether.nats.connect-timeout", "-1s");
    refusedKey("aether.nats.request-timeout", "PT0S");
    refusedKey("aether.nats.request-timeout", "100000d");
    refusedKey("aether.nats.connect-timeout", "25h");
    refusedKey("aether.nats.max-age", "200000d"); // overflowed the client's nanoseconds when the stream was made
    refusedKey("aether.nats.duplicate-window", "200000d");
    refusedKey("aether.nats.storage", "disk");
    refusedKey("aether.nats.token", " ");
    refusedKey("aether.nats.url", "nats://a:4222");
    refusedKey("aether.nats.requestTimeout", "5s");
  }

  @Test
  void fromMap_refusesCredentialsThatDoNotGoTogether() {
    refusedKeys("aether.nats.password", Map.of("aether.nats.user", "alice"));
    refusedKeys("aether.nats.user", Map.of("aether.nats.password", "s3cret"));
    refusedKeys("aether.nats.user", Map.of("aether.nats.user", " ", "aether.nats.password", "p"));
    refusedKeys("aether.nats.user", Map.of("aether.nats.token", "t", "aether.nats.user", "u",
        "aether.nats.password", "p"));
    refusedKeys("aether.nats.token", Map.of("aether.nats.token", "t", "aether.nats.creds-file", "/x.creds"));
  }

  @Test
  void fromMap_namesTheKeyWhenARuleBetweenSettingsIsBroken() {
    refusedKeys("aether.nats.duplicate-window", Map.of("aether.nats.max-age", "1m",
        "aether.nats.duplicate-window", "5m"));
    // and so does a builder's apply(map), then build() (it named the builder's field)
    assertRefused(() -> JetStreamConfig.builder().apply(Map.of("aether.nats.max-age", "1m",
        "aether.nats.duplicate-window", "5m")).build(), "aether.nats.duplicate-window");
  }

  @Test
  void config_hasNoPublicConstructor_andPrintsNoSecrets() {
    assertThat(JetStreamConfig.class.getConstructors()).isEmpty();
    assertThat(JetStreamConfig.class.isRecord()).isFalse();
    assertThat(JetStreamConfig.fromMap(Map.of("aether.nats.user", "alice", "aether.nats.password", "s3cret"))
        .toString()).contains("alice").doesNotContain("s3cret");
  }

  private static void refusedKey(String key, String value) {
    refusedKeys(key, Map.of(key, value));
  }

  private static void refusedKeys(String key, Map<String, String> settings) {
    assertThatExceptionOfType(InvalidInputException.class).as(settings.toString())
        .isThrownBy(() -> JetStreamConfig.fromMap(settings))
        .extracting(InvalidInputException::field).isEqualTo(key);
  }

  private static void assertRefused(ThrowingCallable call, String field) {
    assertThatExceptionOfType(InvalidInputException.class).isThrownBy(call)
        .extracting(InvalidInputException::field).isEqualTo(field);
  }
}
