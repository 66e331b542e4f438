package dev.aether.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aether.event.Event;
import dev.aether.event.EventJson;
import dev.aether.runtime.CommandResult;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The accepted answer written straight to bytes reads back as the same JSON the tree form would give. */
class JsonTest {

  @Test
  void accepted_withTwoEvents_isTheTreeForm() throws Exception {
    CommandResult.Accepted accepted = new CommandResult.Accepted("cmd-1", 7,
        List.of(event("Deposited", 6, Map.of("amount", 5)), event("Noted", 7, Map.of("text", "a \"b\" \u00e9"))),
        false);

    assertThat(read(Json.accepted(accepted))).isEqualTo(tree(accepted));
  }

  @Test
  void accepted_withoutEvents_duplicate_isTheTreeForm() throws Exception {
    CommandResult.Accepted accepted = new CommandResult.Accepted("cmd-2", 3, List.of(), true);

    assertThat(read(Json.accepted(accepted))).isEqualTo(tree(accepted));
  }

  @Test
  void accepted_commandIdNeedingEscapes_isEscaped() throws Exception {
    String id = "k\"\\\u0001\u00e9\u4e2d";
    CommandResult.Accepted accepted = new CommandResult.Accepted(id, 1,
        List.of(event("Opened", 1, Map.of("owner", "x"))), false);

    JsonNode answer = read(Json.accepted(accepted));

    assertThat(answer.get("commandId").asText()).isEqualTo(id);
    assertThat(answer).isEqualTo(tree(accepted));
  }

  private static Event event(String type, long version, Map<String, Object> data) {
    return Event.builder().id("e-" + version).eventType(type).actorId("Account:acc-1").commandId("cmd")
        .version(version).data(data).timestamp(Instant.parse("2026-01-02T03:04:05.123456789Z")).build();
  }

  private static JsonNode read(byte[] bytes) throws Exception {
    return Json.MAPPER.readTree(bytes);
  }

  private static JsonNode tree(CommandResult.Accepted accepted) throws Exception {
    ObjectNode out = Json.object();
    out.put("commandId", accepted.commandId());
    out.put("version", accepted.newVersion());
    var events = out.putArray("events");
    for (Event e : accepted.events()) {
      events.add(Json.MAPPER.readTree(EventJson.toBytes(e)));
    }
    out.put("duplicate", accepted.duplicate());
    return read(Json.MAPPER.writeValueAsBytes(out)); // number nodes as a reader makes them

  }

  @Test
  void readObject_refusesMoreAfterTheValue_andWordsParserErrorsWithoutItsSettings() {
    for (String body : List.of("{\"owner\":\"a\"} xyz", "{\"owner\":\"a\"}{\"owner\":\"b\"}", "{\"a\":1} 2")) {
      assertThatThrownBy(() -> Json.readObject(body.getBytes(StandardCharsets.UTF_8), "payload"))
          .as(body).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.code()).isEqualTo("INVALID_JSON");
            assertThat(e.getMessage()).contains("line 1, column");
          });
    }
    assertThat(Json.readObject("{\"a\":1}  \n".getBytes(StandardCharsets.UTF_8), "payload")).isEqualTo(Map.of("a", 1));
    // found by a new user: an empty body was {}, a body of whitespace only was "not valid JSON"
    for (String blank : List.of("", " ", "\n", " \t\r\n ")) {
      assertThat(Json.readObject(blank.getBytes(StandardCharsets.UTF_8), "payload")).as("[%s]", blank).isEmpty();
    }
    for (String body : List.of("{\"a\": NaN}", "{/* c */}", "{", "{\"a\":")) {
      assertThatThrownBy(() -> Json.readObject(body.getBytes(StandardCharsets.UTF_8), "payload"))
          .as(body).isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage())
              .doesNotContain("Feature", "`", "Source").contains("at line 1, column"));
    }
  }
}
