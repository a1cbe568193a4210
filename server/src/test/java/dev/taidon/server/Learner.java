package dev.taidon.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.testkit.ServerProcess;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A learner talking to the public API of a running platform with its own access token. */
final class Learner {
  static final JsonMapper JSON = PlatformScenario.JSON;

  private final ServerProcess server;
  private final String token;
  final String accountId;

  private Learner(ServerProcess server, String token, String accountId) {
    this.server = server;
    this.token = token;
    this.accountId = accountId;
  }

  /** A learner who already holds an access token (after registration or an external login). */
  static Learner withToken(ServerProcess server, String token, String accountId) {
    return new Learner(server, token, accountId);
  }

  /** Signs in anonymously, as the SPA does on a first visit. */
  static Learner anonymous(ServerProcess server) {
    HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.baseUrl().resolve("/api/v1/auth/anonymous"))
        .POST(HttpRequest.BodyPublishers.noBody()).build());
    assertThat(response.statusCode()).as("anonymous sign-in: %s", response.body()).isEqualTo(201);
    JsonNode body = JSON.readTree(response.body());
    return new Learner(server, body.path("accessToken").asString(), body.at("/user/id").asString());
  }

  String token() {
    return token;
  }

  HttpResponse<String> get(String path) {
    return server.send(request(path).GET().build());
  }

  HttpResponse<String> post(String path, Object body) {
    return server.send(request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body instanceof String text ? text : JSON.writeValueAsString(body)))
        .build());
  }

  HttpResponse<String> put(String path, Object body) {
    return server.send(request(path).header("Content-Type", "application/json")
        .PUT(HttpRequest.BodyPublishers.ofString(body instanceof String text ? text : JSON.writeValueAsString(body)))
        .build());
  }

  HttpResponse<String> delete(String path) {
    return server.send(request(path).DELETE().build());
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(server.baseUrl().resolve(path)).header("Authorization", "Bearer " + token)
        .timeout(java.time.Duration.ofMinutes(2));
  }

  static JsonNode json(HttpResponse<String> response, int status) {
    assertThat(response.statusCode()).as("status of %s %s: %s", response.request().method(), response.request().uri(),
        response.body()).isEqualTo(status);
    return response.body().isEmpty() ? JSON.missingNode() : JSON.readTree(response.body());
  }

  /** Creates a worksheet on a dataset ({@code null} for an empty database) and returns its id. */
  String worksheet(String dataset) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("title", "test");
    if (dataset != null) {
      body.put("base", Map.of("dataset", dataset));
    }
    return json(post("/api/v1/worksheets", body), 201).path("id").asString();
  }

  /** Saves the cells, given as id, sql, id, sql, … */
  JsonNode cells(String worksheet, String... idsAndSql) {
    List<Map<String, String>> cells = new ArrayList<>();
    for (int i = 0; i < idsAndSql.length; i += 2) {
      cells.add(Map.of("id", idsAndSql[i], "sql", idsAndSql[i + 1]));
    }
    return json(put("/api/v1/worksheets/" + worksheet, Map.of("cells", cells)), 200);
  }

  /** Runs through a cell and returns the run document. */
  JsonNode run(String worksheet, String through) {
    return json(post("/api/v1/worksheets/" + worksheet + "/run", Map.of("through", through)), 200);
  }

  /** The body of a read-only query on the state after {@code at} ({@code null}: the base). */
  static Map<String, String> queryBody(String at, String sql) {
    Map<String, String> body = new LinkedHashMap<>();
    if (at != null) {
      body.put("at", at);
    }
    body.put("sql", sql);
    return body;
  }

  /** Queries the state after {@code at} ({@code null}: the base) read-only and returns the run document. */
  JsonNode query(String worksheet, String at, String sql) {
    return json(post("/api/v1/worksheets/" + worksheet + "/query", queryBody(at, sql)), 200);
  }

  /** The statements of the last step of a run document. */
  static JsonNode lastStatements(JsonNode run) {
    JsonNode steps = run.path("steps");
    return steps.get(steps.size() - 1).path("statements");
  }

  /** How each step of a run document came to its state: reused, restored, replayed or executed. */
  static java.util.List<String> modes(JsonNode run) {
    return run.path("steps").valueStream().map(step -> step.path("mode").asString()).toList();
  }

  /** A run whose NDJSON events are read as they come. */
  static final class LiveRun implements AutoCloseable {
    private final java.io.BufferedReader lines;

    LiveRun(java.io.InputStream body) {
      this.lines = new java.io.BufferedReader(new java.io.InputStreamReader(body, java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Reads events until one of kind {@code event} and returns it; fails if the run ends first. */
    JsonNode await(String event) throws java.io.IOException {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        JsonNode node = JSON.readTree(line);
        if (node.path("event").asString().equals(event)) {
          return node;
        }
      }
      throw new AssertionError("the run ended without a '" + event + "' event");
    }

    /** Every event still to come. */
    List<JsonNode> rest() throws java.io.IOException {
      List<JsonNode> events = new ArrayList<>();
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        events.add(JSON.readTree(line));
      }
      return events;
    }

    @Override
    public void close() throws java.io.IOException {
      lines.close();
    }
  }

  /** Starts a run with {@code Accept: application/x-ndjson} and returns as soon as the answer begins. */
  LiveRun runLive(String worksheet, String through) throws Exception {
    return live("/api/v1/worksheets/" + worksheet + "/run", Map.of("through", through));
  }

  /** Starts a read-only query with {@code Accept: application/x-ndjson} and returns as soon as the answer begins. */
  LiveRun queryLive(String worksheet, String at, String sql) throws Exception {
    return live("/api/v1/worksheets/" + worksheet + "/query", queryBody(at, sql));
  }

  private LiveRun live(String path, Object body) throws Exception {
    HttpResponse<java.io.InputStream> response = java.net.http.HttpClient.newHttpClient().send(
        request(path).header("Content-Type", "application/json").header("Accept", "application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    return new LiveRun(response.body());
  }

  /** Runs with {@code Accept: application/x-ndjson} and returns the events. */
  List<JsonNode> runStreaming(String worksheet, String through) {
    return streaming("/api/v1/worksheets/" + worksheet + "/run", Map.of("through", through));
  }

  /** Queries read-only with {@code Accept: application/x-ndjson} and returns the events. */
  List<JsonNode> queryStreaming(String worksheet, String at, String sql) {
    return streaming("/api/v1/worksheets/" + worksheet + "/query", queryBody(at, sql));
  }

  private List<JsonNode> streaming(String path, Object body) {
    HttpResponse<String> response = server.send(request(path)
        .header("Content-Type", "application/json").header("Accept", "application/x-ndjson")
        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("application/x-ndjson");
    return response.body().lines().map(JSON::readTree).toList();
  }
}
