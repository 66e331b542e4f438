package dev.aether.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.nats.client.api.ServerInfo;
import org.junit.jupiter.api.Test;

class ServerVersionTest {

  @Test
  void versionsAsServersReportThem_areRead() {
    assertThat(ServerVersion.parse("2.9.10")).contains(new ServerVersion(2, 9, 10, ""));
    assertThat(ServerVersion.parse("v2.9.10")).contains(new ServerVersion(2, 9, 10, ""));
    assertThat(ServerVersion.parse(" 2.10.27-beta ")).contains(new ServerVersion(2, 10, 27, "beta"));
    assertThat(ServerVersion.parse("2.11.0-RC.1")).contains(new ServerVersion(2, 11, 0, "RC.1"));
    assertThat(ServerVersion.parse("2.12.1+build.5")).contains(new ServerVersion(2, 12, 1, ""));
    assertThat(ServerVersion.parse("2.10")).contains(new ServerVersion(2, 10, 0, ""));
  }

  @Test
  void whatIsNotAVersion_isEmpty() {
    assertThat(ServerVersion.parse("")).isEmpty();
    assertThat(ServerVersion.parse(null)).isEmpty();
    assertThat(ServerVersion.parse("latest")).isEmpty();
    assertThat(ServerVersion.parse("2")).isEmpty();
    assertThat(ServerVersion.parse("2.x.1")).isEmpty();
    assertThat(ServerVersion.parse("99999999999.1.1")).isEmpty();
  }

  @Test
  void versionsCompareNumerically_andAPreReleaseIsBelowItsRelease() {
    assertThat(v("2.9.10").isBefore(ServerVersion.REPLICATION_FIX)).isTrue();
    assertThat(v("2.9.20").isBefore(ServerVersion.REPLICATION_FIX)).isTrue();
    assertThat(v("2.9.21-beta").isBefore(ServerVersion.REPLICATION_FIX)).isTrue();
    assertThat(v("2.9.21").isBefore(ServerVersion.REPLICATION_FIX)).isFalse();
    assertThat(v("2.10.27-beta").isBefore(ServerVersion.REPLICATION_FIX)).isFalse();
    assertThat(v("2.10.0").isBefore(ServerVersion.REPLICATION_FIX)).isFalse();
    assertThat(v("3.0.0").isBefore(ServerVersion.REPLICATION_FIX)).isFalse();
    assertThat(v("2.9.9").isBefore(ServerVersion.MINIMUM)).isTrue();
    assertThat(v("2.10.0-RC.1").compareTo(v("2.10.0-RC.2"))).isNegative();
    assertThat(v("v2.9.10")).isEqualByComparingTo(v("2.9.10"));
  }

  @Test
  void replicas_areRefusedBeforeTheFix_namingTheVersionAndWhatToInstall() {
    ServerRequirements old = ServerRequirements.check(info("2.9.10"), "nats://a:4222");
    assertThatCode(() -> old.checkReplicas("stream S", 1)).doesNotThrowAnyException();
    assertThatExceptionOfType(UnsupportedServerException.class).isThrownBy(() -> old.checkReplicas("stream S", 3))
        .satisfies(e -> {
          assertThat(e.serverVersion()).isEqualTo("2.9.10");
          assertThat(e.requiredVersion()).isEqualTo("2.9.21");
          assertThat(e.getMessage()).contains("nats://a:4222", "version 2.9.10", "stream S with 3 replicas",
              "replicas(1)", "install nats-server 2.9.21 or newer", "2.10.27");
        });
    ServerRequirements fixed = ServerRequirements.check(info("2.10.27-beta"), "nats://a:4222");
    assertThatCode(() -> fixed.checkReplicas("stream S", 3)).doesNotThrowAnyException();
  }

  @Test
  void anUnreadableVersion_isAcceptedForOneReplica_andRefusedForMore() {
    ServerRequirements unknown = ServerRequirements.check(info("custom-build"), "nats://a:4222");
    assertThatCode(() -> unknown.checkReplicas("stream S", 1)).doesNotThrowAnyException();
    assertThatExceptionOfType(UnsupportedServerException.class)
        .isThrownBy(() -> unknown.checkReplicas("stream S", 3))
        .withMessageContaining("unreadable version \"custom-build\"");
  }

  @Test
  void aServerOlderThanTheMinimum_isRefused() {
    assertThatExceptionOfType(UnsupportedServerException.class)
        .isThrownBy(() -> ServerRequirements.check(info("2.8.4"), "nats://a:4222"))
        .satisfies(e -> assertThat(e.requiredVersion()).isEqualTo("2.9.10"))
        .withMessageContaining("version 2.8.4");
  }

  @Test
  void aServerWithoutJetStream_isRefused() {
    assertThatExceptionOfType(JetStreamStoreException.class)
        .isThrownBy(() -> ServerRequirements.check(new ServerInfo("INFO {\"version\":\"2.10.27\"}"), "nats://a"))
        .withMessageContaining("does not have JetStream enabled");
  }

  private static ServerVersion v(String text) {
    return ServerVersion.parse(text).orElseThrow();
  }

  private static ServerInfo info(String version) {
    return new ServerInfo("INFO {\"version\":\"" + version + "\",\"jetstream\":true}");
  }
}
