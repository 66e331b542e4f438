package dev.aether.server;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aether.model.exec.CompiledModel;
import dev.aether.model.exec.StoredFieldTypes;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A model as the namespace's model bucket keeps it (a cluster's under {@link ClusterModel#KEY}, a single node's
 * under {@link ModelRecord#KEY}): {@code {"format": "yaml" | "json", "text": <the model as sent>,
 * "eventFieldTypes": {aggregate: {event: {field: [types]}}}}}, the last the types the stored events may hold, of
 * every version recorded so far ({@link StoredFieldTypes}), so that a new version's event field types are checked
 * against all of them. A record written before it had them (or whose types cannot be read: logged) holds the
 * types of its model alone, as the check had then. Immutable and thread-safe.
 *
 * @param compiled the model
 * @param storedTypes the types its namespace's stored events may hold
 */
record RecordedModel(CompiledModel compiled, StoredFieldTypes storedTypes) {

  private static final Logger LOG = LoggerFactory.getLogger(RecordedModel.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String TYPES = "eventFieldTypes";
  private static final TypeReference<Map<String, Map<String, Map<String, List<String>>>>> TYPES_FORM =
      new TypeReference<>() {};

  /**
   * A bucket's value for a model.
   *
   * @param format {@code yaml} or {@code json}: how {@code text} is written
   * @param text the model
   * @param storedTypes the types the stored events may hold, the model's included
   */
  static byte[] encode(String format, String text, StoredFieldTypes storedTypes) throws IOException {
    Map<String, Object> value = new LinkedHashMap<>();
    value.put("format", format);
    value.put("text", text);
    value.put(TYPES, storedTypes.toMap());
    return JSON.writeValueAsBytes(value);
  }

  /**
   * Reads a bucket's value.
   *
   * @param value the value
   * @param what what it is, for the log ({@code the cluster's model})
   * @throws IOException when it is not JSON
   * @throws dev.aether.runtime.InvalidModelException when its model has errors on this node
   */
  static RecordedModel decode(byte[] value, String what) throws IOException {
    JsonNode node = JSON.readTree(value);
    String text = node.path("text").asText();
    CompiledModel compiled = "json".equals(node.path("format").asText()) ? CompiledModel.fromJson(text)
        : CompiledModel.fromYaml(text);
    return new RecordedModel(compiled, storedTypes(node.get(TYPES), what).orElseGet(
        () -> StoredFieldTypes.of(compiled.model())));
  }

  /** The recorded types; empty when the record has none (written before they were kept) or they are unreadable. */
  private static Optional<StoredFieldTypes> storedTypes(JsonNode types, String what) {
    if (types == null || types.isNull()) {
      return Optional.empty();
    }
    try {
      return Optional.of(StoredFieldTypes.fromMap(JSON.convertValue(types, TYPES_FORM)));
    } catch (RuntimeException e) {
      LOG.warn("the event field types recorded with {} cannot be read ({}): its model's own are compared instead",
          what, e.toString());
      return Optional.empty();
    }
  }
}
