package dev.aether.runtime;

import dev.aether.event.PayloadLimits;
import dev.aether.support.Checks;

/**
 * The one JSON form of {@link RuntimeMessage} and {@link CommandResult}: what a cluster's routing sends
 * between nodes and what the HTTP API reads and writes. UTF-8 bytes in, bytes out.
 *
 * <h2>Message</h2>
 * <pre>{@code
 * {"aggregateType": "Account", "actorId": "acc-42", "command": "Deposit", "commandId": "0199...",
 *  "payload": {"amount": 100}, "metadata": {"correlationId": "r-7"}, "deadline": "2026-01-01T00:00:05Z"}
 * }</pre>
 * {@code aggregateType}, {@code actorId}, {@code command} and {@code commandId} are required strings (the
 * command id is never made up on reading: a resent message must keep its id). {@code payload} (a JSON
 * object), {@code metadata} (an object of strings) and {@code deadline} (an ISO-8601 instant; any offset
 * is accepted on reading, UTC is written) are optional, and so is a {@code null} in their place; the writer
 * leaves out empty metadata and an absent deadline.
 *
 * <h2>Result</h2>
 * <pre>{@code
 * {"type": "accepted", "commandId": "0199...", "newVersion": 7, "duplicate": false, "events": [ <event>... ]}
 * {"type": "rejected", "commandId": "0199...", "reason": "BUSINESS_RULE", "message": "insufficient funds",
 *  "fieldErrors": [{"path": "payload.amount", "problem": "must be positive"}]}
 * }</pre>
 * {@code type} and {@code commandId} are required. An accepted result requires {@code newVersion} (an
 * integer); {@code events} (each in {@link dev.aether.event.EventJson}'s form, read and written by that
 * codec) and {@code duplicate} default to none and {@code false}. A rejected result requires {@code reason}
 * (a {@link RejectionReason} name) and {@code message}; {@code fieldErrors} defaults to none. The writer
 * writes every field of the result's type.
 *
 * <h2>Reading</h2>
 * Fields may come in any order; unknown fields are skipped (a newer node may add some); a field given twice,
 * a value of the wrong type, a missing required field, an unknown reason or type, malformed JSON and
 * anything after the object are refused. A message is built through {@link RuntimeMessage}'s own checks,
 * within this process's {@link PayloadLimits}, so a message from the wire is refused exactly as the builder
 * refuses it; a payload nested deeper than {@code maxDepth} is refused while parsing, with the builder's
 * error (the parser never holds more than that). Events are read within the decoding ceilings, like stored
 * events. The caller bounds the size of the bytes it hands in (a NATS message, an HTTP body limit).
 *
 * <p>Errors are {@link dev.aether.InvalidInputException}s whose {@linkplain
 * dev.aether.InvalidInputException#field() field} is the path of the refused value ({@code commandId},
 * {@code payload.lines[2].sku}, {@code events[0]}, {@code fieldErrors[1].path}), or {@code json} for the
 * document as a whole (empty, not an object, trailing content); for malformed JSON, the path where the
 * parser was.
 *
 * <p>Thread-safe and stateless; buffers are pooled across threads (virtual threads included).
 */
public final class CommandJson {

  private CommandJson() {}

  /**
   * Writes a message.
   *
   * @param message the message
   * @return its JSON as UTF-8 bytes
   * @throws dev.aether.InvalidInputException naming {@code message} when it is null
   */
  public static byte[] messageToBytes(RuntimeMessage message) {
    return CommandJsonWriter.message(Checks.notNull(message, "message"));
  }

  /**
   * Reads a message, validated like {@link RuntimeMessage.Builder#build()} within this process's payload
   * limits.
   *
   * @param json UTF-8 JSON bytes
   * @return the message
   * @throws dev.aether.InvalidInputException naming the refused field and why
   */
  public static RuntimeMessage messageFromBytes(byte[] json) {
    return CommandJsonReader.message(json);
  }

  /**
   * Writes a result.
   *
   * @param result the result
   * @return its JSON as UTF-8 bytes
   * @throws dev.aether.InvalidInputException naming {@code result} when it is null
   */
  public static byte[] resultToBytes(CommandResult result) {
    return CommandJsonWriter.result(Checks.notNull(result, "result"));
  }

  /**
   * Reads a result.
   *
   * @param json UTF-8 JSON bytes
   * @return the result
   * @throws dev.aether.InvalidInputException naming the refused field and why
   */
  public static CommandResult resultFromBytes(byte[] json) {
    return CommandJsonReader.result(json);
  }
}
