package dev.aether.examples.models;

import dev.aether.model.Model;
import dev.aether.model.ModelLoader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The example EventStorming models shipped with Aether, read from this package's resources:
 * <ul>
 *   <li>{@link #bank()} ({@code bank.yaml}): accounts with guards, an invariant (no negative balance) and
 *       transfers credited by a policy;</li>
 *   <li>{@link #orders()} ({@code orders.yaml}): orders that reserve stock through policies (conditional
 *       events for a reservation that fails), with the read models {@code OrderStatus} and
 *       {@code StockLevels}.</li>
 * </ul>
 * Load one into a runtime with {@code runtime.loadModel(ExampleModels.bank())} ({@code aether-model} on the
 * class path runs it). Stateless.
 */
public final class ExampleModels {

  private ExampleModels() {}

  /** @return the bank model */
  public static Model bank() {
    return ModelLoader.fromYaml(text("bank.yaml"));
  }

  /** @return the order/inventory model */
  public static Model orders() {
    return ModelLoader.fromYaml(text("orders.yaml"));
  }

  /**
   * Reads a model file of this package.
   *
   * @param name the file name, for example {@code bank.yaml}
   * @return its text
   * @throws UncheckedIOException when it is missing
   */
  public static String text(String name) {
    try (InputStream in = ExampleModels.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new UncheckedIOException(new IOException("no example model " + name));
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
