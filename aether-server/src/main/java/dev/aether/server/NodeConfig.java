package dev.aether.server;

import dev.aether.cluster.ClusterConfig;
import dev.aether.config.ConfigKeys;
import dev.aether.nats.JetStreamConfig;
import dev.aether.runtime.RuntimeConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The configuration of one Aether node: an immutable value built by {@link #builder()} (each setter checks its
 * range, {@link Builder#build()} the rules between keys) or read from a YAML file, {@code AETHER_*} environment
 * variables and command-line flags by {@link #resolve(Optional, Map, Map)} (precedence flags &gt; environment
 * &gt; file &gt; defaults). Every key is in {@link #KEYS} and in the table of aether-server's README.
 *
 * <p>Thread-safe (immutable).
 */
public final class NodeConfig {

  /** Key: the model file loaded at start (YAML or JSON). */
  public static final String MODEL = "model";
  /**
   * Key: start a single node with its {@link #MODEL} file even when the model it ran before refuses it (a change
   * that loses or corrupts stored data: {@code CompiledModel.REFUSED_CHANGES}); the refused changes are then
   * logged as warnings and the file becomes the recorded model.
   */
  public static final String FORCE_MODEL = "force-model";
  /** Key: the NATS server URL(s), comma-separated; absent = the embedded nats-server. */
  public static final String NATS_URL = "nats.url";
  /** Key: NATS user (with {@link #NATS_PASSWORD}). */
  public static final String NATS_USER = "nats.user";
  /** Key: NATS password (with {@link #NATS_USER}). */
  public static final String NATS_PASSWORD = "nats.password";
  /** Key: NATS token. */
  public static final String NATS_TOKEN = "nats.token";
  /** Key: a NATS {@code .creds} file (JWT + NKey). */
  public static final String NATS_CREDS_FILE = "nats.creds-file";
  /** Key: TLS to NATS even for {@code nats://} URLs. */
  public static final String NATS_TLS = "nats.tls";
  /** Key: the replicas of the streams and buckets the node creates (1 to 5; more than 1 needs a NATS cluster). */
  public static final String NATS_REPLICAS = "nats.replicas";
  /** Key: {@code nats} or {@code memory}. */
  public static final String STORE = "store";
  /** Key: the HTTP listen address. */
  public static final String HTTP_HOST = "http.host";
  /** Key: the HTTP port; 0 = a free port. */
  public static final String HTTP_PORT = "http.port";
  /** Key: the store namespace (streams, buckets). */
  public static final String NAMESPACE = "namespace";
  /** Key: this node's id (unique in a cluster). */
  public static final String NODE_ID = "node-id";
  /** Key: the node's data directory (the embedded nats-server's store is in {@code <data-dir>/nats}). */
  public static final String DATA_DIR = "data-dir";
  /** Key: the bearer token every API request must carry; absent = no authentication. */
  public static final String AUTH_TOKEN = "auth.token";
  /** Key: the largest request body accepted (413 above it). */
  public static final String HTTP_MAX_BODY_BYTES = "http.max-body-bytes";
  /** Key: the browser origins allowed to call the API (CORS), comma-separated, or {@code *}; absent = none. */
  public static final String HTTP_CORS_ORIGINS = "http.cors-origins";
  /**
   * Key: how long a node that is stopping keeps serving HTTP, readiness DOWN and every HTTP/1.1 answer closing its
   * connection, before its listener stops ({@link AetherNode#close()}).
   */
  public static final String HTTP_DRAIN_PERIOD = "http.drain-period";
  /** Key: the default deadline of a command (and the runtime's command timeout). */
  public static final String COMMAND_TIMEOUT = "command.timeout";
  /** Key: run as a cluster node of aether-cluster instead of a single runtime. */
  public static final String CLUSTER = "cluster";

  /** Prefix of the runtime settings passed through to aether-runtime ({@code runtime.mailbox-capacity}). */
  public static final String RUNTIME = "runtime.";

  static final String RUNTIME_PREFIX = "aether.runtime.";

  /**
   * Prefix of the cluster settings passed through to aether-cluster ({@code cluster.dead-after}); they need
   * {@code cluster=true}.
   */
  public static final String CLUSTER_SETTING = "cluster.";

  /** The keys of {@link Builder#natsSetting}: passed to aether-nats' {@code JetStreamConfig}. */
  static final List<String> NATS_SETTINGS = List.of(NATS_USER, NATS_PASSWORD, NATS_TOKEN, NATS_CREDS_FILE,
      NATS_TLS, NATS_REPLICAS);

  /** Every key, in the order of the documented table. */
  public static final List<String> KEYS = List.of(MODEL, FORCE_MODEL, NATS_URL, NATS_USER, NATS_PASSWORD, NATS_TOKEN,
      NATS_CREDS_FILE, NATS_TLS, NATS_REPLICAS, STORE, HTTP_HOST, HTTP_PORT, NAMESPACE, NODE_ID, DATA_DIR, AUTH_TOKEN,
      HTTP_MAX_BODY_BYTES, HTTP_CORS_ORIGINS, HTTP_DRAIN_PERIOD, COMMAND_TIMEOUT, CLUSTER);

  /** Default {@value #HTTP_HOST}: loopback only. */
  public static final String DEFAULT_HTTP_HOST = "127.0.0.1";
  /** Default {@value #HTTP_PORT}. */
  public static final int DEFAULT_HTTP_PORT = 8080;
  /** Default {@value #NAMESPACE}. */
  public static final String DEFAULT_NAMESPACE = "default";
  /** Default {@value #NODE_ID}. */
  public static final String DEFAULT_NODE_ID = "node-1";
  /** Default {@value #DATA_DIR}, relative to the working directory. */
  public static final Path DEFAULT_DATA_DIR = Path.of(".aether");
  /** An origin as browsers send it: scheme, host, optional port; no path. */
  private static final java.util.regex.Pattern CORS_ORIGIN = java.util.regex.Pattern.compile(
      "https?://[A-Za-z0-9.\\-\\[\\]:]+(:\\d{1,5})?");

  /** Default {@value #HTTP_MAX_BODY_BYTES}: 1 MiB. */
  public static final long DEFAULT_MAX_BODY_BYTES = 1_048_576;
  /**
   * Default {@value #HTTP_DRAIN_PERIOD} of a node reachable from other machines: longer than a load balancer or
   * Kubernetes takes to stop sending it requests once told (endpoint removal, a readiness probe's period), shorter
   * than Kubernetes' default grace of 30 s.
   */
  public static final Duration DEFAULT_DRAIN_PERIOD = Duration.ofSeconds(5);
  /**
   * Default {@value #HTTP_DRAIN_PERIOD} of a node listening on a loopback address (the default {@value #HTTP_HOST}):
   * no load balancer on another machine sends it requests, so it stops at once (a development node, a test).
   */
  public static final Duration DEFAULT_LOOPBACK_DRAIN_PERIOD = Duration.ZERO;
  /** The longest {@value #HTTP_DRAIN_PERIOD}. */
  public static final Duration MAX_DRAIN_PERIOD = Duration.ofMinutes(5);
  /** Default {@value #COMMAND_TIMEOUT}. */
  public static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(5);

  private final Optional<Path> model;
  private final boolean forceModel;
  private final Optional<String> natsUrl;
  private final Map<String, String> natsSettings;
  private final StoreKind store;
  private final String httpHost;
  private final int httpPort;
  private final String namespace;
  private final String nodeId;
  private final Path dataDir;
  private final Optional<String> authToken;
  private final long maxBodyBytes;
  private final List<String> corsOrigins;
  private final Duration drainPeriod;
  private final Duration commandTimeout;
  private final boolean cluster;
  private final Map<String, String> runtimeSettings;
  private final Map<String, String> clusterSettings;
  private final Map<String, String> sources;

  private NodeConfig(Builder b) {
    this.model = Optional.ofNullable(b.model);
    this.forceModel = b.forceModel;
    this.natsUrl = Optional.ofNullable(b.natsUrl);
    this.natsSettings = Map.copyOf(b.natsSettings);
    this.store = b.store;
    this.httpHost = b.httpHost;
    this.httpPort = b.httpPort;
    this.namespace = b.namespace;
    this.nodeId = b.nodeId;
    this.dataDir = b.dataDir;
    this.authToken = Optional.ofNullable(b.authToken);
    this.maxBodyBytes = b.maxBodyBytes;
    this.corsOrigins = b.corsOrigins;
    this.drainPeriod = b.drainPeriod != null ? b.drainPeriod
        : isLoopback(b.httpHost) ? DEFAULT_LOOPBACK_DRAIN_PERIOD : DEFAULT_DRAIN_PERIOD;
    this.commandTimeout = b.commandTimeout;
    this.cluster = b.cluster;
    this.runtimeSettings = Map.copyOf(b.runtimeSettings);
    this.clusterSettings = Map.copyOf(b.clusterSettings);
    this.sources = Map.copyOf(b.sources);
  }

  /**
   * Where a key's value came from, for a message that refuses it later (at start, against a running cluster).
   *
   * @param key a key of {@link #KEYS}, or a runtime or cluster setting
   * @return the environment variable, the file, the flag ({@code --cluster}), or {@code default} when none gave it
   *     (or the configuration was built by the builder)
   */
  String source(String key) {
    return sources.getOrDefault(key, "default");
  }

  /**
   * A builder with every default.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads the configuration from a YAML file, environment variables and flags; precedence flags &gt;
   * environment &gt; file &gt; defaults.
   *
   * @param file the YAML file ({@code --config}), if any; keys nested ({@code http: {port: 8080}}) or dotted
   * @param env the environment; {@code AETHER_<KEY>} with {@code .} and {@code -} as {@code _}, upper case
   *     ({@code AETHER_HTTP_PORT}, {@code AETHER_RUNTIME_IDLE_TIMEOUT}, {@code AETHER_CLUSTER_DEAD_AFTER}) for
   *     every key of {@link #KEYS} and every runtime and cluster setting; other variables are ignored (see
   *     {@link #ignoredVariables})
   * @param flags values by key name ({@code http.port})
   * @return the validated configuration
   * @throws InvalidConfigException naming the key and the source of the first bad value, an unknown key in
   *     the file or flags, or a file that cannot be read
   */
  public static NodeConfig resolve(Optional<Path> file, Map<String, String> env, Map<String, String> flags) {
    return NodeConfigReader.resolve(file, env, flags, Map.of());
  }

  /**
   * As {@link #resolve(Optional, Map, Map)}, with what each flag is called on the command line, so that a refusal
   * names the option the user typed ({@code --http}) rather than {@code the command line (http.port)}.
   *
   * @param file the YAML file ({@code --config}), if any
   * @param env the environment
   * @param flags values by key name ({@code http.port})
   * @param flagNames the option that gave each key of {@code flags} ({@code http.port} to {@code --http}); a key
   *     without one is named {@code the command line (key)}
   * @return the validated configuration
   * @throws InvalidConfigException naming the key and the source of the first bad value
   */
  public static NodeConfig resolve(Optional<Path> file, Map<String, String> env, Map<String, String> flags,
      Map<String, String> flagNames) {
    return NodeConfigReader.resolve(file, env, flags, flagNames);
  }

  /**
   * What {@link #resolve} ignores of an environment, for a node to warn about: each {@code AETHER_*} variable that
   * sets no key (a misspelt {@code AETHER_HTTP_PROT}) and is not read by Aether's other tools ({@code AETHER_URL},
   * {@code AETHER_TOKEN}, {@code AETHER_NATS_SERVER}, the scripts' own), named with the variable it probably meant.
   *
   * @param env the environment
   * @return one message per such variable, in name order ({@code AETHER_HTTP_PROT is not a setting and is ignored
   *     (did you mean AETHER_HTTP_PORT?)}); empty when there is none
   */
  public static List<String> ignoredVariables(Map<String, String> env) {
    return EnvironmentKeys.ignored(env);
  }

  /**
   * The environment variable of a key.
   *
   * @param key a key of {@link #KEYS}, or a runtime or cluster setting ({@code runtime.idle-timeout})
   * @return {@code AETHER_} and the key in upper case with {@code .} and {@code -} as {@code _}
   */
  public static String envName(String key) {
    return "AETHER_" + key.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * Returns the model file loaded at start, if any.
   *
   * @return the model file loaded at start, if any
   */
  public Optional<Path> model() {
    return model;
  }

  /**
   * Returns whether a single node starts with its model file even when the model it ran before refuses it.
   *
   * @return whether the start loads a refused model file all the same ({@value #FORCE_MODEL})
   */
  public boolean forceModel() {
    return forceModel;
  }

  /**
   * Returns the NATS URL(s); empty = the embedded nats-server (with {@link StoreKind#NATS}).
   *
   * @return the NATS URL(s); empty = the embedded nats-server (with {@link StoreKind#NATS})
   */
  public Optional<String> natsUrl() {
    return natsUrl;
  }

  /**
   * The NATS connection settings other than the URL, as aether-nats' {@code JetStreamConfig} keys
   * ({@code aether.nats.user}, ...).
   *
   * @return an unmodifiable map, empty when none is set
   */
  public Map<String, String> natsSettings() {
    return natsSettings;
  }

  /**
   * Returns where events are kept.
   *
   * @return where events are kept
   */
  public StoreKind store() {
    return store;
  }

  /**
   * Returns the HTTP listen address.
   *
   * @return the HTTP listen address
   */
  public String httpHost() {
    return httpHost;
  }

  /**
   * Returns the HTTP port (0 = a free port, see {@link AetherNode#uri()}).
   *
   * @return the HTTP port (0 = a free port, see {@link AetherNode#uri()})
   */
  public int httpPort() {
    return httpPort;
  }

  /**
   * Returns the store namespace.
   *
   * @return the store namespace
   */
  public String namespace() {
    return namespace;
  }

  /**
   * Returns this node's id.
   *
   * @return this node's id
   */
  public String nodeId() {
    return nodeId;
  }

  /**
   * Returns the data directory.
   *
   * @return the data directory
   */
  public Path dataDir() {
    return dataDir;
  }

  /**
   * Returns the bearer token the API requires, if any.
   *
   * @return the bearer token the API requires, if any
   */
  public Optional<String> authToken() {
    return authToken;
  }

  /**
   * Returns the largest request body accepted, in bytes.
   *
   * @return the largest request body accepted, in bytes
   */
  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * Returns the browser origins allowed to call the API from another origin (CORS): {@code scheme://host[:port]}
   * each, or the one entry {@code *} for any; empty = none (the default: no CORS headers at all).
   *
   * @return the allowed origins, in the order given
   */
  public List<String> corsOrigins() {
    return corsOrigins;
  }

  /**
   * Returns how long a stopping node keeps serving HTTP before its listener stops: {@code /health/ready} answers
   * 503 and every HTTP/1.1 answer says {@code Connection: close} meanwhile, so that load balancers and clients move
   * to other nodes without a request lost on a connection closed under it.
   *
   * @return the drain period: as set, else {@link #DEFAULT_LOOPBACK_DRAIN_PERIOD} on a loopback {@link #httpHost()}
   *     ({@code localhost}, {@code 127.x.x.x}, {@code ::1}) and {@link #DEFAULT_DRAIN_PERIOD} on any other
   */
  public Duration drainPeriod() {
    return drainPeriod;
  }

  /** Whether a host is a loopback address as written: {@code localhost}, {@code 127.x.x.x}, {@code ::1}. */
  static boolean isLoopback(String host) {
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    return bare.equalsIgnoreCase("localhost") || bare.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}")
        || bare.equals("::1") || bare.equals("0:0:0:0:0:0:0:1");
  }

  /**
   * Returns the default deadline of a command.
   *
   * @return the default deadline of a command
   */
  public Duration commandTimeout() {
    return commandTimeout;
  }

  /**
   * Returns whether the node runs as a cluster node.
   *
   * @return whether the node runs as a cluster node
   */
  public boolean cluster() {
    return cluster;
  }

  /**
   * The runtime settings ({@code runtime.<name>} keys of the file and flags), as aether-runtime's
   * {@code RuntimeConfig} keys ({@code aether.runtime.mailbox-capacity}).
   *
   * @return an unmodifiable map, empty when none is set
   */
  public Map<String, String> runtimeSettings() {
    return runtimeSettings;
  }

  /**
   * The cluster settings ({@code cluster.<name>} keys of the file and flags), as aether-cluster's
   * {@code ClusterConfig} keys ({@code aether.cluster.dead-after}); the node id is {@link #nodeId()}.
   *
   * @return an unmodifiable map, empty when none is set
   */
  public Map<String, String> clusterSettings() {
    return clusterSettings;
  }

  /** Secrets are not printed. */
  @Override
  public String toString() {
    return "NodeConfig[model=" + model.map(Path::toString).orElse("-") + (forceModel ? " (forced)" : "")
        + ", nats=" + natsUrl.orElse("embedded")
        + ", store=" + store + ", http=" + httpHost + ":" + httpPort + ", namespace=" + namespace
        + ", node-id=" + nodeId + ", data-dir=" + dataDir + ", auth=" + (authToken.isPresent() ? "token" : "none")
        + ", max-body-bytes=" + maxBodyBytes + ", cors-origins=" + corsOrigins + ", drain-period=" + drainPeriod
        + ", command.timeout=" + commandTimeout
        + ", cluster=" + cluster + "]";
  }

  /** Builds a {@link NodeConfig}; each setter refuses a bad value at once. Not thread-safe. */
  public static final class Builder {

    private Path model;
    private boolean forceModel;
    private String natsUrl;
    private final Map<String, String> natsSettings = new TreeMap<>();
    private StoreKind store = StoreKind.NATS;
    private String httpHost = DEFAULT_HTTP_HOST;
    private int httpPort = DEFAULT_HTTP_PORT;
    private String namespace = DEFAULT_NAMESPACE;
    private String nodeId = DEFAULT_NODE_ID;
    private Path dataDir = DEFAULT_DATA_DIR;
    private String authToken;
    private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
    private List<String> corsOrigins = List.of();
    private Duration drainPeriod; // null: the default of the host (loopback or not)
    private Duration commandTimeout = DEFAULT_COMMAND_TIMEOUT;
    private boolean cluster;
    private final Map<String, String> runtimeSettings = new TreeMap<>();
    private final Map<String, String> clusterSettings = new TreeMap<>();
    private final Map<String, String> sources = new TreeMap<>();

    private Builder() {}

    /** Records where a key's value came from ({@link NodeConfig#source}); the reader's, not public. */
    Builder source(String key, String source) {
      sources.put(key, source);
      return this;
    }

    /**
     * Sets one of aether-runtime's settings (its {@code RuntimeConfig} table), such as
     * {@code mailbox-capacity}; checked by {@code RuntimeConfig} at {@link #build()}.
     *
     * @param name the name after {@code aether.runtime.} ({@code mailbox-capacity}); not {@code command-timeout}
     * @param value its value
     * @return this builder
     * @throws IllegalArgumentException for {@code command-timeout}, which the key {@code command.timeout} sets (it
     *     is the runtime's command timeout too: the runtime's own would be overridden by it)
     */
    public Builder runtimeSetting(String name, String value) {
      if (name.equals("command-timeout")) {
        throw new IllegalArgumentException("is set by the key " + COMMAND_TIMEOUT + " (the default deadline of"
            + " every command, the runtime's too)");
      }
      runtimeSettings.put(RUNTIME_PREFIX + name, Objects.requireNonNull(value, name));
      return this;
    }

    /**
     * Sets one of aether-cluster's settings (its {@code ClusterConfig} keys), such as {@code dead-after};
     * checked by {@code ClusterConfig} at {@link #build()}, which also requires {@code cluster=true}.
     *
     * @param name the name after {@code aether.cluster.} ({@code dead-after}); not {@code node-id}
     * @param value its value
     * @return this builder
     * @throws IllegalArgumentException for {@code node-id}, which is the node's own key
     */
    public Builder clusterSetting(String name, String value) {
      if (name.equals("node-id")) {
        throw new IllegalArgumentException("is set by the key node-id");
      }
      clusterSettings.put(ClusterConfig.PREFIX + name, Objects.requireNonNull(value, name));
      return this;
    }

    /**
     * Sets {@code model}; a bad value is refused at once.
     *
     * @param file the model file loaded at start
     * @return this builder
     */
    public Builder model(Path file) {
      this.model = Objects.requireNonNull(file, MODEL);
      return this;
    }

    /**
     * Sets {@code force-model}: a single node on NATS starts with its model file even when the model it ran before
     * refuses it; needs {@code model}, and neither {@code cluster} nor {@code store=memory} (checked at
     * {@link #build()}).
     *
     * @param force whether to start with a refused model file all the same
     * @return this builder
     */
    public Builder forceModel(boolean force) {
      this.forceModel = force;
      return this;
    }

    /**
     * Sets {@code nats.url}; a bad value is refused at once.
     *
     * @param url one or more comma-separated {@code nats://} or {@code tls://} URLs
     * @return this builder
     * @throws IllegalArgumentException when a URL has another scheme
     */
    public Builder natsUrl(String url) {
      for (String one : url.split(",")) {
        String u = one.strip();
        if (!(u.startsWith("nats://") || u.startsWith("tls://")) || u.length() < 8) {
          throw new IllegalArgumentException("\"" + url + "\" is not a nats:// or tls:// URL");
        }
      }
      this.natsUrl = url.strip();
      return this;
    }

    /**
     * Sets a NATS connection setting other than the URL.
     *
     * @param key one of {@link #NATS_USER}, {@link #NATS_PASSWORD}, {@link #NATS_TOKEN},
     *     {@link #NATS_CREDS_FILE}, {@link #NATS_TLS}, {@link #NATS_REPLICAS}
     * @param value its value (checked by aether-nats' {@code JetStreamConfig} at {@link #build()})
     * @return this builder
     */
    public Builder natsSetting(String key, String value) {
      if (!NATS_SETTINGS.contains(key)) {
        throw new IllegalArgumentException("not a NATS connection setting: " + key);
      }
      natsSettings.put("aether." + key, Objects.requireNonNull(value, key));
      return this;
    }

    /**
     * Sets {@code store}; a bad value is refused at once.
     *
     * @param kind where events are kept
     * @return this builder
     */
    public Builder store(StoreKind kind) {
      this.store = Objects.requireNonNull(kind, STORE);
      return this;
    }

    /**
     * Sets {@code http.host}; a bad value is refused at once.
     *
     * @param host the HTTP listen address (not blank)
     * @return this builder
     */
    public Builder httpHost(String host) {
      if (host == null || host.isBlank() || host.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("\"" + host + "\" is not a host name or address");
      }
      this.httpHost = host;
      return this;
    }

    /**
     * Sets {@code http.port}; a bad value is refused at once.
     *
     * @param port 0..65535 (0 = a free port)
     * @return this builder
     */
    public Builder httpPort(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException(port + " is not a port (0..65535; 0 = a free port)");
      }
      this.httpPort = port;
      return this;
    }

    /**
     * Sets {@code namespace}; a bad value is refused at once.
     *
     * @param namespace the store namespace (checked by aether-nats' rules at {@link #build()})
     * @return this builder
     */
    public Builder namespace(String namespace) {
      this.namespace = Objects.requireNonNull(namespace, NAMESPACE);
      return this;
    }

    /**
     * Sets {@code node-id}; a bad value is refused at once.
     *
     * @param nodeId {@code [A-Za-z0-9_-]}, 1..64 characters
     * @return this builder
     */
    public Builder nodeId(String nodeId) {
      if (nodeId == null || !nodeId.matches("[A-Za-z0-9_-]{1,64}")) {
        throw new IllegalArgumentException("\"" + nodeId + "\" is not a node id ([A-Za-z0-9_-], 1..64 characters)");
      }
      this.nodeId = nodeId;
      return this;
    }

    /**
     * Sets {@code data-dir}; a bad value is refused at once.
     *
     * @param dir the data directory
     * @return this builder
     */
    public Builder dataDir(Path dir) {
      this.dataDir = Objects.requireNonNull(dir, DATA_DIR);
      return this;
    }

    /**
     * Sets {@code auth.token}; a bad value is refused at once.
     *
     * @param token the bearer token: at least 16 characters, printable ASCII without spaces (what a client can
     *     send in an {@code Authorization} header unchanged)
     * @return this builder
     */
    public Builder authToken(String token) {
      if (token == null || token.length() < 16 || token.chars().anyMatch(c -> c <= ' ' || c > '~')) {
        throw new IllegalArgumentException("a token must have at least 16 characters, printable ASCII without"
            + " spaces");
      }
      this.authToken = token;
      return this;
    }

    /**
     * Sets {@code http.max-body-bytes}; a bad value is refused at once.
     *
     * @param bytes 1 KiB .. 64 MiB
     * @return this builder
     */
    public Builder maxBodyBytes(long bytes) {
      if (bytes < 1024 || bytes > 64L * 1024 * 1024) {
        throw new IllegalArgumentException(bytes + " is out of range (1024..67108864 bytes)");
      }
      this.maxBodyBytes = bytes;
      return this;
    }

    /**
     * Sets {@code http.cors-origins}; a bad value is refused at once.
     *
     * @param origins each {@code http://host[:port]} or {@code https://host[:port]} as a browser sends it in
     *     {@code Origin} (no path, no trailing slash), or the one entry {@code *} for any origin; none = no CORS
     * @return this builder
     * @throws IllegalArgumentException when an entry is not an origin, or {@code *} is not alone
     */
    public Builder corsOrigins(List<String> origins) {
      List<String> given = List.copyOf(Objects.requireNonNull(origins, "origins"));
      if (given.contains("*") && given.size() > 1) {
        throw new IllegalArgumentException("* allows every origin: give it alone, or name the origins");
      }
      for (String origin : given) {
        if (!origin.equals("*") && !CORS_ORIGIN.matcher(origin).matches()) {
          throw new IllegalArgumentException("\"" + origin + "\" is not an origin: scheme://host[:port], http or"
              + " https, without a path (what a browser sends in Origin, such as https://app.example.com)");
        }
      }
      this.corsOrigins = given;
      return this;
    }

    /**
     * Sets {@code http.drain-period}; a bad value is refused at once. Unset, it is
     * {@link #DEFAULT_DRAIN_PERIOD}, or {@link #DEFAULT_LOOPBACK_DRAIN_PERIOD} when {@code http.host} is a loopback
     * address.
     *
     * @param period 0 (stop at once) to {@link #MAX_DRAIN_PERIOD}
     * @return this builder
     * @throws IllegalArgumentException when negative or longer than {@link #MAX_DRAIN_PERIOD}
     */
    public Builder drainPeriod(Duration period) {
      Objects.requireNonNull(period, HTTP_DRAIN_PERIOD);
      if (period.isNegative() || period.compareTo(MAX_DRAIN_PERIOD) > 0) {
        throw new IllegalArgumentException(ConfigKeys.formatDuration(period) + " is out of range (0s, no drain, to "
            + ConfigKeys.formatDuration(MAX_DRAIN_PERIOD) + ")");
      }
      this.drainPeriod = period;
      return this;
    }

    /**
     * Sets {@code command.timeout}; a bad value is refused at once.
     *
     * @param timeout more than zero, at most one hour
     * @return this builder
     */
    public Builder commandTimeout(Duration timeout) {
      if (timeout.isZero() || timeout.isNegative() || timeout.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException(timeout + " is out of range (more than 0, at most 1h)");
      }
      this.commandTimeout = timeout;
      return this;
    }

    /**
     * Sets {@code cluster}; a bad value is refused at once.
     *
     * @param cluster whether to run as a cluster node
     * @return this builder
     */
    public Builder cluster(boolean cluster) {
      this.cluster = cluster;
      return this;
    }

    /**
     * Checks the rules between keys and builds.
     *
     * @return the configuration
     * @throws IllegalArgumentException when {@code cluster} is set with {@code store=memory}, cluster settings
     *     without {@code cluster}, NATS settings with {@code store=memory}, a NATS setting aether-nats refuses
     *     (named: {@code nats.replicas: ...}), or more than one replica without {@code nats.url}
     * @throws dev.aether.InvalidInputException naming the runtime's or the cluster's key it refuses
     */
    public NodeConfig build() {
      if (cluster && store == StoreKind.MEMORY) {
        throw new RuleBroken("cluster: a cluster needs store=nats, not memory", CLUSTER, STORE);
      }
      checkForceModel();
      if (!cluster && !clusterSettings.isEmpty()) {
        List<String> given = clusterSettings.keySet().stream()
            .map(k -> CLUSTER_SETTING + k.substring(ClusterConfig.PREFIX.length())).toList();
        throw new RuleBroken("cluster: the settings " + given + " apply to a cluster node only: set cluster=true"
            + " (cluster.enabled in a file's cluster map)", java.util.stream.Stream.concat(given.stream(),
            java.util.stream.Stream.of(CLUSTER)).toArray(String[]::new));
      }
      if (store == StoreKind.MEMORY && natsUrl != null) {
        throw new RuleBroken("store: memory takes no nats.url (" + natsUrl + ")", STORE, NATS_URL);
      }
      int replicas = natsStoreSettings().replicas();
      if (replicas > 1 && (store == StoreKind.MEMORY || natsUrl == null)) {
        throw new RuleBroken("nats.replicas: " + replicas + " needs a NATS cluster given by nats.url; "
            + (store == StoreKind.MEMORY ? "store=memory keeps nothing in NATS"
                : "the embedded nats-server is one server"), NATS_REPLICAS, STORE, NATS_URL);
      }
      RuntimeConfig.fromMap(runtimeSettings); // throws InvalidInputException naming the key
      ClusterConfig.fromMap(JetStreamConfig.builder().build(), clusterSettings); // the same
      return new NodeConfig(this);
    }

    /** {@code force-model} forces a single node's model file against the model it recorded on NATS. */
    private void checkForceModel() {
      if (!forceModel) {
        return;
      }
      if (model == null) {
        throw new RuleBroken("force-model: forces the start with a model file, and no model is given", FORCE_MODEL,
            MODEL);
      }
      if (cluster) {
        throw new RuleBroken("force-model: a cluster node starts with the cluster's model when it has one and never"
            + " loads a refused file; change the cluster's model with aether model load --force (PUT"
            + " /v1/model?force=true)", FORCE_MODEL, CLUSTER);
      }
      if (store == StoreKind.MEMORY) {
        throw new RuleBroken("force-model: store=memory keeps no model to compare the file with", FORCE_MODEL,
            STORE);
      }
    }

    /** The NATS settings as aether-nats reads them; a bad one refused naming our key ({@code nats.user}). */
    private JetStreamConfig natsStoreSettings() {
      try {
        return JetStreamConfig.fromMap(natsSettings);
      } catch (dev.aether.InvalidInputException e) {
        String key = e.field().startsWith("aether.") ? e.field().substring("aether.".length()) : e.field();
        String problem = e.getMessage().startsWith(e.field() + ": ")
            ? e.getMessage().substring(e.field().length() + 2) : e.getMessage();
        throw new IllegalArgumentException(key + ": " + problem);
      }
    }
  }

  /** A rule between keys that the values break, with the keys it is about (their sources name the refusal). */
  static final class RuleBroken extends IllegalArgumentException {

    private final List<String> keys;

    RuleBroken(String message, String... keys) {
      super(message);
      this.keys = List.of(keys);
    }

    /** @return the keys the rule is about, the one named first */
    List<String> keys() {
      return keys;
    }
  }
}
