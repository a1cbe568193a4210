package dev.taidon.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.core.command.ProcessCommandRunner;
import dev.taidon.pg.PostgresInstance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The pinned engine, started and stopped for real: the fixture every other test relies on. */
class PostgresInstanceIT {
  private Path directory;

  @AfterEach
  void removeDirectory() {
    if (directory != null) {
      PostgresProcesses.servingBelow(directory).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      TestDirectories.delete(directory);
    }
  }

  private PostgresInstance instance(Map<String, String> settings) {
    if (directory == null) {
      directory = TestDirectories.create("instance");
    }
    return new PostgresInstance(TestPostgres.binaries(), TestPostgres.account(), new ProcessCommandRunner(),
        new PostgresInstance.Spec(directory.resolve("data"), directory.resolve("run"), directory.resolve("pg.log"),
            settings));
  }

  @Test
  void startsAnswersOnItsSocketOnlyAndStopsWithoutLeavingAProcess() throws Exception {
    PostgresInstance instance = instance(Map.of("shared_buffers", "16MB"));
    instance.initdb(List.of("--no-sync"));
    instance.start(Duration.ofSeconds(60));
    try (Connection connection = instance.connect("postgres"); Statement statement = connection.createStatement()) {
      ResultSet rs = statement.executeQuery("SELECT current_setting('listen_addresses'), current_setting('server_encoding'), "
          + "(SELECT datcollate FROM pg_database WHERE datname = 'postgres'), current_setting('shared_buffers')");
      rs.next();
      assertThat(rs.getString(1)).as("no TCP listener").isEmpty();
      assertThat(rs.getString(2)).isEqualTo("UTF8");
      assertThat(rs.getString(3)).isEqualTo("C");
      assertThat(rs.getString(4)).isEqualTo("16MB");
    }
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("run"))))
        .as("only the platform's PostgreSQL account may enter the socket directory").isEqualTo("rwx------");
    assertThat(PostgresProcesses.servingBelow(directory)).hasSize(1);
    instance.stop();
    assertThat(instance.isRunning()).isFalse();
    assertThat(PostgresProcesses.servingBelow(directory)).as("postgres processes after stop").isEmpty();
  }

  @Test
  void aServerLeftRunningByAnEarlierProcessIsStoppedBeforeStartingAgain() throws Exception {
    PostgresInstance crashed = instance(Map.of());
    crashed.initdb(List.of("--no-sync"));
    crashed.start(Duration.ofSeconds(60));
    long orphan = crashed.pid().orElseThrow();

    // A new platform process knows nothing of the old one's server but finds it through postmaster.pid.
    PostgresInstance restarted = instance(Map.of());
    restarted.start(Duration.ofSeconds(60));
    assertThat(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false)).as("orphan still alive").isFalse();
    assertThat(restarted.pid().orElseThrow()).isNotEqualTo(orphan);
    restarted.stop();
    assertThat(PostgresProcesses.servingBelow(directory)).isEmpty();
  }

  @Test
  void aServerStoppedForItsDataToBeThrownAwayLeavesNoProcessAndItsSocketFree() throws Exception {
    PostgresInstance instance = instance(Map.of());
    instance.initdb(List.of("--no-sync"));
    instance.start(Duration.ofSeconds(60));
    Path data = directory.resolve("data");
    try (Connection session = instance.connect("postgres")) {
      instance.stopDiscardingData();
      assertThat(PostgresProcesses.workingBelow(directory)).as("postgres processes once the stop returned").isEmpty();
      assertThat(session.isValid(1)).as("the session of the stopped server").isFalse();
    }
    assertThat(instance.isRunning()).isFalse();
    try (var left = Files.list(directory.resolve("run"))) {
      assertThat(left.toList()).as("socket and lock files left in the socket directory").isEmpty();
    }

    // A new cluster in the same place takes the socket at once.
    Files.move(data, directory.resolve("discarded"));
    instance.initdb(List.of("--no-sync"));
    instance.start(Duration.ofSeconds(60));
    try (Connection connection = instance.connect("postgres"); Statement statement = connection.createStatement()) {
      assertThat(statement.executeQuery("SELECT 1").next()).isTrue();
    }
    instance.stopDiscardingData();
  }

  /**
   * A backend busy with a query does not notice that its postmaster was killed until the query
   * ends, and keeps the server's shared memory attached meanwhile: PostgreSQL would refuse to start
   * on the data directory, and a btrfs subvolume deleted under it would pass its device number on.
   */
  @Test
  void theBusyBackendsOfAKilledPostmasterAreKilledBeforeTheServerStartsAgainOrItsDataGoes() throws Exception {
    PostgresInstance instance = instance(Map.of());
    instance.initdb(List.of("--no-sync"));
    instance.start(Duration.ofSeconds(60));
    for (int round = 0; round < 2; round++) {
      long postmaster = instance.pid().orElseThrow();
      Connection busy = instance.connect("postgres");
      Thread spinning = Thread.ofVirtual().start(() -> {
        try (Statement statement = busy.createStatement()) {
          statement.execute("DO $$BEGIN LOOP PERFORM 1; END LOOP; END$$");
        } catch (java.sql.SQLException expected) {
          // The backend is killed under it.
        }
      });
      try (Connection watcher = instance.connect("postgres"); Statement statement = watcher.createStatement()) {
        // Busy, not merely connected: an idle backend exits with its postmaster, a busy one does not.
        Await.until("the spinning query is running", Duration.ofSeconds(10), () -> {
          try (ResultSet rows = statement.executeQuery(
              "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'DO%'")) {
            return rows.next() && rows.getInt(1) == 1;
          } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
          }
        }, () -> PostgresProcesses.childrenOf(postmaster));
      }
      List<Long> backends = ProcessHandle.of(postmaster).orElseThrow().children().map(ProcessHandle::pid).toList();
      new ProcessCommandRunner().run(dev.taidon.core.command.Command.of("kill", "-9", Long.toString(postmaster)));
      Await.until("the postmaster is gone", Duration.ofSeconds(10), () -> !instance.isRunning(), instance::isRunning);
      Thread.sleep(300);
      assertThat(backends.stream().filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)))
          .as("precondition: the busy backend outlives its postmaster").isNotEmpty();

      if (round == 0) {
        instance.start(Duration.ofSeconds(60));
        try (Connection connection = instance.connect("postgres"); Statement statement = connection.createStatement()) {
          assertThat(statement.executeQuery("SELECT 1").next()).as("the restarted server answers").isTrue();
        }
      } else {
        instance.stopDiscardingData();
        assertThat(PostgresProcesses.workingBelow(directory)).as("postgres processes once the discarding stop returned")
            .isEmpty();
      }
      assertThat(backends).as("processes of the killed server still alive")
          .noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
      spinning.join(Duration.ofSeconds(10));
      busy.close();
    }
  }

  @Test
  void recoversAfterItsPostmasterIsKilled() throws Exception {
    PostgresInstance instance = instance(Map.of());
    instance.initdb(List.of("--no-sync"));
    instance.start(Duration.ofSeconds(60));
    try (Connection connection = instance.connect("postgres"); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE kept (id int); INSERT INTO kept VALUES (42); CHECKPOINT");
    }
    new ProcessCommandRunner().run(dev.taidon.core.command.Command.of("kill", "-9", Long.toString(instance.pid().orElseThrow())));
    Thread.sleep(200);
    assertThat(instance.isRunning()).isFalse();
    instance.start(Duration.ofSeconds(60));
    try (Connection connection = instance.connect("postgres"); Statement statement = connection.createStatement()) {
      ResultSet rs = statement.executeQuery("SELECT id FROM kept");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(42);
    }
    instance.stop();
  }

  @Test
  void aServerThatCannotStartIsReportedWithTheEndOfItsLog() {
    PostgresInstance instance = instance(Map.of("shared_buffers", "not-a-size"));
    instance.initdb(List.of("--no-sync"));
    assertThatThrownBy(() -> instance.start(Duration.ofSeconds(30)))
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.POSTGRES_FAILED))
        .hasMessageContaining("shared_buffers");
  }

  @Test
  void theFixtureGivesEachTestItsOwnServerAndRemovesIt() throws Exception {
    Path data;
    try (TestPostgres postgres = TestPostgres.start()) {
      data = postgres.instance().spec().dataDirectory();
      try (Connection connection = postgres.instance().connect("postgres");
          Statement statement = connection.createStatement()) {
        assertThat(statement.execute("SELECT 1")).isTrue();
      }
    }
    assertThat(data).doesNotExist();
  }
}
