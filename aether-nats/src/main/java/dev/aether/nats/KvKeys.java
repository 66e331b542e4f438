package dev.aether.nats;

import dev.aether.support.Checks;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;
import java.time.Duration;
import java.util.List;

/**
 * Lists the keys of a JetStream KV bucket without a consumer: the subjects its stream holds messages on, from
 * the stream's leader ({@code STREAM.INFO} with a subject filter, paged by the client). jnats' own
 * {@code KeyValue.keys()} reads through an ephemeral consumer that the server may place on any replica, also on
 * a server that is down: on a 3-server cluster with one server killed, half of those listings and of
 * {@code watch} starts timed out, for as long as the server stayed down (measured for 110 s on nats-server
 * 2.10.27; 2 of 20 on 2.15.1), while reads and writes of single keys worked.
 *
 * <p>A key that was deleted or purged is listed too (its marker is a message on its subject): a caller that
 * needs only live keys reads each one ({@code KeyValue.get} answers null for a deleted key). Stateless and
 * thread-safe.
 */
public final class KvKeys {

  /** How long a listing that got no answer is tried again: a new stream leader's election (up to ~8 s). */
  private static final ReadRetry RETRY = new ReadRetry(Duration.ofSeconds(10));

  private KvKeys() {}

  /**
   * The keys of a bucket that match a filter, sorted, deleted ones included. Tried again while the server does
   * not answer, for 10 s after the first attempt (each attempt waits {@code jsm}'s request timeout).
   *
   * @param jsm the connection's JetStream management
   * @param bucket the bucket's name
   * @param filter a KV key filter ({@code >} for every key, {@code rm.row.>}, {@code node.*})
   * @return the keys
   * @throws dev.aether.InvalidInputException naming {@code jsm}, {@code bucket} or {@code filter} when null or
   *     blank
   * @throws dev.aether.store.StoreUnavailableException when no answer came in time, or the connection is closed
   * @throws JetStreamStoreException when the server refuses (the bucket does not exist, say)
   */
  public static List<String> list(JetStreamManagement jsm, String bucket, String filter) {
    Checks.notNull(jsm, "jsm");
    Checks.notBlank(bucket, "bucket");
    Checks.notBlank(filter, "filter");
    String prefix = "$KV." + bucket + ".";
    return RETRY.run("listing the keys " + filter + " of bucket " + bucket, () -> {
      try {
        List<Subject> subjects = jsm.getStreamInfo("KV_" + bucket, StreamInfoOptions.filterSubjects(prefix + filter))
            .getStreamState().getSubjects();
        return subjects == null ? List.<String>of()
            : subjects.stream().map(s -> s.getName().substring(prefix.length())).sorted().toList();
      } catch (Exception e) {
        throw NatsFailures.ofRequest("listing the keys " + filter + " of bucket " + bucket, e);
      }
    });
  }
}
