package dev.aether.nats;

/**
 * The NATS server cannot keep what the store needs: its version is older than the store supports, or too
 * old for a replicated stream (nats-server before 2.9.21 lets two writers on a replicated stream both store
 * a commit after the same one, which breaks an actor's history for good). The message names the server's
 * version and what to install. Nothing was created or changed; retrying cannot help.
 */
public class UnsupportedServerException extends JetStreamStoreException {

  private final String serverVersion;
  private final String requiredVersion;

  /**
   * Creates the refusal.
   *
   * @param message what was refused, why, and what to install
   * @param serverVersion the version the server reported
   * @param requiredVersion the oldest version that would do
   */
  public UnsupportedServerException(String message, String serverVersion, String requiredVersion) {
    super(message, 0, null);
    this.serverVersion = serverVersion;
    this.requiredVersion = requiredVersion;
  }

  /** @return the version the server reported, for example {@code 2.9.10} */
  public String serverVersion() {
    return serverVersion;
  }

  /** @return the oldest version that would do, for example {@code 2.9.21} */
  public String requiredVersion() {
    return requiredVersion;
  }
}
