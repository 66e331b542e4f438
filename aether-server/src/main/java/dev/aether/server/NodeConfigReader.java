package dev.aether.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.aether.cluster.ClusterConfig;
import dev.aether.config.ConfigKeys;
import dev.aether.nats.JetStreamConfig;
import dev.aether.runtime.RuntimeConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a {@link NodeConfig} from its three sources. Each value is kept with its source, so that an error says
 * where the bad value came from: the file's path, the environment variable, or {@code the command line (key)}.
 */
final class NodeConfigReader {

  private record Value(String text, String source) {}

  /** The keys whose value is a list: in a file, a YAML list or comma-separated text. */
  private static final Set<String> LIST_KEYS = Set.of(NodeConfig.CLUSTER_SETTING + "remember-actors",
      NodeConfig.HTTP_CORS_ORIGINS);

  /** A file's {@code cluster.enabled}: the key {@code cluster} written inside a {@code cluster:} map. */
  private static final String CLUSTER_ENABLED = NodeConfig.CLUSTER + ".enabled";

  private NodeConfigReader() {}

  static NodeConfig resolve(Optional<Path> file, Map<String, String> env, Map<String, String> flags,
      Map<String, String> flagNames) {
    Map<String, Value> values = new LinkedHashMap<>();
    file.ifPresent(path -> readFile(path).forEach((k, v) -> values.put(k, new Value(v, path.toString()))));
    EnvironmentKeys.keysByVariable().forEach((name, key) -> {
      String value = env.get(name);
      if (value != null) {
        values.put(key, new Value(value, name));
      }
    });
    flags.forEach((key, value) -> {
      String source = flagNames.getOrDefault(key, "the command line (" + key + ")");
      if (!known(key)) {
        throw new InvalidConfigException(key, "unknown key", source);
      }
      values.put(key, new Value(value, source));
    });
    return build(values);
  }

  private static NodeConfig build(Map<String, Value> values) {
    NodeConfig.Builder builder = NodeConfig.builder();
    values.forEach((key, value) -> apply(builder.source(key, value.source()), key, value));
    checkNats(values);
    checkPassedThrough(values, NodeConfig.RUNTIME, RuntimeConfig::fromMap);
    checkPassedThrough(values, NodeConfig.CLUSTER_SETTING,
        settings -> ClusterConfig.fromMap(JetStreamConfig.builder().build(), settings));
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      String named = e.getMessage().substring(0, Math.max(e.getMessage().indexOf(':'), 0));
      String key = NodeConfig.KEYS.contains(named) ? named : NodeConfig.STORE;
      List<String> keys = e instanceof NodeConfig.RuleBroken rule ? rule.keys() : List.of(key);
      String problem = e.getMessage().substring(e.getMessage().indexOf(':') + 1).strip();
      throw new InvalidConfigException(key, problem, sources(values, keys));
    }
  }

  /**
   * Where the values of a rule's keys came from: each given key's source, in the rule's order ({@code
   * AETHER_CLUSTER_DEAD_AFTER}, {@code --store and AETHER_CLUSTER}); {@code default} when none was given.
   */
  private static String sources(Map<String, Value> values, List<String> keys) {
    List<String> given = keys.stream().filter(values::containsKey).map(k -> values.get(k).source()).distinct()
        .toList();
    return given.isEmpty() ? "default" : String.join(" and ", given);
  }

  private static void apply(NodeConfig.Builder b, String key, Value value) {
    String text = value.text().strip();
    try {
      switch (key) {
        case NodeConfig.MODEL -> b.model(existingFile(nonEmpty(text)));
        case NodeConfig.FORCE_MODEL -> b.forceModel(ConfigKeys.parseBoolean(text));
        case NodeConfig.NATS_URL -> b.natsUrl(nonEmpty(text));
        case NodeConfig.NATS_USER, NodeConfig.NATS_PASSWORD, NodeConfig.NATS_TOKEN, NodeConfig.NATS_CREDS_FILE,
            NodeConfig.NATS_TLS, NodeConfig.NATS_REPLICAS -> b.natsSetting(key, nonEmpty(text));
        case NodeConfig.STORE -> b.store(store(text));
        case NodeConfig.HTTP_HOST -> b.httpHost(text);
        case NodeConfig.HTTP_PORT -> b.httpPort(port(text));
        case NodeConfig.NAMESPACE -> b.namespace(text);
        case NodeConfig.NODE_ID -> b.nodeId(text);
        case NodeConfig.DATA_DIR -> b.dataDir(Path.of(nonEmpty(text)));
        case NodeConfig.AUTH_TOKEN -> b.authToken(value.text());
        case NodeConfig.HTTP_MAX_BODY_BYTES -> b.maxBodyBytes(ConfigKeys.parseInt(text));
        case NodeConfig.HTTP_CORS_ORIGINS -> b.corsOrigins(ConfigKeys.parseList(text));
        case NodeConfig.HTTP_DRAIN_PERIOD -> b.drainPeriod(ConfigKeys.parseDuration(text));
        case NodeConfig.COMMAND_TIMEOUT -> b.commandTimeout(ConfigKeys.parseDuration(text));
        case NodeConfig.CLUSTER -> b.cluster(ConfigKeys.parseBoolean(text));
        default -> {
          if (key.startsWith(NodeConfig.RUNTIME)) {
            b.runtimeSetting(key.substring(NodeConfig.RUNTIME.length()), text);
          } else {
            b.clusterSetting(key.substring(NodeConfig.CLUSTER_SETTING.length()), text);
          }
        }
      }
    } catch (IllegalArgumentException e) {
      String shown = key.equals(NodeConfig.AUTH_TOKEN) || key.equals(NodeConfig.NATS_PASSWORD)
          || key.equals(NodeConfig.NATS_TOKEN) ? "" : "\"" + value.text() + "\": ";
      throw new InvalidConfigException(key, shown + e.getMessage(), value.source());
    }
  }

  /** The namespace and the NATS settings are checked by aether-nats' own rules ({@code JetStreamConfig}). */
  private static void checkNats(Map<String, Value> values) {
    Map<String, String> settings = new LinkedHashMap<>();
    List<String> keys = new ArrayList<>(NodeConfig.NATS_SETTINGS);
    keys.add(NodeConfig.NAMESPACE);
    for (String key : keys) {
      Value value = values.get(key);
      if (value != null) {
        settings.put(natsKey(key), value.text().strip());
      }
    }
    try {
      JetStreamConfig.fromMap(settings);
    } catch (dev.aether.InvalidInputException e) {
      throw refusal(e, values, e.field().startsWith("aether.nats.") ? ourKey(e.field()) : NodeConfig.NAMESPACE);
    }
  }

  /** A module's key in a message: {@code aether.nats.user} is our {@code nats.user}, {@code aether.runtime.x} ours. */
  private static final Pattern MODULE_KEY = Pattern.compile(
      "aether\\.(nats|runtime|cluster)\\.[a-z0-9-]+");

  /**
   * A module's refusal of a setting as ours: the keys its message names are our keys, and the source is that of
   * every key it names that was given (a rule between two keys broken by the one given names where that came from,
   * not the other's "default").
   */
  private static InvalidConfigException refusal(dev.aether.InvalidInputException e, Map<String, Value> values,
      String key) {
    String problem = e.getMessage().startsWith(e.field() + ": ")
        ? e.getMessage().substring(e.field().length() + 2) : e.getMessage();
    List<String> named = new ArrayList<>(List.of(key));
    Matcher keys = MODULE_KEY.matcher(problem);
    StringBuilder ours = new StringBuilder();
    while (keys.find()) {
      String our = keys.group().startsWith("aether.nats.") ? ourKey(keys.group())
          : keys.group().substring("aether.".length());
      named.add(our);
      keys.appendReplacement(ours, Matcher.quoteReplacement(our));
    }
    keys.appendTail(ours);
    return new InvalidConfigException(key, ours.toString(), sources(values, named));
  }

  /**
   * The runtime's and the cluster's settings ({@code runtime.<name>}, {@code cluster.<name>}) are checked by
   * their modules' own rules ({@code RuntimeConfig}, {@code ClusterConfig}); a refusal names our key and its
   * source.
   */
  private static void checkPassedThrough(Map<String, Value> values, String prefix,
      Consumer<Map<String, String>> check) {
    Map<String, String> settings = new LinkedHashMap<>();
    values.forEach((key, value) -> {
      if (key.startsWith(prefix)) {
        settings.put("aether." + key, value.text().strip());
      }
    });
    try {
      check.accept(settings);
    } catch (dev.aether.InvalidInputException e) {
      throw refusal(e, values, e.field().startsWith("aether.") ? e.field().substring("aether.".length()) : e.field());
    }
  }

  private static String natsKey(String key) {
    return key.equals(NodeConfig.NAMESPACE) ? "aether.nats.namespace" : "aether." + key;
  }

  private static String ourKey(String natsKey) {
    String name = natsKey.substring("aether.nats.".length());
    return name.equals("namespace") ? NodeConfig.NAMESPACE : "nats." + name;
  }

  private static String nonEmpty(String text) {
    if (text.isEmpty()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return text;
  }

  private static Path existingFile(String text) {
    Path file = Path.of(text);
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(Files.isDirectory(file) ? "is a directory, not a model file" : "no such file");
    }
    return file;
  }

  private static StoreKind store(String text) {
    return switch (text.toLowerCase(Locale.ROOT)) {
      case "nats" -> StoreKind.NATS;
      case "memory" -> StoreKind.MEMORY;
      default -> throw new IllegalArgumentException("is not a store (nats or memory)");
    };
  }

  private static int port(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("is not a port (0..65535; 0 = a free port)");
    }
  }

  /** Reads the YAML file into dotted keys; unknown keys and non-scalar leaves are errors. */
  private static Map<String, String> readFile(Path path) {
    JsonNode root;
    try {
      root = new ObjectMapper(YAMLFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build())
          .readTree(Files.readString(path));
    } catch (NoSuchFileException e) {
      throw new InvalidConfigException("config", "no such file: " + path, "--config");
    } catch (JsonProcessingException e) { // a YAML error or a key given twice: what and where
      throw new InvalidConfigException("config", "cannot read " + path + ": " + dev.aether.support.Json.problem(e),
          "--config");
    } catch (IOException e) {
      throw new InvalidConfigException("config", "cannot read " + path + ": " + firstLine(e.getMessage()),
          "--config");
    }
    Map<String, String> out = new LinkedHashMap<>();
    if (root == null || root.isMissingNode() || root.isNull()) {
      return out;
    }
    if (!root.isObject()) {
      throw new InvalidConfigException("config", "the file must hold a map of keys", path.toString());
    }
    flatten("", root, out, path);
    return out;
  }

  private static void flatten(String prefix, JsonNode node, Map<String, String> out, Path path) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
      if (key.equals(CLUSTER_ENABLED)) {
        key = NodeConfig.CLUSTER; // cluster: {enabled: true, dead-after: 3s}, as "cluster: true" cannot sit beside it
      }
      if (e.getValue().isObject()) {
        flatten(key, e.getValue(), out, path);
      } else if (!known(key)) {
        throw new InvalidConfigException(key, "unknown key (known: " + String.join(", ", NodeConfig.KEYS)
            + ", runtime.<name>, cluster.<name>)", path.toString());
      } else if (out.containsKey(key)) {
        throw new InvalidConfigException(key, "given twice (as a dotted key and inside a map)", path.toString());
      } else if (e.getValue().isArray() && LIST_KEYS.contains(key)) {
        out.put(key, list(key, e.getValue(), path));
      } else if (e.getValue().isContainerNode() || e.getValue().isNull()) {
        throw new InvalidConfigException(key, "must be a single value", path.toString());
      } else {
        out.put(key, e.getValue().asText());
      }
    }
  }

  private static boolean known(String key) {
    return NodeConfig.KEYS.contains(key) || key.startsWith(NodeConfig.RUNTIME)
        || key.startsWith(NodeConfig.CLUSTER_SETTING);
  }

  /** A list key's YAML list as the comma-separated text the key also takes ({@code [Account, Order]}). */
  private static String list(String key, JsonNode array, Path path) {
    List<String> items = new ArrayList<>();
    for (JsonNode item : array) {
      if (!item.isValueNode() || item.isNull() || item.asText().contains(",")) {
        throw new InvalidConfigException(key, "each item of the list must be a single value without a comma",
            path.toString());
      }
      items.add(item.asText());
    }
    return String.join(",", items);
  }

  private static String firstLine(String message) {
    return message == null ? "" : message.lines().findFirst().orElse("");
  }
}
