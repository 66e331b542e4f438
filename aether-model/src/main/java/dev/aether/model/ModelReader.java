package dev.aether.model;

import dev.aether.runtime.ModelError;
import dev.aether.support.Json;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Reads one model text, collecting every problem instead of stopping at the first: duplicate keys (which
 * Jackson would silently resolve to the last), unknown keys and values of the wrong shape (each skipped and
 * reported, so that reading goes on), then {@link Model#validate()}'s structural errors.
 *
 * <p>Implementation notes: the text is first read into a tree by an iterative builder (no recursion, so
 * nesting depth costs no stack; the parser's own nesting limit applies) that reports each repeated key; the
 * tree is then bound to {@link Model}; each unknown key or value of the wrong shape is reported at the path
 * Jackson gives, removed from the tree, and the binding retried (a model is small; one retry per problem).
 * The structural check then says nothing more about a removed value (no "must not be null" after "expected a
 * map"). Paths follow {@link ModelValidator}'s rule: a list element with a name is named
 * ({@code aggregates.Account}) unless an earlier element has the same name, else indexed
 * ({@code aggregates[2]}). Not thread-safe; used once.
 */
final class ModelReader {

  private static final int MAX_ATTEMPTS = 1000;

  private final ObjectMapper mapper;
  private final List<ModelError> errors = new ArrayList<>();
  private final List<List<Object>> duplicates = new ArrayList<>();
  /** Paths reported as unreadable: the structural checks say nothing more about what is under them. */
  private final List<String> unreadable = new ArrayList<>();
  private JsonNode tree;

  private ModelReader(ObjectMapper mapper) {
    this.mapper = mapper;
  }

  static ModelLoader.Reading read(ObjectMapper mapper, String text) {
    return new ModelReader(mapper).read(text);
  }

  private ModelLoader.Reading read(String text) {
    try (JsonParser parser = mapper.getFactory().createParser(text)) {
      tree = tree(parser);
    } catch (JsonProcessingException e) {
      errors.add(new ModelError(ModelError.PARSE_ERROR, "(document)", Json.problem(e)));
      return new ModelLoader.Reading(Optional.empty(), errors);
    } catch (IOException e) {
      throw new IllegalStateException("reading a string failed", e);
    }
    reportDuplicates();
    refuseNullDefaults();
    if (tree == null || tree.isNull()) {
      errors.add(new ModelError(ModelError.MISSING_VALUE, "(document)", "the document is empty"));
      return new ModelLoader.Reading(Optional.empty(), errors);
    }
    Optional<Model> model = bind();
    model.ifPresent(m -> m.validate().stream().filter(e -> !underUnreadable(e.path())).forEach(errors::add));
    return new ModelLoader.Reading(model, errors);
  }

  /**
   * Binds the tree to a model. An unknown key or a value of the wrong shape is reported at Jackson's path for
   * it, removed from the tree (a list element is replaced by {@code null}) and the binding tried again, so
   * that every such problem is reported, each once. Other failures end the reading.
   */
  private Optional<Model> bind() {
    ObjectReader reader = mapper.readerFor(Model.class);
    for (int attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        Model model = reader.readValue(tree);
        if (model == null && errors.isEmpty()) {
          errors.add(new ModelError(ModelError.MISSING_VALUE, "(document)", "the document is empty"));
        }
        return Optional.ofNullable(model);
      } catch (MismatchedInputException e) {
        List<Object> segments = segments(e);
        String path = path(segments);
        errors.add(new ModelError(ModelError.PARSE_ERROR, path, describe(e, segments)));
        unreadable.add(path);
        if (!drop(segments)) {
          return Optional.empty();
        }
      } catch (JsonMappingException e) {
        List<Object> segments = segments(e);
        errors.add(new ModelError(ModelError.PARSE_ERROR, path(segments), e.getOriginalMessage()));
        return Optional.empty();
      } catch (IOException e) {
        throw new IllegalStateException("reading a tree failed", e);
      }
    }
    errors.add(new ModelError(ModelError.PARSE_ERROR, "(document)", "more than " + MAX_ATTEMPTS
        + " unreadable values; stopped reading"));
    return Optional.empty();
  }

  private static List<Object> segments(JsonMappingException e) {
    List<Object> segments = new ArrayList<>();
    e.getPath().forEach(r -> segments.add(r.getFieldName() != null ? r.getFieldName() : r.getIndex()));
    return segments;
  }

  /** Removes the node at the path from the tree; {@code false} when that is not possible (the root). */
  private boolean drop(List<Object> segments) {
    if (segments.isEmpty()) {
      return false;
    }
    JsonNode parent = tree;
    for (Object segment : segments.subList(0, segments.size() - 1)) {
      parent = segment instanceof Integer i ? parent.get(i) : parent.get((String) segment);
      if (parent == null) {
        return false;
      }
    }
    Object last = segments.getLast();
    if (parent instanceof ObjectNode object && last instanceof String key && object.has(key)) {
      object.remove(key);
      return true;
    }
    if (parent instanceof ArrayNode array && last instanceof Integer i && i < array.size()
        && !array.get(i).isNull()) {
      array.set(i, NullNode.getInstance());
      return true;
    }
    return false;
  }

  private String describe(MismatchedInputException e, List<Object> segments) {
    if (e instanceof UnrecognizedPropertyException u) {
      Collection<Object> known = u.getKnownPropertyIds();
      return "unknown key " + u.getPropertyName() + (known == null || known.isEmpty() ? ""
          : " (known: " + String.join(", ", new TreeSet<>(known.stream().map(String::valueOf).toList())) + ")");
    }
    JsonNode node = at(segments);
    return e.getTargetType() == null || node == null ? e.getOriginalMessage()
        : "expected " + describe(mapper.constructType(e.getTargetType())) + ", found " + describe(node);
  }

  private JsonNode at(List<Object> segments) {
    JsonNode node = tree;
    for (Object segment : segments) {
      node = node == null ? null : segment instanceof Integer i ? node.get(i) : node.get((String) segment);
    }
    return node;
  }

  private boolean underUnreadable(String path) {
    return unreadable.stream().anyMatch(u -> path.equals(u) || path.startsWith(u + ".")
        || path.startsWith(u + "["));
  }

  /** One open container of the tree being built and the key or index it hangs from in its parent. */
  private record Frame(ContainerNode<?> node, Object segment) {}

  private JsonNode tree(JsonParser p) throws IOException {
    JsonToken token = p.nextToken();
    if (token == null) {
      return null;
    }
    Deque<Frame> open = new ArrayDeque<>();
    JsonNode root = null;
    String key = null;
    for (; token != null; token = open.isEmpty() ? null : p.nextToken()) {
      if (token == JsonToken.FIELD_NAME) {
        key = p.currentName();
        ObjectNode parent = (ObjectNode) open.peek().node();
        if (parent.has(key)) {
          duplicate(open, key);
        }
        continue;
      }
      if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
        open.pop();
        continue;
      }
      Object segment = open.isEmpty() ? null : open.peek().node() instanceof ArrayNode a ? a.size() : key;
      JsonNode node = switch (token) {
        case START_OBJECT -> JsonNodeFactory.instance.objectNode();
        case START_ARRAY -> JsonNodeFactory.instance.arrayNode();
        default -> scalar(p, token);
      };
      if (open.isEmpty()) {
        root = node;
      } else if (open.peek().node() instanceof ArrayNode array) {
        array.add(node);
      } else {
        ((ObjectNode) open.peek().node()).set(key, node);
      }
      if (node instanceof ContainerNode<?> container) {
        open.push(new Frame(container, segment));
      }
    }
    if (p.nextToken() != null) {
      throw new JsonParseExceptionAt(p, "trailing content after the model");
    }
    return root;
  }

  private static JsonNode scalar(JsonParser p, JsonToken token) throws IOException {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (token) {
      case VALUE_STRING -> f.textNode(p.getText());
      case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
        case INT -> f.numberNode(p.getIntValue());
        case LONG -> f.numberNode(p.getLongValue());
        default -> f.numberNode(p.getBigIntegerValue());
      };
      case VALUE_NUMBER_FLOAT -> f.numberNode(p.getDoubleValue());
      case VALUE_TRUE -> f.booleanNode(true);
      case VALUE_FALSE -> f.booleanNode(false);
      case VALUE_NULL -> f.nullNode();
      default -> f.pojoNode(p.getEmbeddedObject());
    };
  }

  private void duplicate(Deque<Frame> open, String key) {
    List<Object> segments = new ArrayList<>();
    open.descendingIterator().forEachRemaining(f -> {
      if (f.segment() != null) {
        segments.add(f.segment());
      }
    });
    segments.add(key);
    duplicates.add(segments);
  }

  /** The parse error of a document that holds more than one value. */
  private static final class JsonParseExceptionAt extends JsonProcessingException {
    JsonParseExceptionAt(JsonParser p, String message) {
      super(message, p.currentLocation());
    }
  }

  /**
   * Reports and removes each {@code default: null} of a command's or an event's field: bound, it would read as no
   * default at all and leave the field required, which is not what its author meant. Iterative, as {@link #tree}
   * is.
   */
  private void refuseNullDefaults() {
    record Visit(JsonNode node, List<Object> at) {}
    Deque<Visit> pending = new ArrayDeque<>();
    pending.push(new Visit(tree, List.of()));
    while (!pending.isEmpty()) {
      Visit visit = pending.pop();
      List<Object> at = visit.at();
      if (visit.node() instanceof ObjectNode object) {
        if (at.size() >= 4 && "fields".equals(at.get(at.size() - 2))
            && ("commands".equals(at.get(at.size() - 4)) || "events".equals(at.get(at.size() - 4)))
            && object.has("default") && object.get("default").isNull()) {
          errors.add(new ModelError(ModelError.INVALID_VALUE, path(append(at, "default")), "default: null is no"
              + " default (the field would stay required): leave it out, or declare the field optional: true"));
          object.remove("default");
        }
        List<Visit> children = new ArrayList<>();
        object.fields().forEachRemaining(e -> children.add(new Visit(e.getValue(), append(at, e.getKey()))));
        children.reversed().forEach(pending::push); // the document's order
      } else if (visit.node() instanceof ArrayNode array) {
        for (int i = array.size() - 1; i >= 0; i--) {
          pending.push(new Visit(array.get(i), append(at, i)));
        }
      }
    }
  }

  private static List<Object> append(List<Object> segments, Object next) {
    List<Object> longer = new ArrayList<>(segments.size() + 1);
    longer.addAll(segments);
    longer.add(next);
    return longer;
  }

  /** Formats path segments against the tree: named list elements by name (the first of a name), others by index. */
  private String path(List<Object> segments) {
    StringBuilder b = new StringBuilder();
    JsonNode node = tree;
    for (Object segment : segments) {
      if (segment instanceof Integer i) {
        String name = node == null ? null : uniqueName(node, i);
        b.append(name == null ? "[" + i + "]" : (b.isEmpty() ? "" : ".") + name);
        node = node == null ? null : node.get(i);
      } else {
        b.append(b.isEmpty() ? "" : ".").append(segment);
        node = node == null ? null : node.get((String) segment);
      }
    }
    return b.isEmpty() ? "(document)" : b.toString();
  }

  /** @return the element's name when it has one that no earlier element of the list has, else {@code null} */
  private static String uniqueName(JsonNode list, int index) {
    String name = nameOf(list.get(index));
    if (name == null) {
      return null;
    }
    for (int i = 0; i < index; i++) {
      if (name.equals(nameOf(list.get(i)))) {
        return null;
      }
    }
    return name;
  }

  private static String nameOf(JsonNode element) {
    JsonNode name = element == null ? null : element.get("name");
    return name != null && name.isTextual() && !name.asText().isBlank() ? name.asText() : null;
  }

  private static String describe(JavaType type) {
    Class<?> raw = type.getRawClass();
    if (type.isCollectionLikeType() || type.isArrayType()) {
      return "a list";
    } else if (type.isMapLikeType() || raw.isRecord()) {
      return "a map" + (raw.isRecord() ? " (" + raw.getSimpleName() + ")" : "");
    } else if (raw == String.class) {
      return "a string";
    } else if (raw == boolean.class || raw == Boolean.class) {
      return "true or false";
    } else if (Number.class.isAssignableFrom(raw) || raw.isPrimitive()) {
      return "a number";
    }
    return "a value of type " + raw.getSimpleName();
  }

  private static String describe(JsonNode node) {
    return switch (node.getNodeType()) {
      case ARRAY -> "a list";
      case OBJECT -> "a map";
      case STRING -> "a string (\"" + node.asText() + "\")";
      case NUMBER -> "a number (" + node.asText() + ")";
      case BOOLEAN -> "a boolean (" + node.asText() + ")";
      case NULL, MISSING -> "nothing";
      default -> "a value";
    };
  }

  /** Reports every repeated key once the tree is complete (paths need the names the tree holds). */
  private void reportDuplicates() {
    for (List<Object> segments : duplicates) {
      Object key = segments.getLast();
      errors.add(new ModelError(ModelError.DUPLICATE_NAME, path(segments), "the key " + key
          + " appears more than once in this map (only the last would count)"));
    }
  }
}
