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

  @BeforeEach
  void createDirectory() {
    base = TestDirectories.create("lifecycle");
    data = base.resolve("data");
  }

  @AfterEach
  void removeDirectory() {
    PostgresProcesses.servingBelow(base).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    TestDirectories.delete(base);
  }

  @Test
  void sigtermLeavesNoPostgresBehindAndARestartFindsTheSameData() throws Exception {
    ServerProcess first = ServerProcess.start(base.resolve("first.log"), List.of("--data-dir=" + data));
    assertThat(PostgresProcesses.servingBelow(data)).as("control database running").hasSize(1);

    ServerProcess second = ServerProcess.launch(base.resolve("second.log"), List.of("--data-dir=" + data));
    assertThat(second.awaitExit(Duration.ofSeconds(60))).as("a second server on the same data directory")
        .isEqualTo(TaidonServer.EXIT_USAGE);
    assertThat(second.output()).contains("is in use by another Taidon server (pid " + first.pid() + ")");
    assertThat(first.get("/actuator/health/readiness").statusCode()).as("the first server is unharmed").isEqualTo(200);

    assertThat(first.terminate()).as("exit status after SIGTERM").isIn(0, 143);
    assertThat(PostgresProcesses.servingBelow(data)).as("postgres processes after SIGTERM").isEmpty();
    assertThat(first.output()).contains("Control database stopped");

    ServerProcess again = ServerProcess.start(base.resolve("again.log"), List.of("--data-dir=" + data));
    assertThat(startEvents()).as("audit entries of both runs, oldest first")
        .containsSubsequence("platform.started", "platform.stopping", "platform.started");
    again.terminate();
  }

  @Test
  void afterAKillTheNextStartStopsTheOrphanedControlDatabaseAndCarriesOn() throws Exception {
    ServerProcess killed = ServerProcess.start(base.resolve("killed.log"), List.of("--data-dir=" + data));
    List<Long> orphans = PostgresProcesses.servingBelow(data);
    killed.kill();
    assertThat(PostgresProcesses.servingBelow(data)).as("the control database outlives a SIGKILL").isEqualTo(orphans);

    ServerProcess restarted = ServerProcess.start(base.resolve("restarted.log"), List.of("--data-dir=" + data));
    assertThat(restarted.output()).contains("left running on");
    assertThat(PostgresProcesses.servingBelow(data)).as("one control database, not the orphan")
        .hasSize(1).doesNotContainAnyElementsOf(orphans);
    assertThat(startEvents()).contains("platform.started");
    restarted.terminate();
    assertThat(PostgresProcesses.servingBelow(data)).isEmpty();
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
