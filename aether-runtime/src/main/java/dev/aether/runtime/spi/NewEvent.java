package dev.aether.runtime.spi;

import dev.aether.support.Checks;
import dev.aether.support.JsonValues;
import java.util.Map;

/**
 * An event a {@link Behavior} decided on, before the runtime gives it an id, a version and metadata.
 *
 * @param eventType the event type, for example {@code Deposited}
 * @param data the event's fields as a JSON object (deep, unmodifiable copy)
 */
public record NewEvent(String eventType, Map<String, Object> data) {

  /**
   * Validates the type and copies the data.
   *
   * @throws dev.aether.InvalidInputException naming the refused field
   */
  public NewEvent {
    Checks.notBlank(eventType, "eventType");
    data = JsonValues.copyObject(data, "data");
  }

  /**
   * Creates an event.
   *
   * @param eventType the event type
   * @param data the fields
   * @return the event
   */
  public static NewEvent of(String eventType, Map<String, ?> data) {
    return new NewEvent(eventType, JsonValues.copyObject(data, "data"));
  }
}
