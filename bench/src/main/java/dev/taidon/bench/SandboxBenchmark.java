package dev.taidon.bench;

import dev.taidon.core.ProcessIdentity;
import dev.taidon.envmanager.Checkpoint;
import dev.taidon.envmanager.EnvManager;
import dev.taidon.envmanager.OwnerKind;
import dev.taidon.envmanager.Presence;
import dev.taidon.envmanager.SandboxEndpoint;
import dev.taidon.envmanager.SandboxInfo;
import dev.taidon.snapshotcache.NewState;
import dev.taidon.server.TaidonServer;
import dev.taidon.snapshotcache.StateId;
import dev.taidon.testkit.LoopFileSystem;
import dev.taidon.testkit.PostgresProcesses;
import dev.taidon.testkit.TestDirectories;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.Map;
import java.util.Optional;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Sandbox readiness, publishing and density, per state-store backend, against starting a bare
 * PostgreSQL until {@code SELECT 1} answers. The platform runs in this process ({@code --target=all},
 * as the SQL runner sees the env-manager in the all-in-one shape); a sandbox counts as ready when its
 * learner database answers {@code SELECT 1} over a new JDBC connection.
 */
final class SandboxBenchmark implements Bench.Benchmark {
  private static final int RUNS = 30;
  private static final int POOL_SIZE = 2;
  /** Untimed restores first, so the restore path runs compiled, as on a server that has been up a while. */
  private static final int CACHED_WARM_UP_RUNS = 5;
  /**
   * Untimed claims from the pool first, so the claim path and the new connection run compiled, as on
   * a server that has been up a while: after 30 the first backend measured still ran 1-2 ms slower
   * than the later ones on the same code path.
   */
  private static final int POOL_WARM_UP_RUNS = 150;

  @Override
  public String description() {
    return "sandbox from a cached state / the warm pool to first answer, publish, memory per hot sandbox "
        + "(options: --hot N, default 100; --stores btrfs,reflink,copy, default all this machine can mount)";
  }

  @Override
  public void run(String[] args) throws Exception {
    Options options = Options.parse(args);
    Path base = TestDirectories.create("bench-sandbox");
    List<String> report = new ArrayList<>();
    try {
      Samples baseline = postgresBaseline(base.resolve("baseline"));
      report.add(baseline.line(null));
      List<Backend> backends = new ArrayList<>();
      if (options.stores().contains("btrfs")) {
        backends.add(new Backend("btrfs", LoopFileSystem.btrfs(4096)));
      }
      if (options.stores().contains("reflink")) {
        backends.add(new Backend("reflink", LoopFileSystem.xfs(4096)));
      }
      if (options.stores().contains("copy")) {
        backends.add(new Backend("copy", null));
      }
      int hot = options.hot();
      for (Backend backend : backends) {
        try {
          measureBackend(backend, base, baseline, report, backend.name().equals("btrfs") || backends.size() == 1 ? hot : 0);
        } finally {
          if (backend.fileSystem() != null) {
            backend.fileSystem().close();
          }
        }
      }
    } finally {
      PostgresProcesses.servingBelow(base).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      TestDirectories.delete(base);
    }
    System.out.printf("sandbox: ready = createSandbox (in-process, --target=all) until a new JDBC connection to the "
        + "learner database answers SELECT 1 (%d processors)%n", Runtime.getRuntime().availableProcessors());
    report.forEach(System.out::println);
  }

  private record Backend(String name, LoopFileSystem fileSystem) {}

  /** The command line: how many hot sandboxes the density count starts, and which stores are measured. */
  record Options(int hot, Set<String> stores) {
    static final Set<String> STORES = Set.of("btrfs", "reflink", "copy");

    static Options parse(String[] args) {
      int hot = 100;
      Set<String> stores = null;
      for (int i = 0; i < args.length; i++) {
        String name = args[i];
        if (i + 1 == args.length) {
          throw new IllegalArgumentException("option " + name + " needs a value");
        }
        String value = args[++i];
        switch (name) {
          case "--hot" -> {
            try {
              hot = Integer.parseInt(value);
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("--hot takes a whole number of sandboxes, not '" + value + "'");
            }
            if (hot < 0 || hot > 2000) {
              throw new IllegalArgumentException("--hot takes 0 to 2000 sandboxes, not " + hot);
            }
          }
          case "--stores" -> {
            stores = new java.util.LinkedHashSet<>(List.of(value.split(",")));
            stores.removeIf(store -> store.isBlank());
            Set<String> unknown = new java.util.TreeSet<>(stores);
            unknown.removeAll(STORES);
            if (stores.isEmpty() || !unknown.isEmpty()) {
              throw new IllegalArgumentException("--stores takes a comma-separated list of btrfs, reflink and copy, not '"
                  + value + "'");
            }
          }
          default -> throw new IllegalArgumentException("unknown option " + name + " (options: --hot N, --stores LIST)");
        }
      }
      if (stores == null) {
        // Loop-mounted btrfs and XFS images need root; the copy store runs anywhere.
        stores = ProcessIdentity.isRoot() ? Set.of("btrfs", "reflink", "copy") : Set.of("copy");
      } else if (!ProcessIdentity.isRoot() && !Set.of("copy").containsAll(stores)) {
        throw new IllegalArgumentException("the btrfs and reflink stores are measured on loop-mounted images, which "
            + "need root; without it only --stores copy runs");
      }
      return new Options(hot, stores);
    }
  }

  private void measureBackend(Backend backend, Path base, Samples baseline, List<String> report, int hot) throws Exception {
    Path dataRoot = backend.fileSystem() == null ? base.resolve("copy") : backend.fileSystem().root();
    ConfigurableApplicationContext platform = TaidonServer.start("--data-dir=" + dataRoot.resolve("data"), "--port=0",
        "--taidon.engine-directory=" + TestDirectories.SHARED_ENGINE, "--taidon.store.backend=" + backend.name(),
        "--taidon.store.loop-image=false", "--taidon.sandbox.pool-size=" + POOL_SIZE, "--taidon.sandbox.pool-states=0",
        "--taidon.sandbox.registered-max-hot=10000", "--taidon.sandbox.registered-max-sandboxes=10000",
        // Loading the datasets would take both cores for most of the measurements, and none is used here.
        "--taidon.runner.prebuild-datasets=false",
        "--logging.level.root=warn");
    try {
      EnvManager envManager = platform.getBean(EnvManager.class);
      StateId root = envManager.rootState();

      // A cached state that is not pooled (pool-states=0): the root state plus one table.
      SandboxInfo author = envManager.createSandbox("bench-author", OwnerKind.REGISTERED, root);
      execute(envManager.openSandbox(author.id()), "CREATE TABLE t AS SELECT g FROM generate_series(1, 1000) g");
      StateId cached = root.child("bench", "");
      envManager.publishState(author.id(), new NewState(cached, Optional.of(root), Optional.of("bench"), 1,
          Optional.empty(), "public"), Checkpoint.BY_ENV_MANAGER);

      Samples fromCache = new Samples(backend.name() + ": cached state -> first answer");
      Samples publish = new Samples(backend.name() + ": publish a hot sandbox's state");
      Samples checkpoint = new Samples(backend.name() + ":   of which CHECKPOINT");
      Samples publishState = new Samples(backend.name() + ":   of which publishState");
      Path workspaces = dataRoot.resolve("data/store/workspaces");
      for (int run = -CACHED_WARM_UP_RUNS; run < RUNS; run++) {
        awaitDeletions(workspaces);
        long began = System.nanoTime();
        SandboxInfo sandbox = envManager.createSandbox("bench-" + run, OwnerKind.REGISTERED, cached);
        SandboxEndpoint endpoint = envManager.openSandbox(sandbox.id());
        Connection connection = DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.user(), "");
        try (Statement statement = connection.createStatement()) {
          statement.execute("SELECT 1");
          long answered = System.nanoTime();
          // As the runner publishes: CHECKPOINT over the session it ran the step in, then the snapshot.
          StateId next = cached.child("run " + run, "");
          statement.execute("CHECKPOINT");
          long checkpointed = System.nanoTime();
          envManager.publishState(sandbox.id(), new NewState(next, Optional.of(cached), Optional.of("run " + run), 1,
              Optional.empty(), "private"), Checkpoint.DONE_BY_CALLER);
          long published = System.nanoTime();
          if (run >= 0) {
            fromCache.add(answered - began);
            publish.add(published - answered);
            checkpoint.add(checkpointed - answered);
            publishState.add(published - checkpointed);
          }
        } finally {
          closeQuietly(connection);
        }
        envManager.deleteSandbox(sandbox.id());
      }
      Samples fromPool = new Samples(backend.name() + ": warm pool -> first answer");
      Samples claim = new Samples(backend.name() + ":   of which createSandbox");
      Samples open = new Samples(backend.name() + ":   of which openSandbox");
      Samples connect = new Samples(backend.name() + ":   of which connect + SELECT 1");
      for (int run = -POOL_WARM_UP_RUNS; run < RUNS; run++) {
        awaitFullPool(envManager, root);
        awaitDeletions(workspaces);
        long began = System.nanoTime();
        SandboxInfo sandbox = envManager.createSandbox("pool-" + run, OwnerKind.REGISTERED, root);
        long claimed = System.nanoTime();
        SandboxEndpoint endpoint = envManager.openSandbox(sandbox.id());
        long opened = System.nanoTime();
        execute(endpoint, "SELECT 1");
        long answered = System.nanoTime();
        if (run >= 0) {
          fromPool.add(answered - began);
          claim.add(claimed - began);
          open.add(opened - claimed);
          connect.add(answered - opened);
        }
        envManager.deleteSandbox(sandbox.id());
      }
      report.add(fromCache.line(baseline));
      report.add(fromPool.line(baseline));
      report.add(claim.line(null));
      report.add(open.line(null));
      report.add(connect.line(null));
      report.add(publish.line(null));
      report.add(checkpoint.line(null));
      report.add(publishState.line(null));
      if (hot > 0) {
        report.add(density(envManager, cached, workspaces, hot, baseline,
            base.resolve("baseline-among-hot-" + backend.name())));
      }
    } finally {
      platform.close();
    }
  }

  /** Starts {@code count} sandboxes, leaves them idle, measures their memory together and times starts among them. */
  private static String density(EnvManager envManager, StateId state, Path workspaces, int count, Samples baseline,
      Path rawDirectory) throws Exception {
    long began = System.nanoTime();
    List<SandboxInfo> sandboxes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      SandboxInfo sandbox = envManager.createSandbox("density-" + i, OwnerKind.REGISTERED, state);
      execute(envManager.openSandbox(sandbox.id()), "SELECT count(*) FROM t");
      sandboxes.add(sandbox);
    }
    long startedMillis = (System.nanoTime() - began) / 1_000_000;
    Thread.sleep(2000);
    List<Long> postmasters = PostgresProcesses.servingBelow(workspaces);
    ProcessMemory.ProcessTree tree = ProcessMemory.ProcessTree.read();
    long pssKib = postmasters.stream().mapToLong(pid -> ProcessMemory.familyPssKib(tree, pid)).sum();
    long processes = postmasters.stream().mapToLong(pid -> ProcessMemory.familySize(tree, pid)).sum();
    long perSandboxKib = pssKib / count;
    long machineKib = ProcessMemory.machineKib();
    // A start among many running servers: what a learner waits for on a full machine. A bare server's
    // start among the same servers, alternated with it, tells the machine's share of the slowdown from ours.
    Samples amongHot = new Samples("  cached state -> first answer, " + count + " others hot");
    Samples rawAmongHot = new Samples("  raw postgres start, " + count + " others hot");
    RawPostgresBaseline raw = rawBaseline(rawDirectory);
    for (int run = -CACHED_WARM_UP_RUNS; run < RUNS; run++) {
      awaitDeletions(workspaces);
      long asked = System.nanoTime();
      SandboxInfo sandbox = envManager.createSandbox("among-hot-" + run, OwnerKind.REGISTERED, state);
      execute(envManager.openSandbox(sandbox.id()), "SELECT 1");
      long ready = System.nanoTime();
      long rawStart = raw.timeOneStart();
      if (run >= 0) {
        amongHot.add(ready - asked);
        rawAmongHot.add(rawStart);
      }
      envManager.deleteSandbox(sandbox.id());
    }
    for (SandboxInfo sandbox : sandboxes) {
      envManager.deleteSandbox(sandbox.id());
    }
    return String.format("  %d hot idle sandboxes: started in %d ms, %d processes, PSS %.1f MiB per sandbox; "
            + "at that rate 80%% of this machine's %.1f GiB holds about %d hot sandboxes%n%s%n%s%n%s",
        count, startedMillis, processes, perSandboxKib / 1024.0, machineKib / 1048576.0,
        perSandboxKib == 0 ? 0 : (long) (machineKib * 0.8 / perSandboxKib), amongHot.line(baseline),
        rawAmongHot.line(baseline), String.format("    the cached state among them: ratio %.1fx of the raw start among them",
            amongHot.median() / rawAmongHot.median()));
  }

  /**
   * Waits until the pool holds {@link #POOL_SIZE} hot sandboxes at {@code state}, so that no refill
   * (a clone and a server start) competes with the next measurement for the two cores.
   */
  private static void awaitFullPool(EnvManager envManager, StateId state) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (envManager.sandboxesOf("platform").stream()
        .filter(s -> s.presence() == Presence.HOT && s.state().equals(state)).count() < POOL_SIZE) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the warm pool did not refill within a minute");
      }
      Thread.sleep(20);
    }
  }

  /**
   * Waits until the workspaces of the sandboxes deleted before are gone: with reflinks or copies
   * the store removes them in the background (renamed to {@code .discarded-*} until then,
   * docs/operations.md), which would compete with the next measurement for the two cores as a
   * refill would. On btrfs a workspace is deleted at once and there is nothing to wait for.
   */
  private static void awaitDeletions(Path workspaces) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (true) {
      try (java.util.stream.Stream<Path> entries = java.nio.file.Files.list(workspaces)) {
        if (entries.noneMatch(entry -> entry.getFileName().toString().startsWith(".discarded-"))) {
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("deleted workspaces were still being removed after a minute");
      }
      Thread.sleep(5);
    }
  }

  /** Closes a connection whose server a publish may have stopped (a store without atomic snapshots). */
  private static void closeQuietly(Connection connection) {
    try {
      connection.close();
    } catch (SQLException serverStopped) {
      // Nothing left to close.
    }
  }

  private static void execute(SandboxEndpoint endpoint, String sql) throws SQLException {
    try (Connection connection = DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.user(), "");
        Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static Samples postgresBaseline(Path directory) throws Exception {
    return rawBaseline(directory).starts(RUNS);
  }

  /** A bare cluster with the settings that matter to a start set as the sandboxes have them. */
  private static RawPostgresBaseline rawBaseline(Path directory) throws Exception {
    return RawPostgresBaseline.initialised(directory, Map.of("shared_buffers", "16MB", "max_connections", "12",
        "io_method", "sync", "fsync", "off"), List.of("--no-sync"));
  }
}
