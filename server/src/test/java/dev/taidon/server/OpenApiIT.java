package dev.taidon.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.testkit.PlatformPerClass;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * docs/api/openapi.yaml against the running server: every public route the server maps is
 * documented, and every documented operation exists.
 */
class OpenApiIT {
  static final Path DOCUMENT = Path.of("..", "docs", "api", "openapi.yaml");

  @RegisterExtension
  static final PlatformPerClass platform = new PlatformPerClass("openapi", "--taidon.sandbox.pool-size=0",
      "--management.endpoints.web.exposure.include=health,mappings");

  @SuppressWarnings("unchecked")
  private static Set<String> documented() throws Exception {
    Map<String, Object> document = new Yaml().load(Files.readString(DOCUMENT));
    Set<String> operations = new TreeSet<>();
    ((Map<String, Map<String, Object>>) document.get("paths")).forEach((path, item) -> item.keySet().stream()
        .filter(key -> Set.of("get", "post", "put", "delete", "patch").contains(key))
        .forEach(method -> operations.add(method.toUpperCase(Locale.ROOT) + " " + path)));
    return operations;
  }

  private static Set<String> served() {
    JsonNode mappings = PlatformScenario.JSON.readTree(platform.server().get("/actuator/mappings").body());
    Set<String> operations = new TreeSet<>();
    collect(mappings, operations);
    return operations;
  }

  private static void collect(JsonNode node, Set<String> operations) {
    JsonNode conditions = node.path("requestMappingConditions");
    if (!conditions.isMissingNode()) {
      for (JsonNode pattern : conditions.path("patterns")) {
        if (pattern.asString().startsWith("/api/")) {
          for (JsonNode method : conditions.path("methods")) {
            operations.add(method.asString() + " " + pattern.asString());
          }
        }
      }
    }
    node.values().forEach(child -> collect(child, operations));
  }

  @Test
  void everyPublicRouteIsDocumentedAndEveryDocumentedRouteExists() throws Exception {
    Set<String> served = served();
    assertThat(served).as("precondition: the mappings endpoint lists the API").contains("GET /api/v1/me");
    assertThat(documented()).as("operations in docs/api/openapi.yaml = public routes of the server")
        .containsExactlyInAnyOrderElementsOf(served);
  }

  @Test
  void everyDocumentedOperationHasARoute() throws Exception {
    for (String operation : documented()) {
      String[] parts = operation.split(" ");
      String path = parts[1].replaceAll("\\{[^}]+}", "sample");
      HttpResponse<String> response = platform.server().send(HttpRequest.newBuilder(platform.server().baseUrl()
          .resolve(path))
          .header("Content-Type", "application/json")
          .method(parts[0], parts[0].equals("GET") ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofString("{}")).build());
      assertThat(response.statusCode()).as("%s answered %s", operation, response.body()).isNotEqualTo(405);
      if (response.statusCode() == 404) {
        // A handler's own 404 (an unknown provider, say) is fine; a missing route is not.
        assertThat(response.body()).as("%s has no route", operation).doesNotContain("No static resource");
      }
    }
  }
}
