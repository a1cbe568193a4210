package dev.taidon.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.testkit.ServerProcess;
import dev.taidon.testkit.TestDirectories;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The packaged server's command line, as an operator types it. */
class CommandLineIT {
  private static Path base;

  @BeforeAll
  static void createDirectory() {
    base = TestDirectories.create("command-line");
  }

  @AfterAll
  static void removeDirectory() {
    TestDirectories.delete(base);
  }

  @Test
  void listTargetsPrintsEveryRoleWithItsDependenciesAndExits() {
    ServerProcess server = ServerProcess.launch(base.resolve("list.log"), List.of("--list-targets"));
    assertThat(server.awaitExit(Duration.ofSeconds(60))).isZero();
    assertThat(server.output())
        .contains("audit-log       depends on: -")
        .contains("gateway         depends on: audit-log, idp, env-manager, user-profile, vcs-sync, sql-runner");
  }

  @Test
  void helpPrintsUsage() {
    ServerProcess server = ServerProcess.launch(base.resolve("help.log"), List.of("--help"));
    assertThat(server.awaitExit(Duration.ofSeconds(60))).isZero();
    assertThat(server.output()).contains("Usage: taidon-server").contains("--role-url=ROLE=URL");
  }

  @Test
  void anUnknownRoleStopsTheServerWithStatusTwoAndTheKnownRoles() {
    ServerProcess server = ServerProcess.launch(base.resolve("unknown.log"), List.of("--target=gateway,warp-drive"));
    assertThat(server.awaitExit(Duration.ofSeconds(60))).isEqualTo(TaidonServer.EXIT_USAGE);
    assertThat(server.output()).contains("taidon: unknown role 'warp-drive' in --target; known roles: audit-log, idp");
  }

  @Test
  void aSplitProcessWithoutTheInternalTokenRefusesToStart() {
    ServerProcess server = ServerProcess.launch(base.resolve("token.log"), List.of("--target=audit-log",
        "--data-dir=" + base.resolve("token-data")));
    assertThat(server.awaitExit(Duration.ofSeconds(120))).isNotZero();
    assertThat(server.output()).contains("every process needs the same --internal-token");
  }

  @Test
  void jsonLogsAreOneJsonDocumentPerLine() {
    ServerProcess server = ServerProcess.start(base.resolve("json.log"), List.of("--log-format=json",
        "--data-dir=" + base.resolve("json-data")));
    server.terminate();
    List<String> lines = server.output().lines().filter(line -> line.startsWith("{")).toList();
    assertThat(lines).as("JSON log lines").isNotEmpty();
    JsonNode ready = lines.stream().map(PlatformScenario.JSON::readTree)
        .filter(line -> line.path("message").asString().startsWith("Taidon is ready at http://localhost:"))
        .findFirst().orElseThrow(() -> new AssertionError("no JSON line announces readiness:\n" + server.output()));
    assertThat(ready.path("@timestamp").asString()).isNotBlank();
    assertThat(ready.path("level").asString()).isEqualTo("INFO");
  }
}
