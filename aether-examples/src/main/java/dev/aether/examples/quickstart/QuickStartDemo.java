package dev.aether.examples.quickstart;

import dev.aether.AetherException;
import dev.aether.nats.JetStreamConfig;
import dev.aether.nats.JetStreamEventStore;
import dev.aether.store.InMemoryEventStore;
import dev.aether.store.StoreUnavailableException;
import java.io.PrintStream;
import java.util.UUID;

/**
 * The quick start ({@code ./scripts/demo}): bank accounts as virtual actors on the Aether runtime, on the
 * in-memory event store, or on NATS JetStream with {@code --nats nats://host:port}. The steps are
 * {@link BankDemo}'s; the behaviour is {@link Account}'s.
 *
 * <p>Exit codes: 0 when every step behaved as printed, 1 when the store cannot be used or a step failed, 2
 * for bad arguments.
 */
public final class QuickStartDemo {

  static final String USAGE = """
      Usage: ./scripts/demo [--nats nats://host:port [--namespace NAME]]
        (no option)        the demo on the in-memory event store
        --nats URL         the same demo on NATS JetStream (a nats-server with JetStream on, e.g. -js)
        --namespace NAME   the JetStream namespace to use (default: a fresh demo-<random> for each run);
                           it must not hold the demo's accounts yet
        -h, --help         this help""";

  private QuickStartDemo() {}

  /**
   * Runs the demo and exits with its exit code.
   *
   * @param args {@code [--nats URL [--namespace NAME]]}
   */
  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Runs the demo.
   *
   * @param args the command-line arguments
   * @param out where the demo prints
   * @param err where errors go (one line each)
   * @return the exit code: 0 success, 1 store or demo failure, 2 bad arguments
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("error: " + e.getMessage() + " (--help shows the options)");
      return 2;
    }
    if (options.help()) {
      out.println(USAGE);
      return 0;
    }
    try {
      if (options.natsUrl() == null) {
        try (InMemoryEventStore store = InMemoryEventStore.create()) {
          out.println("Aether quick start: bank accounts as virtual actors, on the in-memory event store");
          new BankDemo(store, store, out).run();
        }
        return 0;
      }
      return runOnJetStream(options, out, err);
    } catch (BankDemo.DemoFailure | AetherException e) {
      err.println("error: the demo failed: " + e.getMessage());
      return 1;
    }
  }

  private static int runOnJetStream(Options options, PrintStream out, PrintStream err) {
    String namespace = options.namespace() != null ? options.namespace()
        : "demo-" + UUID.randomUUID().toString().substring(0, 8);
    JetStreamConfig config;
    try {
      config = JetStreamConfig.builder().servers(options.natsUrl()).namespace(namespace).build();
    } catch (AetherException e) {
      err.println("error: " + e.getMessage() + " (--help shows the options)");
      return 2;
    }
    JetStreamEventStore store;
    try {
      store = JetStreamEventStore.connect(config);
    } catch (StoreUnavailableException e) {
      err.println("error: " + e.getMessage() + " (is a nats-server with JetStream, -js, running there?)");
      return 1;
    } catch (AetherException e) {
      err.println("error: cannot open the JetStream event store at " + options.natsUrl() + ": " + e.getMessage());
      return 1;
    }
    try (store) {
      BankDemo demo = new BankDemo(store, store, out);
      if (!demo.storeIsFresh()) {
        err.println("error: namespace " + namespace + " already holds the demo's accounts; choose another"
            + " --namespace, or leave it out for a fresh one");
        return 1;
      }
      out.println("Aether quick start: bank accounts as virtual actors, on JetStream at " + options.natsUrl()
          + " (namespace " + namespace + ")");
      demo.run();
      return 0;
    }
  }

  /**
   * The parsed command line.
   *
   * @param natsUrl the NATS server, or {@code null} for the in-memory store
   * @param namespace the JetStream namespace, or {@code null} for a fresh one
   * @param help whether the help was asked for
   */
  record Options(String natsUrl, String namespace, boolean help) {

    static Options parse(String[] args) {
      String nats = null;
      String namespace = null;
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
        switch (name) {
          case "-h", "--help" -> {
            return new Options(null, null, true);
          }
          case "--nats", "--namespace" -> {
            String value;
            if (arg.contains("=")) {
              value = arg.substring(arg.indexOf('=') + 1);
            } else if (i + 1 < args.length) {
              value = args[++i];
            } else {
              throw new IllegalArgumentException(name + " needs a value");
            }
            if (value.isBlank()) {
              throw new IllegalArgumentException(name + " needs a value");
            }
            if (name.equals("--nats")) {
              nats = value;
            } else {
              namespace = value;
            }
          }
          default -> throw new IllegalArgumentException("unknown argument " + arg);
        }
      }
      if (namespace != null && nats == null) {
        throw new IllegalArgumentException("--namespace needs --nats");
      }
      return new Options(nats, namespace, false);
    }
  }
}
