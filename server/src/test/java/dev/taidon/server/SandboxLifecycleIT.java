package dev.taidon.server;

import static dev.taidon.server.PlatformScenario.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.taidon.core.ErrorCode;
import dev.taidon.core.TaidonException;
import dev.taidon.core.remote.RemoteRoleClient;
import dev.taidon.envmanager.Checkpoint;
import dev.taidon.envmanager.EnvManager;
import dev.taidon.envmanager.OwnerKind;
import dev.taidon.envmanager.Presence;
import dev.taidon.envmanager.SandboxId;
import dev.taidon.envmanager.SandboxInfo;
import dev.taidon.pg.UnixSocketJdbc;
import dev.taidon.snapshotcache.NewState;
import dev.taidon.snapshotcache.StateId;
import dev.taidon.testkit.Await;
import dev.taidon.testkit.PostgresProcesses;
import dev.taidon.testkit.ServerProcess;
import dev.taidon.testkit.TestDirectories;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Sandboxes across idle times and across a killed platform. */
class SandboxLifecycleIT {
  static final String TOKEN = "sandbox-lifecycle-token-0123456789abc";
  static final String POOL_SIZE = "--taidon.sandbox.pool-size=";
  private Path base;
  private final List<ServerProcess> servers = new ArrayList<>();

  @BeforeEach
  void createDirectory() {
    base = TestDirectories.create("sandbox-lifecycle");
  }

  @AfterEach
  void removeDirectory() {
    // A test that failed half-way leaves its server running, and a running server's store is mounted.
    servers.forEach(ServerProcess::close);
    PostgresProcesses.servingBelow(base).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    TestDirectories.delete(base);
  }

  private ServerProcess start(String name, String... extra) {
    List<String> arguments = new ArrayList<>(List.of("--data-dir=" + base.resolve("data"),
        "--internal-token=" + TOKEN, "--taidon.store.loop-image-size=1GB", "--taidon.sandbox.maintenance-interval=200ms"));
    arguments.addAll(List.of(extra));
    if (arguments.stream().noneMatch(argument -> argument.startsWith(POOL_SIZE))) {
      arguments.add(POOL_SIZE + "0");
    }
    ServerProcess server = ServerProcess.start(base.resolve(name + ".log"), arguments);
    servers.add(server);
    return server;
  }

  private static EnvManager envManager(ServerProcess server) {
    return new RemoteRoleClient(PlatformScenario.JSON, TOKEN, Duration.ofSeconds(2), Duration.ofSeconds(60))
        .proxy(EnvManager.class, "env-manager", server.baseUrl());
  }

  @Test
  void idleSandboxesStepDownFromHotToWarmToColdAndComeBackAtTheirLastState() throws Exception {
    ServerProcess server = start("idle", "--taidon.sandbox.anonymous-hot-idle=1s", "--taidon.sandbox.anonymous-warm-idle=2s");
    EnvManager envManager = envManager(server);
    SandboxInfo sandbox = envManager.createSandbox("idle-owner", OwnerKind.ANONYMOUS, envManager.rootState());
    try (Connection connection = DriverManager.getConnection(envManager.openSandbox(sandbox.id()).jdbcUrl(), "learner", "");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE kept (n int); INSERT INTO kept VALUES (1)");
    }
    StateId state = envManager.rootState().child("create kept", "");
    envManager.publishState(sandbox.id(), new NewState(state, Optional.of(envManager.rootState()),
        Optional.of("create kept"), 5, Optional.of("idle-owner"), "private"), Checkpoint.BY_ENV_MANAGER);

    awaitPresence(envManager, sandbox.id(), Presence.WARM);
    awaitPresence(envManager, sandbox.id(), Presence.COLD);
    assertThat(base.resolve("data/store/workspaces/" + sandbox.id())).as("a cold sandbox keeps no data").doesNotExist();

    try (Connection connection = DriverManager.getConnection(envManager.openSandbox(sandbox.id()).jdbcUrl(), "learner", "");
        Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT n FROM kept")) {
      assertThat(rs.next()).as("recreated from its last state").isTrue();
    }
    server.terminate();
  }

  @Test
  void afterThePlatformIsKilledTheNextStartStopsOrphanedSandboxesAndKeepsTheirData() throws Exception {
    ServerProcess killed = start("killed");
    EnvManager envManager = envManager(killed);
    SandboxInfo sandbox = envManager.createSandbox("crash-owner", OwnerKind.REGISTERED, envManager.rootState());
    try (Connection connection = DriverManager.getConnection(envManager.openSandbox(sandbox.id()).jdbcUrl(), "learner", "");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE before_crash (n int); INSERT INTO before_crash VALUES (42)");
    }
    Path workspace = base.resolve("data/store/workspaces/" + sandbox.id());
    List<Long> orphans = PostgresProcesses.servingBelow(workspace);
    assertThat(orphans).hasSize(1);
    killed.kill();

    ServerProcess restarted = start("restarted");
    assertThat(PostgresProcesses.servingBelow(workspace)).as("the orphaned sandbox server was stopped").isEmpty();
    EnvManager again = envManager(restarted);
    assertThat(again.describeSandbox(sandbox.id()).presence()).isEqualTo(Presence.WARM);
    try (Connection connection = DriverManager.getConnection(again.openSandbox(sandbox.id()).jdbcUrl(), "learner", "");
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT n FROM before_crash")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(42);
    }
    restarted.terminate();
    assertThat(PostgresProcesses.workingBelow(base)).as("nothing left after a clean stop").isEmpty();
  }

  @Test
  void afterARestartThePoolsOfBeforeServeLearnersAgain() throws Exception {
    String[] pooled = {POOL_SIZE + "2", "--taidon.runner.prebuild-datasets=false"};
    ServerProcess first = start("pool-first", pooled);
    EnvManager envManager = envManager(first);
    SandboxInfo author = envManager.createSandbox("lesson-author", OwnerKind.REGISTERED, envManager.rootState());
    StateId lesson = envManager.rootState().child("a popular lesson", "");
    envManager.publishState(author.id(), new NewState(lesson, Optional.of(envManager.rootState()),
        Optional.of("popular"), 3, Optional.empty(), "public"), Checkpoint.BY_ENV_MANAGER);
    envManager.deleteSandbox(author.id());
    for (int i = 0; i < 2; i++) {
      envManager.deleteSandbox(envManager.createSandbox("learner-" + i, OwnerKind.ANONYMOUS, lesson).id());
    }
    awaitHotPool(envManager, envManager.rootState(), 2);
    awaitHotPool(envManager, lesson, 2);
    List<SandboxInfo> before = envManager.sandboxesOf("platform");
    // One clone that can no longer start must not hold up the pools: it is replaced. A running
    // server reads its data directory's version only when it starts, so the next start refuses it.
    SandboxId broken = before.stream().filter(sandbox -> sandbox.state().equals(lesson)).findFirst().orElseThrow().id();
    Files.writeString(base.resolve("data/store/workspaces/" + broken + "/PG_VERSION"), "99\n");
    first.terminate();

    ServerProcess restarted = start("pool-restarted", pooled);
    EnvManager again = envManager(restarted);
    awaitHotPool(again, again.rootState(), 2);
    awaitHotPool(again, lesson, 2);
    List<SandboxId> unbroken = before.stream().map(SandboxInfo::id).filter(id -> !id.equals(broken)).toList();
    assertThat(again.sandboxesOf("platform").stream().map(SandboxInfo::id).toList())
        .as("pooled sandboxes after the restart: the three of before that could start again, and a new one")
        .hasSize(4).containsAll(unbroken).doesNotContain(broken);
    Instant asked = Instant.now();
    SandboxInfo learner = again.createSandbox("after-restart-owner", OwnerKind.ANONYMOUS, lesson);
    assertThat(learner.createdAt()).as("the first learner's sandbox at the lesson after the restart, from the pool")
        .isBefore(asked);
    restarted.terminate();
    assertThat(PostgresProcesses.workingBelow(base)).as("nothing left after a clean stop").isEmpty();
  }

  @Test
  void theMachineRunsAtMostItsLimitOfSandboxesStoppingTheLongestUnusedAndNeverOneInUse() throws Exception {
    ServerProcess server = start("machine-limit", "--taidon.sandbox.machine-max-hot=3", POOL_SIZE + "1",
        "--taidon.runner.prebuild-datasets=false");
    EnvManager envManager = envManager(server);
    StateId root = envManager.rootState();
    awaitHotPool(envManager, root, 1);
    SandboxInfo first = envManager.createSandbox("limit-first", OwnerKind.ANONYMOUS, root);
    try (Connection connection = DriverManager.getConnection(envManager.openSandbox(first.id()).jdbcUrl(), "learner", "");
        Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)");
    }
    SandboxInfo second = envManager.createSandbox("limit-second", OwnerKind.ANONYMOUS, root);
    SandboxInfo third = envManager.createSandbox("limit-third", OwnerKind.REGISTERED, root);
    List<SandboxId> learners = List.of(first.id(), second.id(), third.id());
    assertThat(learners.stream().map(id -> envManager.describeSandbox(id).presence()))
        .as("three learners' sandboxes run: the pooled one made room, or was never refilled")
        .containsOnly(Presence.HOT);
    assertThat(envManager.sandboxesOf("platform").stream().filter(sandbox -> sandbox.presence() == Presence.HOT))
        .as("no pooled sandbox runs beside three learners' on a machine that may run three").isEmpty();

    assertThatThrownBy(() -> envManager.createSandbox("limit-fourth", OwnerKind.ANONYMOUS, root))
        .as("a fourth start while every running sandbox was used within minutes")
        .isInstanceOfSatisfying(TaidonException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.OVERLOADED))
        .hasMessageContaining("taidon.sandbox.machine-max-hot");
    assertThat(envManager.sandboxesOf("limit-fourth")).as("the refused sandbox left no row behind").isEmpty();
    Learner newcomer = Learner.anonymous(server);
    String worksheet = newcomer.worksheet(null);
    newcomer.cells(worksheet, "one", "SELECT 1");
    HttpResponse<String> refused = newcomer.post("/api/v1/worksheets/" + worksheet + "/run", Map.of("through", "one"));
    assertProblem(refused, 503, "overloaded");
    assertThat(refused.headers().firstValue("Retry-After")).as("a new learner's first run is told when to retry")
        .hasValue("60");
    assertThat(learners.stream().map(id -> envManager.describeSandbox(id).presence()))
        .as("the refused start stopped nobody's sandbox").containsOnly(Presence.HOT);

    try (Connection control = DriverManager.getConnection(
            UnixSocketJdbc.url(base.resolve("data/run/control-db"), "taidon"), "postgres", "");
        Statement statement = control.createStatement()) {
      // The first learner left five minutes ago, the second four; the third is still at work. Both
      // past the 2 minutes a sandbox counts as in use, and within the 10 minutes after which upkeep
      // would step them down on its own (and hold the lock a start needs to stop them).
      statement.execute("UPDATE env_manager.sandbox SET last_used_at = now() - interval '5 minutes' WHERE id = '"
          + first.id().value() + "'");
      statement.execute("UPDATE env_manager.sandbox SET last_used_at = now() - interval '4 minutes' WHERE id = '"
          + second.id().value() + "'");
    }
    SandboxInfo fourth = envManager.createSandbox("limit-fourth", OwnerKind.ANONYMOUS, root);
    assertThat(envManager.describeSandbox(fourth.id()).presence()).isEqualTo(Presence.HOT);
    assertThat(envManager.describeSandbox(first.id()).presence()).as("the sandbox unused longest stepped down")
        .isEqualTo(Presence.WARM);
    assertThat(envManager.describeSandbox(second.id()).presence()).isEqualTo(Presence.HOT);
    assertThat(envManager.describeSandbox(third.id()).presence()).isEqualTo(Presence.HOT);

    try (Connection connection = DriverManager.getConnection(envManager.openSandbox(first.id()).jdbcUrl(), "learner", "");
        Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery("SELECT n FROM kept")) {
      assertThat(rs.next()).as("the stepped-down sandbox starts again with its data").isTrue();
      assertThat(rs.getInt(1)).isEqualTo(7);
    }
    assertThat(envManager.describeSandbox(second.id()).presence())
        .as("its return made room by stopping the next unused one").isEqualTo(Presence.WARM);
    assertThat(server.get("/actuator/prometheus").body())
        .as("the two stops for room, and the limit, for operators")
        .containsPattern("(?m)^taidon_sandbox_room_stops_total(\\{[^}]*})? 2\\.0$")
        .containsPattern("(?m)^taidon_sandbox_machine_limit(\\{[^}]*})? 3\\.0$");

    for (SandboxId id : List.of(second.id(), third.id(), fourth.id())) {
      envManager.deleteSandbox(id);
    }
    awaitHotPool(envManager, root, 1);
    server.terminate();
    assertThat(PostgresProcesses.workingBelow(base)).as("nothing left after a clean stop").isEmpty();
  }

  private static void awaitHotPool(EnvManager envManager, StateId state, int size) {
    Await.until(size + " hot pooled sandboxes at state " + state.shortForm(), Duration.ofSeconds(60),
        () -> envManager.sandboxesOf("platform").stream()
            .filter(sandbox -> sandbox.presence() == Presence.HOT && sandbox.state().equals(state)).count() == size,
        () -> envManager.sandboxesOf("platform"));
  }

  private static void awaitPresence(EnvManager envManager, SandboxId id, Presence presence) {
    Await.until("sandbox " + id + " " + presence, Duration.ofSeconds(30),
        () -> envManager.describeSandbox(id).presence() == presence, () -> envManager.describeSandbox(id));
  }
}
