package dev.aether.runtime;

import dev.aether.event.EventIds;
import dev.aether.InvalidInputException;
import dev.aether.event.EventMetadata;
import dev.aether.event.PayloadLimitException;
import dev.aether.event.PayloadLimits;
import dev.aether.support.Checks;
import dev.aether.support.JsonValues;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A command addressed to one virtual actor: what {@link Runtime#sendMessage} routes to the actor's VM.
 * Built with {@link #builder}, {@link #of} or read from its wire form ({@link CommandJson#messageFromBytes});
 * every way in validates the same, within the process's payload limits. Immutable and thread-safe; two
 * messages are equal when all their values are.
 *
 * <p>{@code commandId} makes the command idempotent: sending a command id the actor already applied returns
 * the first outcome and stores nothing (see {@link CommandResult.Accepted#duplicate()}). The builder gives a
 * fresh time-ordered id when none is set; set your own (for example the id of the HTTP request or of the
 * upstream message) to make retries safe; at most {@value #MAX_COMMAND_ID_LENGTH} characters (each actor remembers
 * its recent ids, in its snapshots too). {@code metadata} carries the correlation, causation, user and
 * trace ids ({@link EventMetadata} keys) onto the events the command produces, unchanged: every entry is
 * copied to each event as given. Only what the message lacks is filled in: without a causation id the
 * events' causation id is the command id, and without a correlation id their correlation id is the command
 * id.
 *
 * <p><b>Values.</b> The payload holds JSON values (maps with string keys, lists, strings, numbers, booleans,
 * nulls); {@code java.time} values are taken too, as the ISO-8601 text Jackson's {@code JavaTimeModule} writes
 * (see the constructor). Text with an unpaired UTF-16 surrogate is refused naming its field.
 *
 * <p><b>Deadline.</b> A message may carry the instant after which its sender no longer waits for the
 * outcome ({@link Builder#deadline}), so that the runtime that owns the actor, perhaps on another node, does
 * not work for a caller that has given up. The runtime answers {@link RejectionReason#TIMEOUT} at the
 * earlier of its command timeout and the deadline; a message whose deadline has passed when it is routed,
 * or passes while it waits in the actor's mailbox, is answered {@code TIMEOUT} without being decided, so
 * nothing is stored for it. Deadlines are compared with the runtime's clock: across nodes they assume
 * clocks synchronised well within the timeouts used. A deadline lies within the years 0000 to 9999 (what
 * ISO-8601's four-digit years can write).
 */
public final class RuntimeMessage {

  /** The longest command id, in characters (Stripe's idempotency keys stop at 255). */
  public static final int MAX_COMMAND_ID_LENGTH = 256;

  private static final Instant MIN_DEADLINE = Instant.parse("0000-01-01T00:00:00Z");
  private static final Instant MAX_DEADLINE = Instant.parse("9999-12-31T23:59:59.999999999Z");

  private final ActorKey target;
  private final String command;
  private final Map<String, Object> payload;
  private final String commandId;
  private final Map<String, String> metadata;
  private final Instant deadline;

  /**
   * Validates and copies the values, within the process's {@linkplain PayloadLimits#current() payload
   * limits}: the payload nested at most {@code maxDepth} deep, every string (payload values and keys,
   * metadata, command, command id) at most {@code maxStringLength} characters, payload and metadata JSON
   * together at most {@code maxBytes}. Checked iteratively: no payload can overflow the caller's stack.
   *
   * <p>A {@code java.time} value in the payload (an {@code Instant}, {@code LocalDate}, {@code OffsetDateTime},
   * {@code Duration}, ...) becomes the ISO-8601 text Jackson's {@code JavaTimeModule} writes with
   * {@code WRITE_DATES_AS_TIMESTAMPS} off, what Java behaviours read back as that type ({@code Instant}:
   * {@code 2026-12-07T08:00:00Z}, as {@code Instant.toString}; {@code OffsetDateTime}: seconds always written,
   * {@code 2026-12-07T09:00:00+01:00}, fractions without trailing zeros, unlike its {@code toString}). Text with an
   * unpaired UTF-16 surrogate (command, command id, payload strings and keys, metadata) is refused: no UTF-8 JSON
   * can carry it.
   *
   * @throws dev.aether.InvalidInputException naming the refused field (for example {@code payload.lines[2]})
   *     and, for a limit, the limit
   */
  private RuntimeMessage(ActorKey target, String command, Map<String, ?> payload, String commandId,
      Map<String, String> metadata, Instant deadline) {
    this.target = Checks.notNull(target, "target");
    PayloadLimits limits = PayloadLimits.current();
    JsonValues.Copier copier = new JsonValues.Copier(limits);
    this.command = copier.string(Checks.notBlank(command, "command"), "command");
    this.payload = copyPayload(copier, payload, limits);
    this.commandId = copier.string(Checks.notBlank(commandId, "commandId"), "commandId");
    if (commandId.length() > MAX_COMMAND_ID_LENGTH) {
      throw new InvalidInputException("commandId", "must be at most " + MAX_COMMAND_ID_LENGTH + " characters, has "
          + commandId.length());
    }
    this.metadata = copyMetadata(metadata, copier);
    this.deadline = deadline == null ? null : checkDeadline(deadline);
    checkSize(this.payload, this.metadata, copier.sizeBound(), limits.maxBytes());
    refuseUnpairedSurrogates(this.command, this.payload, this.commandId, this.metadata);
  }

  /**
   * Copies the payload; when the copy refuses it, converts its {@code java.time} values to ISO-8601 text (as
   * Jackson's {@code JavaTimeModule} writes them, see {@link CommandValues}) and copies that, so a payload without
   * them pays nothing for the conversion.
   */
  private static Map<String, Object> copyPayload(JsonValues.Copier copier, Map<String, ?> payload,
      PayloadLimits limits) {
    try {
      return copier.copyObject(payload, "payload");
    } catch (InvalidInputException refused) {
      Map<String, Object> converted = payload == null ? null
          : CommandValues.withTimesAsText(payload, limits.maxDepth());
      if (converted == null) {
        throw refused;
      }
      return copier.copyObject(converted, "payload");
    }
  }

  /**
   * Refuses command text that is not well-formed UTF-16 (an unpaired surrogate), naming its field: commands only,
   * stored events are read as they are.
   */
  private static void refuseUnpairedSurrogates(String command, Map<String, Object> payload, String commandId,
      Map<String, String> metadata) {
    CommandValues.refuseUnpaired(command, "command");
    CommandValues.refuseUnpaired(commandId, "commandId");
    CommandValues.refuseUnpairedSurrogates(payload);
    metadata.forEach((key, value) -> {
      CommandValues.refuseUnpaired(key, "metadata");
      if (Checks.unpairedSurrogateAt(value) >= 0) { // the path only then
        CommandValues.refuseUnpaired(value, "metadata." + key);
      }
    });
  }

  /** A copy of a validated message with another deadline: nothing to check again. */
  private RuntimeMessage(RuntimeMessage message, Instant deadline) {
    this.target = message.target;
    this.command = message.command;
    this.payload = message.payload;
    this.commandId = message.commandId;
    this.metadata = message.metadata;
    this.deadline = deadline;
  }

  /**
   * The same message (same command id) with a deadline: what a gateway that forwards a message sends, so the
   * node deciding it keeps the sender's time budget.
   *
   * @param deadline the new deadline
   * @return a message equal to this one but for the deadline
   * @throws dev.aether.InvalidInputException naming {@code deadline} when null or not within the years 0000 to
   *     9999
   */
  public RuntimeMessage withDeadline(Instant deadline) {
    return new RuntimeMessage(this, checkDeadline(Checks.notNull(deadline, "deadline")));
  }

  private static Instant checkDeadline(Instant deadline) {
    if (deadline.isBefore(MIN_DEADLINE) || deadline.isAfter(MAX_DEADLINE)) {
      throw new InvalidInputException("deadline", "must lie within the years 0000 to 9999, was " + deadline);
    }
    return deadline;
  }

  /**
   * Refuses a payload and metadata whose JSON together exceed the size limit; measures exactly only when the
   * copier's upper bound exceeds it.
   */
  private static void checkSize(Map<String, Object> payload, Map<String, String> metadata, long bound,
      int maxBytes) {
    if (bound <= maxBytes) {
      return;
    }
    long payloadSize = JsonValues.encodedSize(payload);
    long metadataSize = JsonValues.encodedSize(metadata);
    if (payloadSize + metadataSize > maxBytes) {
      throw new PayloadLimitException(metadataSize > payloadSize ? "metadata" : "payload",
          "payload and metadata would be " + (payloadSize + metadataSize) + " bytes of JSON, more than "
              + maxBytes + " (limit " + PayloadLimits.MAX_BYTES_KEY + ")", PayloadLimits.MAX_BYTES_KEY);
    }
  }

  /**
   * Starts a message.
   *
   * @param aggregateType the actor's aggregate type
   * @param actorId the actor's id
   * @param command the command name
   * @return a builder with an empty payload, a fresh command id and no metadata
   */
  public static Builder builder(String aggregateType, String actorId, String command) {
    return new Builder(ActorKey.of(aggregateType, actorId), command);
  }

  /**
   * Creates a message with a fresh command id and no metadata.
   *
   * @param aggregateType the actor's aggregate type
   * @param actorId the actor's id
   * @param command the command name
   * @param payload the command's fields; {@code null} is the same as an empty map (a command without fields)
   * @return the message
   */
  public static RuntimeMessage of(String aggregateType, String actorId, String command, Map<String, ?> payload) {
    return builder(aggregateType, actorId, command).payload(payload).build();
  }

  /** @return the actor */
  public ActorKey target() {
    return target;
  }

  /** @return the command name, for example {@code Deposit} */
  public String command() {
    return command;
  }

  /** @return the command's fields as a JSON object (deep, unmodifiable copy; numbers normalised as in events) */
  public Map<String, Object> payload() {
    return payload;
  }

  /** @return the command's unique id */
  public String commandId() {
    return commandId;
  }

  /** @return string metadata (unmodifiable, in the order given) */
  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * The instant after which the sender no longer waits for the outcome (see the class doc).
   *
   * @return the deadline, when one was set
   */
  public Optional<Instant> deadline() {
    return Optional.ofNullable(deadline);
  }

  /** The deadline or {@code null}: for the runtime's hot path, which must not allocate when there is none. */
  Instant deadlineOrNull() {
    return deadline;
  }

  /** @return the actor's aggregate type */
  public String aggregateType() {
    return target.aggregateType();
  }

  /** @return the actor's id within its aggregate type */
  public String actorId() {
    return target.actorId();
  }

  /** @return the {@value EventMetadata#CORRELATION_ID} entry, when present */
  public Optional<String> correlationId() {
    return Optional.ofNullable(metadata.get(EventMetadata.CORRELATION_ID));
  }

  /** @return the {@value EventMetadata#CAUSATION_ID} entry, when present */
  public Optional<String> causationId() {
    return Optional.ofNullable(metadata.get(EventMetadata.CAUSATION_ID));
  }

  /** @return the {@value EventMetadata#USER_ID} entry, when present */
  public Optional<String> userId() {
    return Optional.ofNullable(metadata.get(EventMetadata.USER_ID));
  }

  /** @return the {@value EventMetadata#TRACE_ID} entry, when present */
  public Optional<String> traceId() {
    return Optional.ofNullable(metadata.get(EventMetadata.TRACE_ID));
  }

  /**
   * Compares all values, the deadline included.
   *
   * @param other the object to compare with
   * @return whether {@code other} is a message with equal values
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof RuntimeMessage m && target.equals(m.target) && command.equals(m.command)
        && payload.equals(m.payload) && commandId.equals(m.commandId) && metadata.equals(m.metadata)
        && Objects.equals(deadline, m.deadline);
  }

  /** @return a hash of all values */
  @Override
  public int hashCode() {
    return Objects.hash(target, command, payload, commandId, metadata, deadline);
  }

  /** @return the values, for logs (the payload included) */
  @Override
  public String toString() {
    return "RuntimeMessage[target=" + target + ", command=" + command + ", payload=" + payload + ", commandId="
        + commandId + ", metadata=" + metadata + (deadline == null ? "" : ", deadline=" + deadline) + "]";
  }

  private static Map<String, String> copyMetadata(Map<String, String> source, JsonValues.Copier copier) {
    if (source == null || source.isEmpty()) {
      return Map.of();
    }
    Map<String, String> copy = new LinkedHashMap<>();
    source.forEach((key, value) -> copy.put(Checks.notBlank(key, "metadata key"), metadataValue(key, value)));
    copier.stringMap(copy, "metadata");
    return Collections.unmodifiableMap(copy);
  }

  /** @return the value; the error's path ({@code metadata.<key>}) is built only when it is null */
  private static String metadataValue(String key, String value) {
    if (value == null) {
      throw new InvalidInputException("metadata." + key, "must not be null");
    }
    return value;
  }

  /** Builds a {@link RuntimeMessage}. Not thread-safe; {@link #build()} validates every field. */
  public static final class Builder {
    private final ActorKey target;
    private final String command;
    private Map<String, ?> payload = Map.of();
    private String commandId = EventIds.newId();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private Instant deadline;

    private Builder(ActorKey target, String command) {
      this.target = target;
      this.command = command;
    }

    /**
     * Sets the payload.
     *
     * @param payload the command's fields as a JSON object; {@code null} (the default) is an empty one
     * @return this builder
     */
    public Builder payload(Map<String, ?> payload) {
      this.payload = payload;
      return this;
    }

    /**
     * Sets the command id (by default a fresh time-ordered UUID).
     *
     * @param commandId the id; not blank, at most {@value RuntimeMessage#MAX_COMMAND_ID_LENGTH} characters (checked
     *     by {@link #build})
     * @return this builder
     */
    public Builder commandId(String commandId) {
      this.commandId = commandId;
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
      metadata.put(Checks.notBlank(key, "metadata key"), metadataValue(key, value));
      return this;
    }

    /**
     * Sets the correlation id.
     *
     * @param id the id; not blank (leave it out instead)
     * @return this builder
     * @throws dev.aether.InvalidInputException naming {@code correlationId} when null or blank
     */
    public Builder correlationId(String id) {
      return metadata(EventMetadata.CORRELATION_ID, Checks.notBlank(id, "correlationId"));
    }

    /**
     * Sets the causation id: the id of the message or event that caused this command.
     *
     * @param id the id; not blank (leave it out instead)
     * @return this builder
     * @throws dev.aether.InvalidInputException naming {@code causationId} when null or blank
     */
    public Builder causationId(String id) {
      return metadata(EventMetadata.CAUSATION_ID, Checks.notBlank(id, "causationId"));
    }

    /**
     * Sets the user id.
     *
     * @param id the id; not blank (leave it out instead)
     * @return this builder
     * @throws dev.aether.InvalidInputException naming {@code userId} when null or blank
     */
    public Builder userId(String id) {
      return metadata(EventMetadata.USER_ID, Checks.notBlank(id, "userId"));
    }

    /**
     * Sets the trace id.
     *
     * @param id the id; not blank (leave it out instead)
     * @return this builder
     * @throws dev.aether.InvalidInputException naming {@code traceId} when null or blank
     */
    public Builder traceId(String id) {
      return metadata(EventMetadata.TRACE_ID, Checks.notBlank(id, "traceId"));
    }

    /**
     * Sets the deadline: the instant after which the sender no longer waits for the outcome (by default none).
     * The runtime answers {@link RejectionReason#TIMEOUT} at the earlier of its command timeout and the
     * deadline, and does not decide a command still queued then (see {@link RuntimeMessage}). For a
     * timeout relative to now, pass {@code clock.instant().plus(timeout)}.
     *
     * @param deadline the deadline; not null, within the years 0000 to 9999 (checked by {@link #build})
     * @return this builder
     * @throws dev.aether.InvalidInputException naming {@code deadline} when it is null
     */
    public Builder deadline(Instant deadline) {
      this.deadline = Checks.notNull(deadline, "deadline");
      return this;
    }

    /**
     * Validates the values and builds the message.
     *
     * @return the message
     * @throws dev.aether.InvalidInputException naming the first refused field
     */
    public RuntimeMessage build() {
      return new RuntimeMessage(target, command, payload, commandId, metadata, deadline);
    }
  }
}
