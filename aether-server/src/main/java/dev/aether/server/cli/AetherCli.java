package dev.aether.server.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.slf4j.bridge.SLF4JBridgeHandler;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code aether} command line, the runnable jar's main class: {@code serve} runs a node, the other
 * commands talk to a running node over its HTTP API ({@code send}, {@code state}, {@code events},
 * {@code tail}, {@code model load}, {@code cluster status}) or work alone ({@code model validate}).
 *
 * <p>Every command has {@code --help} and {@code --version}; {@code --url} (default
 * {@value #DEFAULT_URL}, or {@code AETHER_URL}) and {@code --token} ({@code AETHER_TOKEN}) may be given
 * before or after the command. Results are JSON pretty-printed on stdout; errors are {@code error: ...}
 * lines on stderr, never a stack trace; the exit codes are listed under every {@code --help} and in the
 * README (0 ok, 1 the node answered an error or the model is invalid, 2 usage, 3 node unreachable,
 * 4 rejected, 5 no outcome within the deadline).
 */
@Command(name = "aether",
    description = "Runs an Aether node, and talks to one over its HTTP API.",
    subcommands = {ServeCommand.class, SendCommand.class, StateCommand.class, EventsCommand.class, TailCommand.class,
        ModelCommand.class, ClusterCommand.class, DeadLettersCommand.class, ReactionsCommand.class,
        ReadModelCommand.class})
public final class AetherCli implements Callable<Integer> {

  /** The node the client commands talk to when neither {@code --url} nor {@code AETHER_URL} is given. */
  public static final String DEFAULT_URL = "http://127.0.0.1:8080";

  private static final int HELP_WIDTH = 100;

  @Spec
  private CommandSpec spec;

  @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
      description = "The node's address (env AETHER_URL, default " + DEFAULT_URL + ").")
  private String url;

  @Option(names = "--token", scope = ScopeType.INHERIT, paramLabel = "TOKEN",
      description = "Bearer token, when the node requires one (env AETHER_TOKEN).")
  private String token;

  private Console console;
  /** The environment of this run: AETHER_URL and AETHER_TOKEN when the flags are absent. */
  private Map<String, String> env = Map.of();

  /** Logback's property naming its configuration (a class-path resource, a file or a URL). */
  static final String LOGBACK_CONFIGURATION = "logback.configurationFile";
  /**
   * The command line's logging (INFO on standard error), a resource logback does not pick up by itself: an
   * application that embeds {@code AetherNode} keeps its own logging configuration.
   */
  static final String NODE_LOGBACK = "dev/aether/server/cli/node-logback.xml";

  /** Created by picocli only. */
  AetherCli() {}

  /**
   * Runs the command line and exits with its exit code.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    if (System.getProperty(LOGBACK_CONFIGURATION) == null) { // before anything logs; -D on the command line wins
      System.setProperty(LOGBACK_CONFIGURATION, NODE_LOGBACK);
    }
    SLF4JBridgeHandler.removeHandlersForRootLogger(); // Helidon's java.util.logging lines join the node's log
    SLF4JBridgeHandler.install();
    PrintWriter out = new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true);
    PrintWriter err = new PrintWriter(new OutputStreamWriter(System.err, StandardCharsets.UTF_8), true);
    System.exit(run(args, System.getenv(), out, err));
  }

  /** Runs one command line with the given environment and streams; returns the exit code. */
  static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
    AetherCli root = new AetherCli();
    root.console = new Console(out, err);
    root.env = env;
    CommandLine cli = new CommandLine(root);
    cli.setExpandAtFiles(false); // "-d @file" is ours: picocli would otherwise expand it into arguments
    configure(cli, env);
    cli.setOut(out);
    cli.setErr(err);
    cli.setParameterExceptionHandler(AetherCli::usageError);
    cli.setExecutionExceptionHandler((e, line, parsed) -> failed(e, line, root.console));
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** @return the console of this run (for the subcommands) */
  Console console() {
    return console;
  }

  /**
   * @return a client of the node named by --url / AETHER_URL, with the token of --token / AETHER_TOKEN if any
   * @throws UsageException naming the option or variable whose value cannot be sent
   */
  NodeClient client() {
    String urlSource = url != null ? "--url" : envValue(env, "AETHER_URL").isPresent() ? "AETHER_URL" : "--url";
    URI node = nodeUrl(url != null ? url : envValue(env, "AETHER_URL").orElse(DEFAULT_URL), urlSource);
    Optional<String> bearer = token != null ? Optional.of(HeaderValue.token(token, "--token"))
        : envValue(env, "AETHER_TOKEN").map(t -> HeaderValue.token(t, "AETHER_TOKEN"));
    return new NodeClient(node, bearer.filter(t -> !t.isBlank()));
  }

  /** @return the root command of the command that {@code spec} describes */
  static AetherCli root(CommandSpec spec) {
    return (AetherCli) spec.root().userObject();
  }

  /** @param source the option or variable the text came from ({@code --url}, {@code AETHER_URL}) */
  static URI nodeUrl(String text, String source) {
    try {
      URI uri = new URI(text);
      if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
          || uri.getQuery() != null || uri.getFragment() != null) {
        throw new UsageException(source + " " + text + " is not an http:// or https:// address of a node");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new UsageException(source + " " + text + " is not a URL: " + e.getReason());
    }
  }

  /** Help and version options, exit codes and environment defaults on every command. */
  private static void configure(CommandLine line, Map<String, String> env) {
    CommandSpec spec = line.getCommandSpec();
    spec.mixinStandardHelpOptions(true);
    spec.versionProvider(new Version());
    Map<String, String> codes = new LinkedHashMap<>();
    for (String entry : ExitCodes.HELP) {
      int colon = entry.indexOf(':');
      codes.put(entry.substring(0, colon), entry.substring(colon + 1));
    }
    spec.usageMessage().width(HELP_WIDTH);
    if (spec.usageMessage().exitCodeList().isEmpty()) {
      spec.usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(codes);
    }
    line.setDefaultValueProvider(arg -> switch (arg instanceof CommandLine.Model.OptionSpec o ? o.longestName()
        : "") {
      case "--url", "--token" -> null; // the environment's value is taken in client(), which names its source
      default -> arg.defaultValue();
    });
    if (spec.userObject() instanceof ServeCommand) {
      // --url and --token address a node over HTTP; serve is the node (its settings are its own flags)
      List.copyOf(spec.options()).stream().filter(CommandLine.Model.OptionSpec::inherited).forEach(spec::remove);
    }
    line.getSubcommands().values().forEach(sub -> configure(sub, env));
  }

  private static Optional<String> envValue(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).filter(v -> !v.isBlank());
  }

  private static int usageError(CommandLine.ParameterException e, String[] args) {
    CommandLine line = e.getCommandLine();
    PrintWriter err = line.getErr();
    err.println("error: " + e.getMessage());
    return tryHelp(line);
  }

  /** Ends a usage error: where to read the command's usage. */
  private static int tryHelp(CommandLine line) {
    line.getErr().println("Try '" + line.getCommandSpec().qualifiedName() + " --help'.");
    line.getErr().flush();
    return ExitCodes.USAGE;
  }

  private static int failed(Exception e, CommandLine line, Console console) {
    switch (e) {
      case UsageException u -> { // as a parse error: the problem, then where to read the usage
        console.error(u.getMessage());
        return tryHelp(line);
      }
      case NodeUnreachableException u -> {
        console.error(u.getMessage());
        return ExitCodes.UNREACHABLE;
      }
      default -> {
        console.error(e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName());
        return ExitCodes.FAILED;
      }
    }
  }

  /** The version of the running jar (from its Maven metadata) and of the JVM. */
  static final class Version implements IVersionProvider {

    @Override
    public String[] getVersion() {
      return new String[] {"aether " + jarVersion(),
          "JVM " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"};
    }

    static String jarVersion() {
      try (InputStream in = AetherCli.class.getResourceAsStream(
          "/META-INF/maven/dev.aether/aether-server/pom.properties")) {
        if (in == null) {
          return "(development build: classes, not the jar)";
        }
        Properties p = new Properties();
        p.load(in);
        return p.getProperty("version", "(unknown version)");
      } catch (IOException e) {
        return "(unknown version)";
      }
    }
  }
}
