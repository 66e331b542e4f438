package dev.aether.nats;

import dev.aether.store.StoreUnavailableException;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.KeyValueOptions;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.DiscardPolicy;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.RetentionPolicy;
import io.nats.client.api.ServerInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the server ({@link ServerRequirements}), creates the namespace's partition streams and snapshot
 * bucket when they are missing, reuses them when they exist, and refuses them through
 * {@link StreamRequirements} when they are weaker than or incompatible with the configuration. Nothing
 * existing is ever changed. A stream or bucket with more than one replica, to be created or existing, is
 * refused on a server before {@link ServerVersion#REPLICATION_FIX}.
 *
 * <p>After creating a stream it reads the stream's info again: the server's echo is what is checked, and
 * reading it refreshes the NATS client's JVM-wide cache of the stream's direct-get flag. A server of a cluster
 * may answer "not found" for a moment right after the creation (it has not applied it yet): that read is tried
 * again, as one without an answer is.
 *
 * <p>Settings that only weaken the store are logged as one WARN each, once per process for each stream,
 * setting and value (not again when another store opens the same stream).
 *
 * <p>Not thread-safe; used once, while a store is created. The set of settings already warned about is a
 * concurrent set shared by all stores.
 */
final class StreamProvisioner {

  private static final Logger LOG = LoggerFactory.getLogger(StreamProvisioner.class);
  private static final int MAX_WARNED = 10_000;
  private static final Set<StreamRequirements.Warning> WARNED =
      Collections.newSetFromMap(BoundedMaps.create(MAX_WARNED));

  private final Connection connection;
  private final JetStreamManagement jsm;
  private final KeyValueManagement kvm;
  private final JetStreamConfig config;
  private final StoreLayout layout;
  /**
   * How long at least a read of a stream's or bucket's state at the store's open is tried again: a store opened
   * the moment a server of a replicated cluster died waits for the streams it led to elect new leaders (~8 s
   * measured; more than 10 s once on a loaded 2-core machine, nats-server 2.10.27), rather than fail to start.
   */
  static final Duration SETUP_BUDGET = Duration.ofSeconds(30);

  /**
   * Reads of a stream's or bucket's state are tried again while they get no answer (its leader's server died:
   * another is being elected), each attempt waiting {@link ReadRetry#attemptOptions}'s timeout, for
   * {@link #SETUP_BUDGET} or twice the request timeout, whichever is longer.
   */
  private final ReadRetry reads;
  private final JetStreamManagement readJsm;
  private final KeyValueManagement readKvm;
  private ServerRequirements server;
  private long maxPayload;

  StreamProvisioner(Connection connection, JetStreamManagement jsm, KeyValueManagement kvm,
      JetStreamConfig config, StoreLayout layout) {
    this.connection = connection;
    this.jsm = jsm;
    this.kvm = kvm;
    this.config = config;
    this.layout = layout;
    Duration twice = ReadRetry.forRequestTimeout(config.requestTimeout()).budget();
    this.reads = new ReadRetry(twice.compareTo(SETUP_BUDGET) > 0 ? twice : SETUP_BUDGET);
    JetStreamOptions options = ReadRetry.attemptOptions(config.requestTimeout());
    try {
      this.readJsm = connection.jetStreamManagement(options);
      this.readKvm = connection.keyValueManagement(KeyValueOptions.builder().jetStreamOptions(options).build());
    } catch (IOException e) {
      throw NatsFailures.ofRequest("opening the JetStream management of stream reads", e);
    }
  }

  /** Makes sure every stream and the bucket exist and are usable. */
  void provision() {
    ServerInfo info = connection.getServerInfo();
    server = ServerRequirements.check(info, connection.getConnectedUrl());
    maxPayload = info.getMaxPayload();
    if (config.storage() == JetStreamConfig.Storage.MEMORY
        && server.version().filter(v -> v.isBefore(new ServerVersion(2, 10, 0, ""))).isPresent()) {
      LOG.warn("memory streams on nats-server {} look up an actor's last event in time proportional to the "
          + "stream's size; use file storage or nats-server 2.10 or newer", info.getVersion());
    }
    for (int p = 0; p < layout.partitions(); p++) {
      ensureEventStream(p);
    }
    ensureBucket();
  }

  private void ensureEventStream(int partition) {
    String name = layout.streamName(partition);
    StreamInfo info = streamInfo(name);
    if (info == null) {
      server.checkReplicas("stream " + name, config.replicas());
      create(name, eventStream(config, layout, partition));
      info = readCreated("stream " + name, () -> streamInfoOnce(name));
    }
    StreamConfiguration existing = info.getConfiguration();
    server.checkReplicas("stream " + name, existing.getReplicas());
    warn(StreamRequirements.checkEventStream(existing, config, layout, partition, maxPayload));
  }

  private static void warn(List<StreamRequirements.Warning> warnings) {
    for (StreamRequirements.Warning warning : warnings) {
      if (WARNED.add(warning)) {
        LOG.warn("stream {} is weaker than the store assumes: {} is {}: {}", warning.stream(), warning.field(),
            warning.existing(), warning.consequence());
      }
    }
  }

  /** The event stream of a partition as the store creates it. */
  static StreamConfiguration eventStream(JetStreamConfig config, StoreLayout layout, int partition) {
    StreamConfiguration.Builder stream = StreamConfiguration.builder()
        .name(layout.streamName(partition))
        .description(layout.description(partition))
        .subjects(layout.streamSubject(partition))
        .storageType(storageType(config))
        .replicas(config.replicas())
        .retentionPolicy(RetentionPolicy.Limits)
        .discardPolicy(DiscardPolicy.Old)
        .maxMessagesPerSubject(-1)
        .duplicateWindow(config.duplicateWindow())
        .allowDirect(true)
        .denyDelete(true)
        .denyPurge(true);
    config.maxAge().ifPresent(stream::maxAge);
    return stream.build();
  }

  private void create(String name, StreamConfiguration stream) {
    try {
      PlacementRetry.create("stream " + name, PlacementRetry.budget(config.requestTimeout()),
          () -> jsm.addStream(stream));
      LOG.info("created stream {} for subjects {}", name, stream.getSubjects());
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() != NatsFailures.STREAM_NAME_IN_USE) {
        throw NatsFailures.ofRequest("creating stream " + name, e);
      }
      // created meanwhile by another store: check what it is
    } catch (IOException | RuntimeException e) {
      throw NatsFailures.ofRequest("creating stream " + name, e);
    }
  }

  private StreamInfo streamInfo(String name) {
    return reads.run("reading the configuration of stream " + name, () -> streamInfoOnce(name));
  }

  private StreamInfo streamInfoOnce(String name) {
    try {
      return readJsm.getStreamInfo(name);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NatsFailures.STREAM_NOT_FOUND) {
        return null;
      }
      throw NatsFailures.ofRequest("reading the configuration of stream " + name, e);
    } catch (IOException | RuntimeException e) {
      throw NatsFailures.ofRequest("reading the configuration of stream " + name, e);
    }
  }

  private void ensureBucket() {
    String bucket = layout.bucketName();
    KeyValueStatus status = bucketStatus(bucket);
    if (status == null) {
      server.checkReplicas("snapshot bucket " + bucket, config.replicas());
      KeyValueConfiguration kv = KeyValueConfiguration.builder()
          .name(bucket)
          .description("Aether snapshots of namespace " + layout.namespace())
          .maxHistoryPerKey(1)
          .storageType(storageType(config))
          .replicas(config.replicas())
          .build();
      try {
        PlacementRetry.create("snapshot bucket " + bucket,
            PlacementRetry.budget(config.requestTimeout()), () -> kvm.create(kv));
        LOG.info("created snapshot bucket {}", bucket);
      } catch (JetStreamApiException e) {
        if (e.getApiErrorCode() != NatsFailures.STREAM_NAME_IN_USE) {
          throw NatsFailures.ofRequest("creating snapshot bucket " + bucket, e);
        }
      } catch (IOException | RuntimeException e) {
        throw NatsFailures.ofRequest("creating snapshot bucket " + bucket, e);
      }
      status = readCreated("snapshot bucket " + bucket, () -> bucketStatusOnce(bucket));
    }
    StreamConfiguration existing = status.getBackingStreamInfo().getConfiguration();
    server.checkReplicas("snapshot bucket " + bucket, existing.getReplicas());
    warn(StreamRequirements.checkBucketStream(existing, config, maxPayload));
  }

  /**
   * Reads what was just created, by this store or by another one at the same moment: a server that has not yet
   * applied the JetStream meta group's latest assignment answers "not found" for a moment (three nodes started at
   * once, each on its own server of a cluster: one found missing the stream another had just created), so that
   * answer is read again, as no answer is, within the reads' budget.
   *
   * @throws JetStreamStoreException when it is still not found once the budget is spent
   * @throws StoreUnavailableException when the reads got no answer within the budget
   */
  private <T> T readCreated(String what, Supplier<T> readOnce) {
    try {
      return reads.run("reading " + what + ", just created", () -> {
        T found = readOnce.get();
        if (found == null) {
          throw new NotFoundYet(what);
        }
        return found;
      });
    } catch (StoreUnavailableException e) {
      if (e.getCause() instanceof NotFoundYet) {
        throw new JetStreamStoreException(what + " vanished right after it was created (" + e.getMessage() + ")",
            0, e);
      }
      throw e;
    }
  }

  /** A read of what was just created found nothing: read again, as after no answer. */
  private static final class NotFoundYet extends StoreUnavailableException {

    NotFoundYet(String what) {
      super(what + " not found", null);
    }
  }

  private KeyValueStatus bucketStatus(String bucket) {
    return reads.run("reading snapshot bucket " + bucket, () -> bucketStatusOnce(bucket));
  }

  private KeyValueStatus bucketStatusOnce(String bucket) {
    try {
      return readKvm.getStatus(bucket);
    } catch (JetStreamApiException e) {
      if (e.getApiErrorCode() == NatsFailures.STREAM_NOT_FOUND) {
        return null;
      }
      throw NatsFailures.ofRequest("reading snapshot bucket " + bucket, e);
    } catch (IOException | RuntimeException e) {
      throw NatsFailures.ofRequest("reading snapshot bucket " + bucket, e);
    }
  }

  private static StorageType storageType(JetStreamConfig config) {
    return config.storage() == JetStreamConfig.Storage.FILE ? StorageType.File : StorageType.Memory;
  }
}
