package dev.aether.nats;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A nats-server version as a server reports it in its {@code INFO} ({@code 2.9.10}, {@code v2.10.27},
 * {@code 2.11.0-RC.1}, {@code 2.10.27-beta}), compared numerically: major, minor, patch, then a release
 * above its own pre-releases ({@code 2.9.21-beta} is below {@code 2.9.21}), pre-release labels by text.
 * A missing patch number counts as 0; build metadata ({@code +...}) is ignored.
 *
 * @param major the major version
 * @param minor the minor version
 * @param patch the patch version
 * @param preRelease the pre-release label without its {@code -}, empty for a release
 */
record ServerVersion(int major, int minor, int patch, String preRelease) implements Comparable<ServerVersion> {

  /** The oldest server the store supports (Debian bookworm's), for single-replica streams. */
  static final ServerVersion MINIMUM = new ServerVersion(2, 9, 10, "");
  /**
   * The first release in which two writers on a replicated stream cannot both store a message with the
   * same expected last subject sequence (nats-server 2.9.10 lets them: measured on a 3-server cluster).
   */
  static final ServerVersion REPLICATION_FIX = new ServerVersion(2, 9, 21, "");

  private static final Pattern FORMAT =
      Pattern.compile("[vV]?(\\d{1,9})\\.(\\d{1,9})(?:\\.(\\d{1,9}))?(?:-([0-9A-Za-z.-]+))?(?:\\+\\S*)?");

  /**
   * Reads a version.
   *
   * @param text for example {@code "2.9.10"} or {@code "v2.10.27-beta"}; surrounding blanks are ignored
   * @return the version; empty when the text is not a version
   */
  static Optional<ServerVersion> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    Matcher matcher = FORMAT.matcher(text.strip());
    if (!matcher.matches()) {
      return Optional.empty();
    }
    int patch = matcher.group(3) == null ? 0 : Integer.parseInt(matcher.group(3));
    String pre = matcher.group(4) == null ? "" : matcher.group(4);
    return Optional.of(new ServerVersion(Integer.parseInt(matcher.group(1)), Integer.parseInt(matcher.group(2)),
        patch, pre));
  }

  /** True when this version is below another. */
  boolean isBefore(ServerVersion other) {
    return compareTo(other) < 0;
  }

  @Override
  public int compareTo(ServerVersion other) {
    int order = Integer.compare(major, other.major);
    if (order == 0) {
      order = Integer.compare(minor, other.minor);
    }
    if (order == 0) {
      order = Integer.compare(patch, other.patch);
    }
    if (order == 0 && !preRelease.equals(other.preRelease)) {
      if (preRelease.isEmpty() || other.preRelease.isEmpty()) {
        return preRelease.isEmpty() ? 1 : -1;
      }
      order = preRelease.compareTo(other.preRelease);
    }
    return order;
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch + (preRelease.isEmpty() ? "" : "-" + preRelease);
  }
}
