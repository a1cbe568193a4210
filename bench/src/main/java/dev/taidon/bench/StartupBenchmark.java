package dev.taidon.bench;

import dev.taidon.testkit.PostgresProcesses;
import dev.taidon.testkit.ServerProcess;
import dev.taidon.testkit.TestDirectories;
import java.nio.file.Path;
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
    return RawPostgresBaseline.measure(directory, Map.of("shared_buffers", "64MB", "max_connections", "100"), List.of(),
        POSTGRES_RUNS);
  }

  private static String memory(long serverPid, Path data) {
    ProcessMemory.ProcessTree tree = ProcessMemory.ProcessTree.read();
    long postgresPss = PostgresProcesses.servingBelow(data).stream()
        .mapToLong(pid -> ProcessMemory.familyPssKib(tree, pid)).sum();
    return String.format("  memory after start: server JVM RSS %d MiB, control database PSS %d MiB (all its processes)",
        ProcessMemory.rssKib(serverPid) / 1024, postgresPss / 1024);
  }
}
