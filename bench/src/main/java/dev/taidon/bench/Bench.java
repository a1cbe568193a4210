package dev.taidon.bench;

import dev.taidon.testkit.ServerProcess;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code ./taidon bench NAME}: runs one named benchmark. Every benchmark measures its baseline (raw
 * PostgreSQL, raw JDBC) in the same process and run, prints medians, p99 and the ratio, and never
 * passes or fails on time.
 */
public final class Bench {
  private Bench() {}

  public static void main(String[] args) throws Exception {
    dev.taidon.pg.UnixSocketJdbc.widenCommonPool();
    // Servers start exactly as ./taidon up starts them: no test-only JVM options.
    System.setProperty(ServerProcess.JVM_OPTIONS, "");
    Map<String, Benchmark> benchmarks = new LinkedHashMap<>();
    benchmarks.put("startup", new StartupBenchmark());
    benchmarks.put("sandbox", new SandboxBenchmark());
    benchmarks.put("runner", new RunnerBenchmark());
    benchmarks.put("load", new LoadBenchmark());
    benchmarks.put("ui", new UiBenchmark());
    if (args.length == 0 || args[0].equals("list") || !benchmarks.containsKey(args[0])) {
      System.out.println("Benchmarks:");
      benchmarks.forEach((name, benchmark) -> System.out.printf("  %-10s %s%n", name, benchmark.description()));
      if (args.length > 0 && !args[0].equals("list")) {
        System.err.println("taidon: no benchmark named '" + args[0] + "'");
        System.exit(2);
      }
      return;
    }
    try {
      benchmarks.get(args[0]).run(java.util.Arrays.copyOfRange(args, 1, args.length));
    } catch (IllegalArgumentException badOption) {
      // Options are read before anything starts, so this is a wrong command line, not a failed run.
      System.err.println("taidon: bench " + args[0] + ": " + badOption.getMessage());
      System.exit(2);
    }
  }

  interface Benchmark {
    String description();

    void run(String[] args) throws Exception;
  }
}
