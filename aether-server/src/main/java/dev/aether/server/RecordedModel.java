package dev.aether.server;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aether.model.exec.CompiledModel;
import dev.aether.model.exec.StoredFieldTypes;
import dev.aether.runtime.InvalidModelException;
import dev.aether.store.StoreUnavailableException;
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
 * against all of them. The types are read without compiling the model: they count also when this node cannot
 * compile it (a corrupt text, a model written by a newer Aether). A record written before it had them (or whose
 * types cannot be read: logged) holds the types of its model alone, as the check had then; when that model does
 * not compile either, the record cannot be read ({@link #storedTypes}). Immutable and thread-safe.
 *
 * @param format {@code yaml} or {@code json}: how {@code text} is written
 * @param text the model
 * @param recordedTypes the types recorded with it; empty when it has none (or they cannot be read)
 */
record RecordedModel(String format, String text, Optional<StoredFieldTypes> recordedTypes) {

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
   * Reads a bucket's value, without compiling its model.
   *
   * @param value the value
   * @param what what it is, for the log ({@code the cluster's model})
   * @throws IOException when it is not JSON or holds no model text
   */
  static RecordedModel decode(byte[] value, String what) throws IOException {
    JsonNode node = JSON.readTree(value);
    if (node == null || !node.path("text").isTextual()) {
      throw new IOException("not a recorded model (no \"text\")");
    }
    return new RecordedModel("json".equals(node.path("format").asText()) ? "json" : "yaml",
        node.path("text").asText(), types(node.get(TYPES), what));
  }

  /**
   * Compiles the model.
   *
   * @throws InvalidModelException when it has errors on this node
   */
  CompiledModel compile() {
    return "json".equals(format) ? CompiledModel.fromJson(text) : CompiledModel.fromYaml(text);
  }

  /**
   * The types the stored events may hold: those recorded, else (an older record) its model's own.
   *
   * @param what what it is, for the message ({@code the cluster's model})
   * @throws StoreUnavailableException when it has no readable types and its model does not compile on this node: a
   *     model recorded in its place would lose the types the stored events may hold
   */
  StoredFieldTypes storedTypes(String what) {
    try {
      return recordedTypes.orElseGet(() -> StoredFieldTypes.of(compile().model()));
    } catch (InvalidModelException e) {
      throw unreadable(what, "it has no event field types this node can read and its model has errors here ("
          + e.getMessage() + ")", e);
    }
  }

  /**
   * A record this node cannot read, so it must not write over it: answered 503, and at a single node's start logged.
   *
   * @param what what it is ({@code the cluster's model})
   * @param why why it cannot be read
   */
  static StoreUnavailableException unreadable(String what, String why, Exception cause) {
    return new StoreUnavailableException(what + " cannot be read on this node: " + why + "; it is not written over (it"
        + " keeps the event field types the stored events may hold): upgrade this node, or delete the record (nats kv"
        + " del <the namespace's model bucket> <key>) to record models anew without them", cause);
  }

  /** The recorded types; empty when the record has none (written before they were kept) or they are unreadable. */
  private static Optional<StoredFieldTypes> types(JsonNode types, String what) {
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
