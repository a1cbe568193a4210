package dev.taidon.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.testkit.ServerProcess;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every shape of the platform must do the same way, whether all roles run in one process or
 * are spread over several: run against the process that serves the gateway.
 */
final class PlatformScenario {
  static final JsonMapper JSON = JsonMapper.builder().build();
  static final List<String> ALL_ROLES = List.of("audit-log", "idp", "snapshot-cache", "env-manager", "user-profile",
      "vcs-sync", "sql-runner", "gateway");

  private PlatformScenario() {}

  /**
   * @param expectedLocations where each role should be reported ("local" or "remote") when it differs
   *     from "local"
   */
  static void verify(ServerProcess gateway, Map<String, String> expectedLocations) {
    HttpResponse<String> readiness = gateway.get("/actuator/health/readiness");
    assertThat(readiness.statusCode()).as("readiness: %s", readiness.body()).isEqualTo(200);
    assertThat(JSON.readTree(readiness.body()).at("/components/db/status").asString()).isEqualTo("UP");

    HttpResponse<String> platform = gateway.get("/api/v1/platform");
    assertThat(platform.statusCode()).as(platform.body()).isEqualTo(200);
    JsonNode body = JSON.readTree(platform.body());
    assertThat(body.path("roles").valueStream().map(role -> role.path("name").asString()).toList())
        .as("roles in dependency order").containsExactlyElementsOf(ALL_ROLES);
    for (JsonNode role : body.path("roles")) {
      String name = role.path("name").asString();
      assertThat(role.path("status").asString()).as("status of %s in %s", name, platform.body()).isEqualTo("UP");
      assertThat(role.path("location").asString()).as("location of %s", name)
          .isEqualTo(expectedLocations.getOrDefault(name, "local"));
    }
    assertThat(body.at("/engine/postgresVersion").asString()).as("engine version").startsWith("18.");
    assertThat(body.at("/engine/fingerprint").asString()).matches("[0-9a-f]{64}");

    HttpResponse<String> page = gateway.get("/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
    assertThat(page.body()).contains("<title>Taidon");

    HttpResponse<String> metrics = gateway.get("/actuator/prometheus");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body()).contains("jvm_memory_used_bytes").contains("hikaricp_connections");

    assertProblem(gateway.get("/no-such-page"), 404, "not-found");
    // Refused by Tomcat itself, before any servlet or filter of the platform sees the request.
    assertProblem(gateway.get("/api/v1/worksheets/..%2F..%2Fetc"), 400, "malformed-request");
    assertProblem(gateway.send(java.net.http.HttpRequest.newBuilder(gateway.baseUrl().resolve("/api/v1/platform"))
        .header("X-Oversized", "x".repeat(64 * 1024)).GET().build()), 400, "malformed-request");
    assertProblem(gateway.get("/api/v1/no-such-thing"), 401, "unauthenticated");

    HttpResponse<String> signIn = gateway.send(java.net.http.HttpRequest.newBuilder(gateway.baseUrl()
        .resolve("/api/v1/auth/anonymous")).POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
    assertThat(signIn.statusCode()).as("anonymous sign-in: %s", signIn.body()).isEqualTo(201);
    String token = JSON.readTree(signIn.body()).path("accessToken").asString();
    HttpResponse<String> missing = gateway.send(java.net.http.HttpRequest.newBuilder(gateway.baseUrl()
        .resolve("/api/v1/no-such-thing")).header("Authorization", "Bearer " + token).GET().build());
    assertProblem(missing, 404, "not-found");
    HttpResponse<String> undecodable = gateway.send(java.net.http.HttpRequest.newBuilder(gateway.baseUrl()
        .resolve("/api/v1/worksheets/ws-none/schema?through=%FF%FE")).header("Authorization", "Bearer " + token).GET().build());
    assertProblem(undecodable, 400, "malformed-request");

    verifyRuns(gateway);
  }

  /**
   * A learner's first minutes: a dataset worksheet, runs in both response shapes, the schema, a
   * read-only query at an earlier state in both shapes, and a share another learner copies and runs.
   */
  private static void verifyRuns(ServerProcess gateway) {
    JsonNode datasets = JSON.readTree(gateway.get("/api/v1/datasets").body());
    assertThat(datasets.valueStream().map(dataset -> dataset.path("id").asString()).toList())
        .containsExactly("clubdata", "chinook");
    assertThat(datasets.valueStream().map(dataset -> dataset.path("licence").asString())).allMatch(l -> !l.isBlank());

    Learner learner = Learner.anonymous(gateway);
    String worksheet = learner.worksheet("chinook");
    learner.cells(worksheet, "albums", "SELECT count(*) FROM album", "picks",
        "CREATE TABLE picks AS SELECT title FROM album ORDER BY album_id LIMIT 3", "count", "SELECT count(*) FROM picks");
    JsonNode run = learner.run(worksheet, "count");
    assertThat(run.path("outcome").asString()).as("run: %s", run).isEqualTo("succeeded");
    assertThat(Learner.lastStatements(run).get(0).path("rows").get(0).get(0).asString()).isEqualTo("3");
    List<JsonNode> events = learner.runStreaming(worksheet, "albums");
    assertThat(events.getFirst().path("event").asString()).isEqualTo("run");
    assertThat(events.getLast().path("outcome").asString()).isEqualTo("succeeded");
    assertThat(events.stream().filter(event -> event.path("event").asString().equals("rows"))
        .map(event -> event.path("rows").get(0).get(0).asString())).containsExactly("347");
    JsonNode schema = Learner.json(learner.get("/api/v1/worksheets/" + worksheet + "/schema?through=picks"), 200);
    assertThat(schema.path("database").asString()).isEqualTo("chinook");
    assertThat(schema.toString()).contains("\"picks\"", "\"album_artist_id_fkey\"");

    JsonNode query = learner.query(worksheet, "albums", "SELECT to_regclass('picks') IS NULL, count(*) FROM album");
    assertThat(query.path("outcome").asString()).as("query: %s", query).isEqualTo("succeeded");
    assertThat(query.path("steps").get(query.path("steps").size() - 1).path("cellId").asString()).isEqualTo("@query");
    assertThat(Learner.lastStatements(query).get(0).path("rows").get(0).toString()).isEqualTo("[\"t\",\"347\"]");
    List<JsonNode> queried = learner.queryStreaming(worksheet, "picks", "SELECT count(*) FROM picks");
    assertThat(queried.stream().filter(event -> event.path("event").asString().equals("rows"))
        .map(event -> event.path("rows").get(0).get(0).asString())).containsExactly("3");
    assertThat(queried.getLast().path("outcome").asString()).isEqualTo("succeeded");

    String token = Learner.json(learner.post("/api/v1/worksheets/" + worksheet + "/shares", ""), 201).path("token")
        .asString();
    Learner reader = Learner.anonymous(gateway);
    String copy = Learner.json(reader.post("/api/v1/shares/" + token + "/copy", ""), 201).path("id").asString();
    JsonNode copied = reader.run(copy, "count");
    assertThat(Learner.lastStatements(copied).get(0).path("rows").get(0).get(0).asString()).isEqualTo("3");
  }

  static JsonNode assertProblem(HttpResponse<String> response, int status, String code) {
    assertThat(response.statusCode()).as("status of %s", response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type").orElse(""))
        .as("content type of an error").startsWith("application/problem+json");
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.path("type").asString()).isEqualTo("https://taidon.dev/problems/" + code);
    assertThat(problem.path("code").asString()).isEqualTo(code);
    assertThat(problem.path("status").asInt()).isEqualTo(status);
    assertThat(problem.path("detail").asString()).as("a problem explains itself").isNotBlank();
    return problem;
  }
}
