package dev.aether.server.cli;

import dev.aether.model.AggregateDef;
import dev.aether.model.CommandDef;
import dev.aether.model.FieldDef;
import dev.aether.model.Model;
import dev.aether.model.exec.CompiledModel;
import dev.aether.model.exec.IncompatibleModelException;
import dev.aether.runtime.InvalidModelException;
import dev.aether.server.AetherNode;
import dev.aether.server.InvalidConfigException;
import dev.aether.server.NodeConfig;
import dev.aether.server.NodeStartException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code aether serve}: starts a node ({@link AetherNode}) from the configuration file, the {@code AETHER_*}
 * environment and the flags (flags &gt; environment &gt; file &gt; defaults), prints its URL and a first
 * {@code curl}, and runs until SIGTERM or SIGINT, which close it gracefully. Exit codes: 0 stopped normally,
 * 2 a configuration or usage error (one line naming the key), 1 the node failed to start, run or stop cleanly,
 * or stopped serving by itself ({@link AetherNode#whenFailed()}).
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = "Start an Aether node: the HTTP API on the embedded nats-server (default), a NATS server "
        + "(--nats) or memory (--store memory).",
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:stopped normally (SIGTERM/SIGINT)", "1:the node failed to start, run or stop cleanly (logged)",
        "2:configuration or usage error (the message names the key)"},
    footer = {"%nEvery key can also come from --config FILE (YAML) or AETHER_<KEY> (AETHER_HTTP_PORT, "
        + "AETHER_NATS_URL, ...); see aether-server/README.md."})
public final class ServeCommand implements Callable<Integer> {

  /** Exit code: stopped normally. */
  public static final int OK = 0;
  /** Exit code: the node failed. */
  public static final int FAILED = 1;
  /** Exit code: a configuration or usage error. */
  public static final int CONFIG_ERROR = 2;

  @Spec
  CommandSpec spec;

  @Option(names = "--model", paramLabel = "FILE", description = "model file (YAML or JSON) loaded at start")
  Path model;

  @Option(names = "--force-model", description = "start with the --model file even when the model this node ran"
      + " before refuses it (a change that loses or corrupts stored data, or reuses its version); the refused"
      + " changes are logged as warnings")
  boolean forceModel;

  @Option(names = "--nats", paramLabel = "URL", description = "NATS server URL(s); default: an embedded "
      + "nats-server with its data in <data-dir>/nats")
  String nats;

  @Option(names = "--http", paramLabel = "HOST:PORT", description = "HTTP address (default 127.0.0.1:8080; "
      + "port 0 = a free port)")
  String http;

  @Option(names = "--namespace", paramLabel = "NS", description = "store namespace (default: default)")
  String namespace;

  @Option(names = "--node-id", paramLabel = "ID", description = "node id (default: node-1)")
  String nodeId;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file")
  Path config;

  @Option(names = "--cluster", description = "run as a cluster node: nodes on the same NATS and namespace, each"
      + " with its own --node-id, share the actors")
  boolean cluster;

  @Option(names = "--store", paramLabel = "nats|memory", description = "nats (default) or memory (nothing "
      + "durable)")
  String store;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "data directory (default .aether)")
  String dataDir;

  /** The option that gives each key, named when its value is refused. */
  private static final Map<String, String> FLAG_NAMES = Map.of(NodeConfig.MODEL, "--model", NodeConfig.NATS_URL,
      "--nats", NodeConfig.NAMESPACE, "--namespace", NodeConfig.NODE_ID, "--node-id", NodeConfig.STORE, "--store",
      NodeConfig.DATA_DIR, "--data-dir", NodeConfig.CLUSTER, "--cluster", NodeConfig.HTTP_HOST, "--http",
      NodeConfig.HTTP_PORT, "--http", NodeConfig.FORCE_MODEL, "--force-model");

  private final Map<String, String> env;
  private final CountDownLatch stop;
  /** How long a stop signal during the start waits for it before interrupting it (then as long again). */
  private static final Duration START_WAIT = Duration.ofSeconds(30);

  /** Creates the command with the process environment, stopped by SIGTERM/SIGINT. */
  public ServeCommand() {
    this(System.getenv(), null);
  }

  /**
   * Creates the command with a given environment and, for tests and embedding, a latch that stops the node
   * when counted down (instead of a signal).
   */
  ServeCommand(Map<String, String> env, CountDownLatch stop) {
    this.env = env;
    this.stop = stop;
  }

  /**
   * Resolves the configuration, starts the node and blocks until it is stopped.
   *
   * @return the exit code: {@value #OK}, {@value #FAILED} or {@value #CONFIG_ERROR}
   */
  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    NodeConfig nodeConfig;
    try {
      nodeConfig = NodeConfig.resolve(Optional.ofNullable(config), env, flags(), FLAG_NAMES);
    } catch (UsageException e) { // as the other commands' usage errors, whether run by AetherCli or alone
      err.println("error: " + e.getMessage());
      err.println("Try '" + spec.qualifiedName() + " --help'.");
      err.flush();
      return CONFIG_ERROR;
    } catch (InvalidConfigException e) {
      err.println("error: " + e.getMessage());
      err.flush();
      return CONFIG_ERROR;
    }
    NodeConfig.ignoredVariables(env).forEach(warning -> err.println("warning: " + warning));
    err.flush();
    CountDownLatch stopped = stop != null ? stop : new CountDownLatch(1);
    CompletableFuture<AetherNode> started = new CompletableFuture<>(); // null: the start failed
    AtomicBoolean failed = new AtomicBoolean(); // a part of the node stopped by itself: exit with 1
    Thread starter = Thread.currentThread();
    Thread hook = new Thread(() -> stopOnSignal(starter, started, stopped, failed, out, err),
        "aether-serve-shutdown");
    if (stop == null) { // before the start: a signal during it (seconds with an embedded nats-server) stops it too
      java.lang.Runtime.getRuntime().addShutdownHook(hook);
    }
    AetherNode node;
    try {
      node = AetherNode.start(nodeConfig, env);
    } catch (InvalidConfigException e) {
      startFailed(started, hook);
      err.println("error: " + e.getMessage());
      err.flush();
      return CONFIG_ERROR;
    } catch (NodeStartException e) {
      startFailed(started, hook);
      if (e.getCause() instanceof InvalidModelException invalid && !(invalid instanceof IncompatibleModelException)
          && nodeConfig.model().isPresent()) {
        new Console(out, err).invalidModel(nodeConfig.model().get(), invalid); // as model validate prints it
      } else {
        err.println("error: " + e.getMessage());
        err.flush();
      }
      return FAILED;
    } catch (RuntimeException | Error e) {
      startFailed(started, hook);
      throw e;
    }
    try {
      out.println("Aether node " + nodeConfig.nodeId() + " listening on " + node.uri());
      firstCurl(nodeConfig, node).ifPresent(curl -> out.println("Try: " + curl));
      firstCurlNote(nodeConfig).ifPresent(out::println);
      out.flush();
    } finally {
      // only now: a signal during the start waits for this to close the node, so these lines never follow its
      // stop (nor name the closed server's port, -1); whatever the printing did, the hook gets the node
      started.complete(node);
    }
    node.whenFailed().thenAccept(reason -> { // e.g. its cluster connection closed for good: a supervisor restarts it
      err.println("error: the node stopped serving: " + reason + "; stopping it (exit code 1)");
      err.flush();
      failed.set(true);
      stopped.countDown();
    });
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (stop == null && failed.get()) {
      System.exit(FAILED); // the hook closes the node and ends the process with 1
    }
    if (stop != null) {
      node.close();
    }
    return failed.get() ? FAILED : OK;
  }

  /**
   * A failed start exits with its own code (2, 1), not the hook's: the hook goes, unless a signal already runs it
   * (then it exits, with 1: the start failed by itself).
   */
  private static void startFailed(CompletableFuture<AetherNode> started, Thread hook) {
    started.complete(null);
    try {
      java.lang.Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs: it ends the process
    }
  }

  /**
   * The shutdown hook of a {@code serve} process (SIGTERM, SIGINT): stops the node, also one still starting (it
   * waits for the start, at most {@link #START_WAIT}, then interrupts it: a start cut short stops what it had
   * started, the embedded nats-server too). A JVM stopped by a signal exits with 128 + the signal (130, 143) once
   * its hooks ran; this says how the node stopped instead, as service managers (systemd, Docker) read it: 0 when
   * every part closed cleanly, 1 when one failed, the start failed, or it had to be cut short (logged; what it
   * had started is stopped). The node has stopped its HTTP server itself (Helidon's own hook is off), so
   * nothing of it is cut short; only this command ends this process.
   */
  private static void stopOnSignal(Thread starter, CompletableFuture<AetherNode> started, CountDownLatch stopped,
      AtomicBoolean failed, PrintWriter out, PrintWriter err) {
    boolean cutShort = false;
    boolean clean;
    try {
      AetherNode node;
      try {
        node = started.get(START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        err.println("stopping: the node has not started within " + START_WAIT + "; cutting its start short");
        err.flush();
        cutShort = true;
        starter.interrupt();
        node = started.get(START_WAIT.toMillis(), TimeUnit.MILLISECONDS);
      }
      if (node != null) {
        node.close();
        clean = node.closedCleanly() && !cutShort;
      } else {
        clean = false; // failed by itself (it said why), or cut short after hanging: what it started is closed
      }
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      clean = false; // the start did not end even when interrupted: the process ends without it
    }
    stopped.countDown();
    out.flush();
    err.flush();
    java.lang.Runtime.getRuntime().halt(clean && !failed.get() ? OK : FAILED);
  }

  private Map<String, String> flags() {
    Map<String, String> flags = new LinkedHashMap<>();
    put(flags, NodeConfig.MODEL, model == null ? null : model.toString());
    put(flags, NodeConfig.NATS_URL, nats);
    put(flags, NodeConfig.NAMESPACE, namespace);
    put(flags, NodeConfig.NODE_ID, nodeId);
    put(flags, NodeConfig.STORE, store);
    put(flags, NodeConfig.DATA_DIR, dataDir);
    if (cluster) {
      flags.put(NodeConfig.CLUSTER, "true");
    }
    if (forceModel) {
      flags.put(NodeConfig.FORCE_MODEL, "true");
    }
    if (http != null) {
      int colon = http.lastIndexOf(':');
      if (colon < 0 || http.endsWith("]")) { // no port ("localhost"), or an IPv6 address without one ("[::1]")
        throw new UsageException("--http " + http + " has no port: give HOST:PORT, e.g. 127.0.0.1:8080 (port 0 = a"
            + " free port; [::1]:8080 for an IPv6 address)");
      }
      String host = http.substring(0, colon);
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      }
      if (!host.isEmpty()) {
        flags.put(NodeConfig.HTTP_HOST, host);
      }
      flags.put(NodeConfig.HTTP_PORT, http.substring(colon + 1));
    }
    return flags;
  }

  private static void put(Map<String, String> flags, String key, String value) {
    if (value != null) {
      flags.put(key, value);
    }
  }

  /**
   * A curl sending the model's first command that a client may send (not internal) and whose required fields
   * sample values can fill within their constraints; else a curl reading the model. It works when pasted into a
   * POSIX shell: each argument is single-quoted but the token's header, double-quoted so that the shell puts
   * {@code $AETHER_TOKEN} in.
   */
  static Optional<String> firstCurl(NodeConfig config, AetherNode node) {
    String auth = config.authToken().isPresent() ? " -H \"Authorization: Bearer $AETHER_TOKEN\"" : "";
    String base = reachableHere(node.uri());
    String readModel = "curl " + shellQuoted(base + "/v1/model") + auth;
    Optional<Model> model = config.model().flatMap(ServeCommand::readQuietly);
    if (model.isEmpty()) {
      return Optional.of(readModel);
    }
    for (AggregateDef aggregate : model.get().aggregates()) {
      for (CommandDef command : aggregate.commands()) {
        Optional<String> payload = command.internal() ? Optional.empty() : samplePayload(command);
        if (payload.isPresent()) {
          String path = base + "/v1/actors/" + segment(aggregate.name()) + "/first-1/commands/"
              + segment(command.name());
          return Optional.of("curl -X POST " + shellQuoted(path) + " -H 'Content-Type: application/json'" + auth
              + " -d " + shellQuoted(payload.get()));
        }
      }
    }
    return Optional.of(readModel);
  }

  /**
   * The node's address as a client on this machine reaches it: a node bound to every interface
   * ({@code 0.0.0.0}, {@code [::]}) is reached on the loopback address ({@code curl http://0.0.0.0:8080} fails on
   * some systems).
   */
  static String reachableHere(URI uri) {
    String host = uri.getHost();
    String loopback = "0.0.0.0".equals(host) ? "127.0.0.1"
        : "[::]".equals(host) || "[0:0:0:0:0:0:0:0]".equals(host) ? "[::1]" : null;
    return loopback == null ? uri.toString() : uri.getScheme() + "://" + loopback + ":" + uri.getPort();
  }

  /** What the first curl needs set in the shell: the token, when the node requires one. */
  static Optional<String> firstCurlNote(NodeConfig config) {
    return config.authToken().map(t -> "(with AETHER_TOKEN set to the node's token, as the aether client commands"
        + " read it)");
  }

  /** One POSIX shell word: in single quotes, a single quote written as '\'' (nothing inside is expanded). */
  static String shellQuoted(String text) {
    return "'" + text.replace("'", "'\\''") + "'";
  }

  private static String segment(String name) {
    return java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Sample values for a command's required fields, when each can be made to fit its constraints. */
  private static Optional<String> samplePayload(CommandDef command) {
    StringJoiner payload = new StringJoiner(", ", "{", "}");
    for (FieldDef field : command.fields()) {
      if (!field.mayBeAbsent()) {
        Optional<String> value = sample(field);
        if (value.isEmpty()) {
          return Optional.empty();
        }
        payload.add("\"" + field.name() + "\": " + value.get());
      }
    }
    return Optional.of(payload.toString());
  }

  private static Optional<Model> readQuietly(Path file) {
    try {
      return Optional.of(CompiledModel.load(file).model());
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** A value of the field's type within its constraints, or empty when none is simple to make. */
  private static Optional<String> sample(FieldDef field) {
    if (!field.allowed().isEmpty()) {
      Object first = field.allowed().get(0);
      return Optional.of(first instanceof String s ? "\"" + s + "\"" : String.valueOf(first));
    }
    String type = field.type().strip();
    double low = field.min() == null ? Double.NEGATIVE_INFINITY : field.min().doubleValue();
    double high = field.max() == null ? Double.POSITIVE_INFINITY : field.max().doubleValue();
    return switch (type) {
      case "int", "integer" -> {
        long value = (long) Math.ceil(Math.max(low, Math.min(1, high)));
        yield value <= high ? Optional.of(String.valueOf(value)) : Optional.empty();
      }
      case "double", "number" -> low <= 1.5 && 1.5 <= high ? Optional.of("1.5")
          : Optional.of(String.valueOf(Math.max(low, Math.min(1.5, high))));
      case "bool", "boolean" -> Optional.of("true");
      case "timestamp" -> Optional.of("\"2026-01-01T00:00:00Z\"");
      case "string" -> {
        if (low > 256) {
          yield Optional.empty(); // a sample that long is no example
        }
        int length = (int) Math.max(4, Math.ceil(Math.max(low, 0)));
        String text = length <= high ? "text" + "x".repeat(length - 4) : "x".repeat((int) Math.max(high, 0));
        yield (field.pattern() == null || java.util.regex.Pattern.matches(field.pattern(), text)) && text.length() >= low
            ? Optional.of("\"" + text + "\"") : Optional.empty();
      }
      default -> type.startsWith("list") ? (low <= 0 ? Optional.of("[]") : Optional.empty())
          : type.startsWith("map") ? Optional.of("{}") : Optional.empty();
    };
  }
}
