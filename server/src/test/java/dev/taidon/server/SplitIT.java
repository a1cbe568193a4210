package dev.taidon.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.core.remote.RemoteRoleClient;
import dev.taidon.envmanager.EnvManager;
import dev.taidon.pg.UnixSocketJdbc;
import dev.taidon.testkit.ServerProcess;
import dev.taidon.testkit.TestDirectories;
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
  static final String TOKEN = "split-internal-token-0123456789abcdef";
  private static Path base;
  private static ServerProcess front;
  private static ServerProcess engine;

  @BeforeAll
  static void start() {
    base = TestDirectories.create("split");
    int frontPort = ServerProcess.freePort();
    int enginePort = ServerProcess.freePort();
    Path frontData = base.resolve("front");
    front = ServerProcess.start(base.resolve("front.log"), frontPort, List.of(
        "--target=gateway,idp,user-profile,vcs-sync,audit-log", "--data-dir=" + frontData,
        "--internal-token=" + TOKEN,
        "--role-url=sql-runner=http://127.0.0.1:" + enginePort,
        "--role-url=env-manager=http://127.0.0.1:" + enginePort,
        "--role-url=snapshot-cache=http://127.0.0.1:" + enginePort));
    // The engine side shares the front's control database, reached through its Unix socket.
    String controlDb = UnixSocketJdbc.url(frontData.resolve("run/control-db"), "taidon");
    engine = ServerProcess.start(base.resolve("engine.log"), enginePort, List.of(
        "--target=sql-runner,env-manager,snapshot-cache", "--data-dir=" + base.resolve("engine"),
        "--internal-token=" + TOKEN, "--control-db-url=" + controlDb, "--taidon.control-db.username=postgres",
        "--role-url=audit-log=http://127.0.0.1:" + frontPort,
        "--role-url=user-profile=http://127.0.0.1:" + frontPort,
        "--role-url=vcs-sync=http://127.0.0.1:" + frontPort));
  }

  @AfterAll
  static void stop() {
    if (engine != null) {
      engine.close();
    }
    if (front != null) {
      front.close();
    }
    TestDirectories.delete(base);
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
