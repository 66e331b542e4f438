package dev.aether.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Rewrites one suite's section of a results file (normally {@code aether-bench/RESULTS.md}) and leaves the
 * other sections as they are, so that each suite updates only its own numbers.
 *
 * <p>A section lies between the lines {@code <!-- results:ID:begin -->} and {@code <!-- results:ID:end -->}.
 * A missing section is appended at the end; a missing file is created with a short header.
 */
public final class ResultsWriter {

  static final String HEADER = """
      # Aether benchmark results

      Written by `./scripts/bench [suite]`: each suite rewrites only its own section below. How the numbers
      are made and how to read them: [README.md](README.md). Orders of magnitude, not guarantees: compare the
      Aether / raw ratios, which come from the same run on the same machine. The row "CPU used outside this
      JVM" says how busy the machine was; above 10% the absolute numbers are noisy.
      """;

  private final Path file;

  /**
   * Creates a writer.
   *
   * @param file the results file
   */
  public ResultsWriter(Path file) {
    this.file = file;
  }

  /**
   * Replaces (or adds) a section.
   *
   * @param id the suite id
   * @param markdown the section's new content
   * @throws IOException when the file cannot be read or written
   */
  public void write(String id, String markdown) throws IOException {
    String document = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : HEADER;
    Files.writeString(file, replaceSection(document, id, markdown), StandardCharsets.UTF_8);
  }

  /**
   * Replaces (or appends) a section in a document.
   *
   * @param document the whole file's text
   * @param id the suite id
   * @param markdown the section's new content
   * @return the new text
   */
  static String replaceSection(String document, String id, String markdown) {
    String begin = "<!-- results:" + id + ":begin -->";
    String end = "<!-- results:" + id + ":end -->";
    String block = begin + "\n" + markdown.strip() + "\n" + end;
    int from = document.indexOf(begin);
    int to = document.indexOf(end);
    if (from >= 0 && to > from) {
      return document.substring(0, from) + block + document.substring(to + end.length());
    }
    String base = document.endsWith("\n") ? document : document + "\n";
    return base + "\n" + block + "\n";
  }
}
