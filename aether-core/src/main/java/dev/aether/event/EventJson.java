package dev.aether.event;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.aether.support.Checks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The JSON form of {@link Event} and {@link ActorSnapshot}, shared by every store and bus.
 *
 * <p>Field names are the upstream ones: {@code id, eventType, streamId, commandId, version, data, metadata,
 * timestamp} (snapshots: {@code streamId, version, state, timestamp, schema}). {@code commandId} is left out
 * when absent and {@code metadata} when empty. Timestamps are ISO-8601 strings in UTC with up to nine
 * fractional digits, so nanoseconds survive; on reading, any ISO-8601 offset is accepted. Integral numbers
 * in {@code data} read back as {@link Long}, others as {@link Double}.
 *
 * <p>One codec: Jackson's streaming generator and parser on the shared factory ({@code dev.aether.support.Json},
 * buffers pooled across virtual threads), no data binding; decoding applies {@link PayloadLimits#CEILINGS}, so
 * whatever any process accepted reads back everywhere. In front of the parser, a hand-written scanner
 * ({@code EventJsonScanner}) reads the plain form this class writes and hands anything else to the parser;
 * it is kept because it measured faster on replays.
 *
 * <p>Thread-safe.
 */
public final class EventJson {

  private EventJson() {}

  /**
   * Serialises an event.
   *
   * @param event the event
   * @return UTF-8 JSON bytes
   */
  public static byte[] toBytes(Event event) {
    return EventJsonWriter.event(event);
  }

  /**
   * Writes an event as the next value of a generator of {@code dev.aether.support.Json}'s factory, as
   * {@link #toBytes} writes it: for an event inside a larger document, without bytes of its own.
   *
   * @param generator the generator
   * @param event the event
   * @throws IOException as the generator throws it
   */
  public static void write(JsonGenerator generator, Event event) throws IOException {
    EventJsonWriter.event(generator, event);
  }

  /**
   * Serialises an event to a string.
   *
   * @param event the event
   * @return the JSON text
   */
  public static String toJson(Event event) {
    return new String(toBytes(event), StandardCharsets.UTF_8);
  }

  /**
   * Reads an event.
   *
   * @param json UTF-8 JSON bytes
   * @return the event
   * @throws EventDecodingException when the bytes are not a valid event; the message names the problem
   */
  public static Event fromBytes(byte[] json) {
    return fromBytes(json, null);
  }

  /**
   * Reads an event like {@link #fromBytes(byte[])}; when its stream id equals {@code expectedStreamId}, the
   * event holds that very string instead of a copy. A replay of one actor reads thousands of events with the
   * same stream id: this saves a string per event and makes the caller's check of the stream id an identity
   * comparison. An event of another actor is read as usual.
   *
   * @param json UTF-8 JSON bytes
   * @param expectedStreamId the stream id the event is expected to have; {@code null} for none
   * @return the event
   * @throws EventDecodingException when the bytes are not a valid event; the message names the problem
   */
  public static Event fromBytes(byte[] json, String expectedStreamId) {
    if (json != null) {
      Event plain = EventJsonScanner.read(json, expectedStreamId);
      if (plain != null) {
        return plain;
      }
    }
    return EventJsonReader.event(json, expectedStreamId);
  }

  /**
   * Reads a JSON array of events, such as a store's commit of several events, sharing
   * {@code expectedStreamId} as {@link #fromBytes(byte[], String)} does. The plain form this class writes is
   * read in one pass; anything else object by object with the parser.
   *
   * @param json UTF-8 JSON bytes of an array of event objects
   * @param expectedStreamId the stream id the events are expected to have; {@code null} for none
   * @return the events, in order; empty for an empty array
   * @throws EventDecodingException when the bytes are not such an array; the message names the problem
   */
  public static List<Event> arrayFromBytes(byte[] json, String expectedStreamId) {
    Checks.notNull(json, "json");
    List<Event> plain = EventJsonScanner.readArray(json, expectedStreamId);
    return plain != null ? plain : EventJsonReader.events(json, expectedStreamId);
  }

  /**
   * Reads an event from a string.
   *
   * @param json the JSON text
   * @return the event
   * @throws EventDecodingException when the text is not a valid event
   */
  public static Event fromJson(String json) {
    return fromBytes(json.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Serialises a snapshot.
   *
   * @param snapshot the snapshot
   * @return UTF-8 JSON bytes
   */
  public static byte[] snapshotToBytes(ActorSnapshot snapshot) {
    return EventJsonWriter.snapshot(snapshot);
  }

  /**
   * Reads a snapshot.
   *
   * @param json UTF-8 JSON bytes
   * @return the snapshot
   * @throws EventDecodingException when the bytes are not a valid snapshot
   */
  public static ActorSnapshot snapshotFromBytes(byte[] json) {
    return EventJsonReader.snapshot(json);
  }
}
