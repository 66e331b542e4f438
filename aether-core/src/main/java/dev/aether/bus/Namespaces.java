package dev.aether.bus;

import dev.aether.InvalidInputException;

/**
 * The rules for namespace names and namespace patterns, shared by every {@link EventBus} implementation so
 * that the local bus and the NATS bus accept and match exactly the same names.
 *
 * <p>A <b>namespace</b> is one or more tokens separated by {@code '.'}; each token is non-empty and made of
 * ASCII letters, digits, {@code '_'} and {@code '-'}. Examples: {@code tenant-a}, {@code prod.orders}.
 * A namespace therefore never contains whitespace, control characters or wildcards, and is always a valid
 * NATS subject suffix.
 *
 * <p>A <b>pattern</b> follows the same rules, except that a token may also be a wildcard: {@code *} matches
 * exactly one token and {@code >} matches one or more trailing tokens, so {@code >} may only be the last
 * token. Wildcards are whole tokens only: {@code prod.*} is a pattern, {@code prod*} is refused. A pattern
 * without wildcards is an exact namespace. See {@link NamespacePattern} for matching.
 *
 * <p>Every refusal is an {@link InvalidInputException} whose field is {@code namespace} or {@code pattern}
 * (or {@code actorPattern}, see {@link NamespacePattern#parseActorPattern(String)}) and whose message says
 * what is wrong: null, blank, an empty token ({@code a..b}, a leading or trailing dot), whitespace, a control
 * character, a character outside the allowed set, a wildcard inside a token, or {@code >} before the last
 * token.
 *
 * <p>Stateless and thread-safe. Checking a namespace allocates nothing, so it is cheap on the publish path.
 */
public final class Namespaces {

  /** How strictly a name is checked. */
  enum Rules {
    /** Namespace: strict characters, no wildcards. */
    NAMESPACE,
    /** Namespace pattern: strict characters, whole-token wildcards. */
    PATTERN,
    /** Actor pattern: any character but whitespace and control characters, whole-token wildcards. */
    ACTOR_PATTERN
  }

  private static final int MAX_QUOTED = 80;

  private Namespaces() {}

  /**
   * Checks a namespace name.
   *
   * @param namespace the name to check, for example {@code prod.orders}
   * @return the namespace, unchanged
   * @throws InvalidInputException naming {@code namespace} when it is null, blank or breaks the rules above
   */
  public static String validateNamespace(String namespace) {
    return check(namespace, "namespace", Rules.NAMESPACE);
  }

  /**
   * Checks a namespace pattern: an exact namespace or a pattern with {@code *} and {@code >} wildcards.
   *
   * @param pattern the pattern to check, for example {@code prod.*} or {@code prod.>}
   * @return the pattern, unchanged
   * @throws InvalidInputException naming {@code pattern} when it is null, blank or breaks the rules above
   */
  public static String validatePattern(String pattern) {
    return check(pattern, "pattern", Rules.PATTERN);
  }

  /**
   * Checks {@code text} against {@code rules} in one pass, without allocating.
   *
   * @return the text
   * @throws InvalidInputException naming {@code field} at the first problem, left to right
   */
  static String check(String text, String field, Rules rules) {
    if (text == null) {
      throw new InvalidInputException(field, "must not be null");
    }
    if (text.isBlank()) {
      throw new InvalidInputException(field, "must not be blank");
    }
    int tokenStart = 0;
    for (int i = 0; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i) == '.') {
        checkToken(text, tokenStart, i, field, rules);
        tokenStart = i + 1;
      } else {
        checkChar(text, i, field, rules);
      }
    }
    return text;
  }

  private static void checkChar(String text, int i, String field, Rules rules) {
    char c = text.charAt(i);
    if (Character.isWhitespace(c) || Character.isSpaceChar(c)) {
      throw refuse(field, "must not contain whitespace (at index " + i + ")", text);
    }
    if (Character.isISOControl(c)) {
      throw refuse(field, "must not contain control characters (at index " + i + ")", text);
    }
    boolean wildcard = c == '*' || c == '>';
    if (wildcard && rules == Rules.NAMESPACE) {
      throw refuse(field, "must not contain the wildcard '" + c + "' (at index " + i
          + "); wildcards are only allowed in patterns", text);
    }
    if (!wildcard && rules != Rules.ACTOR_PATTERN && !isTokenChar(c)) {
      throw refuse(field, "illegal character " + describe(c) + " at index " + i
          + "; allowed are A-Z, a-z, 0-9, '_' and '-', with '.' between tokens", text);
    }
  }

  private static void checkToken(String text, int start, int end, String field, Rules rules) {
    if (start == end) {
      throw refuse(field, emptyTokenProblem(text, start), text);
    }
    if (rules == Rules.NAMESPACE) {
      return;
    }
    for (int i = start; i < end; i++) {
      char c = text.charAt(i);
      if ((c == '*' || c == '>') && end - start > 1) {
        throw refuse(field, "the wildcard '" + c + "' must be a whole token, found in token '"
            + text.substring(start, end) + "'", text);
      }
    }
    if (text.charAt(start) == '>' && end != text.length()) {
      throw refuse(field, "the wildcard '>' must be the last token", text);
    }
  }

  private static String emptyTokenProblem(String text, int start) {
    if (start == 0) {
      return "must not start with '.' (empty first token)";
    }
    if (start == text.length()) {
      return "must not end with '.' (empty last token)";
    }
    return "must not contain an empty token ('..' at index " + (start - 1) + ")";
  }

  private static boolean isTokenChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  }

  private static InvalidInputException refuse(String field, String problem, String text) {
    return new InvalidInputException(field, problem + ", in " + quote(text));
  }

  private static String describe(char c) {
    return c >= 0x20 && c < 0x7f ? "'" + c + "'" : String.format("U+%04X", (int) c);
  }

  /** Quotes a refused value for a message: printable ASCII kept, everything else escaped, long values cut. */
  private static String quote(String text) {
    StringBuilder out = new StringBuilder("\"");
    int limit = Math.min(text.length(), MAX_QUOTED);
    for (int i = 0; i < limit; i++) {
      char c = text.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        out.append(c);
      } else {
        out.append(String.format("\\u%04x", (int) c));
      }
    }
    if (text.length() > limit) {
      out.append("...");
    }
    return out.append('"').toString();
  }
}
