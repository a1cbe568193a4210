package dev.taidon.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.core.remote.RemoteRoleClient;
import dev.taidon.envmanager.EnvManager;
import dev.taidon.testkit.ServerProcess;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The same platform spread over two processes: the front (gateway and the account-side roles, with
 * the control database) and the engine side (sql-runner, env-manager, snapshot-cache). The
 * front reaches the engine side's roles over HTTP through the same Java interfaces, and the
 * platform scenario must pass exactly as it does with {@code --target=all}.
 */
class SplitIT {
  static final String TOKEN = SplitPlatform.TOKEN;
  private static SplitPlatform split;
  private static Path base;
  private static ServerProcess front;
  private static ServerProcess engine;

  @BeforeAll
  static void start() {
    split = SplitPlatform.start("split", List.of(), List.of());
    base = split.base;
    front = split.front;
    engine = split.engine;
  }

  @AfterAll
  static void stop() {
    if (split != null) {
      split.close();
    }
  }

  @Test
  void passesThePlatformScenarioWithRolesInTwoProcesses() {
    PlatformScenario.verify(front, Map.of(
        "sql-runner", "remote", "env-manager", "remote", "snapshot-cache", "remote"));
  }

  @Test
  void theEngineSideRecordedItsStartInTheFrontsAuditLogOverHttp() {
    HttpResponse<String> entries = front.send(java.net.http.HttpRequest.newBuilder(
            front.baseUrl().resolve("/internal/v1/roles/audit-log/AuditLog/recent"))
        .header(dev.taidon.core.remote.RoleRpc.TOKEN_HEADER, TOKEN).header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("[50]")).build());
    assertThat(entries.statusCode()).isEqualTo(200);
    List<String> startedRoles = PlatformScenario.JSON.readTree(entries.body()).valueStream()
        .filter(entry -> entry.at("/event/type").asString().equals("platform.started"))
        .map(entry -> entry.at("/event/attributes/roles").asString()).toList();
    assertThat(startedRoles).contains("snapshot-cache,env-manager,sql-runner", "audit-log,idp,user-profile,vcs-sync,gateway");
  }

  @Test
  void aSplitProcessRefusesToStartWithoutAddressesForTheRolesItCalls() {
    ServerProcess incomplete = ServerProcess.launch(base.resolve("incomplete.log"),
        List.of("--target=gateway", "--data-dir=" + base.resolve("incomplete"), "--internal-token=" + TOKEN));
    assertThat(incomplete.awaitExit(Duration.ofSeconds(60))).isEqualTo(TaidonServer.EXIT_USAGE);
    assertThat(incomplete.output()).contains("neither run in this process nor have an address")
        .contains("--role-url audit-log=http://HOST:PORT");
  }

  @Test
  void whenTheEngineSideIsDownTheFrontSaysSoInsteadOfFailing() {
    // Runs against a third process so the shared fixture stays up for the other tests.
    int port = ServerProcess.freePort();
    RemoteRoleClient client = new RemoteRoleClient(PlatformScenario.JSON, TOKEN, Duration.ofSeconds(1), Duration.ofSeconds(5));
    EnvManager unreachable = client.proxy(EnvManager.class, "env-manager", java.net.URI.create("http://127.0.0.1:" + port));
    assertThatThrownBy(unreachable::engine)
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.ROLE_UNAVAILABLE))
        .hasMessageContaining("role env-manager at http://127.0.0.1:" + port).hasMessageContaining("unreachable");

    EnvManager reachable = client.proxy(EnvManager.class, "env-manager", engine.baseUrl());
    assertThat(reachable.engine().fingerprint()).matches("[0-9a-f]{64}");
  }

  @Test
  void thePublicStatusHidesTheInternalAddressesOfRemoteRoles() {
    JsonNode platform = PlatformScenario.JSON.readTree(front.get("/api/v1/platform").body());
    assertThat(platform.path("roles").valueStream().filter(role -> role.path("location").asString().equals("remote")))
        .isNotEmpty()
        .allSatisfy(role -> assertThat(role.has("url")).as("url of %s", role.path("name").asString()).isFalse());
  }

  @Test
  void eachProcessReportsOnlyItsOwnRolesAsLocal() {
    JsonNode health = PlatformScenario.JSON.readTree(engine.get("/actuator/health").body());
    assertThat(health.at("/components/roles/details").propertyNames())
        .containsExactlyInAnyOrder("snapshot-cache", "env-manager", "sql-runner");
  }
}
