package dev.aether.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aether.model.exec.ModelExecution;
import dev.aether.model.exec.ReadModel;
import dev.aether.runtime.Runtime;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds of a model's read models asked over HTTP ({@code POST /v1/readmodels/{name}/rebuild}): every row,
 * checkpoint and the position dropped, the read model projected again from the first event. A node alone rebuilds
 * its read model at once. On a cluster the read model may run on another node (on the shared JetStream read-model
 * store each read model runs on one node at a time), so the node asked sends the rebuild to every node of its
 * namespace ({@code <prefix>.<ns>.readmodels.rebuild}, body {@code {"readModel": name}}); each node that runs
 * that read model now starts its rebuild and answers its id, and the first answer is the HTTP answer. Thread-safe.
 */
final class ReadModelRebuilds implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ReadModelRebuilds.class);

  private final Runtime runtime;
  private final Connection connection;
  private final String subject;
  private final String nodeId;
  private final Duration timeout;
  private final Dispatcher dispatcher;

  private ReadModelRebuilds(Runtime runtime, Connection connection, String subject, String nodeId,
      Duration timeout) {
    this.runtime = runtime;
    this.connection = connection;
    this.subject = subject;
    this.nodeId = nodeId;
    this.timeout = timeout;
    this.dispatcher = connection == null ? null : connection.createDispatcher(this::onRequest);
    if (dispatcher != null) {
      dispatcher.subscribe(subject);
    }
  }

  /** The rebuilds of a node alone: here, at once. */
  static ReadModelRebuilds local(Runtime runtime) {
    return new ReadModelRebuilds(runtime, null, null, null, null);
  }

  /**
   * The rebuilds of a cluster node: answers the namespace's rebuild requests for the read models it runs, and
   * sends its own to every node.
   *
   * @param subject the namespace's rebuild subject
   * @param timeout how long a rebuild asked here waits for a node that runs the read model
   */
  static ReadModelRebuilds clustered(Runtime runtime, Connection connection, String subject,
      String nodeId, Duration timeout) {
    return new ReadModelRebuilds(runtime, connection, subject, nodeId, timeout);
  }

  /**
   * Starts a read model's rebuild where it runs.
   *
   * @param readModel the read model, as this node's model has it
   * @return the node that started it (empty on a node alone)
   * @throws ApiException 503 {@code NOT_RUNNING} when no node that runs the read model answered in time (it is
   *     moving between nodes, or only nodes of another model version know it)
   */
  Optional<String> rebuild(ReadModel readModel) {
    if (connection == null) {
      start(readModel);
      return Optional.empty();
    }
    byte[] body = Json.MAPPER.createObjectNode().put("readModel", readModel.name()).toString()
        .getBytes(StandardCharsets.UTF_8);
    try {
      Message answer = connection.request(subject, body, timeout);
      if (answer != null && answer.getData() != null && answer.getData().length > 0) {
        return Optional.ofNullable(Json.MAPPER.readTree(answer.getData()).path("node").asText(null));
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException | RuntimeException e) {
      LOG.debug("rebuild of read model {}: {}", readModel.name(), e.toString());
    }
    throw new ApiException(503, "NOT_RUNNING", "no node runs read model " + readModel.name() + " right now (it"
        + " is moving between nodes, or the nodes run another model version): try again");
  }

  /** A rebuild asked by any node: started here when this node runs the read model now, else not answered. */
  private void onRequest(Message request) {
    String name;
    try {
      JsonNode asked = Json.MAPPER.readTree(request.getData());
      name = asked.path("readModel").asText("");
    } catch (IOException e) {
      return;
    }
    Optional<ReadModel> readModel = ModelExecution.of(runtime).flatMap(m -> m.readModel(name))
        .filter(ReadModel::runsHere);
    if (readModel.isEmpty()) {
      return;
    }
    start(readModel.get());
    if (request.getReplyTo() != null) {
      try {
        connection.publish(request.getReplyTo(), Json.MAPPER.valueToTree(Map.of("readModel", name, "node", nodeId))
            .toString().getBytes(StandardCharsets.UTF_8));
      } catch (RuntimeException e) { // closing: the asker times out, the rebuild runs
        LOG.debug("rebuild of read model {}: cannot answer: {}", name, e.toString());
      }
    }
  }

  private static void start(ReadModel readModel) {
    LOG.info("read model {}: rebuilding (asked over HTTP)", readModel.name());
    readModel.rebuild().whenComplete((done, failure) -> {
      if (failure != null) {
        LOG.warn("read model {}: the rebuild did not finish: {}", readModel.name(), failure.toString());
      } else {
        LOG.info("read model {}: rebuilt", readModel.name());
      }
    });
  }

  @Override
  public void close() {
    if (dispatcher != null) {
      connection.closeDispatcher(dispatcher);
    }
  }
}
