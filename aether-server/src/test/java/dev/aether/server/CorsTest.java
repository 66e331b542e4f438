package dev.aether.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Found by a new user: a page on another origin could not call the API at all (OPTIONS was a 405). */
class CorsTest {

  private static final String TOKEN = "a-token-of-16-chars-or-more";

  @TempDir
  Path dir;

  private AetherNode start(List<String> origins) {
    return AetherNode.start(NodeConfig.builder().httpPort(0).store(StoreKind.MEMORY).dataDir(dir)
        .model(TestModels.bank(dir)).authToken(TOKEN).corsOrigins(origins).build());
  }

  @Test
  void anAllowedOrigin_getsItsPreflightWithoutAToken_andEveryAnswerReadable_errorsToo() {
    try (AetherNode node = start(List.of("http://localhost:3000", "https://app.example.com"))) {
      Api api = new Api(node.uri());
      Api.Answer preflight = api.send(api.request("/v1/actors/Account/c1/commands/Open", "Origin",
          "https://app.example.com", "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers",
          "authorization, content-type, idempotency-key").method("OPTIONS",
          java.net.http.HttpRequest.BodyPublishers.noBody()));
      assertThat(preflight.status()).as(preflight.toString()).isEqualTo(204);
      assertThat(preflight.header("Access-Control-Allow-Origin")).contains("https://app.example.com");
      assertThat(preflight.header("Access-Control-Allow-Methods")).hasValueSatisfying(m -> assertThat(m)
          .contains("POST"));
      assertThat(preflight.header("Access-Control-Allow-Headers")).hasValueSatisfying(h -> assertThat(h)
          .contains("Authorization", "Content-Type", "Idempotency-Key"));
      assertThat(preflight.header("Vary")).contains("Origin");

      Api.Answer sent = api.command("Account", "c1", "Open", "{\"owner\":\"ann\"}", "Origin",
          "http://localhost:3000", "Authorization", "Bearer " + TOKEN, "Idempotency-Key", "open-c1");
      assertThat(sent.status()).isEqualTo(200);
      assertThat(sent.header("Access-Control-Allow-Origin")).contains("http://localhost:3000");
      assertThat(sent.header("Access-Control-Expose-Headers")).hasValueSatisfying(h -> assertThat(h)
          .contains("Idempotency-Key", "Retry-After"));
      Api.Answer noToken = api.get("/v1/actors/Account/c1", "Origin", "http://localhost:3000");
      assertThat(noToken.status()).as("the token still guards the API").isEqualTo(401);
      assertThat(noToken.header("Access-Control-Allow-Origin")).as("the page can read why")
          .contains("http://localhost:3000");

      Api.Answer other = api.send(api.request("/v1/actors/Account/c1", "Origin", "https://evil.example",
          "Access-Control-Request-Method", "GET").method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody()));
      assertThat(other.status()).as("no preflight for another origin").isNotEqualTo(204);
      assertThat(other.header("Access-Control-Allow-Origin")).isEmpty();
      assertThat(api.get("/health/live").header("Vary")).as("a cache keeps the answers by origin").contains("Origin");
    }
  }

  @Test
  void anyOrigin_isAllowedWithStar_andNoneByDefault() {
    try (AetherNode node = start(List.of("*"))) {
      Api api = new Api(node.uri());
      assertThat(api.get("/health/live", "Origin", "https://anything.example").header("Access-Control-Allow-Origin"))
          .contains("*");
    }
    try (AetherNode node = start(List.of())) {
      Api api = new Api(node.uri());
      assertThat(api.get("/health/live", "Origin", "https://anything.example").header("Access-Control-Allow-Origin"))
          .isEmpty();
    }
  }
}
