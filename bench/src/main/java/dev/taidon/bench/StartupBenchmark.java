package dev.taidon.bench;

import dev.taidon.core.command.ProcessCommandRunner;
import dev.taidon.pg.PostgresInstance;
import dev.taidon.testkit.PostgresProcesses;
import dev.taidon.testkit.ServerProcess;
import dev.taidon.testkit.TestDirectories;
import dev.taidon.testkit.TestPostgres;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Start-up time and resident memory of {@code --target=all}. Baseline: starting a bare PostgreSQL
 * cluster of the pinned engine until {@code SELECT 1} answers, which the server's start includes.
 */
final class StartupBenchmark implements Bench.Benchmark {
  private static final int SERVER_RUNS = 5;
  private static final int POSTGRES_RUNS = 20;

  @Override
  public String description() {
    return "start-up time and resident memory of --target=all, against a raw PostgreSQL start";
  }

  @Override
  public void run(String[] args) throws Exception {
    Path base = TestDirectories.create("bench-startup");
    try {
      Samples postgres = postgresBaseline(base.resolve("pg"));
      Path data = base.resolve("data");
      Samples first = new Samples("server, first start (initdb, migrations)");
      Samples again = new Samples("server, start on existing data");
      String memory = "";
      for (int run = 0; run <= SERVER_RUNS; run++) {
        long began = System.nanoTime();
        ServerProcess server = ServerProcess.start(base.resolve("server-" + run + ".log"), List.of("--data-dir=" + data));
        (run == 0 ? first : again).add(System.nanoTime() - began);
        if (run == SERVER_RUNS) {
          server.get("/api/v1/platform");
          memory = memory(server.pid(), data);
        }
        server.terminate();
      }
      System.out.printf("startup: --target=all until /actuator/health/readiness is UP (%d processors)%n",
          Runtime.getRuntime().availableProcessors());
      System.out.println(postgres.line(null));
      System.out.println(first.line(postgres));
      System.out.println(again.line(postgres));
      System.out.println(memory);
    } finally {
      PostgresProcesses.servingBelow(base).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      TestDirectories.delete(base);
    }
  }

  private static Samples postgresBaseline(Path directory) throws Exception {
    PostgresInstance instance = new PostgresInstance(TestPostgres.binaries(), TestPostgres.account(),
        new ProcessCommandRunner(), new PostgresInstance.Spec(directory.resolve("data"), directory.resolve("run"),
            directory.resolve("pg.log"), Map.of("shared_buffers", "64MB", "max_connections", "100")));
    instance.initdb(List.of());
    Samples samples = new Samples("raw postgres start until SELECT 1");
    for (int run = 0; run < POSTGRES_RUNS; run++) {
      long began = System.nanoTime();
      instance.start(Duration.ofSeconds(60));
      try (Connection connection = instance.connect("postgres"); Statement statement = connection.createStatement()) {
        statement.execute("SELECT 1");
      }
      samples.add(System.nanoTime() - began);
      instance.stop();
    }
    return samples;
  }

  private static String memory(long serverPid, Path data) {
    long postgresPss = PostgresProcesses.servingBelow(data).stream().mapToLong(ProcessMemory::familyPssKib).sum();
    return String.format("  memory after start: server JVM RSS %d MiB, control database PSS %d MiB (all its processes)",
        ProcessMemory.rssKib(serverPid) / 1024, postgresPss / 1024);
  }
}
