package dev.aether.cluster;

import dev.aether.nats.JetStreamConfig;

/**
 * The NATS names of one namespace's cluster (documented in the module README and {@link ClusterConfig}):
 * KV buckets, their keys, and the subjects nodes and clients use. Immutable.
 */
record ClusterNames(String clusterBucket, String leaseBucket, String rememberBucket, String subjectStem) {

  static final String MAP_KEY = "map";
  static final String LEADER_KEY = "leader";
  static final String NODE_KEY_PREFIX = "node.";
  /** The queue group of the nodes' {@link #anyNodeCommands()} and {@link #anyNodeStates()} subscriptions. */
  static final String NODE_QUEUE = "aether-nodes";

  static ClusterNames of(JetStreamConfig store) {
    String ns = store.namespaceToken();
    String prefix = store.subjectPrefix();
    return new ClusterNames(prefix + "_" + ns + "_CLUSTER", prefix + "_" + ns + "_LEASES",
        prefix + "_" + ns + "_REMEMBER", prefix + "." + ns);
  }

  static String nodeKey(String nodeId) {
    return NODE_KEY_PREFIX + nodeId;
  }

  /** Commands routed to one node by the map (requests carry the {@link Wire} headers). */
  String nodeCommands(String nodeId) {
    return subjectStem + ".node." + nodeId + ".cmd";
  }

  /** Control requests to one node (warm-up, hot set). */
  String nodeControl(String nodeId) {
    return subjectStem + ".node." + nodeId + ".ctl";
  }

  /** Commands any node takes and forwards to the owner: for clients in any language. */
  String anyNodeCommands() {
    return subjectStem + ".cmd";
  }

  /**
   * State reads any node answers (through the actor's owner, or from the store when no owner answers): for thin
   * clients and clients in any language.
   */
  String anyNodeStates() {
    return subjectStem + ".state";
  }

  /**
   * Suspicions from senders that are not nodes (a thin client met "no responders" on a node's subject): the
   * body is the suspected node's id; one node of the queue group probes it.
   */
  String suspect() {
    return subjectStem + ".cluster.suspect";
  }

  /** The status endpoint, answered by any node. */
  String status() {
    return subjectStem + ".cluster.status";
  }
}
