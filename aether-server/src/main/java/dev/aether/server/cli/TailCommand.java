package dev.aether.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code aether tail TYPE ID [--from N]}: follows an actor's events as the node stores them
 * ({@code GET /v1/actors/{type}/{id}/events/stream}, Server-Sent Events), one JSON event per line, until
 * Ctrl-C (or {@code --count} events). When the stream ends it reconnects with {@code Last-Event-ID} (the
 * last version printed), so no event is printed twice or missed; a node that cannot be reached ends it
 * with exit code 3.
 */
@Command(name = "tail", description = {"Follows an actor's events as they are stored, one JSON event per "
    + "line, until Ctrl-C."})
final class TailCommand implements Callable<Integer> {

  private static final long RECONNECT_PAUSE_MS = 1000;

  @Spec
  private CommandSpec spec;

  @Mixin
  private ActorArgs actor;

  @Option(names = "--from", paramLabel = "N",
      description = "The first version to print (default: the node's, the actor's first event).")
  private Long from;

  @Option(names = {"-n", "--count"}, paramLabel = "K", description = "Stop after K events.")
  private Long count;

  @Override
  public Integer call() {
    if (from != null && from < 1) {
      throw new UsageException("--from must be 1 or more, not " + from);
    }
    if (count != null && count < 1) {
      throw new UsageException("--count must be 1 or more, not " + count);
    }
    AetherCli root = AetherCli.root(spec);
    NodeClient client = root.client();
    AtomicLong printed = new AtomicLong();
    Optional<String> last = from == null || from == 1 ? Optional.empty() : Optional.of(Long.toString(from - 1));
    while (!Thread.currentThread().isInterrupted()) {
      String[] lastId = {last.orElse(null)};
      long before = printed.get();
      Optional<NodeClient.Answer> refused;
      try {
        refused = client.stream(actor.path("events", "stream"), last, event -> {
          if (!event.data().isEmpty() && (count == null || printed.get() < count)) {
            print(root.console(), event.data());
            printed.incrementAndGet();
            if (!event.id().isEmpty()) {
              lastId[0] = event.id();
            }
          }
          if (count != null && printed.get() >= count) {
            throw new Done();
          }
        });
      } catch (Done d) {
        return ExitCodes.OK;
      }
      if (refused.isPresent()) {
        return root.console().answer(refused.get());
      }
      if (printed.get() == before) {
        pause();
      }
      last = Optional.ofNullable(lastId[0]);
    }
    return ExitCodes.OK;
  }

  /** Waits a moment before reconnecting to a stream that ended without an event (no busy loop). */
  private static void pause() {
    try {
      Thread.sleep(RECONNECT_PAUSE_MS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void print(Console console, String data) {
    Optional<JsonNode> json = Console.parse(data);
    if (json.isPresent()) {
      console.jsonLine(json.get());
    } else {
      console.out().println(data);
      console.out().flush();
    }
  }

  /** Ends the stream once --count events were printed. */
  private static final class Done extends RuntimeException {
    Done() {
      super(null, null, false, false);
    }
  }
}
