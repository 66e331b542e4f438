package dev.aether.server.cli;

/**
 * The check of every value the CLI puts in an HTTP header, made before anything is sent. java.net.http writes a
 * header's characters as single bytes: one up to U+00FF becomes {@code ?} on the wire, so {@code héllo} and
 * {@code hállo} would reach the node as one key {@code h?llo} (and the second command be answered as a duplicate
 * of the first), and one above U+00FF fails the request. The node takes printable ASCII only (docs/http.md); a
 * value that is not is a usage error naming its option or environment variable.
 */
final class HeaderValue {

  /** The longest {@code Idempotency-Key} or {@code X-Correlation-Id} the node takes (docs/http.md). */
  static final int MAX_ID_LENGTH = 256;

  private HeaderValue() {}

  /**
   * Checks an id the node stores ({@code --key}, {@code --correlation-id}): printable ASCII, not blank, at
   * most {@value #MAX_ID_LENGTH} characters.
   *
   * @param source the option or variable the value came from, named in the error ({@code --key})
   * @return the value
   * @throws UsageException naming {@code source}, the value and why
   */
  static String id(String value, String source) {
    if (value.isBlank()) {
      throw new UsageException(source + " must not be blank");
    }
    if (value.length() > MAX_ID_LENGTH) {
      throw new UsageException(source + " is " + value.length() + " characters long: at most " + MAX_ID_LENGTH);
    }
    int bad = firstNotPrintable(value, true);
    if (bad >= 0) {
      throw new UsageException(source + " " + value.strip() + ": " + describe(value, bad)
          + " is not printable ASCII; a header takes printable ASCII only (space to ~), at most " + MAX_ID_LENGTH
          + " characters");
    }
    return value;
  }

  /**
   * Checks a bearer token ({@code --token}, {@code AETHER_TOKEN}): printable ASCII without spaces. The token is
   * never printed, only where the bad character is.
   *
   * @throws UsageException naming {@code source} and why
   */
  static String token(String value, String source) {
    int bad = firstNotPrintable(value, false);
    if (bad >= 0) {
      throw new UsageException(source + ": the token's character " + (value.codePointCount(0, bad) + 1)
          + " is " + (value.charAt(bad) == ' ' ? "a space" : "not printable ASCII") + "; a token in the "
          + "Authorization header takes printable ASCII only, without spaces");
    }
    return value;
  }

  /**
   * The last guard, in {@link NodeClient}: a header value no command checked is refused rather than sent changed.
   *
   * @throws UsageException naming the header
   */
  static void guard(String header, String value) {
    int bad = firstNotPrintable(value, true);
    if (bad >= 0) {
      throw new UsageException("the header " + header + " would be sent changed: " + describe(value, bad)
          + " is not printable ASCII");
    }
  }

  /** The index of the first character that is not printable ASCII (or a space, when spaces are not allowed). */
  private static int firstNotPrintable(String value, boolean spaces) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c > '~' || c < ' ' || (c == ' ' && !spaces)) {
        return i;
      }
    }
    return -1;
  }

  private static String describe(String value, int index) {
    int codePoint = value.codePointAt(index);
    String shown = Character.isISOControl(codePoint) || Character.isWhitespace(codePoint)
        ? "" : "'" + new String(Character.toChars(codePoint)) + "' ";
    return shown + String.format("(U+%04X, character %d)", codePoint, value.codePointCount(0, index) + 1);
  }
}
