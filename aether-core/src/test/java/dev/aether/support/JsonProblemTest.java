package dev.aether.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * {@link Json#problem}: the parser's complaint for whoever sent the document, without Jackson's notes about its
 * own features or source excerpts (a README walkthrough found the CLI printing {@code [Source: REDACTED
 * (`StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION` disabled)...}).
 */
class JsonProblemTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static String problemOf(String json) {
    IOException e = catchThrowableOfType(IOException.class, () -> MAPPER.readTree(json));
    assertThat(e).as(json).isNotNull();
    return Json.problem(e);
  }

  @Test
  void anUnclosedObject_saysSo_andWhere_withoutTheParsersNotes() {
    assertThat(problemOf("{\"owner\": \"Ada\"")).isEqualTo(
        "Unexpected end-of-input: expected close marker for Object at line 1, column 16");
  }

  @Test
  void aFeatureHintAndASourceExcerpt_areLeftOut() {
    String comment = problemOf("{\"a\": 1 /* note */}");
    String quote = problemOf("{'a': 1}");
    String token = problemOf("{\"a\": nope}");

    for (String problem : new String[] {comment, quote, token}) {
      assertThat(problem).doesNotContain("Feature").doesNotContain("Source").doesNotContain("REDACTED")
          .doesNotContain("\n").matches(".+ at line 1, column \\d+");
    }
    assertThat(comment).startsWith("Unexpected character ('/'");
    assertThat(token).startsWith("Unrecognized token 'nope'");
  }

  @Test
  void aLimitsProblem_keepsTheLimit_withoutTheClassThatHoldsIt() {
    // found by a new user: "exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)"
    String deep = "[".repeat(1001) + "]".repeat(1001);
    assertThat(problemOf(deep)).contains("nesting depth").contains("1000").doesNotContain("StreamReadConstraints")
        .doesNotContain("`");
  }

  @Test
  void aYamlParsersMarkedLines_becomeOneLine_atTheirMarks_withoutExcerptsOrCarets() {
    // the shape of SnakeYAML's messages (jackson-dataformat-yaml passes them on): context, its mark, an excerpt and
    // a caret, then the problem, its mark, an excerpt and a caret; the parser stopped elsewhere (line 1)
    String yaml = """
        while parsing a flow sequence
         in 'reader', line 3, column 9:
              port: [1, 2
                    ^
        expected ',' or ']', but got <stream end>
         in 'reader', line 4, column 1:
           \s
            ^
        """;
    JsonParseException e = new JsonParseException(null, yaml, new JsonLocation(null, -1, 1, 5));
    JsonParseException tab = new JsonParseException(null, """
        while scanning for the next token
        found character '\t(TAB)' that cannot start any token. (Do not use \t(TAB) for indentation)
         in 'reader', line 2, column 1:
            	x: 1
            ^
        """, new JsonLocation(null, -1, 1, 11));

    assertThat(Json.problem(e)).isEqualTo("while parsing a flow sequence at line 3, column 9: expected ',' or ']',"
        + " but got <stream end> at line 4, column 1");
    assertThat(Json.problem(tab)).isEqualTo("while scanning for the next token: found character '\t(TAB)' that"
        + " cannot start any token. (Do not use \t(TAB) for indentation) at line 2, column 1");
  }

  @Test
  void aProblemWithoutAMessageOrLocation_isStillNamed() throws IOException {
    assertThat(Json.problem(new IOException())).isEqualTo("malformed");
    assertThat(Json.problem(new IOException("stream closed"))).isEqualTo("stream closed");
    try (JsonParser parser = MAPPER.createParser("[1")) {
      parser.nextToken();
      parser.nextToken();
      IOException end = catchThrowableOfType(IOException.class, parser::nextToken);
      assertThat(Json.problem(end)).startsWith("Unexpected end-of-input").contains(" at line 1, column ");
    }
  }
}
