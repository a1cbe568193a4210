package dev.taidon.server;

import static dev.taidon.server.PlatformScenario.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.pg.UnixSocketJdbc;
import dev.taidon.testkit.ServerProcess;
import dev.taidon.testkit.TestDirectories;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The audit log for operators over HTTP, and the verification command on a stopped server. */
class AuditIT {
  static final String OPERATOR = "ops@example.org";
  private Path base;
  private Path data;
  private ServerProcess server;

  @BeforeEach
  void start() {
    base = TestDirectories.create("audit");
    data = base.resolve("data");
    server = ServerProcess.start(base.resolve("server.log"), List.of("--data-dir=" + data,
        "--taidon.auth.operators=" + OPERATOR.toUpperCase(), "--taidon.sandbox.pool-size=0"));
  }

  @AfterEach
  void stop() {
    server.close();
    TestDirectories.delete(base);
  }

  private String register(String email) {
    HttpResponse<String> response = server.send(HttpRequest.newBuilder(server.baseUrl().resolve("/api/v1/auth/register"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"email\":\"" + email + "\",\"password\":\"a long passphrase\"}"))
        .build());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    return PlatformScenario.JSON.readTree(response.body()).path("accessToken").asString();
  }

  private HttpResponse<String> get(String path, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(server.baseUrl().resolve(path)).GET();
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return server.send(request.build());
  }

  @Test
  void operatorsQueryAndVerifyTheLogAndNobodyElseMay() {
    String operator = register(OPERATOR);
    String learner = register("learner@example.org");

    HttpResponse<String> entries = get("/api/v1/audit?type=auth.registered&limit=10", operator);
    assertThat(entries.statusCode()).as(entries.body()).isEqualTo(200);
    JsonNode list = PlatformScenario.JSON.readTree(entries.body());
    assertThat(list.size()).isEqualTo(2);
    assertThat(list.get(0).at("/event/type").asString()).isEqualTo("auth.registered");

    HttpResponse<String> verification = get("/api/v1/audit/verification", operator);
    assertThat(PlatformScenario.JSON.readTree(verification.body()).path("firstBroken").isNull()
        || PlatformScenario.JSON.readTree(verification.body()).path("firstBroken").isMissingNode())
        .as("an intact chain: %s", verification.body()).isTrue();

    assertProblem(get("/api/v1/audit", learner), 403, "forbidden");
    assertProblem(get("/api/v1/audit/verification", learner), 403, "forbidden");
    assertProblem(get("/api/v1/audit", null), 401, "unauthenticated");
    assertProblem(get("/api/v1/audit?from=yesterday", operator), 400, "invalid-argument");
    assertProblem(get("/api/v1/audit?limit=0", operator), 400, "invalid-argument");
    assertProblem(get("/api/v1/audit?limit=many", operator), 400, "invalid-argument");

    JsonNode reads = PlatformScenario.JSON.readTree(get("/api/v1/audit?type=audit.queried", operator).body());
    assertThat(reads.get(0).at("/event/attributes/type").asString())
        .as("operators reading the log are in the log, with what they asked for").isEqualTo("auth.registered");
    assertThat(reads.get(0).at("/event/attributes/returned").asString()).isEqualTo("2");
    JsonNode verified = PlatformScenario.JSON.readTree(get("/api/v1/audit?type=audit.verified", operator).body());
    assertThat(verified.get(0).at("/event/attributes/intact").asString()).isEqualTo("true");
  }

  @Test
  void theVerificationCommandReportsTheFirstEntryChangedBehindThePlatformsBack() throws Exception {
    register("someone@example.org");
    server.terminate();
    ServerProcess intact = ServerProcess.launch(base.resolve("verify-intact.log"), List.of("--verify-audit",
        "--data-dir=" + data));
    assertThat(intact.awaitExit(Duration.ofSeconds(120))).as(intact.output()).isZero();
    assertThat(intact.output()).contains("audit log intact:");

    server = ServerProcess.start(base.resolve("again.log"), List.of("--data-dir=" + data, "--taidon.sandbox.pool-size=0"));
    try (Connection connection = DriverManager.getConnection(
            UnixSocketJdbc.url(data.resolve("run/control-db"), "taidon"), "postgres", "");
        Statement statement = connection.createStatement()) {
      statement.execute("UPDATE audit_log.entry SET actor = 'someone-else' WHERE type = 'auth.registered'");
    }
    server.terminate();
    ServerProcess broken = ServerProcess.launch(base.resolve("verify-broken.log"), List.of("--verify-audit",
        "--data-dir=" + data));
    assertThat(broken.awaitExit(Duration.ofSeconds(120))).as(broken.output()).isEqualTo(TaidonServer.EXIT_AUDIT_BROKEN);
    assertThat(broken.output()).containsPattern("audit log BROKEN at entry \\d+: entry \\d+ was changed after it was recorded");
  }
}
