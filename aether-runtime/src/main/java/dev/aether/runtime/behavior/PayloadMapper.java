package dev.aether.runtime.behavior;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidNullException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.aether.runtime.FieldError;
import dev.aether.support.RecordCodec;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps JSON objects to and from records: plain records with their {@link RecordCodec} (no data binding on the
 * hot path), anything else, and every input the codec does not take exactly, with Jackson, which then decides
 * and words the error, so that both paths give the same values and errors.
 *
 * <p>Commands and snapshot states are read strictly: unknown fields, missing fields (but those marked
 * {@code @Nullable}: {@link AbsentNullables}), nulls for primitives,
 * strings for numbers, numbers or booleans for strings and fractions for integers are refused, each as a
 * {@link FieldError} naming the field (an explicit {@code null} for a component of a reference type is a
 * value: the handler gets {@code null}).
 * Events are read tolerantly (unknown fields ignored, missing ones default), so an event stored by an older
 * or newer version of a record still replays. Thread-safe.
 */
final class PayloadMapper {

  private static final Pattern MISSING = Pattern.compile("Missing (?:required )?creator property '([^']+)'");

  private final ObjectMapper strict = withJavaTime(JsonMapper.builder())
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NUMBERS_FOR_ENUMS) // an ordinal is no name (Month 3 is APRIL)
      .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .withCoercionConfig(LogicalType.Textual, text -> text.setCoercion(CoercionInputShape.Integer,
          CoercionAction.Fail).setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
          .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail)) // a number is no string either
      .addModule(new IsoTimeOnly())
      .build();
  private final ObjectMapper tolerant = withJavaTime(JsonMapper.builder())
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  /**
   * {@code java.time} components as ISO-8601 text, the form every JSON reader of an event understands
   * ({@code "2026-12-07T08:00:00Z"}, {@code "2026-12-07"}, {@code "PT5S"}), never epoch numbers; an offset or
   * zone read is kept as written, not moved to UTC, so a value reads back equal to the one written.
   */
  private static JsonMapper.Builder withJavaTime(JsonMapper.Builder builder) {
    return builder.addModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
        .disable(SerializationFeature.WRITE_DURATIONS_AS_TIMESTAMPS)
        .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
  }

  /** The outcome of a strict read: a value or the refused fields. */
  record Read<T>(T value, List<FieldError> errors) {}

  /**
   * Reads a JSON object strictly.
   *
   * @param json the object
   * @param type the record type
   * @param root the path prefix of errors, for example {@code payload}
   * @return the value, or the field errors
   */
  <T> Read<T> readStrict(Map<String, Object> given, Class<T> type, String root) {
    Map<String, Object> json = AbsentNullables.fill(given, type);
    T plain = plain(json, type, false);
    if (plain != null) {
      return new Read<>(plain, List.of());
    }
    try {
      return new Read<>(strict.convertValue(json, type), List.of());
    } catch (IllegalArgumentException e) {
      if (e.getCause() instanceof JsonMappingException mapping) {
        return new Read<>(null, List.of(fieldError(mapping, type, root)));
      }
      return new Read<>(null, List.of(new FieldError(root, e.getMessage())));
    }
  }

  /**
   * Reads a JSON object tolerantly.
   *
   * @param json the object
   * @param type the record type
   * @return the value
   * @throws IllegalArgumentException when it cannot be read at all, naming the field ({@code data.amount})
   */
  <T> T readTolerant(Map<String, Object> json, Class<T> type) {
    T plain = plain(json, type, true);
    if (plain != null) {
      return plain;
    }
    try {
      return tolerant.convertValue(json, type);
    } catch (IllegalArgumentException e) {
      if (e.getCause() instanceof JsonMappingException mapping) { // worded as a field error, not Jackson's text
        FieldError error = fieldError(mapping, type, "data");
        throw new IllegalArgumentException(type.getSimpleName() + " cannot read " + error.path() + ": "
            + error.problem(), e);
      }
      throw e;
    }
  }

  /** A plain record read by its codec, or null when Jackson must decide (and word any error). */
  private static <T> T plain(Map<String, Object> json, Class<T> type, boolean ignoreUnknown) {
    RecordCodec<T> codec = RecordCodec.of(type).orElse(null);
    return codec == null ? null : codec.read(json, ignoreUnknown);
  }

  /**
   * Writes a value as a JSON object.
   *
   * @param value a record or bean
   * @return its fields
   */
  @SuppressWarnings({"unchecked", "rawtypes"})
  Map<String, Object> write(Object value) {
    RecordCodec codec = RecordCodec.of(value.getClass()).orElse(null);
    Map<String, Object> plain = codec == null ? null : codec.write(value);
    return plain != null ? plain : strict.convertValue(value, Map.class);
  }

  private static FieldError fieldError(JsonMappingException e, Class<?> type, String root) {
    String path = path(e, root);
    return switch (e) {
      case UnrecognizedPropertyException u -> new FieldError(path, "unknown field; " + type.getSimpleName()
          + " has " + u.getKnownPropertyIds());
      case InvalidNullException n -> new FieldError(path, "must not be null");
      case InvalidFormatException f -> new FieldError(path, "cannot be read as " + simple(f.getTargetType())
          + ": " + f.getValue());
      case MismatchedInputException m when missing(m) != null ->
          new FieldError(path.endsWith("." + missing(m)) ? path : path + "." + missing(m),
              "required field is missing");
      case MismatchedInputException m when String.valueOf(m.getOriginalMessage()).contains("`null`") ->
          new FieldError(path, "must not be null");
      case MismatchedInputException m -> new FieldError(path, "wrong type, expected "
          + simple(m.getTargetType()));
      default -> new FieldError(path, e.getOriginalMessage());
    };
  }

  private static String missing(MismatchedInputException e) {
    Matcher m = MISSING.matcher(String.valueOf(e.getOriginalMessage()));
    return m.find() ? m.group(1) : null;
  }

  private static String simple(Class<?> type) {
    return type == null ? "another type" : type.getSimpleName();
  }

  private static String path(JsonMappingException e, String root) {
    StringBuilder b = new StringBuilder(root);
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        b.append('.').append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        b.append('[').append(ref.getIndex()).append(']');
      }
    }
    return b.toString();
  }
}
