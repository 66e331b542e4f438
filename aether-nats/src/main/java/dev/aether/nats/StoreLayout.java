package dev.aether.nats;

import dev.aether.support.StreamHash;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a namespace's events and snapshots live: stream, subject, bucket and key names (DESIGN section 4).
 *
 * <pre>
 *   subject  &lt;prefix&gt;.&lt;ns&gt;.events.&lt;p&gt;.&lt;actorToken&gt;
 *   stream   &lt;prefix&gt;_&lt;ns&gt;_EVENTS_&lt;p&gt;   covering &lt;prefix&gt;.&lt;ns&gt;.events.&lt;p&gt;.&gt;
 *   bucket   &lt;prefix&gt;_&lt;ns&gt;_SNAPSHOTS     key = actorToken
 * </pre>
 *
 * <p>{@code <ns>} is the namespace with {@code _} written as {@code __} and {@code .} as {@code _d}: one
 * subject token and a stream-name fragment, injective ({@code "a.b"} and {@code "a_b"} never meet). The
 * prefix has no {@code _}, so stream names of different prefixes and namespaces never collide either.
 * {@code <p>} is the FNV-1a (32-bit) hash of the stream id's UTF-8 bytes, unsigned, modulo the partition
 * count ({@link StreamHash}): stable across JVMs and languages, and the cluster's shard hash. Immutable and
 * thread-safe.
 */
final class StoreLayout {

  private static final Pattern DESCRIPTION_PARTITIONS = Pattern.compile("partition \\d+ of (\\d+)");

  private final String namespace;
  private final String subjectPrefix;
  private final String namespaceToken;
  private final int partitions;
  private final String[] streamNames;
  private final String[] subjectStems;

  StoreLayout(String subjectPrefix, String namespace, int partitions) {
    this.namespace = namespace;
    this.subjectPrefix = subjectPrefix;
    this.namespaceToken = namespaceToken(namespace);
    this.partitions = partitions;
    this.streamNames = new String[partitions];
    this.subjectStems = new String[partitions];
    for (int p = 0; p < partitions; p++) {
      streamNames[p] = subjectPrefix + "_" + namespaceToken + "_EVENTS_" + p;
      subjectStems[p] = subjectPrefix + "." + namespaceToken + ".events." + p + ".";
    }
  }

  static StoreLayout of(JetStreamConfig config) {
    return new StoreLayout(config.subjectPrefix(), config.namespace(), config.partitions());
  }

  /** Escapes a valid namespace into one subject token and stream-name fragment. */
  static String namespaceToken(String namespace) {
    StringBuilder token = new StringBuilder(namespace.length() + 8);
    for (int i = 0; i < namespace.length(); i++) {
      char c = namespace.charAt(i);
      switch (c) {
        case '_' -> token.append("__");
        case '.' -> token.append("_d");
        default -> token.append(c);
      }
    }
    return token.toString();
  }

  /**
   * The stable partition of a stream id: {@link StreamHash#bucket} (FNV-1a over its UTF-8 bytes, unsigned,
   * modulo {@code count}), the same hash the cluster uses for shards.
   */
  static int partition(String streamId, int count) {
    return count == 1 ? 0 : StreamHash.bucket(streamId, count);
  }

  /**
   * Places one actor.
   *
   * @param streamId a valid stream id
   * @return its token, partition stream and subject
   */
  ActorAddress address(String streamId) {
    String token = ActorTokens.encode(streamId);
    int p = partition(streamId, partitions);
    return new ActorAddress(streamId, token, streamNames[p], subjectStems[p] + token);
  }

  int partitions() {
    return partitions;
  }

  String namespace() {
    return namespace;
  }

  String streamName(int partition) {
    return streamNames[partition];
  }

  String streamSubject(int partition) {
    return subjectStems[partition] + ">";
  }

  String bucketName() {
    return subjectPrefix + "_" + namespaceToken + "_SNAPSHOTS";
  }

  /** The description written on each event stream; it records the partition count. */
  String description(int partition) {
    return "Aether events of namespace " + namespace + ": partition " + partition + " of " + partitions;
  }

  /** The partition count recorded in a stream description, when it has one. */
  static OptionalInt describedPartitions(String description) {
    if (description == null) {
      return OptionalInt.empty();
    }
    Matcher m = DESCRIPTION_PARTITIONS.matcher(description);
    return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
  }

  /**
   * Where one actor's events live.
   *
   * @param streamId the stream (one actor's history)
   * @param token its subject token and snapshot key
   * @param stream its partition stream
   * @param subject its subject
   */
  record ActorAddress(String streamId, String token, String stream, String subject) {}
}
