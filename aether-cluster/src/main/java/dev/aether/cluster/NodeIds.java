package dev.aether.cluster;

import dev.aether.InvalidInputException;
import java.util.Arrays;
import java.util.Collection;

/**
 * The rule for node ids and the canonical form of a member set. A node id is 1 to {@value #MAX_LENGTH}
 * characters of {@code [A-Za-z0-9_-]}: one NATS subject token and KV key token ({@code node.<id>},
 * {@code aether.<ns>.node.<id>.cmd}), and plain ASCII, so its order and hash are the same in every language.
 * Stateless.
 */
final class NodeIds {

  static final int MAX_LENGTH = 64;

  private NodeIds() {}

  /** Refuses an id that breaks the rule; {@code field} names it in the error. */
  static String check(String id, String field) {
    if (id == null) {
      throw new InvalidInputException(field, "must not be null");
    }
    if (id.isEmpty() || id.length() > MAX_LENGTH) {
      throw new InvalidInputException(field, "must have 1.." + MAX_LENGTH + " characters, was " + id.length());
    }
    for (int i = 0; i < id.length(); i++) {
      if (!allowed(id.charAt(i))) {
        throw new InvalidInputException(field, "must hold only [A-Za-z0-9_-], was \"" + id + "\"");
      }
    }
    return id;
  }

  /** Whether an id keeps the rule (for input that is dropped, not refused, when it does not). */
  static boolean valid(String id) {
    if (id == null || id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      if (!allowed(id.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** The members as a sorted array of distinct checked ids; a duplicate is refused, not merged. */
  static String[] sorted(Collection<String> members, String field) {
    if (members == null) {
      throw new InvalidInputException(field, "must not be null");
    }
    String[] ids = members.toArray(String[]::new);
    for (String id : ids) {
      check(id, field);
    }
    Arrays.sort(ids);
    for (int i = 1; i < ids.length; i++) {
      if (ids[i].equals(ids[i - 1])) {
        throw new InvalidInputException(field, "must not repeat a node, \"" + ids[i] + "\" is there twice");
      }
    }
    return ids;
  }

  private static boolean allowed(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  }
}
