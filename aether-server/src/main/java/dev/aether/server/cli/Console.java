package dev.aether.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.aether.runtime.InvalidModelException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the commands print: JSON pretty-printed on stdout, errors as {@code error: ...} lines on stderr,
 * never a stack trace; and the mapping of a node's answer to an exit code ({@link ExitCodes}). Not
 * thread-safe beyond what {@link PrintWriter} gives (one command runs at a time).
 */
final class Console {

  /**
   * Reads numbers with a fraction as {@code BigDecimal}, so a payload keeps its digits, and prints them as
   * written ({@code 20.0}, not Jackson's stripped {@code 2E+1}): the node's answers print as the API sends them.
   */
  static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .build();

  private final PrintWriter out;
  private final PrintWriter err;

  Console(PrintWriter out, PrintWriter err) {
    this.out = out;
    this.err = err;
  }

  PrintWriter out() {
    return out;
  }

  /** Prints a JSON value pretty-printed on stdout. */
  void json(JsonNode value) {
    try {
      out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot print JSON", e);
    }
    out.flush();
  }

  /** Prints a JSON value on one line on stdout (one line per streamed event). */
  void jsonLine(JsonNode value) {
    out.println(value.toString());
    out.flush();
  }

  /** Prints one {@code error: } line on stderr. */
  void error(String message) {
    err.println("error: " + message);
    err.flush();
  }

  /** Prints one {@code warning: } line on stderr. */
  void warning(String message) {
    err.println("warning: " + message);
    err.flush();
  }

  /**
   * Prints a node's answer: a 2xx body as pretty JSON on stdout; an error as one {@code error:} line naming
   * the node's code and status, then one indented line per field error.
   *
   * @return the exit code for the answer
   */
  int answer(NodeClient.Answer answer) {
    if (answer.ok()) {
      Optional<JsonNode> body = parse(answer.body());
      if (body.isPresent()) {
        json(body.get());
      } else if (!answer.body().isBlank()) {
        out.println(answer.body());
        out.flush();
      }
      return ExitCodes.OK;
    }
    failure(answer, "");
    return ExitCodes.forStatus(answer.status());
  }

  /** Prints an error answer; {@code hint} (may be empty) is appended to its first line. */
  void failure(NodeClient.Answer answer, String hint) {
    Optional<JsonNode> body = parse(answer.body()).filter(b -> b.hasNonNull("error"));
    if (body.isEmpty()) {
      String text = answer.body().strip();
      error("HTTP " + answer.status() + (text.isEmpty() ? "" : ": " + firstLine(text)) + hint);
      return;
    }
    JsonNode b = body.get();
    String message = b.path("message").asText("");
    List<Field> fields = new ArrayList<>();
    b.path("fields").forEach(f -> fields.add(new Field(f.path("field").asText(), f.path("message").asText())));
    error((message.isEmpty() ? "" : message + " ") + "[" + b.get("error").asText() + ", HTTP "
        + answer.status() + "]" + hint, fields);
  }

  /**
   * Prints an invalid model file's problems as {@code model load} prints the node's {@code INVALID_MODEL}: one
   * error line, then {@code   path: id: message} per problem ({@code model validate}, {@code serve --model}).
   */
  void invalidModel(Path file, InvalidModelException e) {
    error(file + ": the model has " + e.errors().size() + " error(s) [INVALID_MODEL]", e.errors().stream()
        .map(problem -> new Field(problem.path(), problem.id() + ": " + problem.message())).toList());
  }

  /** A field error, or an invalid model's problem: where ({@code payload.amount}, a model path) and what. */
  record Field(String field, String message) {}

  /**
   * Prints one {@code error:} line, then one indented {@code field: message} line per field (a message over
   * several lines, a YAML parser's, is joined with {@code |}): a node's field errors and an invalid model's
   * problems, whether the node found them ({@code model load}) or the CLI did ({@code model validate}).
   */
  void error(String message, List<Field> fields) {
    err.println("error: " + message);
    for (Field field : fields) {
      err.println("  " + field.field() + ": " + oneLine(field.message()));
    }
    err.flush();
  }

  private static String oneLine(String text) {
    return text.strip().replaceAll("\\s*\\R\\s*", " | ");
  }

  static Optional<JsonNode> parse(String text) {
    try {
      return text.isBlank() ? Optional.empty() : Optional.of(JSON.readTree(text));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }

  private static String firstLine(String text) {
    String line = text.lines().findFirst().orElse("");
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
