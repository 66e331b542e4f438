package dev.aether.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.aether.internal.Checks;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Reads a {@link Model} from JSON or YAML and validates it.
 *
 * <p>Reading is strict: an unknown key (a typo such as {@code "comands"}) is an error, like a value of the
 * wrong shape; each is reported as a {@link ModelError#PARSE_ERROR} with its path. A model that reads but is
 * structurally broken is refused with every {@link Model#validate()} error.
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
   * Reads and validates a model from JSON text.
   *
   * @param json the JSON text
   * @return the valid model
   * @throws InvalidModelException listing the problems
   */
  public static Model fromJson(String json) {
    return read(JSON, Checks.notNull(json, "json"));
  }

  /**
   * Reads and validates a model from YAML text.
   *
   * @param yaml the YAML text
   * @return the valid model
   * @throws InvalidModelException listing the problems, or saying that YAML support is missing
   */
  public static Model fromYaml(String yaml) {
    return read(YamlHolder.mapper(), Checks.notNull(yaml, "yaml"));
  }

  /**
   * Reads and validates a model file: {@code .yaml}/{@code .yml} as YAML, anything else as JSON.
   *
   * @param file the file
   * @return the valid model
   * @throws InvalidModelException listing the problems
   * @throws UncheckedIOException when the file cannot be read
   */
  public static Model load(Path file) {
    String text;
    try {
      text = Files.readString(Checks.notNull(file, "file"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read model file " + file, e);
    }
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    return name.endsWith(".yaml") || name.endsWith(".yml") ? fromYaml(text) : fromJson(text);
  }

  /** @return whether YAML can be read (the YAML data format is on the class path) */
  public static boolean yamlSupported() {
    return YamlHolder.MAPPER != null;
  }

  private static Model read(ObjectMapper mapper, String text) {
    Model model;
    try {
      model = mapper.readValue(text, Model.class);
    } catch (JsonMappingException e) {
      throw new InvalidModelException(List.of(new ModelError(ModelError.PARSE_ERROR, path(e),
          e.getOriginalMessage())));
    } catch (JsonProcessingException e) {
      throw new InvalidModelException(List.of(new ModelError(ModelError.PARSE_ERROR, "(document)",
          e.getOriginalMessage())));
    }
    if (model == null) {
      throw new InvalidModelException(List.of(new ModelError(ModelError.MISSING_VALUE, "(document)",
          "the document is empty")));
    }
    List<ModelError> errors = model.validate();
    if (!errors.isEmpty()) {
      throw new InvalidModelException(errors);
    }
    return model;
  }

  private static String path(JsonMappingException e) {
    StringBuilder b = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        b.append(b.isEmpty() ? "" : ".").append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        b.append('[').append(ref.getIndex()).append(']');
      }
    }
    return b.isEmpty() ? "(document)" : b.toString();
  }

  private static ObjectMapper configure(ObjectMapper mapper) {
    return mapper.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
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
