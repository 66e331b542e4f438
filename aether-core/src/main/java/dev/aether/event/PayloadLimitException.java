package dev.aether.event;

import dev.aether.InvalidInputException;

/**
 * A value refused for exceeding one of the {@link PayloadLimits}: a string or key longer than
 * {@value PayloadLimits#MAX_STRING_LENGTH_KEY}, objects nested deeper than {@value PayloadLimits#MAX_DEPTH_KEY},
 * an event's JSON larger than {@value PayloadLimits#MAX_BYTES_KEY}. The {@linkplain #field() field} is the path
 * of the refused value; the message gives its size and the limit. Nothing is stored when this is thrown; the
 * same value is refused again (raise the limit, or make the value smaller). The runtime answers a command whose
 * events exceed a limit with {@code TOO_LARGE}. Immutable and thread-safe.
 */
public class PayloadLimitException extends InvalidInputException {

  private final String limitKey;

  /**
   * Creates the refusal of one value.
   *
   * @param field the path of the refused value, for example {@code data.note}
   * @param problem its size and the limit
   * @param limitKey the key of the limit it exceeds, one of {@link PayloadLimits}' {@code *_KEY} constants
   */
  public PayloadLimitException(String field, String problem, String limitKey) {
    super(field, problem);
    this.limitKey = limitKey;
  }

  /** @return the key of the limit exceeded, for example {@value PayloadLimits#MAX_BYTES_KEY} */
  public String limitKey() {
    return limitKey;
  }
}
