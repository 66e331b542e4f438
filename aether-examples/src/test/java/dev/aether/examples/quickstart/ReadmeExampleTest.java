package dev.aether.examples.quickstart;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Keeps the README's "Using the event store" snippet equal to {@link ReadmeExample}, which compiles. */
class ReadmeExampleTest {

  private static final Path MODULE = Path.of(System.getProperty("basedir", "."));
  private static final Path README = MODULE.resolve("../README.md");
  private static final Path SOURCE =
      MODULE.resolve("src/main/java/dev/aether/examples/quickstart/ReadmeExample.java");

  @Test
  void readmeSnippet_linesAppearInReadmeExample_inOrder() throws IOException {
    List<String> snippet = snippetLines(Files.readAllLines(README, UTF_8));
    List<String> source = Files.readAllLines(SOURCE, UTF_8).stream().map(String::strip).toList();

    assertThat(snippet).hasSizeGreaterThan(10);
    int from = 0;
    for (String line : snippet) {
      int at = source.subList(from, source.size()).indexOf(line);
      assertThat(at).as("README line not found (in order) in ReadmeExample.java: %s", line).isNotNegative();
      from += at + 1;
    }
  }

  @Test
  void readmeExample_printsTheConflictAndTheHistory() {
    PrintStream original = System.out;
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    System.setOut(new PrintStream(printed, true, UTF_8));
    try {
      ReadmeExample.main(new String[0]);
    } finally {
      System.setOut(original);
    }

    assertThat(printed.toString(UTF_8))
        .contains("account-42 is at version 3")
        .contains("account-42: attempted v2, current v3")
        .contains("v3 MoneyWithdrawn {amount=30}");
  }

  /** The stripped, non-blank lines of the first java block after the "Using the event store" heading. */
  private static List<String> snippetLines(List<String> readme) {
    int heading = readme.indexOf("## Using the event store");
    assertThat(heading).as("README heading '## Using the event store'").isNotNegative();
    int block = readme.subList(heading, readme.size()).indexOf("```java");
    assertThat(block).as("a java block after the heading").isNotNegative();
    int start = heading + block + 1;
    List<String> lines = new ArrayList<>();
    for (String line : readme.subList(start, readme.size())) {
      if (line.startsWith("```")) {
        return lines;
      }
      if (!line.isBlank()) {
        lines.add(line.strip());
      }
    }
    throw new AssertionError("unterminated java block in README.md");
  }
}
