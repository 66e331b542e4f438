package dev.aether.nats;

import dev.aether.InvalidInputException;
import dev.aether.config.ConfigKeys;
import dev.aether.support.Checks;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * The configuration of a {@link JetStreamEventStore}: where the servers are, how to authenticate, and the
 * layout and durability of the streams. Build one with {@link #builder()}, or read one from a string map with
 * {@link #fromMap} (keys under {@value #PREFIX}, documented in the module README); every value has a safe
 * default. There is no public constructor, so a setting can be added without breaking a caller.
 *
 * <p>Every setter of the builder checks its value and {@link Builder#build()} checks the rules between
 * values; a bad value is refused with an {@link InvalidInputException} naming it, never repaired.
 *
 * <p>{@code namespace}, {@code subjectPrefix} and {@code partitions} fix where events live: a store
 * configured differently does not see them. {@code replicas}, {@code maxAge}, {@code duplicateWindow} and
 * {@code storage} are the durability the store demands of existing streams (see {@link JetStreamEventStore}).
 * The store's {@link dev.aether.store.EventStoredListener} is not configuration: it is given to
 * {@link JetStreamEventStore#connect(JetStreamConfig, dev.aether.store.EventStoredListener)}.
 *
 * <p>Immutable and thread-safe; equal when all settings are equal (the TLS context by identity). The
 * {@code toString()} never shows a password or token.
 */
public final class JetStreamConfig {

  /** The prefix of the keys of {@link #fromMap}: {@value}. */
  public static final String PREFIX = "aether.nats.";

  /** The default server: a local nats-server on the standard port. */
  public static final String DEFAULT_SERVER = "nats://127.0.0.1:4222";
  /** The default namespace. */
  public static final String DEFAULT_NAMESPACE = "default";
  /** The default subject prefix. */
  public static final String DEFAULT_SUBJECT_PREFIX = "aether";
  /** The default number of partition streams. */
  public static final int DEFAULT_PARTITIONS = 1;
  /** The largest number of partition streams. */
  public static final int MAX_PARTITIONS = 1024;
  /** The default number of replicas. */
  public static final int DEFAULT_REPLICAS = 1;
  /** The largest number of replicas NATS supports. */
  public static final int MAX_REPLICAS = 5;
  /** The default de-duplication window (the server's own default). */
  public static final Duration DEFAULT_DUPLICATE_WINDOW = Duration.ofMinutes(2);
  /** The default connect timeout. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
  /** The default request (and acknowledgement) timeout. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(5);
  /** The longest {@link #connectTimeout()} and {@link #requestTimeout()}: a day. */
  public static final Duration MAX_TIMEOUT = Duration.ofDays(1);
  /**
   * The longest {@link #maxAge()} and {@link #duplicateWindow()}: 100 years (the server keeps them in
   * nanoseconds; keep events for ever with no max age).
   */
  public static final Duration MAX_AGE = Duration.ofDays(36_500);
  /** The default storage. */
  public static final Storage DEFAULT_STORAGE = Storage.FILE;
  /** The namespace a store may not use, because its subjects would overlap the event bus subjects. */
  public static final String RESERVED_NAMESPACE = "events";

  /** The longest namespace, in characters. */
  public static final int MAX_NAMESPACE_LENGTH = 64;
  /** The longest subject prefix, in characters. */
  public static final int MAX_SUBJECT_PREFIX_LENGTH = 32;

  private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");
  private static final Pattern SUBJECT_PREFIX = Pattern.compile("[A-Za-z0-9-]+");

  /** Where the server keeps a stream. */
  public enum Storage {
    /** On disk: survives a server restart. The default. */
    FILE,
    /**
     * In memory: lost when the server stops. On nats-server 2.9, memory streams look up an actor's last
     * event in time proportional to the stream's size; use 2.10 or newer for memory storage.
     */
    MEMORY
  }

  private static final java.util.regex.Pattern USER_INFO = java.util.regex.Pattern.compile(
      "//(?:([^:@/]*):)?[^@/]*@");
  private static final Set<String> KEY_NAMES = Set.of("servers", "user", "password", "token", "creds-file", "tls",
      "namespace", "subject-prefix", "partitions", "replicas", "max-age", "duplicate-window", "connect-timeout",
      "request-timeout", "storage");
  private static final Set<String> CREDENTIAL_NAMES = Set.of("user", "token", "creds-file");
  private static final String FOREVER = "forever";

  private final List<String> servers;
  private final NatsCredentials credentials;
  private final boolean tls;
  /** The TLS context, or null for the JVM default. */
  private final SSLContext sslContext;
  private final String namespace;
  private final String subjectPrefix;
  private final int partitions;
  private final int replicas;
  /** How long events are kept, or null for forever. */
  private final Duration maxAge;
  private final Duration duplicateWindow;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final Storage storage;

  private JetStreamConfig(Builder b) {
    servers = b.servers;
    credentials = b.credentials;
    tls = b.tls;
    sslContext = b.sslContext;
    namespace = b.namespace;
    subjectPrefix = b.subjectPrefix;
    partitions = b.partitions;
    replicas = b.replicas;
    maxAge = b.maxAge;
    duplicateWindow = b.duplicateWindow != null ? b.duplicateWindow : defaultDuplicateWindow(b.maxAge);
    connectTimeout = b.connectTimeout;
    requestTimeout = b.requestTimeout;
    storage = b.storage;
  }

  /**
   * Starts a builder holding the defaults.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Reads a configuration from a string map: the defaults, overridden by the keys under {@value #PREFIX}
   * (see the module README and {@link ConfigKeys} for the value forms); keys of other prefixes are ignored.
   * A TLS context cannot be given this way ({@code tls=true} uses the JVM default).
   *
   * @param settings the settings, for example read from YAML, environment and flags
   * @return the configuration
   * @throws InvalidInputException naming the key that is unknown under {@value #PREFIX}, cannot be parsed,
   *     is out of range, or breaks a rule between settings
   */
  public static JetStreamConfig fromMap(Map<String, String> settings) {
    Builder builder = builder();
    return builder.apply(ConfigKeys.of(settings, PREFIX, KEY_NAMES)).build(builder::build);
  }

  /**
   * Starts a builder holding every value of this configuration.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** @return the server URLs, {@code nats://host:port} or {@code tls://host:port}; at least one */
  public List<String> servers() {
    return servers;
  }

  /** @return how to authenticate */
  public NatsCredentials credentials() {
    return credentials;
  }

  /** @return whether to connect with TLS even to {@code nats://} URLs */
  public boolean tls() {
    return tls;
  }

  /** @return the TLS context to use; empty means the JVM default (and always empty without {@link #tls()}) */
  public Optional<SSLContext> sslContext() {
    return Optional.ofNullable(sslContext);
  }

  /** @return the namespace: tokens of {@code [A-Za-z0-9_-]} separated by dots */
  public String namespace() {
    return namespace;
  }

  /**
   * The namespace as one subject token and stream or bucket name fragment ({@code _} doubled, {@code .} as
   * {@code _d}), as the store's stream names use it; other NATS resources of the namespace (the cluster's KV
   * buckets and subjects) use the same token.
   *
   * @return the token
   */
  public String namespaceToken() {
    return StoreLayout.namespaceToken(namespace);
  }

  /** @return the first subject token, {@code [A-Za-z0-9-]} */
  public String subjectPrefix() {
    return subjectPrefix;
  }

  /** @return the number of event streams of the namespace, 1 to {@value #MAX_PARTITIONS} */
  public int partitions() {
    return partitions;
  }

  /** @return the stream replicas, 1 to {@value #MAX_REPLICAS} */
  public int replicas() {
    return replicas;
  }

  /** @return how long events are kept; empty means forever */
  public Optional<Duration> maxAge() {
    return Optional.ofNullable(maxAge);
  }

  /** @return how long the server remembers a commit's id to drop a retried duplicate */
  public Duration duplicateWindow() {
    return duplicateWindow;
  }

  /** @return how long connecting may take */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /** @return how long the store waits for any server answer, including a publish acknowledgement */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /** @return where the server keeps the streams */
  public Storage storage() {
    return storage;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JetStreamConfig c && servers.equals(c.servers) && credentials.equals(c.credentials)
        && tls == c.tls && sslContext == c.sslContext && namespace.equals(c.namespace)
        && subjectPrefix.equals(c.subjectPrefix) && partitions == c.partitions && replicas == c.replicas
        && Objects.equals(maxAge, c.maxAge) && duplicateWindow.equals(c.duplicateWindow)
        && connectTimeout.equals(c.connectTimeout) && requestTimeout.equals(c.requestTimeout)
        && storage == c.storage;
  }

  @Override
  public int hashCode() {
    return Objects.hash(servers, credentials, tls, sslContext, namespace, subjectPrefix, partitions, replicas,
        maxAge, duplicateWindow, connectTimeout, requestTimeout, storage);
  }

  /**
   * A text as logs may show it: the secret of every server URL's user info in it ({@code nats://user:secret@host}
   * or {@code nats://token@host}) replaced by {@code ****}. Stateless.
   *
   * @param text a server URL, or a message holding some (the NATS client names the URLs it could not reach)
   * @return the text without their secrets
   */
  public static String redacted(String text) {
    return USER_INFO.matcher(text).replaceAll(m -> m.group(1) == null ? "//****@" : "//" + m.group(1) + ":****@");
  }

  @Override
  public String toString() {
    return "JetStreamConfig[servers=" + servers.stream().map(JetStreamConfig::redacted).toList() + ", credentials=" + credentials + ", tls=" + tls
        + ", sslContext=" + sslContext() + ", namespace=" + namespace + ", subjectPrefix=" + subjectPrefix
        + ", partitions=" + partitions + ", replicas=" + replicas + ", maxAge=" + maxAge()
        + ", duplicateWindow=" + duplicateWindow + ", connectTimeout=" + connectTimeout + ", requestTimeout="
        + requestTimeout + ", storage=" + storage + "]";
  }

  private static List<String> checkServers(List<String> servers) {
    Checks.notNull(servers, "servers");
    if (servers.isEmpty()) {
      throw new InvalidInputException("servers", "must name at least one server");
    }
    for (int i = 0; i < servers.size(); i++) {
      checkServer(servers.get(i), "servers[" + i + "]");
    }
    return List.copyOf(servers);
  }

  private static void checkServer(String url, String field) {
    Checks.notBlank(url, field);
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new InvalidInputException(field, "is not a URL: " + url, e);
    }
    if (!"nats".equals(uri.getScheme()) && !"tls".equals(uri.getScheme())) {
      throw new InvalidInputException(field, "must be a nats:// or tls:// URL, was " + url);
    }
    if (uri.getHost() == null) {
      throw new InvalidInputException(field, "has no host: " + url);
    }
  }

  private static void checkNamespace(String namespace) {
    Checks.notBlank(namespace, "namespace");
    if (namespace.length() > MAX_NAMESPACE_LENGTH || !NAMESPACE.matcher(namespace).matches()) {
      throw new InvalidInputException("namespace", "must be at most " + MAX_NAMESPACE_LENGTH
          + " characters of tokens of [A-Za-z0-9_-] separated by '.', was \"" + namespace + "\"");
    }
    if (RESERVED_NAMESPACE.equals(namespace)) {
      throw new InvalidInputException("namespace", "\"" + RESERVED_NAMESPACE + "\" is reserved: its subjects"
          + " <prefix>.events.events.<p>.> would overlap the event bus subjects <prefix>.events.>");
    }
  }

  private static void checkSubjectPrefix(String prefix) {
    Checks.notBlank(prefix, "subjectPrefix");
    if (prefix.length() > MAX_SUBJECT_PREFIX_LENGTH || !SUBJECT_PREFIX.matcher(prefix).matches()) {
      throw new InvalidInputException("subjectPrefix", "must be at most " + MAX_SUBJECT_PREFIX_LENGTH
          + " characters of [A-Za-z0-9-], was \"" + prefix + "\"");
    }
  }

  private static void checkRange(int value, int min, int max, String field) {
    if (value < min || value > max) {
      throw new InvalidInputException(field, "must be " + min + " to " + max + ", was " + value);
    }
  }

  /** The duplicate window unless one is set: {@link #DEFAULT_DUPLICATE_WINDOW}, or a shorter {@code maxAge}. */
  private static Duration defaultDuplicateWindow(Duration maxAge) {
    return maxAge != null && maxAge.compareTo(DEFAULT_DUPLICATE_WINDOW) < 0 ? maxAge : DEFAULT_DUPLICATE_WINDOW;
  }

  private static Duration checkPositive(Duration value, String field) {
    Checks.notNull(value, field);
    if (value.isNegative() || value.isZero()) {
      throw new InvalidInputException(field, "must be positive, was " + ConfigKeys.formatDuration(value));
    }
    return value;
  }

  /** A positive duration of at most {@code max} (much longer ones overflow the client's nanoseconds). */
  private static Duration checkAtMost(Duration value, Duration max, String field) {
    if (checkPositive(value, field).compareTo(max) > 0) {
      throw new InvalidInputException(field, "must be at most " + ConfigKeys.formatDuration(max) + ", was "
          + ConfigKeys.formatDuration(value));
    }
    return value;
  }

  /**
   * Builds a {@link JetStreamConfig}. Each setter checks its value at once; {@link #build()} checks the
   * rules between values. Not thread-safe.
   */
  public static final class Builder {
    private List<String> servers = List.of(DEFAULT_SERVER);
    private NatsCredentials credentials = NatsCredentials.none();
    private boolean tls;
    private SSLContext sslContext;
    private String namespace = DEFAULT_NAMESPACE;
    private String subjectPrefix = DEFAULT_SUBJECT_PREFIX;
    private int partitions = DEFAULT_PARTITIONS;
    private int replicas = DEFAULT_REPLICAS;
    private Duration maxAge;
    private Duration duplicateWindow; // null: not set, the default for maxAge
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Storage storage = DEFAULT_STORAGE;
    /** The keys of the last {@link #apply(Map)}, whose names {@link #build()} gives a refused rule; or null. */
    private ConfigKeys appliedKeys;

    private Builder() {}

    private Builder(JetStreamConfig c) {
      servers = c.servers;
      credentials = c.credentials;
      tls = c.tls;
      sslContext = c.sslContext;
      namespace = c.namespace;
      subjectPrefix = c.subjectPrefix;
      partitions = c.partitions;
      replicas = c.replicas;
      maxAge = c.maxAge;
      // a window equal to its default for this maxAge stays a default, following a maxAge set afterwards
      duplicateWindow = c.duplicateWindow.equals(defaultDuplicateWindow(c.maxAge)) ? null : c.duplicateWindow;
      connectTimeout = c.connectTimeout;
      requestTimeout = c.requestTimeout;
      storage = c.storage;
    }

    /**
     * Sets the servers to connect to (default {@value JetStreamConfig#DEFAULT_SERVER}); the client picks one
     * and fails over to the others.
     *
     * @param urls one or more {@code nats://host:port} or {@code tls://host:port} URLs
     * @return this builder
     */
    public Builder servers(String... urls) {
      Checks.notNull(urls, "servers");
      return servers(Arrays.asList(urls)); // a null URL is refused naming it, as in a list
    }

    /**
     * Sets the servers to connect to.
     *
     * @param urls one or more {@code nats://host:port} or {@code tls://host:port} URLs
     * @return this builder
     */
    public Builder servers(List<String> urls) {
      this.servers = checkServers(urls);
      return this;
    }

    /**
     * Sets how to authenticate (default: not at all).
     *
     * @param credentials the credentials
     * @return this builder
     */
    public Builder credentials(NatsCredentials credentials) {
      this.credentials = Checks.notNull(credentials, "credentials");
      return this;
    }

    /**
     * Turns TLS on or off for {@code nats://} URLs (default off; {@code tls://} URLs always use TLS).
     * Turning it off also clears any {@link #sslContext(SSLContext)}.
     *
     * @param enabled whether to use TLS
     * @return this builder
     */
    public Builder tls(boolean enabled) {
      this.tls = enabled;
      if (!enabled) {
        this.sslContext = null;
      }
      return this;
    }

    /**
     * Uses TLS with this context (turns TLS on).
     *
     * @param context the TLS context, for example one trusting a private CA
     * @return this builder
     */
    public Builder sslContext(SSLContext context) {
      this.sslContext = Checks.notNull(context, "sslContext");
      this.tls = true;
      return this;
    }

    /**
     * Sets the namespace (default {@value JetStreamConfig#DEFAULT_NAMESPACE}): stores of different
     * namespaces never see each other's events.
     *
     * @param namespace at most {@value JetStreamConfig#MAX_NAMESPACE_LENGTH} characters: tokens of
     *     {@code [A-Za-z0-9_-]} separated by dots
     * @return this builder
     */
    public Builder namespace(String namespace) {
      checkNamespace(namespace);
      this.namespace = namespace;
      return this;
    }

    /**
     * Sets the first token of every subject and of stream names (default
     * {@value JetStreamConfig#DEFAULT_SUBJECT_PREFIX}).
     *
     * @param prefix at most {@value JetStreamConfig#MAX_SUBJECT_PREFIX_LENGTH} characters of {@code [A-Za-z0-9-]}
     * @return this builder
     */
    public Builder subjectPrefix(String prefix) {
      checkSubjectPrefix(prefix);
      this.subjectPrefix = prefix;
      return this;
    }

    /**
     * Sets the number of event streams the namespace is spread over (default 1). It is fixed when the
     * streams are created: a store with another count is refused.
     *
     * @param partitions 1 to {@value JetStreamConfig#MAX_PARTITIONS}
     * @return this builder
     */
    public Builder partitions(int partitions) {
      checkRange(partitions, 1, MAX_PARTITIONS, "partitions");
      this.partitions = partitions;
      return this;
    }

    /**
     * Sets the number of replicas of each stream and of the snapshot bucket (default 1; more needs a
     * JetStream cluster). Existing streams with fewer replicas are refused.
     *
     * @param replicas 1 to {@value JetStreamConfig#MAX_REPLICAS}
     * @return this builder
     */
    public Builder replicas(int replicas) {
      checkRange(replicas, 1, MAX_REPLICAS, "replicas");
      this.replicas = replicas;
      return this;
    }

    /**
     * Keeps events only this long (default: forever). Existing streams keeping events for less are refused.
     *
     * @param maxAge positive, at most {@link JetStreamConfig#MAX_AGE}
     * @return this builder
     */
    public Builder maxAge(Duration maxAge) {
      this.maxAge = checkAtMost(maxAge, MAX_AGE, "maxAge");
      return this;
    }

    /**
     * Keeps events forever (the default).
     *
     * @return this builder
     */
    public Builder keepForever() {
      this.maxAge = null;
      return this;
    }

    /**
     * Sets how long the server remembers a commit's id, so that a retried commit is stored once (default
     * 2 minutes, or {@code maxAge} when shorter). Retry an unknown outcome well within it.
     *
     * @param window positive, at most {@code maxAge} (and {@link JetStreamConfig#MAX_AGE})
     * @return this builder
     */
    public Builder duplicateWindow(Duration window) {
      this.duplicateWindow = checkAtMost(window, MAX_AGE, "duplicateWindow");
      return this;
    }

    /**
     * Sets how long connecting may take (default 2 s).
     *
     * @param timeout positive, at most a day
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = checkAtMost(timeout, MAX_TIMEOUT, "connectTimeout");
      return this;
    }

    /**
     * Sets how long the store waits for a server answer (default 5 s). A commit whose acknowledgement does
     * not arrive in this time fails with an {@link dev.aether.store.OutcomeUnknownException}.
     *
     * @param timeout positive, at most a day
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = checkAtMost(timeout, MAX_TIMEOUT, "requestTimeout");
      return this;
    }

    /**
     * Sets where the server keeps the streams (default {@link Storage#FILE}).
     *
     * @param storage the storage
     * @return this builder
     */
    public Builder storage(Storage storage) {
      this.storage = Checks.notNull(storage, "storage");
      return this;
    }

    /**
     * Sets every setting a string map holds under {@value JetStreamConfig#PREFIX}; the others keep their
     * values. See {@link JetStreamConfig#fromMap} and the module README for the keys.
     *
     * @param settings the settings; keys of other prefixes are ignored
     * @return this builder
     * @throws InvalidInputException naming the key that is unknown, cannot be parsed or is refused, or
     *     naming a credentials key that conflicts with another
     */
    public Builder apply(Map<String, String> settings) {
      appliedKeys = apply(ConfigKeys.of(settings, PREFIX, KEY_NAMES)); // build() names their keys
      return this;
    }

    private ConfigKeys apply(ConfigKeys keys) {
      keys.list("servers", this::servers)
          .bool("tls", this::tls)
          .string("namespace", this::namespace)
          .string("subject-prefix", this::subjectPrefix)
          .integer("partitions", this::partitions)
          .integer("replicas", this::replicas)
          .duration("duplicate-window", this::duplicateWindow)
          .duration("connect-timeout", this::connectTimeout)
          .duration("request-timeout", this::requestTimeout)
          .enumeration("storage", Storage.class, this::storage);
      if (keys.raw("max-age").map(v -> v.trim().equalsIgnoreCase(FOREVER)).orElse(false)) {
        keepForever();
      } else {
        keys.duration("max-age", this::maxAge);
      }
      applyCredentials(keys);
      return keys;
    }

    private void applyCredentials(ConfigKeys keys) {
      List<String> given = CREDENTIAL_NAMES.stream().filter(n -> keys.raw(n).isPresent()).sorted().toList();
      if (given.size() > 1) {
        throw new InvalidInputException(keys.key(given.get(1)),
            "only one of " + keys.key(given.get(0)) + " and " + keys.key(given.get(1)) + " may be set");
      }
      boolean user = keys.raw("user").isPresent();
      if (user != keys.raw("password").isPresent()) {
        throw new InvalidInputException(keys.key(user ? "password" : "user"),
            "must be set together with " + keys.key(user ? "user" : "password"));
      }
      String password = keys.raw("password").orElse(null);
      keys.value("user", name -> NatsCredentials.userPassword(name, password), this::credentials)
          .value("token", NatsCredentials::token, this::credentials)
          .value("creds-file", file -> NatsCredentials.credsFile(Path.of(file.trim())), this::credentials);
    }

    /**
     * Checks the rules between values and builds the configuration.
     *
     * @return the configuration
     * @throws InvalidInputException naming {@code duplicateWindow} (its key, after {@link #apply(Map)}) when it
     *     is longer than {@code maxAge}
     */
    public JetStreamConfig build() {
      // a rule between settings read by apply(Map) names their keys, as fromMap does
      return appliedKeys == null ? checked() : appliedKeys.build(this::checked);
    }

    private JetStreamConfig checked() {
      if (duplicateWindow != null && maxAge != null && duplicateWindow.compareTo(maxAge) > 0) {
        throw new InvalidInputException("duplicateWindow", "must not be longer than maxAge ("
            + ConfigKeys.formatDuration(maxAge) + "), was " + ConfigKeys.formatDuration(duplicateWindow));
      }
      return new JetStreamConfig(this);
    }
  }
}
