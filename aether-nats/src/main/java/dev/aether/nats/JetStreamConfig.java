package dev.aether.nats;

import dev.aether.InvalidInputException;
import dev.aether.internal.Checks;
import dev.aether.store.EventStoredListener;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;

/**
 * The configuration of a {@link JetStreamEventStore}: where the servers are, how to authenticate, and the
 * layout and durability of the streams. Build one with {@link #builder()}; every value has a safe default.
 *
 * <p>Every setter of the builder checks its value and {@link Builder#build()} checks the rules between
 * values; a bad value is refused with an {@link InvalidInputException} naming it, never repaired. The
 * canonical constructor runs the same checks, so no invalid configuration can exist.
 *
 * <p>{@code namespace}, {@code subjectPrefix} and {@code partitions} fix where events live: a store
 * configured differently does not see them. {@code replicas}, {@code maxAge}, {@code duplicateWindow} and
 * {@code storage} are the durability the store demands of existing streams (see {@link JetStreamEventStore}).
 *
 * <p>Immutable and thread-safe (the listener must be thread-safe itself).
 *
 * @param servers the server URLs, {@code nats://host:port} or {@code tls://host:port}
 * @param credentials how to authenticate
 * @param tls whether to connect with TLS even to {@code nats://} URLs
 * @param sslContext the TLS context to use; empty means the JVM default (requires {@code tls})
 * @param namespace the namespace: tokens of {@code [A-Za-z0-9_-]} separated by dots
 * @param subjectPrefix the first subject token, {@code [A-Za-z0-9-]}
 * @param partitions the number of event streams of the namespace, 1 to {@value #MAX_PARTITIONS}
 * @param replicas the stream replicas, 1 to {@value #MAX_REPLICAS}
 * @param maxAge how long events are kept; empty means forever
 * @param duplicateWindow how long the server remembers a commit's id to drop a retried duplicate
 * @param connectTimeout how long connecting may take
 * @param requestTimeout how long the store waits for any server answer, including a publish acknowledgement
 * @param storage where the server keeps the streams
 * @param eventStoredListener receives one notice per stored event
 */
public record JetStreamConfig(
    List<String> servers,
    NatsCredentials credentials,
    boolean tls,
    Optional<SSLContext> sslContext,
    String namespace,
    String subjectPrefix,
    int partitions,
    int replicas,
    Optional<Duration> maxAge,
    Duration duplicateWindow,
    Duration connectTimeout,
    Duration requestTimeout,
    Storage storage,
    EventStoredListener eventStoredListener) {

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

  /** Validates every value and the rules between them; copies {@code servers}. */
  public JetStreamConfig {
    servers = checkServers(servers);
    Checks.notNull(credentials, "credentials");
    Checks.notNull(sslContext, "sslContext");
    checkNamespace(namespace);
    checkSubjectPrefix(subjectPrefix);
    checkRange(partitions, 1, MAX_PARTITIONS, "partitions");
    checkRange(replicas, 1, MAX_REPLICAS, "replicas");
    Checks.notNull(maxAge, "maxAge").ifPresent(age -> checkPositive(age, "maxAge"));
    checkPositive(duplicateWindow, "duplicateWindow");
    checkPositive(connectTimeout, "connectTimeout");
    checkPositive(requestTimeout, "requestTimeout");
    Checks.notNull(storage, "storage");
    Checks.notNull(eventStoredListener, "eventStoredListener");
    if (sslContext.isPresent() && !tls) {
      throw new InvalidInputException("tls", "must be true when an sslContext is given");
    }
    if (maxAge.isPresent() && duplicateWindow.compareTo(maxAge.get()) > 0) {
      throw new InvalidInputException("duplicateWindow",
          "must not be longer than maxAge (" + maxAge.get() + "), was " + duplicateWindow);
    }
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
   * Starts a builder holding every value of this configuration.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(this);
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

  private static Duration checkPositive(Duration value, String field) {
    Checks.notNull(value, field);
    if (value.isNegative() || value.isZero()) {
      throw new InvalidInputException(field, "must be positive, was " + value);
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
    private Optional<SSLContext> sslContext = Optional.empty();
    private String namespace = DEFAULT_NAMESPACE;
    private String subjectPrefix = DEFAULT_SUBJECT_PREFIX;
    private int partitions = DEFAULT_PARTITIONS;
    private int replicas = DEFAULT_REPLICAS;
    private Optional<Duration> maxAge = Optional.empty();
    private Duration duplicateWindow = DEFAULT_DUPLICATE_WINDOW;
    private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
    private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
    private Storage storage = DEFAULT_STORAGE;
    private EventStoredListener eventStoredListener = EventStoredListener.NONE;

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
      duplicateWindow = c.duplicateWindow;
      connectTimeout = c.connectTimeout;
      requestTimeout = c.requestTimeout;
      storage = c.storage;
      eventStoredListener = c.eventStoredListener;
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
      return servers(List.of(urls));
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
        this.sslContext = Optional.empty();
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
      this.sslContext = Optional.of(Checks.notNull(context, "sslContext"));
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
     * @param maxAge positive
     * @return this builder
     */
    public Builder maxAge(Duration maxAge) {
      this.maxAge = Optional.of(checkPositive(maxAge, "maxAge"));
      return this;
    }

    /**
     * Keeps events forever (the default).
     *
     * @return this builder
     */
    public Builder keepForever() {
      this.maxAge = Optional.empty();
      return this;
    }

    /**
     * Sets how long the server remembers a commit's id, so that a retried commit is stored once (default
     * 2 minutes). Retry an unknown outcome well within it.
     *
     * @param window positive, at most {@code maxAge}
     * @return this builder
     */
    public Builder duplicateWindow(Duration window) {
      this.duplicateWindow = checkPositive(window, "duplicateWindow");
      return this;
    }

    /**
     * Sets how long connecting may take (default 2 s).
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = checkPositive(timeout, "connectTimeout");
      return this;
    }

    /**
     * Sets how long the store waits for a server answer (default 5 s). A commit whose acknowledgement does
     * not arrive in this time fails with an {@link dev.aether.store.OutcomeUnknownException}.
     *
     * @param timeout positive
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = checkPositive(timeout, "requestTimeout");
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
     * Sets the listener told about every stored event (default: none).
     *
     * @param listener a thread-safe, quick listener
     * @return this builder
     */
    public Builder eventStoredListener(EventStoredListener listener) {
      this.eventStoredListener = Checks.notNull(listener, "eventStoredListener");
      return this;
    }

    /**
     * Checks the rules between values and builds the configuration.
     *
     * @return the configuration
     * @throws InvalidInputException when {@code duplicateWindow} is longer than {@code maxAge}
     */
    public JetStreamConfig build() {
      return new JetStreamConfig(servers, credentials, tls, sslContext, namespace, subjectPrefix, partitions,
          replicas, maxAge, duplicateWindow, connectTimeout, requestTimeout, storage, eventStoredListener);
    }
  }
}
