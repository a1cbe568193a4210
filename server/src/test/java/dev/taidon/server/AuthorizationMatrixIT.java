package dev.taidon.server;

import static dev.taidon.server.PlatformScenario.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.testkit.PlatformPerClass;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.Yaml;

/**
 * Every operation of docs/api/openapi.yaml (which OpenApiIT keeps equal to the server's routes)
 * against callers who may not use it: without a token it is 401, with a forged token 401, on
 * another account's worksheet or run 404 (shares, which anyone signed in may open by their token,
 * excepted), and operator-only calls are 403 for learners.
 */
class AuthorizationMatrixIT {
  private static final Set<String> METHODS = Set.of("get", "post", "put", "delete", "patch");

  @RegisterExtension
  static final PlatformPerClass platform = new PlatformPerClass("authz", "--taidon.sandbox.pool-size=0",
      "--taidon.runner.prebuild-datasets=false");
  private static Learner owner;
  private static Learner stranger;
  private static String worksheet;
  private static String runId;
  private static String shareToken;

  record Operation(String method, String path, boolean needsToken) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  @BeforeAll
  static void start() {
    owner = Learner.anonymous(platform.server());
    stranger = Learner.anonymous(platform.server());
    worksheet = owner.worksheet(null);
    owner.cells(worksheet, "c1", "CREATE TABLE mine (x int)");
    runId = owner.run(worksheet, "c1").path("runId").asString();
    shareToken = Learner.json(owner.post("/api/v1/worksheets/" + worksheet + "/shares", ""), 201).path("token").asString();
  }

  @SuppressWarnings("unchecked")
  static List<Operation> operations() throws Exception {
    Map<String, Object> document = new Yaml().load(Files.readString(OpenApiIT.DOCUMENT));
    boolean securedByDefault = document.containsKey("security");
    List<Operation> operations = new ArrayList<>();
    ((Map<String, Map<String, Object>>) document.get("paths")).forEach((path, item) -> item.forEach((key, value) -> {
      if (METHODS.contains(key)) {
        Object security = ((Map<String, Object>) value).get("security");
        // An empty requirement ({}) among the alternatives makes the token optional.
        boolean needsToken = security == null ? securedByDefault
            : !((List<?>) security).isEmpty() && ((List<Map<?, ?>>) security).stream().noneMatch(Map::isEmpty);
        operations.add(new Operation(key.toUpperCase(Locale.ROOT), path, needsToken));
      }
    }));
    return operations;
  }

  private static String concrete(String path) {
    return path.replace("{id}", worksheet).replace("{runId}", runId).replace("{provider}", "nosuch")
        .replace("{token}", shareToken);
  }

  private static HttpRequest request(Operation operation, String token) {
    String body = switch (operation.method()) {
      case "POST" -> operation.path().endsWith("/run") ? "{\"through\":\"c1\"}" : "{}";
      case "PUT" -> "{\"cells\":[]}";
      default -> null;
    };
    HttpRequest.Builder request = HttpRequest.newBuilder(platform.server().baseUrl().resolve(concrete(operation.path())))
        .header("Content-Type", "application/json")
        .method(operation.method(), body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request.build();
  }

  @Test
  void everyOperationThatNeedsATokenRefusesCallersWithoutAValidOne() throws Exception {
    List<Operation> protectedOperations = operations().stream().filter(Operation::needsToken).toList();
    assertThat(protectedOperations).as("precondition: the document lists the worksheet API").extracting(Operation::toString)
        .contains("POST /api/v1/worksheets/{id}/run", "GET /api/v1/me", "GET /api/v1/audit");
    String forged = owner.token().substring(0, owner.token().lastIndexOf('.') + 1) + "AAAA";
    for (Operation operation : protectedOperations) {
      HttpResponse<String> missing = platform.server().send(request(operation, null));
      assertThat(missing.statusCode()).as("%s without a token: %s", operation, missing.body()).isEqualTo(401);
      assertProblem(missing, 401, "unauthenticated");
      HttpResponse<String> tampered = platform.server().send(request(operation, forged));
      assertThat(tampered.statusCode()).as("%s with a forged signature: %s", operation, tampered.body()).isEqualTo(401);
    }
  }

  @Test
  void anotherAccountsWorksheetsAndRunsDoNotExistForThem() throws Exception {
    List<Operation> scoped = operations().stream()
        .filter(operation -> operation.path().contains("{id}") || operation.path().contains("{runId}")).toList();
    assertThat(scoped).as("precondition").hasSizeGreaterThanOrEqualTo(8);
    for (Operation operation : scoped) {
      HttpResponse<String> response = platform.server().send(request(operation, stranger.token()));
      assertThat(response.statusCode()).as("%s by another account: %s", operation, response.body()).isEqualTo(404);
      assertProblem(response, 404, "not-found");
    }
    assertThat(owner.get("/api/v1/worksheets/" + worksheet).statusCode()).as("the owner's worksheet survived")
        .isEqualTo(200);
    assertThat(stranger.get("/api/v1/shares/" + shareToken).statusCode())
        .as("a share, unlike the worksheet it was taken from, is for anyone signed in who holds its token").isEqualTo(200);
  }

  @Test
  void operatorOnlyOperationsAreForbiddenToLearners() throws Exception {
    List<Operation> operatorOnly = operations().stream()
        .filter(operation -> operation.path().startsWith("/api/v1/audit")).toList();
    assertThat(operatorOnly).hasSize(2);
    for (Operation operation : operatorOnly) {
      assertProblem(platform.server().send(request(operation, owner.token())), 403, "forbidden");
    }
  }
}
