package dev.aether.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.webserver.http.HttpRules;
import java.lang.reflect.Proxy;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The OpenAPI document served at /openapi.json names exactly the routes the services register. */
class OpenApiRoutesTest {

  private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch", "head", "options");

  @Test
  void everyDocumentedRouteIsRegistered_andViceVersa() throws Exception {
    Set<String> documented = new TreeSet<>();
    JsonNode paths = Api.JSON.readTree(OpenApiService.load()).get("paths");
    for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> path = it.next();
      path.getValue().fieldNames()
          .forEachRemaining(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + path.getKey()));
    }
    assertThat(registered()).isEqualTo(documented);
  }

  @Test
  void theDocumentIsOpenApi3_withAnErrorSchema() throws Exception {
    JsonNode doc = Api.JSON.readTree(OpenApiService.load());
    assertThat(doc.get("openapi").asText()).startsWith("3.");
    assertThat(doc.get("components").get("schemas").get("Error").get("required").toString())
        .contains("error").contains("message");
  }

  /** The routes the services register, read through a recording {@link HttpRules}. */
  private static Set<String> registered() {
    Set<String> routes = new TreeSet<>();
    for (HttpApi.Mount mount : HttpApi.mounts(null)) {
      HttpRules[] self = new HttpRules[1];
      self[0] = (HttpRules) Proxy.newProxyInstance(HttpRules.class.getClassLoader(), new Class<?>[] {HttpRules.class},
          (proxy, method, args) -> {
            if (METHODS.contains(method.getName()) && args != null && args.length > 0 && args[0] instanceof String p) {
              // a parameter's pattern ({id:.+}) is not part of the documented path
              String path = (p.equals("/") ? mount.prefix() : mount.prefix() + p).replaceAll("\\{(\\w+):[^}]*}", "{$1}");
              routes.add(method.getName().toUpperCase(Locale.ROOT) + " " + path);
              return self[0];
            }
            throw new AssertionError("a service registered a route the test cannot read: " + method);
          });
      mount.service().routing(self[0]);
    }
    return routes;
  }
}
