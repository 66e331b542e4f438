package dev.aether.server.cli;

import picocli.CommandLine.Parameters;

/**
 * The {@code TYPE ID} parameters that name an actor, first on the command line of every actor command
 * ({@code send}, {@code state}, {@code events}, {@code tail}); a picocli mixin.
 */
final class ActorArgs {

  @Parameters(index = "0", paramLabel = "TYPE", description = "The aggregate type, e.g. Account.")
  private String type;

  @Parameters(index = "1", paramLabel = "ID", description = "The actor id, e.g. acc-1.")
  private String id;

  /**
   * The node's path of this actor with more segments after it, each encoded ({@code /v1/actors/T/I/...}).
   *
   * @throws UsageException when the type or the id is blank (nothing is sent)
   */
  String path(String... more) {
    String[] segments = new String[more.length + 3];
    segments[0] = "actors";
    segments[1] = notBlank(type, "TYPE");
    segments[2] = notBlank(id, "ID");
    System.arraycopy(more, 0, segments, 3, more.length);
    return NodeClient.path(segments);
  }

  /**
   * Refuses a blank parameter before anything is sent.
   *
   * @return the value
   * @throws UsageException naming the parameter's label
   */
  static String notBlank(String value, String label) {
    if (value.isBlank()) {
      throw new UsageException(label + " must not be blank");
    }
    return value;
  }
}
