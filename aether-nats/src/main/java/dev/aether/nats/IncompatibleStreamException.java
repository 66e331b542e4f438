package dev.aether.nats;

/**
 * An existing stream or bucket that the store cannot use as configured: its configuration differs in a way
 * that would misplace events or is weaker than the configured durability (fewer replicas, a shorter
 * maximum age, memory instead of file storage, a per-subject limit that would drop events, ...). The store
 * changes nothing; fix the configuration or migrate the stream.
 */
public class IncompatibleStreamException extends JetStreamStoreException {

  private final String streamName;
  private final String field;
  private final String existing;
  private final String wanted;

  /**
   * Creates the refusal of one stream setting.
   *
   * @param streamName the stream (or {@code KV_<bucket>}) refused
   * @param field the setting, for example {@code replicas}
   * @param existing the stream's value
   * @param wanted what the configuration requires
   */
  public IncompatibleStreamException(String streamName, String field, String existing, String wanted) {
    this(streamName, field, existing, wanted, null);
  }

  /**
   * Creates the refusal of one stream setting, saying how to fix it.
   *
   * @param streamName the stream (or {@code KV_<bucket>}) refused
   * @param field the setting, for example {@code replicas}
   * @param existing the stream's value
   * @param wanted what the configuration requires
   * @param fix how to make the stream fit, or null
   */
  public IncompatibleStreamException(String streamName, String field, String existing, String wanted, String fix) {
    super("existing stream " + streamName + " is incompatible with the store configuration: " + field
        + " is " + existing + ", required " + wanted + (fix == null ? "" : "; " + fix), 0, null);
    this.streamName = streamName;
    this.field = field;
    this.existing = existing;
    this.wanted = wanted;
  }

  /** @return the refused stream's name */
  public String streamName() {
    return streamName;
  }

  /** @return the refused setting, for example {@code replicas} */
  public String field() {
    return field;
  }

  /** @return the stream's value of the setting */
  public String existing() {
    return existing;
  }

  /** @return what the configuration requires */
  public String wanted() {
    return wanted;
  }
}
