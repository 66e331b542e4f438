package dev.aether.server;

import dev.aether.cluster.ClusterConfig;
import dev.aether.runtime.RuntimeConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The node's environment variables: one per configuration key, the runtime's and the cluster's settings
 * included ({@code runtime.idle-timeout} is {@code AETHER_RUNTIME_IDLE_TIMEOUT}), and what to say of an
 * {@code AETHER_*} variable that is none of them (a misspelt key would otherwise be ignored without a word).
 */
final class EnvironmentKeys {

  /** {@code AETHER_*} variables read by Aether's other tools (the CLI, the scripts, the test kit), not by a node. */
  private static final Set<String> OTHER_TOOLS = Set.of("AETHER_URL", "AETHER_TOKEN", "AETHER_NATS_SERVER",
      "AETHER_NATS_SERVER_NEW", "AETHER_JAVA_OPTS", "AETHER_BENCH_JAVA_OPTS", "AETHER_ROOT", "AETHER_MIN_JAVA",
      "AETHER_DEMO_MAIN", "AETHER_REPLICATION_MIN_VERSION");

  /** Every key by its variable's name, in the documented order, then the runtime's and the cluster's. */
  private static final Map<String, String> KEYS_BY_VARIABLE = build();

  private EnvironmentKeys() {}

  /** @return every key a variable can set, by the variable's name, in the documented order */
  static Map<String, String> keysByVariable() {
    return KEYS_BY_VARIABLE;
  }

  private static Map<String, String> build() {
    Map<String, String> keys = new LinkedHashMap<>();
    NodeConfig.KEYS.forEach(key -> keys.put(NodeConfig.envName(key), key));
    new TreeSet<>(RuntimeConfig.KEY_NAMES).forEach(name -> {
      String key = NodeConfig.RUNTIME + name;
      keys.put(NodeConfig.envName(key), key);
    });
    new TreeSet<>(ClusterConfig.KEY_NAMES).stream().filter(name -> !name.equals("node-id")).forEach(name -> {
      String key = NodeConfig.CLUSTER_SETTING + name; // the node's id is node.id's (AETHER_NODE_ID)
      keys.put(NodeConfig.envName(key), key);
    });
    return java.util.Collections.unmodifiableMap(keys);
  }

  /**
   * What a node ignores of an environment: each {@code AETHER_*} variable that sets no key and is not another
   * tool's, with the variable it was probably meant to be.
   */
  static List<String> ignored(Map<String, String> env) {
    List<String> warnings = new ArrayList<>();
    for (String name : new TreeSet<>(env.keySet())) {
      if (!name.startsWith("AETHER_") || KEYS_BY_VARIABLE.containsKey(name) || OTHER_TOOLS.contains(name)) {
        continue;
      }
      String nearest = nearest(name);
      warnings.add(name + " is not a setting and is ignored"
          + (nearest == null ? "" : " (did you mean " + nearest + "?)"));
    }
    return warnings;
  }

  /** The variable closest to {@code name}, at most two edits away (the first in sorted order on a tie). */
  private static String nearest(String name) {
    String best = null;
    int bestDistance = 3;
    for (String candidate : new TreeSet<>(KEYS_BY_VARIABLE.keySet())) {
      int distance = distance(name, candidate, bestDistance);
      if (distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best;
  }

  /** Levenshtein distance, or {@code limit} once it cannot be below it. */
  private static int distance(String a, String b, int limit) {
    if (Math.abs(a.length() - b.length()) >= limit) {
      return limit;
    }
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      int rowMin = current[0];
      for (int j = 1; j <= b.length(); j++) {
        int substitute = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitute, Math.min(previous[j], current[j - 1]) + 1);
        rowMin = Math.min(rowMin, current[j]);
      }
      if (rowMin >= limit) {
        return limit;
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return Math.min(previous[b.length()], limit);
  }
}
