package dev.aether.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aether.runtime.Runtime;
import dev.aether.runtime.behavior.Effect;
import dev.aether.runtime.behavior.JavaBehavior;
import dev.aether.store.InMemoryEventStore;
import io.helidon.webserver.WebServer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node without a model: every actor route answers {@code 404 NO_MODEL} as {@code /v1/model} does, but for an
 * aggregate type whose Java behaviour the node's runtime has registered, which runs without a model.
 */
class NoModelNodeRoutesTest {

  @TempDir
  Path dir;

  /** Found by a walkthrough: commands answered UNKNOWN_AGGREGATE, state and events "not in the loaded model". */
  @Test
  void everyActorAndReadModelRoute_ofANodeWithoutAModel_is404NoModel_asTheModelRouteIs() {
    try (AetherNode node = AetherNode.start(NodeConfig.builder().httpPort(0).store(StoreKind.MEMORY).dataDir(dir)
        .build())) {
      Api api = new Api(node.uri());
      String noModelMessage = api.get("/v1/model").json().get("message").asText();

      List<Api.Answer> answers = List.of(
          api.command("Account", "a", "Open", "{\"owner\":\"ann\"}", "Idempotency-Key", "open-a"),
          api.get("/v1/actors/Account/a"),
          api.get("/v1/actors/Account/a/events"),
          api.get("/v1/actors/Account/a/events/stream"),
          // found by a new user: these were 404 UNKNOWN_READ_MODEL "no read model x in the loaded model"
          api.get("/v1/readmodels/Balances"),
          api.get("/v1/readmodels/Balances/a"),
          api.post("/v1/readmodels/Balances/rebuild", ""));

      assertThat(answers).allSatisfy(answer -> {
        assertThat(answer.status()).as(answer.toString()).isEqualTo(404);
        assertThat(answer.json().get("error").asText()).isEqualTo("NO_MODEL");
        assertThat(answer.json().get("message").asText()).isEqualTo(noModelMessage).contains("PUT /v1/model");
      });
      assertThat(answers.get(0).header("Idempotency-Key")).as("the key was read: echoed").contains("open-a");
    }
  }

  @Test
  void anAggregateTypeWithAJavaBehaviour_isServedWithoutAModel_andOtherTypesAreNoModel() throws Exception {
    record Counter(long count) {}
    record Add(long by) {}
    record Added(long by) {}
    InMemoryEventStore store = InMemoryEventStore.create();
    NodeConfig config = NodeConfig.builder().httpPort(0).store(StoreKind.MEMORY).dataDir(dir).build();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (Runtime runtime = Runtime.builder().eventStore(store).build()) {
      runtime.register(JavaBehavior.builder("Counter", Counter.class, new Counter(0))
          .command("Add", Add.class, (state, add) -> Effect.persist(new Added(add.by())))
          .event("Added", Added.class, (state, added) -> new Counter(state.count() + added.by()))
          .build());
      runtime.start();
      NodeServices services = new NodeServices(config, runtime, runtime, store, Optional.empty(), Optional.empty(),
          Optional.empty(), registry, new StreamSignals(), "memory", ReadModelRebuilds.local(runtime));
      WebServer server = HttpApi.server(config, services).start();
      try {
        services.markServing();
        Api api = new Api(URI.create("http://127.0.0.1:" + server.port()));

        assertThat(api.command("Counter", "c", "Add", "{\"by\":3}").status()).isEqualTo(200);
        assertThat(api.get("/v1/actors/Counter/c").json().get("state").get("count").asLong()).isEqualTo(3);
        assertThat(api.get("/v1/actors/Counter/c/events").json().get("events")).hasSize(1);
        assertThat(api.get("/v1/actors/Account/a").json().get("error").asText()).isEqualTo("NO_MODEL");
        assertThat(api.command("Account", "a", "Open", "{}").json().get("error").asText()).isEqualTo("NO_MODEL");
      } finally {
        server.stop();
      }
    }
  }
}
