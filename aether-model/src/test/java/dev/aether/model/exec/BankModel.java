package dev.aether.model.exec;

import dev.aether.model.Model;
import dev.aether.model.ModelLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The models of the tests ({@code models/*.yaml}, copies of the examples'). */
final class BankModel {

  private BankModel() {}

  static String yaml() {
    return resource("bank.yaml");
  }

  static String resource(String name) {
    try (InputStream in = BankModel.class.getResourceAsStream("/models/" + name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Model load() {
    return ModelLoader.fromYaml(yaml());
  }

  static Model orders() {
    return ModelLoader.fromYaml(resource("orders.yaml"));
  }
}
