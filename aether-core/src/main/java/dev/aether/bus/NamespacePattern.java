package dev.aether.bus;

import dev.aether.InvalidInputException;
import dev.aether.support.Checks;

/**
 * A parsed NATS-style pattern over dot-separated names: a namespace pattern such as {@code prod.*}, or an
 * actor pattern such as {@code order.>}. Parse once, then {@link #matches(String)} many times.
 *
 * <p>Matching splits the candidate name on every {@code '.'} into tokens and compares token by token: a
 * literal token matches only an identical token (case-sensitive); {@code *} matches exactly one token;
 * {@code >} matches one or more remaining tokens. So {@code prod.*} matches {@code prod.orders} but neither
 * {@code prod} nor {@code prod.orders.eu}; {@code prod.>} matches both {@code prod.orders} and
 * {@code prod.orders.eu} but not {@code prod}. A pattern without wildcards matches only the identical name.
 * These are exactly the semantics of NATS subjects, so the local bus and the NATS bus agree.
 *
 * <p>Two flavours are parsed:
 * <ul>
 *   <li>{@link #parse(String)}: a namespace pattern, under the rules of {@link Namespaces} (tokens of
 *       {@code [A-Za-z0-9_-]}, or a whole-token wildcard).</li>
 *   <li>{@link #parseActorPattern(String)}: a pattern over stream ids, used by
 *       {@link SubscriptionFilter#actorPattern()}. Actor ids are free text, so a literal token may hold any
 *       character except whitespace and control characters, but tokens must still be non-empty and
 *       {@code *}/{@code >} must still be whole tokens ({@code order-*} is refused: it is not a prefix
 *       pattern). A stream id is split on {@code '.'} like a namespace; a stream id without dots is one token,
 *       so {@code *} matches every dot-free stream id and {@code >} matches every stream id. A stream id with an
 *       empty token (such as {@code a..b}) can still be matched: {@code *} and {@code >} match empty tokens
 *       too. A {@code *} or {@code >} character inside a stream id is an ordinary character of its token.</li>
 * </ul>
 *
 * <p>Two patterns are equal when their text is equal. Immutable and thread-safe; {@link #matches(String)}
 * allocates nothing.
 */
public final class NamespacePattern {

  private final String text;
  private final String[] tokens;
  private final boolean wildcard;

  private NamespacePattern(String text) {
    this.text = text;
    this.tokens = text.split("\\.", -1);
    this.wildcard = hasWildcard(tokens);
  }

  /**
   * Parses a namespace pattern (or an exact namespace).
   *
   * @param pattern the pattern, for example {@code tenant-a}, {@code prod.*} or {@code prod.>}
   * @return the parsed pattern
   * @throws InvalidInputException naming {@code pattern} when it breaks the rules of {@link Namespaces}
   */
  public static NamespacePattern parse(String pattern) {
    return new NamespacePattern(Namespaces.check(pattern, "pattern", Namespaces.Rules.PATTERN));
  }

  /**
   * Parses a pattern over stream ids (see the class documentation for the rules).
   *
   * @param actorPattern the pattern, for example {@code order.*}, {@code order.>} or {@code order-42}
   * @return the parsed pattern
   * @throws InvalidInputException naming {@code actorPattern} when it is null or blank, contains whitespace
   *     or control characters, has an empty token, a wildcard inside a token or {@code >} before the end
   */
  public static NamespacePattern parseActorPattern(String actorPattern) {
    return new NamespacePattern(Namespaces.check(actorPattern, "actorPattern", Namespaces.Rules.ACTOR_PATTERN));
  }

  /**
   * Tells whether a name matches this pattern. The name is not validated: it is split on {@code '.'} and
   * compared token by token.
   *
   * @param name a namespace or a stream id
   * @return {@code true} when the name matches
   * @throws InvalidInputException naming {@code name} when it is null
   */
  public boolean matches(String name) {
    Checks.notNull(name, "name");
    if (!wildcard) {
      return text.equals(name);
    }
    int pos = 0;
    for (String token : tokens) {
      if (pos > name.length()) {
        return false;
      }
      if (token.equals(">")) {
        return true;
      }
      int end = name.indexOf('.', pos);
      if (end < 0) {
        end = name.length();
      }
      if (!token.equals("*") && !sameToken(token, name, pos, end)) {
        return false;
      }
      pos = end + 1;
    }
    return pos == name.length() + 1;
  }

  /**
   * Tells whether this pattern has a wildcard, that is, whether it can match more than one name.
   *
   * @return {@code true} when a token is {@code *} or {@code >}
   */
  public boolean isWildcard() {
    return wildcard;
  }

  /**
   * The pattern's text, as parsed.
   *
   * @return the text, for example {@code prod.>}
   */
  public String value() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NamespacePattern p && text.equals(p.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  /** @return the pattern's text */
  @Override
  public String toString() {
    return text;
  }

  private static boolean sameToken(String token, String name, int start, int end) {
    return end - start == token.length() && name.startsWith(token, start);
  }

  private static boolean hasWildcard(String[] tokens) {
    for (String token : tokens) {
      if (token.equals("*") || token.equals(">")) {
        return true;
      }
    }
    return false;
  }
}
