package dev.aether.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The test model (aether-examples' bank model plus a read model) written to a directory. */
final class TestModels {

  private TestModels() {}

  static String bankYaml() {
    try (InputStream in = TestModels.class.getResourceAsStream("/dev/aether/server/bank.yaml")) {
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String bankJson() {
    try {
      var yaml = new com.fasterxml.jackson.databind.ObjectMapper(
          new com.fasterxml.jackson.dataformat.yaml.YAMLFactory()).readTree(bankYaml());
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(yaml);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path bank(Path dir) {
    try {
      Path file = dir.resolve("bank.yaml");
      Files.writeString(file, bankYaml());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
