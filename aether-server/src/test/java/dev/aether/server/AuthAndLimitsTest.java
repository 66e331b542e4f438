package dev.aether.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bearer token (401 without or with a wrong one, health open) and the body limit, on a memory node, over
 * HTTP/1.1 ({@link AuthAndLimitsHttp2Test}: the same over HTTP/2).
 */
class AuthAndLimitsTest {

  static final String TOKEN = "s3cret-token-0123456789";

  @TempDir
  Path dir;

  AetherNode node;
  Api anonymous;

  /** The HTTP version every request is sent and answered in. */
  HttpClient.Version version() {
    return HttpClient.Version.HTTP_1_1;
  }

  @BeforeEach
  void start() {
    node = AetherNode.start(NodeConfig.builder().httpPort(0).store(StoreKind.MEMORY).model(TestModels.bank(dir))
        .authToken(TOKEN).maxBodyBytes(2048).build());
    anonymous = new Api(node.uri(), version());
  }

  @AfterEach
  void stop() {
    node.close();
  }

  @Test
  void withoutToken_401_onEveryApiRoute() {
    for (String path : new String[] {"/v1/model", "/v1/actors/Account/a", "/v1/cluster", "/metrics",
        "/openapi.json", "/v1/nothing"}) {
      Api.Answer a = anonymous.get(path);
      assertThat(a.status()).as(path).isEqualTo(401);
      assertThat(a.json().get("error").asText()).isEqualTo("UNAUTHORIZED");
      assertThat(a.header("WWW-Authenticate")).contains("Bearer");
    }
    assertThat(anonymous.command("Account", "a", "Open", "{\"owner\":\"x\"}").status()).isEqualTo(401);
  }

  @Test
  void wrongToken_401_rightToken_200() {
    Api wrong = anonymous.withHeader("Authorization", "Bearer " + TOKEN + "x");
    Api prefix = anonymous.withHeader("Authorization", "Bearer " + TOKEN.substring(0, 10));
    Api basic = anonymous.withHeader("Authorization", "Basic " + TOKEN);
    Api right = anonymous.withHeader("Authorization", "Bearer " + TOKEN);
    assertThat(wrong.get("/v1/model").status()).isEqualTo(401);
    assertThat(wrong.get("/v1/model").json().get("message").asText()).isEqualTo("the bearer token is wrong");
    assertThat(prefix.get("/v1/model").status()).isEqualTo(401);
    assertThat(basic.get("/v1/model").status()).isEqualTo(401);
    assertThat(right.get("/v1/model").status()).isEqualTo(200);
    assertThat(right.command("Account", "a", "Open", "{\"owner\":\"x\"}").status()).isEqualTo(200);
  }

  @Test
  void authorizationSentTwice_400_namingTheHeader_evenWhenOneIsRight() {
    Api right = anonymous.withHeader("Authorization", "Bearer " + TOKEN);
    for (Api twice : new Api[] {right.withHeader("Authorization", "Bearer wrong"),
        anonymous.withHeader("Authorization", "Bearer wrong").withHeader("Authorization", "Bearer " + TOKEN),
        right.withHeader("Authorization", "Bearer " + TOKEN)}) {
      Api.Answer a = twice.get("/v1/model");
      assertThat(a.status()).isEqualTo(400);
      assertThat(a.json().get("error").asText()).isEqualTo("INVALID_INPUT");
      assertThat(a.json().get("fields").get(0).get("field").asText()).isEqualTo("Authorization");
      assertThat(twice.command("Account", "twice", "Open", "{\"owner\":\"x\"}").status()).isEqualTo(400);
    }
    assertThat(right.get("/v1/actors/Account/twice").json().get("version").asLong()).as("no command got through")
        .isZero();
  }

  @Test
  void health_isOpenWithoutToken() {
    assertThat(anonymous.get("/health/live").status()).isEqualTo(200);
    assertThat(anonymous.get("/health/ready").status()).isEqualTo(200);
  }

  @Test
  void bodyOverTheConfiguredLimit_413_modelToo() {
    Api right = anonymous.withHeader("Authorization", "Bearer " + TOKEN);
    Api.Answer command = right.command("Account", "a", "Open", "{\"owner\":\"" + "x".repeat(3000) + "\"}");
    assertThat(command.status()).isEqualTo(413);
    assertThat(command.json().get("message").asText()).contains("http.max-body-bytes = 2048");
    assertThat(right.put("/v1/model", "application/yaml", TestModels.bankYaml()).status()).isEqualTo(413);
  }

  @Test
  void payloadDeeperThanTheCoreLimit_400_withoutAStackTrace() {
    Api right = anonymous.withHeader("Authorization", "Bearer " + TOKEN);
    String deep = "{\"owner\":" + "[".repeat(300) + "]".repeat(300) + "}";
    Api.Answer a = right.command("Account", "a", "Open", deep);
    assertThat(a.status()).isEqualTo(400);
    assertThat(a.json().get("fields").get(0).get("field").asText()).as("the top field it sits in")
        .isEqualTo("payload.owner");
    assertThat(a.body()).doesNotContain("at dev.").doesNotContain("Exception");
  }
}
