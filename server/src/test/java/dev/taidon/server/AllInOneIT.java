package dev.taidon.server;

import static dev.taidon.server.PlatformScenario.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.auditlog.AuditEntry;
import dev.taidon.auditlog.AuditLog;
import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.core.remote.RemoteRoleClient;
import dev.taidon.core.remote.RoleRpc;
import dev.taidon.testkit.ServerProcess;
import dev.taidon.testkit.TestDirectories;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every role in one process ({@code --target=all}), started from the packaged jar. */
class AllInOneIT {
  static final String TOKEN = "all-in-one-internal-token-0123456789";
  private static Path data;
  private static ServerProcess server;

  @BeforeAll
  static void start() {
    data = TestDirectories.create("all-in-one");
    server = ServerProcess.start(data.resolve("server.log"),
        List.of("--data-dir=" + data.resolve("data"), "--internal-token=" + TOKEN));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    TestDirectories.delete(data);
  }

  @Test
  void passesThePlatformScenario() {
    PlatformScenario.verify(server, Map.of());
  }

  @Test
  void roleApisAnswerOverHttpThroughTheSameJavaInterface() {
    AuditLog remote = client(TOKEN).proxy(AuditLog.class, "audit-log", server.baseUrl());
    List<AuditEntry> entries = remote.recent(1000);
    assertThat(entries).extracting(entry -> entry.event().type()).contains("platform.started");
    assertThat(entries.getFirst().hash()).matches("[0-9a-f]{64}");

    assertThatThrownBy(() -> remote.recent(0))
        .as("an error raised by the remote role arrives as the same typed error")
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT))
        .hasMessageContaining("between 1 and 1000");
  }

  @Test
  void theInternalApiRefusesCallersWithoutTheToken() {
    assertThatThrownBy(() -> client("wrong-token-wrong-token-wrong").proxy(AuditLog.class, "audit-log", server.baseUrl()).recent(1))
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHENTICATED));
    assertProblem(server.send(rpc("audit-log/AuditLog/recent", "[1]", null)), 401, "unauthenticated");
  }

  @Test
  void theInternalApiAnswersBrokenAndHostileCallsWithProblemsAndKeepsServing() {
    assertProblem(server.send(rpc("audit-log/AuditLog/recent", "{not json", TOKEN)), 400, "malformed-request");
    assertProblem(server.send(rpc("audit-log/AuditLog/recent", "[]", TOKEN)), 400, "malformed-request");
    assertProblem(server.send(rpc("audit-log/AuditLog/recent", "[\"ten\"]", TOKEN)), 400, "malformed-request");
    assertProblem(server.send(rpc("audit-log/AuditLog/recent", "[1, 2]", TOKEN)), 400, "malformed-request");
    assertProblem(server.send(rpc("audit-log/AuditLog/append", "[{\"type\":\"x\"}]", TOKEN)), 400, "malformed-request");
    assertProblem(server.send(rpc("audit-log/AuditLog/wait", "[]", TOKEN)), 404, "not-found");
    assertProblem(server.send(rpc("audit-log/Object/getClass", "[]", TOKEN)), 404, "not-found");
    assertProblem(server.send(rpc("../../actuator/AuditLog/recent", "[1]", TOKEN)), 404, "not-found");
    String oversized = "[" + "1,".repeat(RoleRpc.MAX_REQUEST_BYTES / 2) + "1]";
    assertProblem(server.send(rpc("audit-log/AuditLog/recent", oversized, TOKEN)), 413, "payload-too-large");
    String deep = "[".repeat(5000) + "]".repeat(5000);
    assertProblem(server.send(rpc("audit-log/AuditLog/recent", deep, TOKEN)), 400, "malformed-request");

    assertThat(server.get("/actuator/health/readiness").statusCode()).as("still serving").isEqualTo(200);
  }

  @Test
  void thePublicApiAnswersWrongMethodsAndTypesWithProblems() {
    HttpRequest post = HttpRequest.newBuilder(server.baseUrl().resolve("/api/v1/platform"))
        .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build();
    assertProblem(server.send(post), 405, "method-not-allowed");
    HttpRequest xml = HttpRequest.newBuilder(server.baseUrl().resolve("/api/v1/platform"))
        .header("Accept", "application/xml").GET().build();
    HttpResponse<String> notAcceptable = server.send(xml);
    assertThat(notAcceptable.statusCode()).isEqualTo(406);
  }

  @Test
  void everyAnswerCarriesTheSecurityHeadersAndTheSpaPassesItsPolicy() {
    for (HttpResponse<String> response : List.of(server.get("/"), server.get("/api/v1/platform"),
        server.get("/api/v1/me"))) {
      assertThat(response.headers().firstValue("Content-Security-Policy")).as("CSP of %s", response.uri())
          .hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'self'").contains("frame-ancestors 'none'"));
      assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
      assertThat(response.headers().firstValue("X-Frame-Options")).contains("DENY");
    }
    String page = server.get("/").body();
    assertThat(page).as("no inline script or style, which the policy would block")
        .doesNotContainPattern("<script(?![^>]*\\bsrc=)[^>]*>").doesNotContain("<style").doesNotContain("style=");
  }

  @Test
  void theSpaPageCarriesAFreshNonceThatOnlyItsOwnPolicyNames() {
    HttpResponse<String> first = server.get("/");
    HttpResponse<String> second = server.get("/index.html");
    java.util.regex.Pattern meta = java.util.regex.Pattern.compile("<meta name=\"csp-nonce\" content=\"([A-Za-z0-9_-]{20,})\"");
    java.util.regex.Matcher firstNonce = meta.matcher(first.body());
    java.util.regex.Matcher secondNonce = meta.matcher(second.body());
    assertThat(firstNonce.find()).as("the page names its nonce for the editor: %s", first.body()).isTrue();
    assertThat(secondNonce.find()).isTrue();
    assertThat(firstNonce.group(1)).as("every copy of the page has its own nonce").isNotEqualTo(secondNonce.group(1));
    assertThat(first.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp -> assertThat(csp)
        .contains("style-src 'self' 'nonce-" + firstNonce.group(1) + "';").contains("script-src 'self';")
        .doesNotContain("script-src 'self' 'unsafe"));
    assertThat(first.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(server.get("/api/v1/platform").headers().firstValue("Content-Security-Policy"))
        .as("other answers allow no inline style element at all")
        .hasValueSatisfying(csp -> assertThat(csp).contains("style-src 'self';").doesNotContain("nonce"));
  }

  @Test
  void oversizedBodiesAreRefusedWhetherDeclaredOrStreamed() {
    String large = "{\"refreshToken\":\"" + "x".repeat(2 << 20) + "\"}";
    assertProblem(server.send(HttpRequest.newBuilder(server.baseUrl().resolve("/api/v1/auth/refresh"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(large)).build()),
        413, "payload-too-large");
    HttpRequest chunked = HttpRequest.newBuilder(server.baseUrl().resolve("/api/v1/auth/refresh"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(large.getBytes()))).build();
    assertProblem(server.send(chunked), 413, "payload-too-large");
  }

  @Test
  void browsersOnOtherOriginsMayNotCallTheApi() {
    HttpResponse<String> preflight = server.send(HttpRequest.newBuilder(server.baseUrl().resolve("/api/v1/me"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
        .header("Origin", "https://evil.example").header("Access-Control-Request-Method", "GET").build());
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    assertThat(preflight.statusCode()).isEqualTo(403);
  }

  private static RemoteRoleClient client(String token) {
    return new RemoteRoleClient(PlatformScenario.JSON, token, Duration.ofSeconds(2), Duration.ofSeconds(30));
  }

  private HttpRequest rpc(String path, String body, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.baseUrl().resolve(RoleRpc.ROLES_PATH + "/" + path))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header(RoleRpc.TOKEN_HEADER, token);
    }
    return request.build();
  }
}
