package dev.taidon.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.core.remote.RemoteRoleClient;
import dev.taidon.envmanager.Checkpoint;
import dev.taidon.envmanager.EnvManager;
import dev.taidon.envmanager.OwnerKind;
import dev.taidon.envmanager.SandboxInfo;
import dev.taidon.pg.UnixSocketJdbc;
import dev.taidon.snapshotcache.NewState;
import dev.taidon.snapshotcache.StateId;
import dev.taidon.testkit.PostgresProcesses;
import dev.taidon.testkit.ServerProcess;
import dev.taidon.testkit.TestDirectories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kills the platform while it publishes and evicts snapshots, then checks that the next start
 * leaves the state tree and the store in agreement, with no half-published debris.
 */
class StoreCrashIT {
  static final String TOKEN = "store-crash-token-0123456789abcdefgh";
  private Path base;

  @BeforeEach
  void createDirectory() {
    base = TestDirectories.create("store-crash");
  }

  @AfterEach
  void removeDirectory() {
    PostgresProcesses.servingBelow(base).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
    TestDirectories.delete(base);
  }

  private ServerProcess start(String name) {
    // Plain copies make each publish slow enough to be interrupted; the small capacity makes every
    // publish evict, so kills land in evictions too.
    return ServerProcess.start(base.resolve(name + ".log"), List.of("--data-dir=" + base.resolve("data"),
        "--internal-token=" + TOKEN, "--taidon.store.backend=copy", "--taidon.store.loop-image=false",
        "--taidon.store.capacity=300MB", "--taidon.store.high-watermark=0.5", "--taidon.store.low-watermark=0.3",
        "--taidon.sandbox.pool-size=0"));
  }

  @Test
  void killsDuringPublishAndEvictionLeaveTreeAndStoreConsistent() throws Exception {
    for (int round = 0; round < 3; round++) {
      ServerProcess server = start("round-" + round);
      EnvManager envManager = new RemoteRoleClient(PlatformScenario.JSON, TOKEN, Duration.ofSeconds(2),
          Duration.ofSeconds(60)).proxy(EnvManager.class, "env-manager", server.baseUrl());
      SandboxInfo sandbox = envManager.createSandbox("crash-" + round, OwnerKind.REGISTERED, envManager.rootState());
      try (Connection connection = DriverManager.getConnection(envManager.openSandbox(sandbox.id()).jdbcUrl(), "learner", "");
          Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE filler AS SELECT g, repeat('x', 500) AS pad FROM generate_series(1, 60000) g");
      }
      AtomicInteger published = new AtomicInteger();
      int killAfter = 3 + round * 2;
      Thread publisher = Thread.ofVirtual().start(() -> {
        StateId parent = envManager.rootState();
        for (int i = 0; ; i++) {
          StateId next = parent.child("round " + sandbox.id() + " step " + i, "");
          try {
            envManager.publishState(sandbox.id(), new NewState(next, Optional.of(parent), Optional.of("step " + i), 1,
                Optional.empty(), "private"), Checkpoint.BY_ENV_MANAGER);
          } catch (RuntimeException killed) {
            return;
          }
          parent = next;
          published.incrementAndGet();
        }
      });
      while (published.get() < killAfter && publisher.isAlive()) {
        Thread.sleep(5);
      }
      Thread.sleep(17L * (round + 1));
      server.kill();
      publisher.join(Duration.ofSeconds(30));
    }
    ServerProcess last = start("last");
    assertConsistent();
    last.terminate();
  }

  private void assertConsistent() throws Exception {
    Path states = base.resolve("data/store/states");
    Set<String> stored = new TreeSet<>();
    List<String> debris = new ArrayList<>();
    try (Stream<Path> entries = Files.list(states)) {
      entries.map(path -> path.getFileName().toString())
          .forEach(name -> (name.startsWith(".publishing-") ? debris : stored).add(name));
    }
    Set<String> recorded = new TreeSet<>();
    try (Connection connection = DriverManager.getConnection(
            UnixSocketJdbc.url(base.resolve("data/run/control-db"), "taidon"), "postgres", "");
        Statement statement = connection.createStatement();
        ResultSet rs = statement.executeQuery("SELECT id FROM snapshot_cache.state WHERE snapshot")) {
      while (rs.next()) {
        recorded.add(rs.getString(1));
      }
    }
    assertThat(debris).as("half-published snapshots after restart").isEmpty();
    assertThat(stored).as("snapshots in the store = states the tree says have one").isEqualTo(recorded);
    assertThat(recorded).as("the root state survives every crash").isNotEmpty();
  }
}
