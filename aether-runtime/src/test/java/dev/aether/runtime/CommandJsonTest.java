package dev.aether.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.aether.InvalidInputException;
import dev.aether.event.Event;
import dev.aether.event.EventJson;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The documented field names of {@link CommandJson}, and its refusals of malformed input, each naming the field. */
class CommandJsonTest {

  private static final String MESSAGE = """
      {"aggregateType":"Account","actorId":"acc-42","command":"Deposit","commandId":"c-1",\
      "payload":{"amount":100,"lines":[{"sku":"x"}]},"metadata":{"correlationId":"r-7"},\
      "deadline":"2026-01-01T00:00:05Z"}""";

  @Test
  void message_isWrittenWithTheDocumentedFieldNames() {
    RuntimeMessage message = RuntimeMessage.builder("Account", "acc-42", "Deposit").commandId("c-1")
        .payload(Map.of("amount", 100, "lines", List.of(Map.of("sku", "x")))).correlationId("r-7")
        .deadline(Instant.parse("2026-01-01T00:00:05Z")).build();

    String json = text(CommandJson.messageToBytes(message));

    assertThat(json).startsWith("{\"aggregateType\":\"Account\",\"actorId\":\"acc-42\",\"command\":\"Deposit\","
        + "\"commandId\":\"c-1\",\"payload\":{").endsWith("\"metadata\":{\"correlationId\":\"r-7\"},"
        + "\"deadline\":\"2026-01-01T00:00:05Z\"}");
    assertThat(CommandJson.messageFromBytes(bytes(MESSAGE))).isEqualTo(message);
  }

  @Test
  void message_withoutOptionalFields_leavesThemOut_andReadsBackWithoutDeadline() {
    RuntimeMessage message = RuntimeMessage.builder("Account", "a-1", "Touch").commandId("c-2").build();

    String json = text(CommandJson.messageToBytes(message));

    assertThat(json).isEqualTo("{\"aggregateType\":\"Account\",\"actorId\":\"a-1\",\"command\":\"Touch\","
        + "\"commandId\":\"c-2\",\"payload\":{}}");
    RuntimeMessage read = CommandJson.messageFromBytes(bytes(
        "{\"commandId\":\"c-2\",\"command\":\"Touch\",\"actorId\":\"a-1\",\"aggregateType\":\"Account\","
            + "\"payload\":null,\"metadata\":null,\"deadline\":null,\"futureField\":{\"x\":[1,2]}}"));
    assertThat(read).isEqualTo(message);
    assertThat(read.deadline()).isEmpty();
  }

  @Test
  void message_deadlineWithAnOffset_isReadAsTheSameInstant() {
    RuntimeMessage read = CommandJson.messageFromBytes(bytes(MESSAGE.replace("2026-01-01T00:00:05Z",
        "2026-01-01T02:00:05.5+02:00")));

    assertThat(read.deadline()).contains(Instant.parse("2026-01-01T00:00:05.500Z"));
  }

  @Test
  void result_accepted_isWrittenWithTheDocumentedFieldNames_andEventsInEventJsonForm() {
    Event event = Event.builder().eventType("Deposited").streamId("Account/acc-42").version(7)
        .data(Map.of("amount", 100)).commandId("c-1").timestamp(Instant.parse("2026-01-01T00:00:01Z")).build();

    String json = text(CommandJson.resultToBytes(new CommandResult.Accepted("c-1", 7, List.of(event), false)));

    assertThat(json).isEqualTo("{\"type\":\"accepted\",\"commandId\":\"c-1\",\"newVersion\":7,"
        + "\"duplicate\":false,\"events\":[" + EventJson.toJson(event) + "]}");
  }

  @ParameterizedTest
  @EnumSource(RejectionReason.class)
  void result_rejected_everyReason_isWrittenByName_andReadBack(RejectionReason reason) {
    CommandResult.Rejected rejected = new CommandResult.Rejected("c-1", reason, "why \u00e9\ud83d\ude00",
        List.of(new FieldError("payload.amount", "must be positive")));

    byte[] json = CommandJson.resultToBytes(rejected);

    assertThat(text(json)).isEqualTo("{\"type\":\"rejected\",\"commandId\":\"c-1\",\"reason\":\"" + reason.name()
        + "\",\"message\":\"why \u00e9\\uD83D\\uDE00\",\"fieldErrors\":[{\"path\":\"payload.amount\","
        + "\"problem\":\"must be positive\"}]}");
    assertThat(CommandJson.resultFromBytes(json)).isEqualTo(rejected);
  }

  @Test
  void missingRequiredFields_areRefusedNamingThem() {
    assertThat(messageError(MESSAGE.replace("\"commandId\":\"c-1\",", "")))
        .isEqualTo("commandId: required field is missing");
    assertThat(messageError(MESSAGE.replace("\"command\":\"Deposit\",", "")))
        .isEqualTo("command: required field is missing");
    assertThat(resultError("{\"type\":\"accepted\",\"commandId\":\"c\"}"))
        .isEqualTo("newVersion: required field is missing");
    assertThat(resultError("{\"type\":\"rejected\",\"commandId\":\"c\",\"message\":\"m\"}"))
        .isEqualTo("reason: required field is missing");
    assertThat(resultError("{\"type\":\"rejected\",\"commandId\":\"c\",\"reason\":\"TIMEOUT\"}"))
        .isEqualTo("message: required field is missing");
    assertThat(resultError("{\"commandId\":\"c\",\"newVersion\":1}")).isEqualTo("type: required field is missing");
    assertThat(resultError("{\"type\":\"rejected\",\"commandId\":\"c\",\"reason\":\"TIMEOUT\",\"message\":\"m\","
        + "\"fieldErrors\":[{\"path\":\"payload.x\"}]}")).isEqualTo("fieldErrors[0].problem: required field is missing");
  }

  @Test
  void valuesOfTheWrongType_areRefusedNamingTheirPath() {
    assertThat(messageError(MESSAGE.replace("\"c-1\"", "5"))).isEqualTo("commandId: expected a string, found a number");
    assertThat(messageError(MESSAGE.replace("{\"amount\":100,\"lines\":[{\"sku\":\"x\"}]}", "[1]")))
        .isEqualTo("payload: expected an object, found an array");
    assertThat(messageError(MESSAGE.replace("\"r-7\"", "{}")))
        .isEqualTo("metadata.correlationId: expected a string, found an object");
    assertThat(messageError(MESSAGE.replace("\"2026-01-01T00:00:05Z\"", "\"tomorrow\"")))
        .isEqualTo("deadline: not an ISO-8601 instant: \"tomorrow\"");
    // regression: a deadline a billion years ahead overflowed epoch milliseconds in the router (STORE_UNAVAILABLE)
    assertThat(messageError(MESSAGE.replace("\"2026-01-01T00:00:05Z\"", "\"+1000000000-01-01T00:00:00Z\"")))
        .startsWith("deadline: must lie within the years 0000 to 9999");
    assertThat(messageError(MESSAGE.replace("\"c-1\"", "\"" + "k".repeat(257) + "\"")))
        .isEqualTo("commandId: must be at most 256 characters, has 257");
    assertThat(resultError("{\"type\":\"accepted\",\"commandId\":\"c\",\"newVersion\":\"7\"}"))
        .isEqualTo("newVersion: expected an integer, found a string");
    assertThat(resultError("{\"type\":\"accepted\",\"commandId\":\"c\",\"newVersion\":99999999999999999999}"))
        .startsWith("newVersion: out of range");
    assertThat(resultError("{\"type\":\"accepted\",\"commandId\":\"c\",\"newVersion\":1,\"duplicate\":\"yes\"}"))
        .isEqualTo("duplicate: expected a boolean, found a string");
    assertThat(resultError("{\"type\":\"accepted\",\"commandId\":\"c\",\"newVersion\":1,\"events\":[{}, 3]}"))
        .startsWith("events[0]: ");
    assertThat(resultError("{\"type\":\"accepted\",\"commandId\":\"c\",\"newVersion\":1,\"events\":[3]}"))
        .isEqualTo("events[0]: expected an event object, found a number");
  }

  @Test
  void unknownReasonOrType_isRefused() {
    assertThat(resultError("{\"type\":\"rejected\",\"commandId\":\"c\",\"reason\":\"SLOW\",\"message\":\"m\"}"))
        .startsWith("reason: unknown reason \"SLOW\"; known: [UNKNOWN_AGGREGATE");
    assertThat(resultError("{\"type\":\"maybe\",\"commandId\":\"c\"}"))
        .isEqualTo("type: must be \"accepted\" or \"rejected\", was \"maybe\"");
  }

  @Test
  void malformedOrTrailingContent_isRefused() {
    assertThat(messageError(MESSAGE + " x")).startsWith("json: malformed JSON: Unrecognized token 'x'");
    assertThat(messageError(MESSAGE + "{}")).isEqualTo("json: trailing content after the object: an object");
    assertThat(messageError(MESSAGE.substring(0, MESSAGE.length() - 1)))
        .startsWith("deadline: malformed JSON: Unexpected end-of-input").doesNotContain("Source")
        .doesNotContain("start marker").contains(" at line 1, column ");
    assertThat(messageError(MESSAGE.replace("100,", "100,,"))) // the path where the parser was
        .startsWith("payload.amount: malformed JSON: Unexpected character (','");
    assertThat(messageError(MESSAGE.replace("\"actorId\":\"acc-42\",", "\"actorId\":\"acc-42\",\"actorId\":\"b\",")))
        .startsWith("actorId: malformed JSON: Duplicate field 'actorId'");
    assertThat(messageError("[]")).isEqualTo("json: expected a JSON object, found an array");
    assertThat(messageError("")).isEqualTo("json: empty: expected a JSON object");
    assertThatExceptionOfType(InvalidInputException.class).isThrownBy(() -> CommandJson.messageFromBytes(null))
        .extracting(InvalidInputException::field).isEqualTo("json");
  }

  @Test
  void payloadTooDeep_isRefusedWithTheBuildersError_withoutOverflowingTheStack() {
    InvalidInputException fromBuilder = builderError(nested(1_000));

    for (int depth : new int[] {65, 1_000, 100_000}) {
      InvalidInputException fromWire = decodeError(message(nestedJson(depth)));
      assertThat(fromWire.field()).isEqualTo(fromBuilder.field()).isEqualTo("payload" + ".a".repeat(64));
      assertThat(fromWire.getMessage()).isEqualTo(fromBuilder.getMessage());
    }
    assertThat(CommandJson.messageFromBytes(message(nestedJson(64))).payload()).containsKey("a");
  }

  @Test
  void payloadTooDeepInAnArray_namesTheArrayPath_likeTheBuilder() {
    Map<String, Object> payload = Map.of("xs", List.of(1, nested(70)));
    String json = "{\"xs\":[1," + nestedJson(70) + "]}";

    assertThat(decodeError(message(json)).field()).isEqualTo(builderError(payload).field())
        .startsWith("payload.xs[1].a.a");
  }

  @Test
  void payloadBeyondTheOtherLimits_isRefusedByTheMessagesOwnChecks() {
    String tooLong = "x".repeat(262_145);

    assertThat(decodeError(message("{\"note\":\"" + tooLong + "\"}")).field()).isEqualTo("payload.note");
    assertThat(decodeError(message("{\"n\":123456789012345678901234567890}")).field()).isEqualTo("payload.n");
    assertThat(messageError(MESSAGE.replace("\"Account\"", "\"9x\""))).startsWith("aggregateType: ");
    assertThat(messageError(MESSAGE.replace("\"c-1\"", "\" \""))).isEqualTo("commandId: must not be blank");
  }

  private static byte[] message(String payloadJson) {
    return bytes("{\"aggregateType\":\"Account\",\"actorId\":\"a\",\"command\":\"Deposit\",\"commandId\":\"c\","
        + "\"payload\":" + payloadJson + "}");
  }

  private static String nestedJson(int depth) {
    return "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
  }

  private static Map<String, Object> nested(int depth) {
    Map<String, Object> inner = new HashMap<>();
    for (int i = 1; i < depth; i++) {
      inner = new HashMap<>(Map.of("a", inner));
    }
    return inner;
  }

  private static InvalidInputException builderError(Map<String, Object> payload) {
    try {
      RuntimeMessage.builder("Account", "a", "Deposit").commandId("c").payload(payload).build();
    } catch (InvalidInputException e) {
      return e;
    }
    throw new AssertionError("the builder accepted the payload");
  }

  private static InvalidInputException decodeError(byte[] json) {
    try {
      CommandJson.messageFromBytes(json);
    } catch (InvalidInputException e) {
      return e;
    }
    throw new AssertionError("the message was accepted");
  }

  private static String messageError(String json) {
    return decodeError(bytes(json)).getMessage();
  }

  private static String resultError(String json) {
    try {
      CommandJson.resultFromBytes(bytes(json));
    } catch (InvalidInputException e) {
      return e.getMessage();
    }
    throw new AssertionError("the result was accepted");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String text(byte[] json) {
    return new String(json, StandardCharsets.UTF_8);
  }
}
