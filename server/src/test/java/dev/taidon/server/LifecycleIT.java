package dev.taidon.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.pg.UnixSocketJdbc;
import dev.taidon.testkit.PostgresProcesses;
import dev.taidon.testkit.ServerProcess;
import dev.taidon.testkit.TestDirectories;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Stopping, killing and restarting the server on one data directory. */
class LifecycleIT {
  private Path base;
  private Path data;
  private Path controlDatabase;
  private final List<ServerProcess> servers = new ArrayList<>();

  @BeforeEach
  void createDirectory() {
    base = TestDirectories.create("lifecycle");
    data = base.resolve("data");
    controlDatabase = data.resolve("control-db");
  }

  private ServerProcess start(String name) {
    ServerProcess server = ServerProcess.start(base.resolve(name + ".log"), List.of("--data-dir=" + data));
    servers.add(server);
    return server;
  }

  @AfterEach
  void removeDirectory() {
    servers.forEach(ServerProcess::close);
    PostgresProcesses.servingBelow(base).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    TestDirectories.delete(base);
  }

  @Test
  void sigtermLeavesNoPostgresBehindAndARestartFindsTheSameData() throws Exception {
    ServerProcess first = start("first");
    assertThat(PostgresProcesses.servingBelow(controlDatabase)).as("control database running").hasSize(1);

    ServerProcess second = ServerProcess.launch(base.resolve("second.log"), List.of("--data-dir=" + data));
    assertThat(second.awaitExit(Duration.ofSeconds(60))).as("a second server on the same data directory")
        .isEqualTo(TaidonServer.EXIT_USAGE);
    assertThat(second.output()).contains("is in use by another Taidon server (pid " + first.pid() + ")");
    assertThat(first.get("/actuator/health/readiness").statusCode()).as("the first server is unharmed").isEqualTo(200);

    assertThat(first.terminate()).as("exit status after SIGTERM").isIn(0, 143);
    assertThat(PostgresProcesses.workingBelow(data)).as("postgres processes after SIGTERM").isEmpty();
    assertThat(first.output()).contains("Control database stopped");

    ServerProcess again = start("again");
    assertThat(startEvents()).as("audit entries of both runs, oldest first")
        .containsSubsequence("platform.started", "platform.stopping", "platform.started");
    again.terminate();
  }

  @Test
  void afterAKillTheNextStartStopsTheOrphanedControlDatabaseAndCarriesOn() throws Exception {
    ServerProcess killed = start("killed");
    List<Long> orphans = PostgresProcesses.servingBelow(controlDatabase);
    killed.kill();
    assertThat(PostgresProcesses.servingBelow(controlDatabase)).as("the control database outlives a SIGKILL")
        .isEqualTo(orphans);

    ServerProcess restarted = start("restarted");
    assertThat(restarted.output()).contains("left running on");
    assertThat(webServerScratchIn(Path.of(System.getProperty("java.io.tmpdir")), killed.baseUrl().getPort(),
        restarted.baseUrl().getPort())).as("the web server's working directories left in the temporary directory")
        .isEmpty();
    assertThat(data.resolve("web-server/document-root")).as("where they are instead").isDirectory();
    assertThat(PostgresProcesses.servingBelow(controlDatabase)).as("one control database, not the orphan")
        .hasSize(1).doesNotContainAnyElementsOf(orphans);
    assertThat(startEvents()).contains("platform.started");
    restarted.terminate();
    assertThat(PostgresProcesses.workingBelow(data)).as("postgres processes after SIGTERM").isEmpty();
  }

  /** Directories Tomcat makes in {@code tmp} by default for a server on one of {@code ports}. */
  private static List<Path> webServerScratchIn(Path tmp, int... ports) throws Exception {
    List<Path> found = new ArrayList<>();
    try (var entries = java.nio.file.Files.list(tmp)) {
      entries.filter(entry -> java.util.Arrays.stream(ports).anyMatch(port ->
          entry.getFileName().toString().startsWith("tomcat." + port + ".")
              || entry.getFileName().toString().startsWith("tomcat-docbase." + port + ".")))
          .forEach(found::add);
    }
    return found;
  }

  private List<String> startEvents() throws Exception {
    List<String> types = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(
            UnixSocketJdbc.url(data.resolve("run/control-db"), "taidon"), "postgres", "");
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT type FROM audit_log.entry ORDER BY sequence")) {
      while (rs.next()) {
        types.add(rs.getString(1));
      }
    }
    return types;
  }
}
