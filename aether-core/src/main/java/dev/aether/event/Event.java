package dev.aether.event;

import dev.aether.InvalidInputException;
import dev.aether.support.Checks;
import dev.aether.support.JsonValues;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One fact in an actor's history: something that happened, at a given version of that actor.
 *
 * <p>An event is deeply immutable: its {@link #data()} and {@link #metadata()} are unmodifiable copies made
 * when it is built, so changing the map it was built from, or trying to change what it returns, never
 * changes history. Numbers in {@code data} are normalised: integral values are {@link Long}, others
 * {@link Double}, exactly as every store reads them back. Build one with {@link #builder()}; derive a changed
 * copy with {@link #toBuilder()} or the {@code with...} methods.
 *
 * <p>Invalid values are refused when the event is built with an {@link InvalidInputException} naming the
 * field: a blank id, event type or stream id; a version below 1; a stream id longer than
 * {@value #MAX_STREAM_ID_BYTES} UTF-8 bytes or holding an unpaired UTF-16 surrogate; data that JSON cannot represent; blank metadata keys or null
 * metadata values; and anything beyond the {@link PayloadLimits} (by default {@link PayloadLimits#current()}):
 * data nested too deeply, a string or key too long, an event whose JSON would be too large. The limits are
 * checked here, once, without recursion, so an event that was built can always be encoded, stored and read
 * back by every store.
 *
 * <p>Instances are immutable and thread-safe.
 */
public final class Event {

  /** The longest accepted stream id, in UTF-8 bytes. */
  public static final int MAX_STREAM_ID_BYTES = 2048;

  /**
   * The longest accepted stream id under its name before issue 10.
   *
   * @deprecated use {@link #MAX_STREAM_ID_BYTES}
   */
  @Deprecated(since = "0.10")
  public static final int MAX_ACTOR_ID_BYTES = MAX_STREAM_ID_BYTES;

  private final String id;
  private final String eventType;
  private final String streamId;
  private final String commandId;
  private final long version;
  private final Map<String, Object> data;
  private final Map<String, String> metadata;
  private final Instant timestamp;

  /** Bytes of an event's JSON besides its field values: names, quotes, commas, version and timestamp. */
  private static final int FIXED_JSON_BYTES = 160;

  private Event(Builder b, JsonValues.Copier copier) {
    this.id = copier.string(Checks.notBlank(b.id, "id"), "id");
    this.eventType = copier.string(Checks.notBlank(b.eventType, "eventType"), "eventType");
    this.streamId = validStreamId(b.streamId);
    this.commandId = b.commandId == null ? null : copier.string(b.commandId, "commandId");
    this.version = Checks.positive(b.version, "version");
    this.data = b.dataIsCopy ? castData(b.data) : copier.copyObject(b.data, "data");
    this.metadata = copyMetadata(b.metadata, copier);
    this.timestamp = Checks.notNull(b.timestamp, "timestamp");
  }

  /**
   * Refuses an event whose JSON exceeds the size limit. Cheap unless the copier's upper bound exceeds it:
   * then the event is encoded once to measure it exactly.
   */
  private static Event checkSize(Event event, JsonValues.Copier copier, boolean dataIsCopy, int maxBytes) {
    if (maxBytes == Integer.MAX_VALUE) {
      return event;
    }
    long bound = copier.sizeBound() + FIXED_JSON_BYTES + JsonValues.sizeBound(event.streamId)
        + (dataIsCopy ? JsonValues.encodedSize(event.data) : 0);
    if (bound <= maxBytes) {
      return event;
    }
    int size = EventJson.toBytes(event).length;
    if (size > maxBytes) {
      String field = JsonValues.encodedSize(event.metadata) > JsonValues.encodedSize(event.data) ? "metadata" : "data";
      throw new PayloadLimitException(field, "the event's JSON would be " + size + " bytes, more than "
          + maxBytes + " (limit " + PayloadLimits.MAX_BYTES_KEY + ")", PayloadLimits.MAX_BYTES_KEY);
    }
    return event;
  }

  /**
   * Starts a new event with a fresh {@linkplain EventIds time-ordered id} and the current time.
   *
   * @return a builder; {@code eventType}, {@code streamId} and {@code version} must be set
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a builder holding every value of this event.
   *
   * @return a builder initialised from this event
   */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id(id);
    b.eventType = eventType;
    b.streamId = streamId;
    b.commandId = commandId;
    b.version = version;
    b.data = data;
    b.dataIsCopy = true;
    b.metadata = metadata;
    b.metadataShared = true;
    b.timestamp(timestamp);
    return b;
  }

  /**
   * Checks a stream id: not blank, at most {@value #MAX_STREAM_ID_BYTES} UTF-8 bytes, and without unpaired
   * UTF-16 surrogates (they have no UTF-8 form, so no store could keep such an id as it is).
   *
   * @param streamId the id to check
   * @return the id
   * @throws InvalidInputException naming {@code streamId} when it is refused
   */
  public static String validStreamId(String streamId) {
    Checks.wellFormedUtf16(Checks.notBlank(streamId, "streamId"), "streamId");
    if (streamId.length() > MAX_STREAM_ID_BYTES / 3
        && streamId.getBytes(StandardCharsets.UTF_8).length > MAX_STREAM_ID_BYTES) {
      throw new InvalidInputException("streamId", "longer than " + MAX_STREAM_ID_BYTES + " UTF-8 bytes");
    }
    return streamId;
  }

  /** @return the unique id of this event, also used to de-duplicate retried writes */
  public String id() {
    return id;
  }

  /** @return the type of the event, for example {@code MoneyDeposited} */
  public String eventType() {
    return eventType;
  }

  /**
   * The id of the stream (one actor's history) this event belongs to: {@code <aggregateType>/<actorId>} for
   * the runtime's actors. In the stored JSON this field keeps its upstream name, {@code actorId}.
   *
   * @return the stream id
   */
  public String streamId() {
    return streamId;
  }

  /**
   * The stream id under its name before issue 10 (it was called the actor id, although it names the stream).
   *
   * @return {@link #streamId()}
   * @deprecated use {@link #streamId()}; kept for callers written before the rename
   */
  @Deprecated(since = "0.10")
  public String actorId() {
    return streamId;
  }

  /** @return the id of the command that produced this event, when known */
  public Optional<String> commandId() {
    return Optional.ofNullable(commandId);
  }

  /** @return the actor's version after this event; at least 1 */
  public long version() {
    return version;
  }

  /** @return the payload: an unmodifiable JSON object with normalised numbers */
  public Map<String, Object> data() {
    return data;
  }

  /** @return the unmodifiable string metadata (correlation, causation, user and trace ids, ...) */
  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * Looks up one metadata entry.
   *
   * @param key the metadata key
   * @return its value, when present
   */
  public Optional<String> metadata(String key) {
    return Optional.ofNullable(metadata.get(key));
  }

  /** @return when the event happened, with nanosecond precision kept by every store */
  public Instant timestamp() {
    return timestamp;
  }

  /** @return the {@value EventMetadata#CORRELATION_ID} metadata entry, when present */
  public Optional<String> correlationId() {
    return metadata(EventMetadata.CORRELATION_ID);
  }

  /** @return the {@value EventMetadata#CAUSATION_ID} metadata entry, when present */
  public Optional<String> causationId() {
    return metadata(EventMetadata.CAUSATION_ID);
  }

  /** @return the {@value EventMetadata#USER_ID} metadata entry, when present */
  public Optional<String> userId() {
    return metadata(EventMetadata.USER_ID);
  }

  /** @return the {@value EventMetadata#TRACE_ID} metadata entry, when present */
  public Optional<String> traceId() {
    return metadata(EventMetadata.TRACE_ID);
  }

  /** @return the {@value EventMetadata#SPAN_ID} metadata entry, when present */
  public Optional<String> spanId() {
    return metadata(EventMetadata.SPAN_ID);
  }

  /**
   * Returns a copy of this event at another version.
   *
   * @param newVersion the version of the copy; at least 1
   * @return the copy
   */
  public Event withVersion(long newVersion) {
    return toBuilder().version(newVersion).build();
  }

  /**
   * Returns a copy of this event with one metadata entry set.
   *
   * @param key the metadata key; not blank
   * @param value the value; not null
   * @return the copy
   */
  public Event withMetadata(String key, String value) {
    return toBuilder().metadata(key, value).build();
  }

  /**
   * Returns a copy of this event that carries the correlation, user and trace context of another: its
   * correlation id, user id, trace id and span id (when present), and its id as the causation id. Typical use:
   * an event caused by another event.
   *
   * @param cause the event that caused this one
   * @return the copy
   */
  public Event withMetadataFrom(Event cause) {
    Builder b = toBuilder();
    for (String key : new String[] {
        EventMetadata.CORRELATION_ID, EventMetadata.USER_ID, EventMetadata.TRACE_ID, EventMetadata.SPAN_ID}) {
      cause.metadata(key).ifPresent(value -> b.metadata(key, value));
    }
    return b.metadata(EventMetadata.CAUSATION_ID, cause.id()).build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Event e
        && version == e.version
        && id.equals(e.id)
        && eventType.equals(e.eventType)
        && streamId.equals(e.streamId)
        && Objects.equals(commandId, e.commandId)
        && data.equals(e.data)
        && metadata.equals(e.metadata)
        && timestamp.equals(e.timestamp);
  }

  @Override
  public int hashCode() {
    return Objects.hash(id, eventType, streamId, commandId, version, data, metadata, timestamp);
  }

  @Override
  public String toString() {
    return "Event[" + eventType + " " + streamId + " v" + version + " id=" + id + "]";
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castData(Map<String, ?> alreadyCopied) {
    return (Map<String, Object>) alreadyCopied;
  }

  /**
   * Checks the metadata and makes it immutable: an immutable object ({@code toBuilder}, a JSON reader) is kept,
   * anything else copied into one.
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Map<String, String> copyMetadata(Map<String, String> source, JsonValues.Copier copier) {
    if (source == null || source.isEmpty()) {
      return Map.of();
    }
    for (Map.Entry<String, String> entry : source.entrySet()) {
      String key = Checks.notBlank(entry.getKey(), "metadata key");
      if (entry.getValue() == null) {
        throw new InvalidInputException("metadata." + key, "must not be null");
      }
    }
    copier.stringMap(source, "metadata");
    if (JsonValues.isImmutableObject(source)) {
      return source;
    }
    JsonValues.ObjectBuilder copy = new JsonValues.ObjectBuilder(source.size());
    source.forEach(copy::add);
    return (Map) copy.build();
  }

  /**
   * Builds an {@link Event}. Not thread-safe; {@link #build()} validates every field.
   */
  public static final class Builder {
    // The default id is made by the first build() when none was set (later builds reuse it): decoding a stored
    // event sets its id, and making one per builder (SecureRandom) cost a third of decoding the event's JSON.
    private String id;
    private boolean idSet;
    private String eventType;
    private String streamId;
    private String commandId;
    private long version;
    private Map<String, ?> data = Map.of();
    private boolean dataIsCopy;
    // null: none; shared: an immutable map (of the event this builder came from), copied before a change
    private Map<String, String> metadata;
    private boolean metadataShared;
    // Like the id, the default time is taken by the first build(): decoding sets the stored one.
    private Instant timestamp;
    private boolean timestampSet;
    private PayloadLimits limits; // null: PayloadLimits.current(), asked by build() (decoding sets CEILINGS)

    private Builder() {}

    /**
     * Sets the limits that {@link #build()} checks (by default {@link PayloadLimits#current()}).
     *
     * @param limits the limits; not null
     * @return this builder
     */
    public Builder limits(PayloadLimits limits) {
      this.limits = Checks.notNull(limits, "limits");
      return this;
    }

    /**
     * Sets the event id (by default a new time-ordered UUID).
     *
     * @param id the id; not blank
     * @return this builder
     */
    public Builder id(String id) {
      this.id = id;
      this.idSet = true;
      return this;
    }

    /**
     * Sets the event type.
     *
     * @param eventType the type, for example {@code MoneyDeposited}; not blank
     * @return this builder
     */
    public Builder eventType(String eventType) {
      this.eventType = eventType;
      return this;
    }

    /**
     * Sets the stream id.
     *
     * @param streamId the stream (one actor's history); not blank, at most {@value Event#MAX_STREAM_ID_BYTES} UTF-8 bytes
     * @return this builder
     */
    public Builder streamId(String streamId) {
      this.streamId = streamId;
      return this;
    }

    /**
     * Sets the stream id under its name before issue 10.
     *
     * @param streamId the stream id
     * @return this builder
     * @deprecated use {@link #streamId(String)}
     */
    @Deprecated(since = "0.10")
    public Builder actorId(String streamId) {
      return streamId(streamId);
    }

    /**
     * Sets the id of the command that produced the event.
     *
     * @param commandId the command id; {@code null} clears it
     * @return this builder
     */
    public Builder commandId(String commandId) {
      this.commandId = commandId;
      return this;
    }

    /**
     * Sets the version.
     *
     * @param version the actor's version after this event; at least 1
     * @return this builder
     */
    public Builder version(long version) {
      this.version = version;
      return this;
    }

    /**
     * Sets the payload. It is copied deeply when the event is built.
     *
     * @param data a JSON object: strings, booleans, numbers, nulls, lists and maps with string keys
     * @return this builder
     */
    public Builder data(Map<String, ?> data) {
      this.data = data;
      this.dataIsCopy = false;
      return this;
    }

    /**
     * Sets a payload that is already a deeply unmodifiable JSON object with normalised numbers (what
     * {@code JsonValues.copyObject} makes); it is not copied again. For the JSON readers of this package.
     *
     * @param normalised the payload
     * @return this builder
     */
    Builder normalisedData(Map<String, Object> normalised) {
      this.data = normalised;
      this.dataIsCopy = true;
      return this;
    }

    /**
     * Replaces all metadata.
     *
     * @param metadata the entries; copied when the event is built
     * @return this builder
     */
    public Builder metadata(Map<String, String> metadata) {
      boolean immutable = JsonValues.isImmutableObject(metadata);
      this.metadata = metadata == null || metadata.isEmpty() ? null : immutable ? metadata : new LinkedHashMap<>(metadata);
      this.metadataShared = immutable;
      return this;
    }

    /**
     * Sets one metadata entry.
     *
     * @param key the key; not blank
     * @param value the value; not null
     * @return this builder
     */
    public Builder metadata(String key, String value) {
      Checks.notBlank(key, "metadata key");
      Checks.notNull(value, "metadata." + key);
      if (metadata == null || metadataShared) {
        metadata = metadata == null ? new LinkedHashMap<>() : new LinkedHashMap<>(metadata);
        metadataShared = false;
      }
      metadata.put(key, value);
      return this;
    }

    /**
     * Sets the {@value EventMetadata#CORRELATION_ID} metadata entry.
     *
     * @param correlationId the id
     * @return this builder
     */
    public Builder correlationId(String correlationId) {
      return metadata(EventMetadata.CORRELATION_ID, correlationId);
    }

    /**
     * Sets the {@value EventMetadata#CAUSATION_ID} metadata entry.
     *
     * @param causationId the id
     * @return this builder
     */
    public Builder causationId(String causationId) {
      return metadata(EventMetadata.CAUSATION_ID, causationId);
    }

    /**
     * Sets the {@value EventMetadata#USER_ID} metadata entry.
     *
     * @param userId the id
     * @return this builder
     */
    public Builder userId(String userId) {
      return metadata(EventMetadata.USER_ID, userId);
    }

    /**
     * Sets the {@value EventMetadata#TRACE_ID} metadata entry.
     *
     * @param traceId the id
     * @return this builder
     */
    public Builder traceId(String traceId) {
      return metadata(EventMetadata.TRACE_ID, traceId);
    }

    /**
     * Sets the {@value EventMetadata#SPAN_ID} metadata entry.
     *
     * @param spanId the id
     * @return this builder
     */
    public Builder spanId(String spanId) {
      return metadata(EventMetadata.SPAN_ID, spanId);
    }

    /**
     * Sets the time of the event (by default the time it is first built).
     *
     * @param timestamp the time; not null
     * @return this builder
     */
    public Builder timestamp(Instant timestamp) {
      this.timestamp = timestamp;
      this.timestampSet = true;
      return this;
    }

    /**
     * Validates the values and builds the event, checking the data, metadata, id, event type and command id
     * against the {@linkplain #limits limits}. Data taken over from an event ({@link Event#toBuilder()})
     * was checked when that event was built and is only measured again for the size limit.
     *
     * @return the immutable event
     * @throws InvalidInputException naming the first refused field; for a limit, also the limit
     */
    public Event build() {
      if (!idSet) {
        id(EventIds.newId());
      }
      if (!timestampSet) {
        timestamp(Instant.now());
      }
      PayloadLimits checked = limits != null ? limits : PayloadLimits.current();
      JsonValues.Copier copier = new JsonValues.Copier(checked);
      return checkSize(new Event(this, copier), copier, dataIsCopy, checked.maxBytes());
    }
  }
}
