package dev.aether.nats;

import dev.aether.InvalidInputException;
import dev.aether.support.Checks;
import java.nio.file.Path;

/**
 * How the store authenticates to the NATS server: not at all, with a user and password, with a token, or
 * with a credentials file (JWT and NKey seed, as made by {@code nsc}).
 *
 * <p>The records' {@code toString()} never shows a password or token. Instances are immutable and
 * thread-safe.
 */
public sealed interface NatsCredentials {

  /**
   * No authentication.
   *
   * @return the shared instance
   */
  static NatsCredentials none() {
    return None.INSTANCE;
  }

  /**
   * A user name and password.
   *
   * @param user the user; not blank
   * @param password the password; not null
   * @return the credentials
   * @throws InvalidInputException naming {@code credentials.user} or {@code credentials.password}
   */
  static NatsCredentials userPassword(String user, String password) {
    return new UserPassword(user, password);
  }

  /**
   * An authentication token.
   *
   * @param token the token; not blank
   * @return the credentials
   * @throws InvalidInputException naming {@code credentials.token}
   */
  static NatsCredentials token(String token) {
    return new Token(token);
  }

  /**
   * A credentials file ({@code .creds}) holding a user JWT and NKey seed. The file is read when the store
   * connects.
   *
   * @param file the file; not null
   * @return the credentials
   * @throws InvalidInputException naming {@code credentials.file}
   */
  static NatsCredentials credsFile(Path file) {
    return new CredsFile(file);
  }

  /** No authentication. */
  enum None implements NatsCredentials {
    /** The only instance. */
    INSTANCE
  }

  /**
   * A user name and password.
   *
   * @param user the user; not blank
   * @param password the password; not null
   */
  record UserPassword(String user, String password) implements NatsCredentials {

    /** Validates both fields. */
    public UserPassword {
      Checks.notBlank(user, "credentials.user");
      Checks.notNull(password, "credentials.password");
    }

    @Override
    public String toString() {
      return "UserPassword[user=" + user + ", password=****]";
    }
  }

  /**
   * An authentication token.
   *
   * @param token the token; not blank
   */
  record Token(String token) implements NatsCredentials {

    /** Validates the token. */
    public Token {
      Checks.notBlank(token, "credentials.token");
    }

    @Override
    public String toString() {
      return "Token[****]";
    }
  }

  /**
   * A credentials file holding a user JWT and NKey seed.
   *
   * @param file the file
   */
  record CredsFile(Path file) implements NatsCredentials {

    /** Validates the path. */
    public CredsFile {
      Checks.notNull(file, "credentials.file");
    }
  }
}
