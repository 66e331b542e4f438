package dev.aether.cluster;

import dev.aether.NonTransientAetherException;
import java.util.Objects;

/**
 * Refusal of an encoded {@link ShardMap} ({@link ShardMap#decode}): the bytes are not a shard map this version
 * can read. {@link #problem()} says what kind of fault it is and {@link #field()} where. Non-transient: reading
 * the same bytes again fails the same way; a node that meets it keeps its last good map and reports it.
 */
public final class ShardMapFormatException extends NonTransientAetherException {

  /** The kinds of fault. */
  public enum Problem {
    /** More bytes than a shard map may have ({@link ShardMap#MAX_ENCODED_BYTES}). */
    TOO_LARGE,
    /** Not one well-formed JSON object (bad syntax, trailing content, a value of the wrong JSON type). */
    MALFORMED,
    /** A {@code format} other than the one this version reads, or none first. */
    UNSUPPORTED_FORMAT,
    /** A required field is absent. */
    MISSING_FIELD,
    /** A field this format does not have. */
    UNKNOWN_FIELD,
    /** A field given twice. */
    DUPLICATE_FIELD,
    /** A value out of its range or breaking its rule (a shard count that is no power of two, a bad node id). */
    INVALID_VALUE,
    /** Fields that disagree (owners not one per shard, an owner index with no node). */
    INCONSISTENT
  }

  private final Problem problem;
  private final String field;

  ShardMapFormatException(Problem problem, String field, String detail, Throwable cause) {
    super("unreadable shard map: " + problem + " at " + field + ": " + detail, cause);
    this.problem = Objects.requireNonNull(problem, "problem");
    this.field = Objects.requireNonNull(field, "field");
  }

  /**
   * What kind of fault was found.
   *
   * @return the problem
   */
  public Problem problem() {
    return problem;
  }

  /**
   * Where: the field's name ({@code owners[17]}, {@code nodes}), or {@code $} for the document as a whole.
   *
   * @return the field
   */
  public String field() {
    return field;
  }
}
