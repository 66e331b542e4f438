package dev.aether.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The statuses {@code /openapi.json} lists for each operation are those its route answers: every documented
 * operation of a node (with a token and a small body limit) is sent a set of requests, right and wrong in each way a
 * client can be (no token, two tokens, an unknown query or one not UTF-8, a path segment that is not UTF-8, a
 * {@code Content-Encoding}, a body too large, not JSON or of another type, an {@code Accept} it cannot meet, another
 * method on the path), and every status answered must be listed for it. Those no request here can cause (a store
 * down, an internal failure) are listed by rule: every operation lists 500 (the one error handler answers any
 * failure so) and 405 (any method its path does not take).
 */
class OpenApiStatusesTest {

  private static final String TOKEN = "openapi-statuses-token";
  private static final Map<String, String> SAMPLES = Map.of("type", "Account", "id", "acc-1", "command", "Deposit",
      "name", "Balances", "key", "acc-1");

  /** Listed for every operation: any failure is a 500, any method the path does not take a 405. */
  private static final Set<String> BY_RULE = Set.of("405", "500");

  @TempDir
  Path dir;

  private AetherNode node;
  private Api anonymous;
  private Api api;

  @BeforeEach
  void start() {
    node = AetherNode.start(NodeConfig.builder().store(StoreKind.MEMORY).dataDir(dir).httpPort(0)
        .model(TestModels.bank(dir)).authToken(TOKEN).maxBodyBytes(1024).build());
    anonymous = new Api(node.uri());
    api = anonymous.withHeader("Authorization", "Bearer " + TOKEN);
    api.command("Account", "acc-1", "Open", "{\"owner\":\"o\",\"initialDeposit\":5}");
  }

  @AfterEach
  void stop() {
    node.close();
  }

  @Test
  void everyStatusARouteAnswers_isListedForItsOperation() throws Exception {
    JsonNode paths = Api.JSON.readTree(OpenApiService.load()).get("paths");
    Map<String, Set<String>> unlisted = new TreeMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
        Map.Entry<String, JsonNode> op = ops.next();
        if (op.getKey().equals("parameters")) {
          continue;
        }
        String method = op.getKey().toUpperCase(Locale.ROOT);
        Set<String> listed = new TreeSet<>();
        op.getValue().get("responses").fieldNames().forEachRemaining(listed::add);
        Set<String> missing = answers(method, path.getKey());
        missing.addAll(BY_RULE);
        missing.removeAll(listed);
        if (!missing.isEmpty()) {
          unlisted.put(method + " " + path.getKey(), missing);
        }
      }
    }
    assertThat(unlisted).as("statuses answered (or listed by rule) but not listed in openapi.json").isEmpty();
  }

  /** The statuses the requests of {@link OpenApiStatusesTest} are answered for one operation. */
  private Set<String> answers(String method, String template) throws IOException, InterruptedException {
    String path = concrete(template, SAMPLES);
    boolean body = method.equals("POST") || method.equals("PUT");
    List<HttpRequest.Builder> requests = new ArrayList<>();
    requests.add(request(api, method, path, "{\"amount\":1}"));
    requests.add(request(anonymous, method, path, "{}"));
    requests.add(request(api, method, path, "{}").header("Authorization", "Bearer " + TOKEN));
    requests.add(request(api, method, path + "?unknown=1", "{}"));
    requests.add(request(api, method, path + "?q=%E9", "{}"));
    requests.add(request(api, method, path, "{}").header("Content-Encoding", "gzip"));
    requests.add(request(api, method, path, "{}").header("Accept", "application/xml"));
    for (String parameter : SAMPLES.keySet()) {
      if (template.contains("{" + parameter + "}")) {
        Map<String, String> bad = new TreeMap<>(SAMPLES);
        bad.put(parameter, "x%E9");
        requests.add(request(api, method, concrete(template, bad), "{}"));
      }
    }
    if (body) {
      requests.add(request(api, method, path, "{\"amount\":\"" + "x".repeat(2048) + "\"}"));
      requests.add(request(api, method, path, "not json"));
      requests.add(request(api, method, path, "{}").header("Content-Type", "text/plain"));
      requests.add(request(api, method, path, "{}").header("X-Aether-Timeout", "soon"));
    }
    Set<String> statuses = new TreeSet<>();
    for (HttpRequest.Builder request : requests) {
      statuses.add(Integer.toString(status(request)));
    }
    return statuses;
  }

  /** The status only: the body is not read (an event stream's does not end). */
  private int status(HttpRequest.Builder request) throws IOException, InterruptedException {
    HttpResponse<InputStream> answer = api.client().send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    answer.body().close();
    return answer.statusCode();
  }

  private static HttpRequest.Builder request(Api api, String method, String path, String json) {
    HttpRequest.Builder request = api.request(path);
    if (method.equals("POST") || method.equals("PUT")) {
      return request.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(json));
    }
    return request.method(method, HttpRequest.BodyPublishers.noBody());
  }

  private static String concrete(String template, Map<String, String> values) {
    String path = template;
    for (Map.Entry<String, String> value : values.entrySet()) {
      path = path.replace("{" + value.getKey() + "}", value.getValue());
    }
    return path;
  }
}
