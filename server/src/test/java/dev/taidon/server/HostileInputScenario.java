package dev.taidon.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.testkit.ServerProcess;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;

/**
 * Every operation of docs/api/openapi.yaml fed broken, hostile and oversized input, generated from
 * the document itself so that a new operation is swept too: each answer is a problem document with
 * a 4xx status (never a 5xx, an HTML page or a bare status), nothing unexpected reaches the log,
 * and the data of the account whose resources the input aimed at is unchanged afterwards. Run in
 * both shapes: {@link HostileInputIT} (all-in-one) and {@link SplitHostileInputIT} (two processes,
 * where the engine side's refusals cross the role RPC).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class HostileInputScenario {
  static final String OPERATOR = "operator@hostile.test";

  /** The platform's settings for the sweep, in either shape. */
  static final String[] SETTINGS = {"--taidon.sandbox.pool-size=0", "--taidon.runner.prebuild-datasets=false",
      "--taidon.auth.operators=" + OPERATOR,
      // The sweep is a thousand requests of one account; its answers must come from the operations.
      "--taidon.gateway.account-rate=100000", "--taidon.gateway.account-burst=100000",
      "--taidon.gateway.address-rate=100000", "--taidon.gateway.address-burst=100000",
      "--taidon.gateway.max-upload-size=2MB"};

  /** The process that serves the public API (started on first use). */
  abstract ServerProcess server();

  /** Every process of the platform, whose logs must show no incident after the sweep. */
  abstract List<ServerProcess> processes();

  /** Path values aimed at traversal, injection, encodings and sizes the routes do not expect. */
  private static final List<String> HOSTILE_PATH_VALUES = List.of("..", "../../../etc/passwd", "%2e%2e%2f%2e%2e",
      "' OR '1'='1", "ws-" + "f".repeat(32) + "'; DROP TABLE x; --", "\u0000", "%00", "\uD83D\uDE00",
      "x".repeat(2000), "-1", "99999999999999999999999", "00000000-0000-0000-0000-000000000000", "null",
      "ws-" + "0".repeat(32), "pr-" + "0".repeat(32), "A".repeat(32), "<script>alert(1)</script>", "${jndi:ldap://x}");

  /** Query values aimed at the parsers of numbers, times and strings. */
  private static final List<String> HOSTILE_QUERY_VALUES = List.of("", "-1", "0", "1e309", "99999999999999999999",
      "NaN", "yesterday", "2026-13-45T25:61:61Z", "' OR 1=1 --", "\u0000", "x".repeat(2000), "\uD83D\uDE00");

  private Learner owner;
  private final Map<String, String> validPathValues = new LinkedHashMap<>();
  private List<Operation> operations;

  /**
   * @param stringProperties the body's top-level properties whose documented type is a string
   * @param hasBody whether the operation takes a JSON body
   */
  record Operation(String method, String path, List<String> queryParameters, List<String> bodyProperties,
      List<String> stringProperties, boolean hasBody, boolean bodyRequired) {
    @Override
    public String toString() {
      return method + " " + path;
    }
  }

  @BeforeAll
  void setUp() throws Exception {
    operations = documentedOperations();
    HttpResponse<String> registered = server().send(HttpRequest.newBuilder(uri("/api/v1/auth/register"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + OPERATOR + "\",\"password\":\"a long passphrase\"}"))
        .build());
    JsonNode grant = Learner.json(registered, 201);
    owner = Learner.withToken(server(), grant.path("accessToken").asString(), grant.at("/user/id").asString());
    String worksheet = owner.worksheet(null);
    owner.cells(worksheet, "kept", "CREATE TABLE kept (n int); INSERT INTO kept VALUES (42)", "read", "SELECT n FROM kept");
    JsonNode run = owner.run(worksheet, "read");
    JsonNode share = Learner.json(owner.post("/api/v1/worksheets/" + worksheet + "/shares", Map.of()), 201);
    JsonNode project = Learner.json(owner.post("/api/v1/projects", Map.of("name", "kept project", "files",
        List.of(Map.of("path", "init/01-schema.sql", "content", "CREATE TABLE p (n int);")))), 201);
    validPathValues.put("id@/api/v1/worksheets", worksheet);
    validPathValues.put("id@/api/v1/projects", project.path("id").asString());
    validPathValues.put("runId", run.path("runId").asString());
    validPathValues.put("token", share.path("token").asString());
    validPathValues.put("provider", "none-configured");
  }

  Stream<Operation> operationsWithPathParameters() {
    return operations.stream().filter(operation -> operation.path().contains("{"));
  }

  Stream<Operation> operationsWithJsonBodies() {
    return operations.stream().filter(Operation::hasBody);
  }

  Stream<Operation> operationsWithQueryParameters() {
    return operations.stream().filter(operation -> !operation.queryParameters().isEmpty());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operationsWithPathParameters")
  void hostilePathValuesAreAnsweredWithProblems(Operation operation) {
    SoftAssertions.assertSoftly(softly -> {
      for (String parameter : parameters(operation.path())) {
        for (String hostile : HOSTILE_PATH_VALUES) {
          String path = expand(operation.path(), Map.of(parameter, encodePathSegment(hostile)));
          HttpResponse<String> response = send(operation.method(), path, operation.hasBody() ? "{}" : null,
              "application/json");
          assertClientProblem(softly, response, operation + " with " + parameter + " = " + abbreviate(hostile));
        }
      }
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operationsWithJsonBodies")
  void bodiesThatAreNotTheDocumentAskedForAreAnsweredWithProblems(Operation operation) {
    SoftAssertions.assertSoftly(softly -> {
      String path = expand(operation.path(), Map.of());
      List<String> malformed = new ArrayList<>(List.of("{not json", "{\"a\":", "[]", "\"text\"", "42", "true",
          "{\"a\":" + "[".repeat(20_000) + "]".repeat(20_000) + "}", "{\"" + "k".repeat(100_000) + "\":1}",
          "{\"a\":" + "9".repeat(50_000) + "}"));
      if (operation.bodyRequired()) {
        // An optional body may be empty, or JSON's null, which reads as none.
        malformed.addAll(List.of("", "null"));
      }
      for (String text : malformed) {
        assertClientProblem(softly, send(operation.method(), path, text, "application/json"),
            operation + " with the body " + abbreviate(text));
      }
      assertClientProblem(softly, send(operation.method(), path, "{}", "text/plain"), operation + " with a text/plain body");
      assertClientProblem(softly, send(operation.method(), path, "<a/>", "application/xml"), operation + " with an XML body");
    });
  }

  /**
   * Bodies that parse but hold what the operation does not expect: wrong types in each documented
   * property (a number where text belongs may be read as its text, as JSON readers commonly do),
   * text PostgreSQL cannot store, bytes that are not UTF-8, a byte-order mark, trailing content.
   * Whatever the operation makes of them, it is never a server error.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("operationsWithJsonBodies")
  void oddBodiesNeverCauseServerErrors(Operation operation) {
    SoftAssertions.assertSoftly(softly -> {
      String path = expand(operation.path(), Map.of());
      Map<String, byte[]> bodies = new LinkedHashMap<>();
      for (String text : List.of("\uFEFF{}", "{\"a\":1}{\"b\":2}", "{\"a\":1e999999999}", "{\"a\":\"\\u0000\"}")) {
        bodies.put("the body " + abbreviate(text), text.getBytes(StandardCharsets.UTF_8));
      }
      bodies.put("bytes that are not UTF-8", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28,
          (byte) 0xFF, '"', '}'});
      for (String property : operation.bodyProperties()) {
        for (String wrong : List.of("[[[]]]", "{\"$ne\":null}", "12345678901234567890123456789", "-1", "true",
            "\"\\u0000 a\\u0000\"", "\"\\ud800\"", "\"\\udfff\\ud800\"", "\"" + "\\\\".repeat(10_000) + "\"",
            "[{\"id\":\"\\u0000\",\"sql\":\"\\u0000\",\"path\":\"\\u0000\",\"content\":\"\\u0000\"}]",
          "{\"dataset\":\"\\u0000\",\"project\":\"\\u0000\",\"stateId\":\"\\u0000\"}")) {
          bodies.put("{\"" + property + "\": " + abbreviate(wrong) + "}",
              ("{\"" + property + "\":" + wrong + "}").getBytes(StandardCharsets.UTF_8));
        }
      }
      bodies.forEach((what, body) -> assertNoServerError(softly, send(operation.method(), path, body, "application/json"),
          operation + " with " + what));
      for (String property : operation.stringProperties()) {
        HttpResponse<String> response = send(operation.method(), path, "{\"" + property + "\":\"a\\u0000b\"}",
            "application/json");
        assertClientProblem(softly, response, operation + " with a NUL character in " + property);
        softly.assertThat(response.body()).as("%s with a NUL character in %s", operation, property)
            .contains("the text at /" + property + " contains a NUL character");
      }
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operationsWithJsonBodies")
  void oversizedBodiesAreRefusedAsTooLarge(Operation operation) {
    SoftAssertions.assertSoftly(softly -> {
      String property = operation.bodyProperties().isEmpty() ? "a" : operation.bodyProperties().get(0);
      byte[] body = ("{\"" + property + "\":\"" + "x".repeat(3 << 20) + "\"}").getBytes(StandardCharsets.UTF_8);
      HttpResponse<String> response = send(operation.method(), expand(operation.path(), Map.of()), body,
          "application/json");
      assertClientProblem(softly, response, operation + " with a 3 MiB body");
      softly.assertThat(response.statusCode()).as("%s with a 3 MiB body: %s", operation, response.body()).isEqualTo(413);
    });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operationsWithQueryParameters")
  void hostileQueryValuesAreAnsweredWithoutServerErrors(Operation operation) {
    SoftAssertions.assertSoftly(softly -> {
      String path = expand(operation.path(), Map.of());
      for (String parameter : operation.queryParameters()) {
        for (String hostile : HOSTILE_QUERY_VALUES) {
          String query = "?" + parameter + "=" + URLEncoder.encode(hostile, StandardCharsets.UTF_8);
          HttpResponse<String> response = send(operation.method(), path + query, operation.hasBody() ? "{}" : null,
              "application/json");
          assertNoServerError(softly, response, operation + " with ?" + parameter + "=" + abbreviate(hostile));
          if (hostile.contains("\u0000")) {
            softly.assertThat(response.body()).as("%s with a NUL character in ?%s", operation, parameter)
                .contains("the query string contains a NUL character");
          }
        }
        HttpResponse<String> repeated = send(operation.method(), path + "?" + parameter + "=1&" + parameter + "=2",
            operation.hasBody() ? "{}" : null, "application/json");
        assertNoServerError(softly, repeated, operation + " with " + parameter + " given twice");
      }
    });
  }

  /**
   * Accept and Content-Type headers no client of this API sends, on the owner's own resources:
   * whatever the operation makes of them (an answer in JSON anyway, 406, 415), never a server
   * error. Deletions are left out, as they would succeed.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("operationsWithPathParameters")
  void oddHeadersNeverCauseServerErrors(Operation operation) {
    if (operation.method().equals("DELETE")) {
      return;
    }
    SoftAssertions.assertSoftly(softly -> {
      String path = expand(operation.path(), Map.of());
      for (String accept : List.of("text/html", "application/xml", "*/*;q=0", "invalid", "application/x-ndjson",
          "application/json;q=0.1, text/plain;q=1", "x".repeat(4000))) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofMinutes(1))
            .header("Authorization", "Bearer " + owner.token()).header("Accept", accept)
            .header("Content-Type", "application/json; charset=utf-16")
            .method(operation.method(), HttpRequest.BodyPublishers.ofString(operation.hasBody() ? "{}" : ""));
        HttpResponse<String> response = server().send(request.build());
        softly.assertThat(response.statusCode()).as("status of %s with Accept: %s and a UTF-16 content type: %s",
            operation, abbreviate(accept), abbreviate(response.body())).isLessThan(500);
      }
    });
  }

  @Test
  void brokenCredentialsAreUnauthenticatedOnEveryOperationThatNeedsThem() {
    SoftAssertions.assertSoftly(softly -> {
      for (Operation operation : operations) {
        if (operation.path().startsWith("/api/v1/auth/") || operation.path().equals("/api/v1/platform")
            || operation.path().equals("/api/v1/datasets")) {
          continue;
        }
        String path = expand(operation.path(), Map.of());
        for (String authorization : List.of("Bearer", "Bearer ", "Bearer " + "a".repeat(6000), "Basic b3A6cGFzcw==",
            "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", "Bearer a.b.c", "Bearer " + owner.token() + "x")) {
          HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofMinutes(1))
              .header("Authorization", authorization).header("Content-Type", "application/json")
              .method(operation.method(), HttpRequest.BodyPublishers.ofString(operation.hasBody() ? "{}" : ""));
          HttpResponse<String> response = server().send(request.build());
          assertClientProblem(softly, response, operation + " with Authorization: " + abbreviate(authorization));
          softly.assertThat(response.statusCode()).as("%s with Authorization: %s", operation, abbreviate(authorization))
              .isEqualTo(401);
        }
      }
    });
  }

  @Test
  @Order(Integer.MAX_VALUE)
  void afterTheSweepNothingIsLostAndNothingUnexpectedWasLogged() {
    String worksheet = validPathValues.get("id@/api/v1/worksheets");
    JsonNode saved = Learner.json(owner.get("/api/v1/worksheets/" + worksheet), 200);
    assertThat(saved.path("cells").findValuesAsString("id")).as("the owner's cells after the sweep")
        .containsExactly("kept", "read");
    JsonNode run = owner.run(worksheet, "read");
    assertThat(Learner.lastStatements(run).get(0).path("rows").get(0).get(0).asString())
        .as("the owner's data after the sweep").isEqualTo("42");
    assertThat(Learner.json(owner.get("/api/v1/projects/" + validPathValues.get("id@/api/v1/projects")), 200)
        .path("name").asString()).isEqualTo("kept project");
    assertThat(Learner.json(owner.get("/api/v1/shares/" + validPathValues.get("token")), 200).path("cells").size())
        .isEqualTo(2);
    JsonNode verification = Learner.json(owner.get("/api/v1/audit/verification"), 200);
    assertThat(verification.path("firstBroken").isNull()).as("the audit chain after the sweep: %s", verification)
        .isTrue();
    List<String> incidents = new ArrayList<>();
    for (ServerProcess process : processes()) {
      List<String> log = process.output().lines().toList();
      for (int line = 0; line < log.size(); line++) {
        if (log.get(line).contains("unexpected error") || log.get(line).contains("Exception in thread")) {
          incidents.add(String.join("\n", log.subList(line, Math.min(log.size(), line + 12))));
        }
      }
    }
    assertThat(incidents).as("server errors in the log after the sweep").isEmpty();
  }

  private HttpResponse<String> send(String method, String path, Object body, String contentType) {
    HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
        : body instanceof byte[] bytes ? HttpRequest.BodyPublishers.ofByteArray(bytes)
        : HttpRequest.BodyPublishers.ofString(body.toString());
    HttpRequest.Builder request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofMinutes(1))
        .header("Authorization", "Bearer " + owner.token()).method(method, publisher);
    if (body != null) {
      request.header("Content-Type", contentType);
    }
    return server().send(request.build());
  }

  private static void assertNoServerError(SoftAssertions softly, HttpResponse<String> response, String what) {
    softly.assertThat(response.statusCode()).as("status of %s: %s", what, abbreviate(response.body()))
        .isLessThan(500);
    if (response.statusCode() >= 400) {
      assertProblemDocument(softly, response, what);
    }
  }

  private static void assertClientProblem(SoftAssertions softly, HttpResponse<String> response, String what) {
    softly.assertThat(response.statusCode()).as("status of %s: %s", what, abbreviate(response.body()))
        .isBetween(400, 499);
    assertProblemDocument(softly, response, what);
  }

  private static void assertProblemDocument(SoftAssertions softly, HttpResponse<String> response, String what) {
    String contentType = response.headers().firstValue("Content-Type").orElse("");
    softly.assertThat(contentType).as("content type of the answer to %s: %s", what, abbreviate(response.body()))
        .startsWith("application/problem+json");
    if (!contentType.startsWith("application/problem+json")) {
      return;
    }
    JsonNode problem = PlatformScenario.JSON.readTree(response.body());
    softly.assertThat(problem.path("status").asInt()).as("status inside the problem of %s", what)
        .isEqualTo(response.statusCode());
    softly.assertThat(problem.path("detail").asString()).as("the problem of %s explains itself", what).isNotBlank();
    softly.assertThat(problem.path("detail").asString()).as("the problem of %s tells no internals", what)
        .doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("org.postgresql");
  }

  private String expand(String template, Map<String, String> overrides) {
    Matcher matcher = Pattern.compile("\\{([A-Za-z]+)}").matcher(template);
    StringBuilder path = new StringBuilder();
    while (matcher.find()) {
      String name = matcher.group(1);
      String value = overrides.containsKey(name) ? overrides.get(name) : validPathValues.getOrDefault(name,
          validPathValues.get(name + "@" + template.substring(0, matcher.start() - 1)));
      assertThat(value).as("a valid value for {%s} in %s", name, template).isNotNull();
      matcher.appendReplacement(path, Matcher.quoteReplacement(value));
    }
    matcher.appendTail(path);
    return path.toString();
  }

  private static List<String> parameters(String template) {
    return Pattern.compile("\\{([A-Za-z]+)}").matcher(template).results().map(result -> result.group(1)).toList();
  }

  private static String encodePathSegment(String value) {
    return value.startsWith("%") ? value : URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** The path as given, dot segments included: {@code URI.resolve} would remove them on the client. */
  private URI uri(String path) {
    String base = server().baseUrl().toString();
    return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
  }

  private static String abbreviate(String text) {
    String visible = text.replace("\u0000", "\\u0000");
    return visible.length() <= 80 ? visible : visible.substring(0, 60) + "… (" + visible.length() + " characters)";
  }

  @SuppressWarnings("unchecked")
  private static List<Operation> documentedOperations() throws Exception {
    Map<String, Object> document = new Yaml().load(Files.readString(OpenApiIT.DOCUMENT));
    Map<String, Object> schemas = (Map<String, Object>) ((Map<String, Object>) document.get("components")).get("schemas");
    List<Operation> operations = new ArrayList<>();
    ((Map<String, Map<String, Object>>) document.get("paths")).forEach((path, item) -> item.forEach((key, value) -> {
      if (!Set.of("get", "post", "put", "delete", "patch").contains(key)) {
        return;
      }
      Map<String, Object> operation = (Map<String, Object>) value;
      List<String> query = ((List<Map<String, Object>>) operation.getOrDefault("parameters", List.of())).stream()
          .filter(parameter -> "query".equals(parameter.get("in"))).map(parameter -> (String) parameter.get("name"))
          .toList();
      Map<String, Object> body = (Map<String, Object>) operation.get("requestBody");
      Map<String, Object> json = body == null ? null
          : (Map<String, Object>) ((Map<String, Object>) body.get("content")).get("application/json");
      List<String> properties = new ArrayList<>();
      List<String> strings = new ArrayList<>();
      if (json != null) {
        Map<String, Object> schema = (Map<String, Object>) json.get("schema");
        if (schema.get("$ref") instanceof String ref) {
          schema = (Map<String, Object>) schemas.get(ref.substring(ref.lastIndexOf('/') + 1));
        }
        ((Map<String, Map<String, Object>>) schema.getOrDefault("properties", Map.of())).forEach((name, property) -> {
          properties.add(name);
          if ("string".equals(property.get("type"))) {
            strings.add(name);
          }
        });
      }
      operations.add(new Operation(key.toUpperCase(Locale.ROOT), path, query, properties, strings, json != null,
          body != null && Boolean.TRUE.equals(body.get("required"))));
    }));
    return operations;
  }
}
