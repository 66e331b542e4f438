package dev.aether.model.exec;

import java.time.Instant;

/**
 * A policy delivery that kept failing: the policy, the event it reacted to, how often it was tried and the
 * last error. Kept in the read-model store (under {@value DeadLetterStore#TABLE}) until it is replayed
 * successfully ({@link ModelExecution#replayDeadLetter}).
 *
 * @param id the record's id: {@code <policy>|<eventId>}
 * @param policy the policy's name
 * @param eventId the event's id
 * @param eventType the event's type
 * @param streamId the event's stream
 * @param version the event's version
 * @param attempts deliveries tried
 * @param lastError the last failure: a rejection's reason and message, or the exception
 * @param failedAt when the record was written
 */
public record DeadLetter(String id, String policy, String eventId, String eventType, String streamId,
    long version, long attempts, String lastError, Instant failedAt) {}
