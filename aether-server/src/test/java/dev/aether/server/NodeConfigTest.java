package dev.aether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeConfigTest {

  @TempDir
  Path dir;

  private Path file(String yaml) throws IOException {
    Path file = dir.resolve("aether.yaml");
    Files.writeString(file, yaml);
    return file;
  }

  private static InvalidConfigException refused(Optional<Path> file, Map<String, String> env,
      Map<String, String> flags) {
    try {
      NodeConfig.resolve(file, env, flags);
    } catch (InvalidConfigException e) {
      return e;
    }
    throw new AssertionError("accepted");
  }

  @Test
  void defaults_whenNothingIsGiven() {
    NodeConfig config = NodeConfig.resolve(Optional.empty(), Map.of(), Map.of());
    assertThat(config.store()).isEqualTo(StoreKind.NATS);
    assertThat(config.natsUrl()).isEmpty();
    assertThat(config.httpHost()).isEqualTo("127.0.0.1");
    assertThat(config.httpPort()).isEqualTo(8080);
    assertThat(config.dataDir()).isEqualTo(Path.of(".aether"));
    assertThat(config.commandTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.maxBodyBytes()).isEqualTo(1_048_576);
    assertThat(config.cluster()).isFalse();
    assertThat(config.authToken()).isEmpty();
  }

  @Test
  void precedence_flagsOverEnvOverFile() throws IOException {
    Path file = file("http:\n  port: 1111\n  host: 0.0.0.0\nnamespace: fromfile\nnode-id: file-node\n");
    Map<String, String> env = Map.of("AETHER_HTTP_PORT", "2222", "AETHER_NAMESPACE", "fromenv",
        "AETHER_URL", "ignored: the CLI's, not a node key");
    NodeConfig config = NodeConfig.resolve(Optional.of(file), env, Map.of("http.port", "3333"));
    assertThat(config.httpPort()).isEqualTo(3333);
    assertThat(config.namespace()).isEqualTo("fromenv");
    assertThat(config.httpHost()).isEqualTo("0.0.0.0");
    assertThat(config.nodeId()).isEqualTo("file-node");
  }

  @Test
  void everyKey_readFromTheFile_dottedOrNested() throws IOException {
    Path model = Files.writeString(dir.resolve("bank.yaml"), "the file must exist; it is read at start\n");
    Path file = file("""
        model: %s
        nats.url: nats://10.0.0.1:4222
        store: nats
        http: {host: localhost, port: 0, max-body-bytes: 4096}
        namespace: shop
        node-id: n-2
        data-dir: /tmp/x
        auth: {token: abcdefghijklmnopq}
        command.timeout: 750ms
        cluster: true
        runtime: {mailbox-capacity: 700}
        """.formatted(model));
    NodeConfig config = NodeConfig.resolve(Optional.of(file), Map.of(), Map.of());
    assertThat(config.model()).contains(model);
    assertThat(config.natsUrl()).contains("nats://10.0.0.1:4222");
    assertThat(config.httpPort()).isZero();
    assertThat(config.maxBodyBytes()).isEqualTo(4096);
    assertThat(config.authToken()).contains("abcdefghijklmnopq");
    assertThat(config.commandTimeout()).isEqualTo(Duration.ofMillis(750));
    assertThat(config.cluster()).isTrue();
    assertThat(config.runtimeSettings()).containsEntry("aether.runtime.mailbox-capacity", "700");
  }

  @Test
  void clusterSettings_fromAClusterMapInTheFile_orDottedFlags_reachClusterConfig() throws IOException {
    Path file = file("""
        cluster:
          enabled: true
          dead-after: 3s
          lease-interval: 1s
          shards: 256
          remember-actors: [Account, Order]
        """);
    NodeConfig config = NodeConfig.resolve(Optional.of(file), Map.of(), Map.of("cluster.max-hops", "5"));
    assertThat(config.cluster()).isTrue();
    assertThat(config.clusterSettings()).containsOnly(Map.entry("aether.cluster.dead-after", "3s"),
        Map.entry("aether.cluster.lease-interval", "1s"), Map.entry("aether.cluster.shards", "256"),
        Map.entry("aether.cluster.remember-actors", "Account,Order"), Map.entry("aether.cluster.max-hops", "5"));
    dev.aether.cluster.ClusterConfig cluster = dev.aether.cluster.ClusterConfig.builder(
        dev.aether.nats.JetStreamConfig.builder().build()).apply(config.clusterSettings()).build();
    assertThat(cluster.deadAfter()).isEqualTo(Duration.ofSeconds(3));
    assertThat(cluster.shards().count()).isEqualTo(256);
    assertThat(cluster.rememberActors()).containsExactlyInAnyOrder("Account", "Order");
    assertThat(cluster.maxHops()).isEqualTo(5);
  }

  @Test
  void aRuleBetweenTwoModuleKeys_namesOurKeys_andTheSourceOfTheOneGiven() {
    // found by a new user: "nats.password: must be set together with aether.nats.user (from default)"
    for (String given : List.of("USER", "PASSWORD")) {
      InvalidConfigException alone = refused(Optional.empty(), Map.of("AETHER_NATS_" + given, "u"),
          Map.of("nats.url", "nats://127.0.0.1:4222"));
      String other = given.equals("USER") ? "nats.password" : "nats.user";
      assertThat(alone.key()).isEqualTo(other);
      assertThat(alone.getMessage()).as(given).contains("must be set together with nats." + given.toLowerCase())
          .doesNotContain("aether.nats");
      assertThat(alone.source()).isEqualTo("AETHER_NATS_" + given);
    }
    InvalidConfigException limit = refused(Optional.empty(), Map.of("AETHER_RUNTIME_GROUP_COMMIT_LIMIT", "100",
        "AETHER_RUNTIME_MAILBOX_CAPACITY", "10"), Map.of());
    assertThat(limit.key()).isEqualTo("runtime.group-commit-limit");
    assertThat(limit.getMessage()).contains("runtime.mailbox-capacity").doesNotContain("aether.runtime");
    assertThat(limit.source()).isEqualTo("AETHER_RUNTIME_GROUP_COMMIT_LIMIT and AETHER_RUNTIME_MAILBOX_CAPACITY");
  }

  @Test
  void corsOrigins_fromAListOrText_andAnythingButAnOriginRefusedNamingTheKey() throws IOException {
    assertThat(NodeConfig.resolve(Optional.of(file("http: {cors-origins: [\"https://app.example.com\","
        + " \"http://localhost:3000\"]}\n")), Map.of(), Map.of()).corsOrigins())
        .containsExactly("https://app.example.com", "http://localhost:3000");
    assertThat(NodeConfig.resolve(Optional.empty(), Map.of("AETHER_HTTP_CORS_ORIGINS", "*"), Map.of()).corsOrigins())
        .containsExactly("*");
    assertThat(NodeConfig.resolve(Optional.empty(), Map.of(), Map.of()).corsOrigins()).isEmpty();
    for (String bad : List.of("https://app.example.com/", "app.example.com", "ftp://x", "*,http://a",
        "https://a.example/path")) {
      InvalidConfigException refused = refused(Optional.empty(), Map.of("AETHER_HTTP_CORS_ORIGINS", bad), Map.of());
      assertThat(refused.key()).as(bad).isEqualTo("http.cors-origins");
      assertThat(refused.source()).isEqualTo("AETHER_HTTP_CORS_ORIGINS");
    }
  }

  @Test
  void drainPeriod_defaultsToNoneOnLoopback_andAFewSecondsOnAnAddressOthersReach() {
    assertThat(NodeConfig.builder().build().drainPeriod()).as("127.0.0.1, the default host").isZero();
    for (String loopback : List.of("localhost", "127.0.0.2", "::1", "[::1]")) {
      assertThat(NodeConfig.builder().httpHost(loopback).build().drainPeriod()).as(loopback).isZero();
    }
    for (String reachable : List.of("0.0.0.0", "10.1.2.3", "::", "node-1.example.com", "127.example.com")) {
      assertThat(NodeConfig.builder().httpHost(reachable).build().drainPeriod()).as(reachable)
          .isEqualTo(NodeConfig.DEFAULT_DRAIN_PERIOD).isEqualTo(Duration.ofSeconds(5));
    }
    assertThat(NodeConfig.builder().drainPeriod(Duration.ofSeconds(3)).build().drainPeriod())
        .as("set, on loopback too").isEqualTo(Duration.ofSeconds(3));
    assertThat(NodeConfig.builder().httpHost("0.0.0.0").drainPeriod(Duration.ZERO).build().drainPeriod()).isZero();
  }

  @Test
  void drainPeriod_fromTheFileOrTheEnvironment_andOutOfRangeRefusedNamingTheKey() throws IOException {
    assertThat(NodeConfig.resolve(Optional.of(file("http: {drain-period: 20s}\n")), Map.of(), Map.of())
        .drainPeriod()).isEqualTo(Duration.ofSeconds(20));
    assertThat(NodeConfig.resolve(Optional.empty(), Map.of("AETHER_HTTP_DRAIN_PERIOD", "0s"),
        Map.of("http.host", "0.0.0.0")).drainPeriod()).isZero();
    assertThat(NodeConfig.resolve(Optional.empty(), Map.of(), Map.of("http.drain-period", "5m")).drainPeriod())
        .isEqualTo(NodeConfig.MAX_DRAIN_PERIOD);
    for (String bad : List.of("6m", "-1s", "soon", "")) {
      InvalidConfigException refused = refused(Optional.empty(), Map.of("AETHER_HTTP_DRAIN_PERIOD", bad), Map.of());
      assertThat(refused.key()).as(bad).isEqualTo("http.drain-period");
      assertThat(refused.source()).isEqualTo("AETHER_HTTP_DRAIN_PERIOD");
    }
    assertThat(refused(Optional.empty(), Map.of("AETHER_HTTP_DRAIN_PERIOD", "6m"), Map.of()).getMessage())
        .contains("out of range (0s, no drain, to 5m)");
  }

  @Test
  void theRuntimesCommandTimeout_isRefused_namingTheKeyThatSetsIt() {
    // found by a new user: it was taken, then overridden by command.timeout (5 s) without a word
    InvalidConfigException timeout = refused(Optional.empty(), Map.of("AETHER_RUNTIME_COMMAND_TIMEOUT", "30s"),
        Map.of());
    assertThat(timeout.key()).isEqualTo("runtime.command-timeout");
    assertThat(timeout.source()).isEqualTo("AETHER_RUNTIME_COMMAND_TIMEOUT");
    assertThat(timeout.getMessage()).contains("command.timeout");
  }

  @Test
  void clusterSettings_badOrWithoutCluster_refusedNamingTheKey() throws IOException {
    Path file = file("cluster: {enabled: true, shards: 100}\n");
    InvalidConfigException shards = refused(Optional.of(file), Map.of(), Map.of());
    assertThat(shards.key()).isEqualTo("cluster.shards");
    assertThat(shards.source()).isEqualTo(file.toString());
    assertThat(refused(Optional.empty(), Map.of("AETHER_CLUSTER", "true"), Map.of("cluster.dead-after", "600ms"))
        .key()).as("below two lease intervals").isEqualTo("cluster.dead-after");
    assertThat(refused(Optional.empty(), Map.of(), Map.of("cluster", "true", "cluster.bogus", "1")).key())
        .isEqualTo("cluster.bogus");
    assertThat(refused(Optional.empty(), Map.of(), Map.of("cluster", "true", "cluster.node-id", "n2")).key())
        .as("the node's own key is node-id").isEqualTo("cluster.node-id");
    assertThat(refused(Optional.of(file("http: {port: [1, 2]}\n")), Map.of(), Map.of()).key())
        .as("a list for a key that takes one value").isEqualTo("http.port");
    assertThat(refused(Optional.of(file("cluster: {enabled: true, remember-actors: [\"A,B\"]}\n")), Map.of(),
        Map.of()).key()).as("an item holding the separator").isEqualTo("cluster.remember-actors");
    InvalidConfigException alone = refused(Optional.empty(), Map.of(), Map.of("cluster.dead-after", "3s"));
    assertThat(alone.key()).isEqualTo("cluster");
    assertThat(alone.getMessage()).contains("cluster.dead-after").contains("cluster=true");
  }

  @Test
  void runtimeAndClusterSettings_fromTheEnvironment_belowFlagsAboveTheFile() throws IOException {
    Path file = file("""
        cluster: {enabled: true, dead-after: 9s}
        runtime: {idle-timeout: 9m}
        """);
    NodeConfig config = NodeConfig.resolve(Optional.of(file), Map.of("AETHER_CLUSTER_DEAD_AFTER", "3s",
        "AETHER_CLUSTER_REMEMBER_ACTORS", "Account,Order", "AETHER_RUNTIME_IDLE_TIMEOUT", "2m",
        "AETHER_RUNTIME_MAILBOX_CAPACITY", "700"), Map.of("runtime.mailbox-capacity", "800"));
    assertThat(config.clusterSettings()).containsOnly(Map.entry("aether.cluster.dead-after", "3s"),
        Map.entry("aether.cluster.remember-actors", "Account,Order"));
    assertThat(config.runtimeSettings()).containsOnly(Map.entry("aether.runtime.idle-timeout", "2m"),
        Map.entry("aether.runtime.mailbox-capacity", "800"));
    InvalidConfigException bad = refused(Optional.empty(), Map.of("AETHER_CLUSTER", "true",
        "AETHER_CLUSTER_LEASE_INTERVAL", "soon"), Map.of());
    assertThat(bad.key()).isEqualTo("cluster.lease-interval");
    assertThat(bad.source()).isEqualTo("AETHER_CLUSTER_LEASE_INTERVAL");
    assertThat(refused(Optional.empty(), Map.of("AETHER_RUNTIME_GROUP_COMMIT_LIMIT", "0"), Map.of()).source())
        .isEqualTo("AETHER_RUNTIME_GROUP_COMMIT_LIMIT");
  }

  @Test
  void ignoredVariables_nameEachMisspeltAetherVariable_withTheOneItProbablyMeant() {
    Map<String, String> env = Map.of("AETHER_HTTP_PROT", "9000", "AETHER_RUNTIME_IDLE_TIMOUT", "1m",
        "AETHER_SOMETHING_ELSE", "x", "AETHER_HTTP_PORT", "9001", "AETHER_URL", "http://x", "AETHER_TOKEN", "t",
        "AETHER_NATS_SERVER", "/bin/nats-server", "PATH", "/bin", "HOME", "/root");
    assertThat(NodeConfig.ignoredVariables(env)).containsExactly(
        "AETHER_HTTP_PROT is not a setting and is ignored (did you mean AETHER_HTTP_PORT?)",
        "AETHER_RUNTIME_IDLE_TIMOUT is not a setting and is ignored (did you mean AETHER_RUNTIME_IDLE_TIMEOUT?)",
        "AETHER_SOMETHING_ELSE is not a setting and is ignored");
    assertThat(NodeConfig.ignoredVariables(Map.of("AETHER_HTTP_PORT", "1", "AETHER_CLUSTER_SHARDS", "256")))
        .isEmpty();
    assertThat(NodeConfig.ignoredVariables(Map.of("AETHER_CLUSTER_NODE_ID", "n2"))).as("the id is AETHER_NODE_ID")
        .singleElement().asString().startsWith("AETHER_CLUSTER_NODE_ID is not a setting");
    for (String key : NodeConfig.KEYS) {
      assertThat(NodeConfig.ignoredVariables(Map.of(NodeConfig.envName(key), "x"))).as(key).isEmpty();
    }
  }

  @Test
  void badPort_fromEnv_namesKeyValueAndVariable() {
    InvalidConfigException e = refused(Optional.empty(), Map.of("AETHER_HTTP_PORT", "abc"), Map.of());
    assertThat(e.key()).isEqualTo("http.port");
    assertThat(e.source()).isEqualTo("AETHER_HTTP_PORT");
    assertThat(e.getMessage()).isEqualTo("http.port: \"abc\": is not a port (0..65535; 0 = a free port) "
        + "(from AETHER_HTTP_PORT)");
  }

  @Test
  void badValues_eachNamedWithItsSource() throws IOException {
    assertThat(refused(Optional.empty(), Map.of(), Map.of("store", "disk")).getMessage())
        .startsWith("store: \"disk\"").endsWith("(from the command line (store))");
    assertThat(refused(Optional.empty(), Map.of("AETHER_COMMAND_TIMEOUT", "soon"), Map.of()).key())
        .isEqualTo("command.timeout");
    assertThat(refused(Optional.empty(), Map.of("AETHER_NATS_URL", "http://x"), Map.of()).key())
        .isEqualTo("nats.url");
    assertThat(refused(Optional.empty(), Map.of("AETHER_HTTP_PORT", "70000"), Map.of()).key())
        .isEqualTo("http.port");
    assertThat(refused(Optional.empty(), Map.of("AETHER_CLUSTER", "yes"), Map.of()).key()).isEqualTo("cluster");
    assertThat(refused(Optional.empty(), Map.of("AETHER_HTTP_MAX_BODY_BYTES", "10"), Map.of()).key())
        .isEqualTo("http.max-body-bytes");
    assertThat(refused(Optional.empty(), Map.of("AETHER_NODE_ID", "a b"), Map.of()).key()).isEqualTo("node-id");
    InvalidConfigException token = refused(Optional.empty(), Map.of("AETHER_AUTH_TOKEN", "short"), Map.of());
    assertThat(token.key()).isEqualTo("auth.token");
    assertThat(token.getMessage()).doesNotContain("short");
    InvalidConfigException nonAscii = refused(Optional.empty(), Map.of("AETHER_AUTH_TOKEN", "sécret-token-0123456789"),
        Map.of()); // no client could send it unchanged: java.net.http writes é as '?'
    assertThat(nonAscii.key()).isEqualTo("auth.token");
    assertThat(nonAscii.getMessage()).contains("printable ASCII").doesNotContain("sécret");
    Path file = file("namespace: \"bad namespace!\"\n");
    InvalidConfigException ns = refused(Optional.of(file), Map.of(), Map.of());
    assertThat(ns.key()).isEqualTo("namespace");
    assertThat(ns.source()).isEqualTo(file.toString());
    assertThat(refused(Optional.empty(), Map.of(), Map.of("runtime.mailbox-capacity", "0")).key())
        .isEqualTo("runtime.mailbox-capacity");
  }

  @Test
  void aModelFileThatIsNotThere_isASettingRefused_namingTheKeyAndItsSource() {
    InvalidConfigException missing = refused(Optional.empty(), Map.of(), Map.of("model", "/nonexistent/bank.yaml"));
    assertThat(missing.key()).isEqualTo("model");
    assertThat(missing.getMessage()).isEqualTo("model: \"/nonexistent/bank.yaml\": no such file (from the command line"
        + " (model))");
    InvalidConfigException directory = refused(Optional.empty(), Map.of("AETHER_MODEL", dir.toString()), Map.of());
    assertThat(directory.getMessage()).contains("is a directory").endsWith("(from AETHER_MODEL)");
  }

  @Test
  void unknownKeyInTheFile_isRefused() throws IOException {
    Path file = file("http:\n  prot: 8080\n");
    InvalidConfigException e = refused(Optional.of(file), Map.of(), Map.of());
    assertThat(e.key()).isEqualTo("http.prot");
    assertThat(e.getMessage()).contains("unknown key");
    assertThat(refused(Optional.empty(), Map.of(), Map.of("htp.port", "1")).key()).isEqualTo("htp.port");
  }

  @Test
  void missingOrMalformedFile_isRefused() throws IOException {
    assertThat(refused(Optional.of(dir.resolve("none.yaml")), Map.of(), Map.of()).getMessage())
        .contains("no such file");
    assertThat(refused(Optional.of(file("http: [1, 2\n")), Map.of(), Map.of()).key()).isEqualTo("config");
    assertThat(refused(Optional.of(file("- 1\n")), Map.of(), Map.of()).getMessage()).contains("map of keys");
    assertThat(refused(Optional.of(file("namespace: bank\nhttp:\n  port: [1, 2\n")), Map.of(), Map.of())
        .getMessage()).as("what and where the YAML breaks")
        .contains("flow sequence at line 3, column 9: expected ',' or ']', but got <stream end> at line 4, column 1");
  }

  @Test
  void aKeyGivenTwiceInTheFile_isRefusedNamingIt_notTheLastOneSilentlyTaken() throws IOException {
    InvalidConfigException both = refused(Optional.of(file("http.port: 1\nhttp:\n  port: 2\n")), Map.of(),
        Map.of());
    assertThat(both.key()).isEqualTo("http.port");
    assertThat(both.getMessage()).contains("twice");
    assertThat(refused(Optional.of(file("namespace: a\nnamespace: b\n")), Map.of(), Map.of()).getMessage())
        .contains("namespace").contains("line 2");
  }

  @Test
  void crossKeyRules_clusterOrNatsUrlWithMemory_refused_namingWhereEachValueCameFrom() throws IOException {
    InvalidConfigException cluster = refused(Optional.empty(), Map.of("AETHER_STORE", "memory"),
        Map.of("cluster", "true"));
    assertThat(cluster.key()).isEqualTo("cluster");
    assertThat(cluster.source()).isEqualTo("the command line (cluster) and AETHER_STORE");
    InvalidConfigException nats = refused(Optional.empty(), Map.of("AETHER_NATS_URL", "nats://h:1"),
        Map.of("store", "memory"));
    assertThat(nats.key()).isEqualTo("store");
    assertThat(nats.getMessage()).endsWith("(from the command line (store) and AETHER_NATS_URL)");
    InvalidConfigException settings = refused(Optional.empty(), Map.of("AETHER_CLUSTER_DEAD_AFTER", "3s"),
        Map.of("store", "memory"));
    assertThat(settings.key()).isEqualTo("cluster");
    assertThat(settings.source()).as("not \"default\": the setting that needs a cluster").isEqualTo(
        "AETHER_CLUSTER_DEAD_AFTER");
    Path file = file("cluster: {dead-after: 3s}\n");
    assertThat(refused(Optional.of(file), Map.of("AETHER_CLUSTER", "false"), Map.of()).source())
        .isEqualTo(file + " and AETHER_CLUSTER");
    assertThat(refused(Optional.empty(), Map.of("AETHER_NATS_REPLICAS", "3"), Map.of()).source())
        .isEqualTo("AETHER_NATS_REPLICAS");
  }

  @Test
  void forceModel_fromTheFlagTheEnvironmentOrTheFile_andRefusedWithoutAModelOrOnAClusterOrInMemory()
      throws IOException {
    Path model = Files.writeString(dir.resolve("bank.yaml"), "read at start\n");
    assertThat(NodeConfig.resolve(Optional.empty(), Map.of(), Map.of()).forceModel()).isFalse();
    assertThat(NodeConfig.resolve(Optional.empty(), Map.of("AETHER_MODEL", model.toString()),
        Map.of("force-model", "true"), Map.of("force-model", "--force-model")).forceModel()).isTrue();
    assertThat(NodeConfig.resolve(Optional.empty(), Map.of("AETHER_MODEL", model.toString(),
        "AETHER_FORCE_MODEL", "true"), Map.of()).forceModel()).isTrue();
    assertThat(NodeConfig.resolve(Optional.of(file("model: " + model + "\nforce-model: true\n")), Map.of(),
        Map.of()).forceModel()).isTrue();

    InvalidConfigException noModel = assertThrowsConfig(() -> NodeConfig.resolve(Optional.empty(), Map.of(),
        Map.of("force-model", "true"), Map.of("force-model", "--force-model")));
    assertThat(noModel.key()).isEqualTo("force-model");
    assertThat(noModel.getMessage()).contains("no model is given").endsWith("(from --force-model)");
    assertThat(refused(Optional.empty(), Map.of("AETHER_FORCE_MODEL", "true", "AETHER_MODEL", model.toString()),
        Map.of("cluster", "true")).getMessage()).contains("aether model load --force")
        .endsWith("(from AETHER_FORCE_MODEL and the command line (cluster))");
    assertThat(refused(Optional.empty(), Map.of("AETHER_FORCE_MODEL", "true", "AETHER_MODEL", model.toString(),
        "AETHER_STORE", "memory"), Map.of()).getMessage()).contains("store=memory keeps no model");
    assertThat(refused(Optional.empty(), Map.of("AETHER_FORCE_MODEL", "yes"), Map.of()).key())
        .isEqualTo("force-model");
  }

  @Test
  void flagNames_nameTheOptionTheUserTyped() {
    InvalidConfigException port = assertThrowsConfig(() -> NodeConfig.resolve(Optional.empty(), Map.of(),
        Map.of("http.port", "abc"), Map.of("http.port", "--http")));
    assertThat(port.source()).isEqualTo("--http");
    InvalidConfigException rule = assertThrowsConfig(() -> NodeConfig.resolve(Optional.empty(),
        Map.of("AETHER_STORE", "memory"), Map.of("cluster", "true"), Map.of("cluster", "--cluster")));
    assertThat(rule.getMessage()).endsWith("(from --cluster and AETHER_STORE)");
  }

  @Test
  void theConfigurationKeepsEachValuesSource_forRefusalsAtStart() {
    NodeConfig config = NodeConfig.resolve(Optional.empty(), Map.of("AETHER_NAMESPACE", "shop"),
        Map.of("node-id", "n1"), Map.of("node-id", "--node-id"));
    assertThat(config.source(NodeConfig.NAMESPACE)).isEqualTo("AETHER_NAMESPACE");
    assertThat(config.source(NodeConfig.NODE_ID)).isEqualTo("--node-id");
    assertThat(config.source(NodeConfig.CLUSTER)).isEqualTo("default");
  }

  private static InvalidConfigException assertThrowsConfig(Runnable resolve) {
    try {
      resolve.run();
    } catch (InvalidConfigException e) {
      return e;
    }
    throw new AssertionError("accepted");
  }

  @Test
  void natsCredentials_passedThroughAndChecked() {
    NodeConfig config = NodeConfig.resolve(Optional.empty(), Map.of("AETHER_NATS_USER", "u",
        "AETHER_NATS_PASSWORD", "p", "AETHER_NATS_TLS", "true"), Map.of());
    assertThat(config.natsSettings()).containsEntry("aether.nats.user", "u").containsEntry("aether.nats.tls", "true");
    assertThat(config.toString()).doesNotContain("p,").doesNotContain("password");
    InvalidConfigException alone = refused(Optional.empty(), Map.of("AETHER_NATS_USER", "u"), Map.of());
    assertThat(alone.key()).startsWith("nats.");
  }

  @Test
  void natsReplicas_fromAFile_reachTheStoreSettings_andAreChecked() throws IOException {
    NodeConfig config = NodeConfig.resolve(Optional.of(file("""
        nats:
          url: nats://h1:4222,nats://h2:4222
          replicas: 3
        """)), Map.of(), Map.of());
    assertThat(config.natsSettings()).containsEntry("aether.nats.replicas", "3");

    InvalidConfigException tooMany = refused(Optional.empty(), Map.of("AETHER_NATS_URL", "nats://h:1",
        "AETHER_NATS_REPLICAS", "6"), Map.of());
    assertThat(tooMany.key()).isEqualTo("nats.replicas");
    assertThat(tooMany.getMessage()).contains("AETHER_NATS_REPLICAS");
    InvalidConfigException notANumber = refused(Optional.empty(), Map.of("AETHER_NATS_URL", "nats://h:1",
        "AETHER_NATS_REPLICAS", "three"), Map.of());
    assertThat(notANumber.key()).isEqualTo("nats.replicas");
    InvalidConfigException embedded = refused(Optional.empty(), Map.of("AETHER_NATS_REPLICAS", "3"), Map.of());
    assertThat(embedded.key()).isEqualTo("nats.replicas");
    assertThat(embedded.getMessage()).contains("needs a NATS cluster given by nats.url")
        .contains("the embedded nats-server is one server");
    assertThat(NodeConfig.resolve(Optional.empty(), Map.of("AETHER_NATS_REPLICAS", "01"), Map.of()).natsSettings())
        .as("one replica is what the embedded server has").containsEntry("aether.nats.replicas", "01");
    assertThatThrownBy(() -> NodeConfig.builder().natsSetting(NodeConfig.NATS_REPLICAS, "0").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("nats.replicas: ");
  }

  @Test
  void builder_refusesBadValuesAtOnce() {
    assertThatThrownBy(() -> NodeConfig.builder().httpPort(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NodeConfig.builder().commandTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> NodeConfig.builder().store(StoreKind.MEMORY).cluster(true).build())
        .isInstanceOf(IllegalArgumentException.class);
  }
}
