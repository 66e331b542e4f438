package dev.aether.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

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
