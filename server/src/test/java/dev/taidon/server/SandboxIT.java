package dev.taidon.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.core.remote.RemoteRoleClient;
import dev.taidon.envmanager.Checkpoint;
import dev.taidon.envmanager.EnvManager;
import dev.taidon.envmanager.OwnerKind;
import dev.taidon.envmanager.Presence;
import dev.taidon.envmanager.SandboxEndpoint;
import dev.taidon.envmanager.SandboxId;
import dev.taidon.envmanager.SandboxInfo;
import dev.taidon.snapshotcache.NewState;
import dev.taidon.snapshotcache.SnapshotCache;
import dev.taidon.snapshotcache.StateId;
import dev.taidon.testkit.Await;
import dev.taidon.testkit.PostgresProcesses;
import dev.taidon.testkit.ServerProcess;
import dev.taidon.testkit.TestDirectories;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sandboxes end to end: a server from the packaged jar on a loop-mounted btrfs state store, driven
 * through the env-manager's role API over HTTP, with real PostgreSQL sandboxes queried over JDBC.
 */
class SandboxIT {
  static final String TOKEN = "sandbox-internal-token-0123456789abc";
  private static Path base;
  private static ServerProcess server;
  private static EnvManager envManager;
  private static SnapshotCache snapshotCache;

  @BeforeAll
  static void start() {
    base = TestDirectories.create("sandbox");
    server = ServerProcess.start(base.resolve("server.log"), List.of("--data-dir=" + base.resolve("data"),
        "--internal-token=" + TOKEN, "--taidon.store.loop-image-size=2GB", "--taidon.sandbox.disk-limit=96MB",
        "--taidon.sandbox.maintenance-interval=300ms"));
    RemoteRoleClient client = new RemoteRoleClient(PlatformScenario.JSON, TOKEN, Duration.ofSeconds(2), Duration.ofSeconds(60));
    envManager = client.proxy(EnvManager.class, "env-manager", server.baseUrl());
    snapshotCache = client.proxy(SnapshotCache.class, "snapshot-cache", server.baseUrl());
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    assertThat(PostgresProcesses.workingBelow(base)).as("postgres processes after the server stopped").isEmpty();
    TestDirectories.delete(base);
  }

  private static String owner() {
    return "account-" + UUID.randomUUID();
  }

  private static Connection connect(SandboxEndpoint endpoint) throws SQLException {
    return DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.user(), "");
  }

  private static String single(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void theRootStateIsAnEmptyLearnerDatabaseOnThePinnedEngineAndIsPinned() {
    StateId root = envManager.rootState();
    assertThat(root.hex()).isEqualTo(envManager.engine().fingerprint());
    assertThat(snapshotCache.describe(root)).hasValueSatisfying(info -> {
      assertThat(info.snapshot()).isTrue();
      assertThat(info.pins()).isPositive();
    });
  }

  @Test
  void aNewSandboxComesHotFromThePoolAndRunsSqlAsTheUnprivilegedLearner() throws Exception {
    awaitPooledSandbox(envManager.rootState());
    Instant asked = Instant.now();
    SandboxInfo sandbox = envManager.createSandbox(owner(), OwnerKind.ANONYMOUS, envManager.rootState());
    assertThat(sandbox.presence()).isEqualTo(Presence.HOT);
    assertThat(sandbox.createdAt()).as("pre-started before it was asked for").isBefore(asked);
    Path workspace = base.resolve("data/store/workspaces/" + sandbox.id());
    try (java.util.stream.Stream<Path> caches = java.nio.file.Files.find(workspace.resolve("base"), 2,
        (path, attributes) -> path.getFileName().toString().equals("pg_internal.init"))) {
      assertThat(caches.count()).as("databases whose catalog cache the pool built before a learner connected")
          .isGreaterThanOrEqualTo(2);
    }
    try (Connection connection = connect(envManager.openSandbox(sandbox.id()))) {
      assertThat(single(connection, "SELECT current_user")).isEqualTo("learner");
      assertThat(single(connection, "SELECT current_database()")).isEqualTo("learner");
      assertThat(single(connection, "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user")).isEqualTo("false");
      assertThat(single(connection, "SHOW server_version")).startsWith("18.");
    }
    envManager.deleteSandbox(sandbox.id());
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "COPY (SELECT 1) TO PROGRAM 'id'",
      "SELECT pg_read_file('/etc/passwd')",
      "COPY (SELECT 1) TO '/tmp/taidon-escape'",
      "ALTER SYSTEM SET work_mem = '1GB'",
      "SET temp_file_limit = '100GB'",
      "CREATE EXTENSION plpgsql_check",
      "CREATE ROLE escape BYPASSRLS",
      "CREATE ROLE escape REPLICATION",
      "CREATE ROLE escape SUPERUSER",
      "ALTER ROLE learner SUPERUSER",
      "SET ROLE postgres",
      "LOAD 'auto_explain'",
      "CREATE LANGUAGE plperlu",
  })
  void superuserEscapesAreRefused(String sql) throws Exception {
    SandboxInfo sandbox = envManager.createSandbox(owner(), OwnerKind.REGISTERED, envManager.rootState());
    try (Connection connection = connect(envManager.openSandbox(sandbox.id()));
        Statement statement = connection.createStatement()) {
      assertThatThrownBy(() -> statement.execute(sql)).as(sql).isInstanceOf(SQLException.class);
      assertThat(single(connection, "SELECT 1")).as("the sandbox still works").isEqualTo("1");
    } finally {
      envManager.deleteSandbox(sandbox.id());
    }
  }

  @Test
  void theLearnerCannotReachThePlatformDatabases() throws Exception {
    SandboxInfo sandbox = envManager.createSandbox(owner(), OwnerKind.ANONYMOUS, envManager.rootState());
    SandboxEndpoint endpoint = envManager.openSandbox(sandbox.id());
    String postgresDatabase = endpoint.jdbcUrl().replace("/learner?", "/postgres?");
    assertThatThrownBy(() -> DriverManager.getConnection(postgresDatabase, "learner", "").close())
        .hasMessageContaining("permission denied for database");
    envManager.deleteSandbox(sandbox.id());
  }

  @Test
  void aPublishedStateIsSharedByEveryoneWhoStartsFromItAndIsImmutable() throws Exception {
    SandboxInfo author = envManager.createSandbox(owner(), OwnerKind.REGISTERED, envManager.rootState());
    try (Connection connection = connect(envManager.openSandbox(author.id()));
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE lesson (id int PRIMARY KEY, title text); INSERT INTO lesson VALUES (1, 'joins')");
    }
    StateId lessonState = envManager.rootState().child("create lesson", "");
    envManager.publishState(author.id(), new NewState(lessonState, Optional.of(envManager.rootState()),
        Optional.of("create lesson"), 12, Optional.empty(), "public"), Checkpoint.BY_ENV_MANAGER);
    try (Connection connection = connect(envManager.openSandbox(author.id()));
        Statement statement = connection.createStatement()) {
      statement.execute("INSERT INTO lesson VALUES (2, 'written after publishing')");
    }
    assertThat(snapshotCache.longestCachedPrefix(List.of(lessonState, lessonState.child("x", "")))).isZero();

    SandboxInfo learner = envManager.createSandbox(owner(), OwnerKind.ANONYMOUS, lessonState);
    try (Connection connection = connect(envManager.openSandbox(learner.id()))) {
      assertThat(single(connection, "SELECT string_agg(title, ',' ORDER BY id) FROM lesson")).isEqualTo("joins");
    }
    envManager.deleteSandbox(learner.id());
    envManager.deleteSandbox(author.id());
  }

  @Test
  void aStateCheckpointedOverTheLearnersOwnSessionIsPublishedWholeWithoutASuperuserBackend() throws Exception {
    SandboxInfo author = envManager.createSandbox(owner(), OwnerKind.REGISTERED, envManager.rootState());
    StateId written = envManager.rootState().child("written " + UUID.randomUUID(), "");
    try (Connection connection = connect(envManager.openSandbox(author.id()));
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE kept AS SELECT g FROM generate_series(1, 5000) g; CHECKPOINT");
      envManager.publishState(author.id(), new NewState(written, Optional.of(envManager.rootState()),
          Optional.of("written"), 3, Optional.empty(), "private"), Checkpoint.DONE_BY_CALLER);
      assertThat(single(connection, "SELECT count(*) FROM pg_stat_activity WHERE usename = 'postgres'"
          + " AND datname IS NOT NULL"))
          .as("publishing after the caller's own CHECKPOINT opened no connection of the env-manager's")
          .isEqualTo("0");
    }
    SandboxInfo reader = envManager.createSandbox(owner(), OwnerKind.REGISTERED, written);
    try (Connection connection = connect(envManager.openSandbox(reader.id()))) {
      assertThat(single(connection, "SELECT count(*) FROM kept")).isEqualTo("5000");
    }
    envManager.deleteSandbox(reader.id());
    envManager.deleteSandbox(author.id());
  }

  @Test
  void aSandboxRunsOnlyTheServerProcessesItNeeds() throws Exception {
    SandboxInfo sandbox = envManager.createSandbox(owner(), OwnerKind.ANONYMOUS, envManager.rootState());
    try (Connection connection = connect(envManager.openSandbox(sandbox.id()))) {
      List<Long> postmaster = PostgresProcesses.servingBelow(base.resolve("data/store/workspaces/" + sandbox.id()));
      assertThat(postmaster).hasSize(1);
      assertThat(PostgresProcesses.childrenOf(postmaster.get(0)))
          .as("every process of a fresh sandbox's server beside the postmaster: no autovacuum launcher (states hold"
              + " only what their chains wrote), no logical replication launcher (subscriptions the learner cannot"
              + " create), no I/O workers")
          .containsExactly("background writer", "checkpointer", "session", "walwriter");
    }
    envManager.deleteSandbox(sandbox.id());
  }

  @Test
  void aLearnerCannotEndTheSuperuserSessionOrTheServerProcessesOfItsSandbox() throws Exception {
    SandboxInfo sandbox = envManager.createSandbox(owner(), OwnerKind.REGISTERED, envManager.rootState());
    // A publish checkpointed by the env-manager leaves its superuser session open beside the learner's.
    envManager.publishState(sandbox.id(), new NewState(envManager.rootState().child("superuser " + UUID.randomUUID(), ""),
        Optional.of(envManager.rootState()), Optional.of("superuser"), 1, Optional.empty(), "private"),
        Checkpoint.BY_ENV_MANAGER);
    try (Connection connection = connect(envManager.openSandbox(sandbox.id()));
        Statement statement = connection.createStatement()) {
      assertThat(single(connection, "SELECT count(*) FROM pg_stat_activity WHERE usename = 'postgres'"
          + " AND datname IS NOT NULL")).as("the env-manager's superuser session is there to be attacked").isEqualTo("1");
      // The learner sees the other processes' pids, not what they are.
      String processes = "SELECT string_agg(pid::text, ', ' ORDER BY pid) FROM pg_stat_activity"
          + " WHERE pid <> pg_backend_pid()";
      String before = single(connection, processes);
      assertThatThrownBy(() -> statement.execute(
              "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid <> pg_backend_pid()"))
          .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"));
      // The server's own processes show no user: signalling them is refused with a warning.
      statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename IS NULL");
      assertThat(single(connection, processes)).as("every other process of the server still runs").isEqualTo(before);
    } finally {
      envManager.deleteSandbox(sandbox.id());
    }
  }

  @Test
  void quotasCapSandboxesPerAccountAndKeepOnlyTheAllowedNumberHot() {
    String owner = owner();
    StateId root = envManager.rootState();
    SandboxInfo first = envManager.createSandbox(owner, OwnerKind.ANONYMOUS, root);
    SandboxInfo second = envManager.createSandbox(owner, OwnerKind.ANONYMOUS, root);
    assertThat(envManager.describeSandbox(first.id()).presence())
        .as("an anonymous account runs one sandbox at a time: opening the second stopped the first")
        .isEqualTo(Presence.WARM);
    envManager.createSandbox(owner, OwnerKind.ANONYMOUS, root);
    assertThatThrownBy(() -> envManager.createSandbox(owner, OwnerKind.ANONYMOUS, root))
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.QUOTA_EXCEEDED))
        .hasMessageContaining("anonymous accounts may have 3 sandboxes")
        .hasMessageContaining("taidon.sandbox.anonymous-max-sandboxes");
    assertThat(envManager.sandboxesOf(owner)).hasSize(3);
    envManager.sandboxesOf(owner).forEach(sandbox -> envManager.deleteSandbox(sandbox.id()));
    dev.taidon.auditlog.AuditLog auditLog = new RemoteRoleClient(PlatformScenario.JSON, TOKEN,
        Duration.ofSeconds(2), Duration.ofSeconds(30)).proxy(dev.taidon.auditlog.AuditLog.class, "audit-log",
        server.baseUrl());
    java.util.function.Supplier<java.util.List<String>> lifecycle = () -> auditLog.query(new dev.taidon.auditlog.AuditQuery(
        Optional.of(owner), Optional.empty(), Optional.empty(), Optional.empty(), 100)).stream()
        .map(entry -> entry.event().type()).toList();
    // Written off the learner's path, so a moment after the operations.
    Await.until("six lifecycle entries in the audit log", Duration.ofSeconds(10), () -> lifecycle.get().size() >= 6,
        lifecycle::get);
    assertThat(lifecycle.get()).as("the sandbox lifecycle in the audit log, newest first, in the order it happened")
        .containsExactly("sandbox.deleted", "sandbox.deleted", "sandbox.deleted", "sandbox.created", "sandbox.created",
            "sandbox.created");
    assertThatThrownBy(() -> envManager.describeSandbox(second.id()))
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  @Test
  void usingARunningSandboxAgainAtOnceWritesNothingToTheControlDatabase() {
    SandboxInfo sandbox = envManager.createSandbox(owner(), OwnerKind.REGISTERED, envManager.rootState());
    envManager.openSandbox(sandbox.id());
    Instant recorded = envManager.describeSandbox(sandbox.id()).lastUsedAt();

    envManager.openSandbox(sandbox.id());
    envManager.openSandbox(sandbox.id());

    assertThat(envManager.describeSandbox(sandbox.id()).lastUsedAt())
        .as("last use of a running sandbox opened again within seconds: recorded at most every few seconds,"
            + " not on every run")
        .isEqualTo(recorded);
    envManager.deleteSandbox(sandbox.id());
  }

  @Test
  void aKilledSandboxServerIsNoticedAndRecoversItsCommittedDataOnNextUse() throws Exception {
    SandboxInfo sandbox = envManager.createSandbox(owner(), OwnerKind.REGISTERED, envManager.rootState());
    try (Connection connection = connect(envManager.openSandbox(sandbox.id()));
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE survived (n int); INSERT INTO survived VALUES (7)");
    }
    List<Long> postmasters = PostgresProcesses.servingBelow(base.resolve("data/store/workspaces/" + sandbox.id()));
    assertThat(postmasters).hasSize(1);
    ProcessHandle.of(postmasters.getFirst()).orElseThrow().destroyForcibly();
    awaitPresence(sandbox.id(), Presence.WARM);
    try (Connection connection = connect(envManager.openSandbox(sandbox.id()))) {
      assertThat(single(connection, "SELECT n FROM survived")).isEqualTo("7");
    }
    envManager.deleteSandbox(sandbox.id());
  }

  /**
   * A backend busy with a query outlives its killed postmaster until the query ends, holding the
   * server's shared memory: the env-manager's upkeep kills it once it sees the server gone, so the
   * learner hears at once that the connection was lost and no process works in the sandbox's data
   * when it is deleted (a btrfs subvolume deleted under one passes its device number to the next).
   */
  @Test
  void aSandboxServerKilledMidQueryTakesItsBusyBackendAlongAndTheNextSandboxStarts() throws Exception {
    SandboxInfo killed = envManager.createSandbox(owner(), OwnerKind.REGISTERED, envManager.rootState());
    Path workspace = base.resolve("data/store/workspaces/" + killed.id());
    java.util.concurrent.CompletableFuture<String> outcome = new java.util.concurrent.CompletableFuture<>();
    try (Connection busy = connect(envManager.openSandbox(killed.id()))) {
      Thread.ofVirtual().start(() -> {
        try (Statement statement = busy.createStatement()) {
          statement.execute("DO $$BEGIN LOOP PERFORM 1; END LOOP; END$$");
          outcome.complete("the endless loop ended");
        } catch (SQLException e) {
          outcome.complete("SQLSTATE " + e.getSQLState());
        }
      });
      List<Long> postmasters = PostgresProcesses.servingBelow(workspace);
      assertThat(postmasters).hasSize(1);
      try (Connection watcher = connect(envManager.openSandbox(killed.id()))) {
        // Busy, not merely connected: an idle backend exits with its postmaster, a busy one does not.
        Await.until("the spinning query is running", Duration.ofSeconds(10),
            () -> spinning(watcher), () -> postmasters);
      }
      ProcessHandle.of(postmasters.getFirst()).orElseThrow().destroyForcibly();
      awaitPresence(killed.id(), Presence.WARM);
      Await.until("no process of the killed server works in the sandbox's data", Duration.ofSeconds(30),
          () -> PostgresProcesses.workingBelow(workspace).isEmpty(), () -> PostgresProcesses.workingBelow(workspace));
      assertThat(outcome.get(10, java.util.concurrent.TimeUnit.SECONDS)).as("what the spinning query's client hears")
          .isEqualTo("SQLSTATE 08006");
    }

    envManager.deleteSandbox(killed.id());
    SandboxInfo next = envManager.createSandbox(owner(), OwnerKind.REGISTERED, envManager.rootState());
    try (Connection connection = connect(envManager.openSandbox(next.id()))) {
      assertThat(single(connection, "SELECT 1")).isEqualTo("1");
    }
    envManager.deleteSandbox(next.id());
  }

  private static boolean spinning(Connection watcher) {
    try {
      return single(watcher, "SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE 'DO%'")
          .equals("1");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aSandboxThatOutgrowsItsDiskLimitIsStoppedWithAClearErrorUntilReset() throws Exception {
    SandboxInfo sandbox = envManager.createSandbox(owner(), OwnerKind.REGISTERED, envManager.rootState());
    try (Connection connection = connect(envManager.openSandbox(sandbox.id()));
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE big AS SELECT g, repeat('x', 900) AS pad FROM generate_series(1, 120000) g");
    } catch (SQLException stoppedWhileWriting) {
      // The watchdog may stop the server while the statement still runs.
    }
    awaitPresence(sandbox.id(), Presence.WARM);
    assertThat(envManager.describeSandbox(sandbox.id()).failure()).hasValueSatisfying(
        failure -> assertThat(failure).contains("over the disk limit of 96 MB (taidon.sandbox.disk-limit)"));
    assertThatThrownBy(() -> envManager.openSandbox(sandbox.id()))
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.SANDBOX_FAILED))
        .hasMessageContaining("reset it");
    envManager.resetSandbox(sandbox.id(), envManager.rootState());
    try (Connection connection = connect(envManager.openSandbox(sandbox.id()))) {
      assertThat(single(connection, "SELECT count(*) FROM pg_tables WHERE tablename = 'big'")).isEqualTo("0");
    }
    envManager.deleteSandbox(sandbox.id());
  }

  @Test
  void theDiskWatchdogLeavesRunningSandboxesAloneWhileWhatTheyWriteIsFarFromTheirLimit() throws Exception {
    // Whether it walks one that wrote enough to reach the limit is the disk-limit test's to show.
    SandboxInfo sandbox = envManager.createSandbox(owner(), OwnerKind.REGISTERED, envManager.rootState());
    try (Connection session = connect(envManager.openSandbox(sandbox.id()));
        Statement statement = session.createStatement()) {
      statement.execute("CREATE TABLE notes (note text)");
      double skipped = diskChecks("skipped");
      Await.until("the disk watchdog skipping a running sandbox that writes a few bytes now and then",
          Duration.ofSeconds(30), () -> {
            try {
              statement.execute("INSERT INTO notes VALUES ('a few bytes')");
            } catch (SQLException e) {
              throw new IllegalStateException(e);
            }
            return diskChecks("skipped") >= skipped + 3;
          }, () -> metricLines("taidon_sandbox_disk_checks_total"));
    }
    envManager.deleteSandbox(sandbox.id());
  }

  private static double diskChecks(String result) {
    java.util.regex.Matcher value = java.util.regex.Pattern.compile(
        "(?m)^taidon_sandbox_disk_checks_total\\{[^}]*result=\"" + result + "\"[^}]*} (\\S+)$")
        .matcher(server.get("/actuator/prometheus").body());
    assertThat(value.find()).as("taidon_sandbox_disk_checks_total{result=\"%s\"} exposed", result).isTrue();
    return Double.parseDouble(value.group(1));
  }

  private static List<String> metricLines(String name) {
    return server.get("/actuator/prometheus").body().lines().filter(line -> line.startsWith(name)).toList();
  }

  @Test
  void sandboxAndStateMetricsAreExposedForPrometheus() throws Exception {
    SandboxInfo sandbox = envManager.createSandbox(owner(), OwnerKind.REGISTERED, envManager.rootState());
    envManager.publishState(sandbox.id(), new NewState(envManager.rootState().child("metrics " + UUID.randomUUID(), ""),
        Optional.of(envManager.rootState()), Optional.of("metrics"), 1, Optional.empty(), "private"),
        Checkpoint.BY_ENV_MANAGER);
    envManager.deleteSandbox(sandbox.id());
    String metrics = server.get("/actuator/prometheus").body();
    assertThat(metrics)
        .containsPattern("taidon_sandbox_open_seconds_count\\{[^}]*path=\"(hot|warm|cold)\"[^}]*} [1-9]")
        .contains("taidon_sandbox_open_seconds_bucket")
        .containsPattern("taidon_sandboxes\\{[^}]*presence=\"hot\"[^}]*} \\d")
        .containsPattern("(?m)^taidon_sandbox_machine_limit(\\{[^}]*})? [1-9]")
        .containsPattern("(?m)^taidon_sandbox_room_stops_total(\\{[^}]*})? 0")
        .containsPattern("taidon_state_publish_seconds_count\\{[^}]*backend=\"btrfs\"[^}]*} [1-9]")
        .contains("taidon_state_restore_seconds_count")
        .contains("taidon_state_evictions_total")
        .contains("taidon_state_store_used_ratio");
  }

  @Test
  void brokenIdsAreRefusedBeforeAnythingTouchesTheDisk() {
    assertThatThrownBy(() -> new SandboxId("../../etc")).hasMessageContaining("sb- and 32 hex digits");
    assertThat(server.send(java.net.http.HttpRequest.newBuilder(
            server.baseUrl().resolve("/internal/v1/roles/env-manager/EnvManager/openSandbox"))
        .header(dev.taidon.core.remote.RoleRpc.TOKEN_HEADER, TOKEN).header("Content-Type", "application/json")
        .POST(java.net.http.HttpRequest.BodyPublishers.ofString("[\"../../../etc\"]")).build()).statusCode())
        .isEqualTo(400);
    assertThatThrownBy(() -> envManager.openSandbox(SandboxId.random()))
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));
  }

  private static void awaitPooledSandbox(StateId state) {
    // Other tests make other states popular, and a sandbox taken from the pool is replaced a moment later.
    Await.until("a hot sandbox at state " + state.shortForm() + " in the pool", Duration.ofSeconds(30),
        () -> envManager.sandboxesOf("platform").stream()
            .anyMatch(sandbox -> sandbox.presence() == Presence.HOT && sandbox.state().equals(state)),
        () -> envManager.sandboxesOf("platform"));
  }

  private static void awaitPresence(SandboxId id, Presence presence) {
    Await.until("sandbox " + id + " " + presence, Duration.ofSeconds(30),
        () -> envManager.describeSandbox(id).presence() == presence, () -> envManager.describeSandbox(id));
  }
}
