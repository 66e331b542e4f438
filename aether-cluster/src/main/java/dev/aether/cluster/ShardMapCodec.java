package dev.aether.cluster;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.JsonEOFException;
import dev.aether.InvalidInputException;
import dev.aether.cluster.ShardMapFormatException.Problem;
import dev.aether.support.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * The JSON form of a {@link ShardMap} (format 1), written and read with Jackson's streaming API. The reader is
 * strict: {@code format} first, every field exactly once, no other field, no trailing content, every value
 * checked (see {@link ShardMapFormatException.Problem}); a map it accepts is a valid map. Stateless.
 */
final class ShardMapCodec {

  private static final String FORMAT = "format";
  private static final String EPOCH = "epoch";
  private static final String SHARDS = "shards";
  private static final String VIRTUAL_NODES = "virtualNodes";
  private static final String LOAD_CAP = "loadCapPercent";
  private static final String NODES = "nodes";
  private static final String OWNERS = "owners";
  private static final Set<String> FIELDS = Set.of(EPOCH, SHARDS, VIRTUAL_NODES, LOAD_CAP, NODES, OWNERS);

  private ShardMapCodec() {}

  static byte[] encode(ShardMap map) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 3 * map.shards().count());
    try (JsonGenerator json = Json.factory().createGenerator(out)) {
      json.writeStartObject();
      json.writeNumberField(FORMAT, ShardMap.FORMAT);
      json.writeNumberField(EPOCH, map.epoch());
      json.writeNumberField(SHARDS, map.shards().count());
      json.writeNumberField(VIRTUAL_NODES, map.placement().virtualNodes());
      json.writeNumberField(LOAD_CAP, map.placement().loadCapPercent());
      json.writeArrayFieldStart(NODES);
      for (String node : map.nodesArray()) {
        json.writeString(node);
      }
      json.writeEndArray();
      json.writeArrayFieldStart(OWNERS);
      for (int owner : map.ownersArray()) {
        json.writeNumber(owner);
      }
      json.writeEndArray();
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  static ShardMap decode(byte[] bytes) {
    if (bytes.length > ShardMap.MAX_ENCODED_BYTES) {
      throw fault(Problem.TOO_LARGE, "$", bytes.length + " bytes, at most " + ShardMap.MAX_ENCODED_BYTES);
    }
    try (JsonParser json = Json.factory().createParser(bytes)) {
      Fields fields = read(json);
      if (json.nextToken() != null) {
        throw fault(Problem.MALFORMED, "$", "content after the object");
      }
      return fields.toMap();
    } catch (JsonEOFException e) {
      throw new ShardMapFormatException(Problem.MALFORMED, "$", "truncated: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ShardMapFormatException(Problem.MALFORMED, "$", "not JSON: " + e.getMessage(), e);
    }
  }

  private static Fields read(JsonParser json) throws IOException {
    if (json.nextToken() != JsonToken.START_OBJECT) {
      throw fault(Problem.MALFORMED, "$", "must be a JSON object");
    }
    if (json.nextToken() != JsonToken.FIELD_NAME || !FORMAT.equals(json.currentName())) {
      throw fault(Problem.UNSUPPORTED_FORMAT, FORMAT, "must be the first field");
    }
    long format = number(json, FORMAT);
    if (format != ShardMap.FORMAT) {
      throw fault(Problem.UNSUPPORTED_FORMAT, FORMAT,
          "this version reads format " + ShardMap.FORMAT + ", was " + format);
    }
    Fields fields = new Fields();
    Set<String> seen = new HashSet<>();
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String name = json.currentName();
      if (!FIELDS.contains(name)) {
        throw fault(name.equals(FORMAT) ? Problem.DUPLICATE_FIELD : Problem.UNKNOWN_FIELD, name, "not expected");
      }
      if (!seen.add(name)) {
        throw fault(Problem.DUPLICATE_FIELD, name, "given twice");
      }
      fields.read(name, json);
    }
    if (json.currentToken() != JsonToken.END_OBJECT) {
      throw fault(Problem.MALFORMED, "$", "expected a field or the end of the object");
    }
    for (String name : FIELDS) {
      if (!seen.contains(name)) {
        throw fault(Problem.MISSING_FIELD, name, "required");
      }
    }
    return fields;
  }

  /** Reads an integral number that fits a long. */
  private static long number(JsonParser json, String field) throws IOException {
    if (json.nextToken() != JsonToken.VALUE_NUMBER_INT) {
      throw fault(Problem.MALFORMED, field, "must be an integer, was " + json.currentToken());
    }
    JsonParser.NumberType type = json.getNumberType();
    if (type != JsonParser.NumberType.INT && type != JsonParser.NumberType.LONG) {
      throw fault(Problem.INVALID_VALUE, field, "out of range: " + json.getText());
    }
    return json.getLongValue();
  }

  private static int intIn(long value, long min, long max, String field) {
    if (value < min || value > max) {
      throw fault(Problem.INVALID_VALUE, field, "must be in " + min + ".." + max + ", was " + value);
    }
    return (int) value;
  }

  static ShardMapFormatException fault(Problem problem, String field, String detail) {
    return new ShardMapFormatException(problem, field, detail, null);
  }

  /** The values read so far. */
  private static final class Fields {

    private long epoch;
    private int shards;
    private int virtualNodes;
    private int loadCapPercent;
    private String[] nodes;
    private int[] owners;

    void read(String name, JsonParser json) throws IOException {
      switch (name) {
        case EPOCH -> epoch = notNegativeEpoch(number(json, EPOCH));
        case SHARDS -> shards = intIn(number(json, SHARDS), 1, Shards.MAX_COUNT, SHARDS);
        case VIRTUAL_NODES -> virtualNodes = intIn(number(json, VIRTUAL_NODES), 1, Integer.MAX_VALUE, VIRTUAL_NODES);
        case LOAD_CAP -> loadCapPercent = intIn(number(json, LOAD_CAP), 1, Integer.MAX_VALUE, LOAD_CAP);
        case NODES -> nodes = readNodes(json);
        default -> owners = readOwners(json);
      }
    }

    private static long notNegativeEpoch(long epoch) {
      if (epoch < 0) {
        throw fault(Problem.INVALID_VALUE, EPOCH, "must be >= 0, was " + epoch);
      }
      return epoch;
    }

    private static String[] readNodes(JsonParser json) throws IOException {
      startArray(json, NODES);
      String[] nodes = new String[8];
      int n = 0;
      for (JsonToken token = json.nextToken(); token != JsonToken.END_ARRAY; token = json.nextToken()) {
        String field = NODES + "[" + n + "]";
        if (token != JsonToken.VALUE_STRING) {
          throw fault(Problem.MALFORMED, field, "must be a string, was " + token);
        }
        String node = json.getText();
        try {
          NodeIds.check(node, field);
        } catch (InvalidInputException e) {
          throw new ShardMapFormatException(Problem.INVALID_VALUE, field, e.getMessage(), e);
        }
        if (n > 0 && nodes[n - 1].compareTo(node) >= 0) {
          throw fault(Problem.INVALID_VALUE, field, "nodes must be sorted and distinct, \"" + node
              + "\" follows \"" + nodes[n - 1] + "\"");
        }
        nodes = n == nodes.length ? Arrays.copyOf(nodes, 2 * n) : nodes;
        nodes[n++] = node;
      }
      return Arrays.copyOf(nodes, n);
    }

    private static int[] readOwners(JsonParser json) throws IOException {
      startArray(json, OWNERS);
      int[] owners = new int[1024];
      int n = 0;
      for (JsonToken token = json.nextToken(); token != JsonToken.END_ARRAY; token = json.nextToken()) {
        String field = OWNERS + "[" + n + "]";
        if (token != JsonToken.VALUE_NUMBER_INT || json.getNumberType() != JsonParser.NumberType.INT) {
          throw fault(Problem.MALFORMED, field, "must be a node index, was " + json.getText());
        }
        owners = n == owners.length ? Arrays.copyOf(owners, 2 * n) : owners;
        owners[n++] = json.getIntValue();
      }
      return Arrays.copyOf(owners, n);
    }

    private static void startArray(JsonParser json, String field) throws IOException {
      if (json.nextToken() != JsonToken.START_ARRAY) {
        throw fault(Problem.MALFORMED, field, "must be an array, was " + json.currentToken());
      }
    }

    ShardMap toMap() {
      PlacementConfig placement;
      Shards checkedShards;
      try {
        checkedShards = new Shards(shards);
      } catch (InvalidInputException e) {
        throw new ShardMapFormatException(Problem.INVALID_VALUE, SHARDS, e.getMessage(), e);
      }
      try {
        placement = PlacementConfig.builder().virtualNodes(virtualNodes).loadCapPercent(loadCapPercent).build();
      } catch (InvalidInputException e) {
        throw new ShardMapFormatException(Problem.INVALID_VALUE,
            e.field().equals("virtualNodes") ? VIRTUAL_NODES : LOAD_CAP, e.getMessage(), e);
      }
      if (owners.length != shards) {
        throw fault(Problem.INCONSISTENT, OWNERS,
            "must hold one owner per shard (" + shards + "), holds " + owners.length);
      }
      for (int s = 0; s < owners.length; s++) {
        if (owners[s] < ShardMap.NONE || owners[s] >= nodes.length) {
          throw fault(Problem.INCONSISTENT, OWNERS + "[" + s + "]",
              "must be -1 or an index into nodes (0.." + (nodes.length - 1) + "), was " + owners[s]);
        }
      }
      return new ShardMap(checkedShards, placement, epoch, nodes, owners);
    }
  }
}
