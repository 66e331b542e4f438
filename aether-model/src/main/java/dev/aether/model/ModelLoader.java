package dev.aether.model;

import dev.aether.runtime.InvalidModelException;
import dev.aether.runtime.ModelError;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.aether.support.Checks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads a {@link Model} from JSON or YAML and checks its <b>structure</b>.
 *
 * <p>Every problem is collected, none hides another: repeated keys in a map (which a JSON/YAML reader would
 * otherwise resolve silently to the last), unknown keys (a typo such as {@code "comands"}) and values of the
 * wrong shape are each reported with their path and skipped so that reading goes on, then every
 * {@link Model#validate()} error is added (names present, valid and unique, types known, references
 * resolvable). Paths name list elements by name ({@code aggregates.Account.commands.Withdraw}) and by index
 * when the name is missing or repeats an earlier one ({@code aggregates.Account.commands[2]}).
 *
 * <p>What this loader does <b>not</b> check: CEL expressions are kept as text, so a typo in a guard
 * ({@code cmd.amout}) passes here. With {@code aether-model} on the class path, its
 * {@code CompiledModel.load}/{@code fromYaml}/{@code fromJson} do the whole validation in one call (everything
 * this loader checks plus every expression) and {@code Runtime.loadModel} refuses such a model with every
 * error; {@link #read(Path)} gives the model and its problems without refusing it, for such callers.
 *
 * <p>YAML needs {@code com.fasterxml.jackson.dataformat:jackson-dataformat-yaml} on the class path; it is
 * found at run time, so core does not force the dependency on JSON-only users. Without it, reading YAML
 * throws an {@link InvalidModelException} saying so. Thread-safe.
 */
public final class ModelLoader {

  private static final String YAML_FACTORY = "com.fasterxml.jackson.dataformat.yaml.YAMLFactory";
  private static final ObjectMapper JSON = configure(JsonMapper.builder().build());

  private ModelLoader() {}

  /**
   * What reading a model text found: the model as read, when the text could be bound to a model at all, and
   * every problem (repeated keys, unknown keys, values of the wrong shape, then {@link Model#validate()}'s
   * structural errors), in document order.
   *
   * @param model the model as read; empty when the text is not a model (not JSON/YAML, empty, not a map)
   * @param errors every problem found (unmodifiable); never empty when {@code model} is empty
   */
  public record Reading(Optional<Model> model, List<ModelError> errors) {

    /**
     * Copies the problems.
     *
     * @throws dev.aether.InvalidInputException when there is neither a model nor a problem
     */
    public Reading {
      Checks.notNull(model, "model");
      errors = List.copyOf(Checks.notNull(errors, "errors"));
      if (model.isEmpty() && errors.isEmpty()) {
        throw new dev.aether.InvalidInputException("errors", "a reading without a model must say why");
      }
    }

    /**
     * The model, when it has no problem.
     *
     * @return the valid model
     * @throws InvalidModelException listing every problem
     */
    public Model orElseThrow() {
      if (!errors.isEmpty()) {
        throw new InvalidModelException(errors);
      }
      return model.orElseThrow();
    }
  }

  /**
   * Reads a model from JSON text and checks its structure (not its expressions: see the class doc).
   *
   * @param json the JSON text
   * @return the valid model
   * @throws InvalidModelException listing the problems
   */
  public static Model fromJson(String json) {
    return readJson(json).orElseThrow();
  }

  /**
   * Reads a model from YAML text and checks its structure (not its expressions: see the class doc).
   *
   * @param yaml the YAML text
   * @return the valid model
   * @throws InvalidModelException listing the problems, or saying that YAML support is missing
   */
  public static Model fromYaml(String yaml) {
    return readYaml(yaml).orElseThrow();
  }

  /**
   * Reads a model file and checks its structure (not its expressions): {@code .yaml}/{@code .yml} as YAML,
   * anything else as JSON.
   *
   * @param file the file
   * @return the valid model
   * @throws InvalidModelException listing the problems
   * @throws UncheckedIOException when the file cannot be read
   */
  public static Model load(Path file) {
    return read(file).orElseThrow();
  }

  /**
   * Reads a model from JSON text without refusing it: the model as read and every problem found.
   *
   * @param json the JSON text
   * @return the reading
   */
  public static Reading readJson(String json) {
    return ModelReader.read(JSON, Checks.notNull(json, "json"));
  }

  /**
   * Reads a model from YAML text without refusing it: the model as read and every problem found.
   *
   * @param yaml the YAML text
   * @return the reading
   * @throws InvalidModelException when YAML support is missing
   */
  public static Reading readYaml(String yaml) {
    return ModelReader.read(YamlHolder.mapper(), Checks.notNull(yaml, "yaml"));
  }

  /**
   * Reads a model file without refusing it ({@code .yaml}/{@code .yml} as YAML, anything else as JSON): the
   * model as read and every problem found.
   *
   * @param file the file
   * @return the reading
   * @throws InvalidModelException when the file is YAML and YAML support is missing
   * @throws UncheckedIOException when the file cannot be read
   */
  public static Reading read(Path file) {
    String text;
    try {
      text = Files.readString(Checks.notNull(file, "file"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model file " + file, e);
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".yaml") || name.endsWith(".yml") ? readYaml(text) : readJson(text);
  }

  /** @return whether YAML can be read (the YAML data format is on the class path) */
  public static boolean yamlSupported() {
    return YamlHolder.MAPPER != null;
  }

  private static ObjectMapper configure(ObjectMapper mapper) {
    return mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  }

  /** The YAML mapper, made once when first needed; {@code null} without the YAML data format. */
  private static final class YamlHolder {
    static final ObjectMapper MAPPER = create();

    static ObjectMapper mapper() {
      if (MAPPER == null) {
        throw new InvalidModelException(List.of(new ModelError(ModelError.PARSE_ERROR, "(document)",
            "reading YAML needs com.fasterxml.jackson.dataformat:jackson-dataformat-yaml on the class path;"
                + " add it, or give the model as JSON")));
      }
      return MAPPER;
    }

    private static ObjectMapper create() {
      try {
        JsonFactory factory = (JsonFactory) Class.forName(YAML_FACTORY).getDeclaredConstructor().newInstance();
        return configure(new ObjectMapper(factory));
      } catch (ReflectiveOperationException | LinkageError e) {
        return null;
      }
    }
  }
}
