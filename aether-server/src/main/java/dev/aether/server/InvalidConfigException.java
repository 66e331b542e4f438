package dev.aether.server;

import dev.aether.InvalidInputException;

/**
 * Refusal of a node configuration value: names the {@linkplain #key() key}, the value and the
 * {@linkplain #source() source} it came from, for example
 * {@code http.port: "abc" is not a port (from AETHER_HTTP_PORT)}. Non-transient: the node does not start.
 */
public final class InvalidConfigException extends InvalidInputException {

  private final String source;

  /**
   * Creates a refusal of one key.
   *
   * @param key the configuration key ({@code http.port})
   * @param problem what is wrong with the value
   * @param source where the value came from ({@code AETHER_HTTP_PORT}, a file, {@code --http}, {@code default})
   */
  public InvalidConfigException(String key, String problem, String source) {
    super(key, problem + " (from " + source + ")");
    this.source = source;
  }

  /**
   * The refused key.
   *
   * @return the key, as in the configuration table ({@code http.port})
   */
  public String key() {
    return field();
  }

  /**
   * Where the refused value came from.
   *
   * @return an environment variable name, a file path, a flag or {@code default}
   */
  public String source() {
    return source;
  }
}
