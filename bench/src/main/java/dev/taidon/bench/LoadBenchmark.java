package dev.taidon.bench;

import dev.taidon.envmanager.EnvManager;
import dev.taidon.envmanager.OwnerKind;
import dev.taidon.envmanager.SandboxEndpoint;
import dev.taidon.envmanager.SandboxInfo;
import dev.taidon.testkit.PostgresProcesses;
import dev.taidon.testkit.PrometheusText;
import dev.taidon.testkit.load.LoadDriver;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code ./taidon bench load}: learners arriving over a ramp and working on dataset worksheets
 * through the public API of the whole platform in this JVM (all-in-one), with the sandbox and
 * memory picture sampled every ten seconds. Baseline in the same run: {@code SELECT 1} over raw JDBC
 * on a sandbox.
 */
final class LoadBenchmark implements Bench.Benchmark {
  private static final Duration SAMPLE_EVERY = Duration.ofSeconds(10);
  /**
   * PostgreSQL's memory is summed from every process's {@code smaps_rollup}, which makes the kernel
   * walk its page tables: with a thousand sandboxes a fifth of the machine for a few seconds. So it
   * is read every sixth sample only, and the lines in between repeat the last value.
   */
  private static final int MEMORY_EVERY_NTH_SAMPLE = 6;
  private static final JsonMapper JSON = JsonMapper.builder().build();
  private final HttpClient http = HttpClient.newHttpClient();

  @Override
  public String description() {
    return "learners on dataset worksheets at once (options: --users N, default 1000 with 10% registered; "
        + "--minutes M, default 10; --ramp-seconds S, default 120; --think-seconds T, default 5)";
  }

  @Override
  public void run(String[] args) throws Exception {
    int users = option(args, "--users", 1000);
    int minutes = option(args, "--minutes", 10);
    int ramp = option(args, "--ramp-seconds", 120);
    int think = option(args, "--think-seconds", 5);
    int registered = users / 10;
    List<String> samples = new ArrayList<>();
    ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    // Every learner arrives from the loopback address: the per-address limits would measure only themselves.
    try (BenchPlatform platform = BenchPlatform.start("bench-load", 32 * 1024,
        "--taidon.gateway.address-rate=100000", "--taidon.gateway.address-burst=100000",
        "--taidon.gateway.sign-up-rate=100000", "--taidon.gateway.sign-up-burst=100000")) {
      URI url = platform.baseUrl();
      Path dataRoot = platform.dataRoot();
      Samples baseline = baseline(platform.context().getBean(EnvManager.class));
      awaitDatasets(url);
      long[] cpu = {cpuTicks()[0], cpuTicks()[1]};
      long[] memory = {0, 0};
      long began = System.nanoTime();
      sampler.scheduleAtFixedRate(() -> samples.add(sample(url, dataRoot, began, cpu, memory)), 0,
          SAMPLE_EVERY.toSeconds(), TimeUnit.SECONDS);
      LoadDriver.Report report = LoadDriver.run(url, new LoadDriver.Config(users - registered, registered,
          Duration.ofSeconds(ramp), Duration.ofMinutes(minutes), Duration.ofSeconds(think), 42));
      sampler.shutdownNow();
      memory[0] = 0;
      samples.add(sample(url, dataRoot, began, cpu, memory));
      print(report, baseline, samples, metrics(url), users, registered, minutes, platform.onBtrfs());
    } finally {
      sampler.shutdownNow();
    }
  }

  /**
   * Waits until every built-in dataset is in the cache, as on a platform that has been up for a
   * while: the datasets load in the background at start, once per state store, and a learner who
   * arrived during that load would wait for it, which is the start-up's cost, not the load's.
   */
  private void awaitDatasets(URI url) throws Exception {
    JsonNode learner = JSON.readTree(send(url, "POST", "/api/v1/auth/anonymous", null, null, 201));
    String token = learner.path("accessToken").asString();
    for (JsonNode dataset : JSON.readTree(send(url, "GET", "/api/v1/datasets", token, null, 200))) {
      // A worksheet on a dataset is answered once the dataset's state is cached.
      String worksheet = JSON.readTree(send(url, "POST", "/api/v1/worksheets", token, Map.of("title", "warm-up",
          "base", Map.of("dataset", dataset.path("id").asString())), 201)).path("id").asString();
      send(url, "DELETE", "/api/v1/worksheets/" + worksheet, token, null, 204);
    }
  }

  private String send(URI url, String method, String path, String token, Object body, int status) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(url.resolve(path)).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() != status) {
      throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ", not " + status
          + ": " + response.body());
    }
    return response.body();
  }

  private static int option(String[] args, String name, int fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }

  private static Samples baseline(EnvManager envManager) throws Exception {
    SandboxInfo sandbox = envManager.createSandbox("bench-baseline", OwnerKind.REGISTERED, envManager.rootState());
    SandboxEndpoint endpoint = envManager.openSandbox(sandbox.id());
    Samples jdbc = new Samples("raw JDBC: SELECT 1 on an idle sandbox");
    try (Connection connection = DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.user(), "");
        Statement statement = connection.createStatement()) {
      for (int i = 0; i < 200; i++) {
        long started = System.nanoTime();
        try (ResultSet rows = statement.executeQuery("SELECT 1")) {
          rows.next();
        }
        jdbc.add(System.nanoTime() - started);
      }
    }
    envManager.deleteSandbox(sandbox.id());
    return jdbc;
  }

  /**
   * One line of the picture over time: sandboxes by presence, memory, CPU.
   *
   * @param memory the sample count since PostgreSQL's memory was last summed, and that sum in KiB
   */
  private String sample(URI url, Path dataRoot, long began, long[] cpu, long[] memory) {
    try {
      String metrics = metrics(url);
      long[] now = cpuTicks();
      double busy = now[1] - cpu[1] == 0 ? 0 : 100.0 * (now[0] - cpu[0]) / (now[1] - cpu[1]);
      cpu[0] = now[0];
      cpu[1] = now[1];
      if (memory[0] % MEMORY_EVERY_NTH_SAMPLE == 0) {
        ProcessMemory.ProcessTree tree = ProcessMemory.ProcessTree.read();
        memory[1] = PostgresProcesses.servingBelow(dataRoot).stream()
            .mapToLong(pid -> ProcessMemory.familyPssKib(tree, pid)).sum();
      }
      memory[0]++;
      long postgresKib = memory[1];
      Map<String, Long> machine = meminfoKib();
      long shared = machine.getOrDefault("Shmem", 0L);
      return String.format("  %5ds  hot %4.0f  warm %4.0f  cold %4.0f  platform RSS %6.0f MiB  PostgreSQL PSS %7.0f MiB  CPU %3.0f%%"
              + "  free %5.0f  page cache %5.0f  shared %5.0f MiB",
          (System.nanoTime() - began) / 1_000_000_000L, PrometheusText.sum(metrics, "taidon_sandboxes", "presence=\"hot\""),
          PrometheusText.sum(metrics, "taidon_sandboxes", "presence=\"warm\""), PrometheusText.sum(metrics, "taidon_sandboxes", "presence=\"cold\""),
          ProcessMemory.rssKib(ProcessHandle.current().pid()) / 1024.0, postgresKib / 1024.0, busy,
          machine.getOrDefault("MemFree", 0L) / 1024.0, (machine.getOrDefault("Cached", 0L) - shared) / 1024.0, shared / 1024.0);
    } catch (RuntimeException e) {
      return "  sample failed: " + e.getMessage();
    }
  }

  /**
   * The machine's memory from /proc/meminfo, in KiB: free, the page cache ({@code Cached} less
   * {@code Shmem}), which the kernel can reclaim, and shared memory ({@code Shmem}: mostly the
   * sandboxes' shared buffers), which it cannot without swap.
   */
  private static Map<String, Long> meminfoKib() {
    Map<String, Long> values = new java.util.HashMap<>();
    try {
      for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
        String[] fields = line.split(":?\\s+");
        if (fields.length >= 2) {
          values.put(fields[0], Long.parseLong(fields[1]));
        }
      }
    } catch (java.io.IOException | NumberFormatException e) {
      // An empty map prints zeros: the sample says nothing rather than something wrong.
    }
    return values;
  }

  /** Busy and total jiffies of all processors, from /proc/stat. */
  private static long[] cpuTicks() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < fields.length; i++) {
        total += Long.parseLong(fields[i]);
      }
      long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
      return new long[] {total - idle, total};
    } catch (java.io.IOException e) {
      return new long[] {0, 0};
    }
  }

  private String metrics(URI url) {
    try {
      return http.send(HttpRequest.newBuilder(url.resolve("/actuator/prometheus")).build(),
          HttpResponse.BodyHandlers.ofString()).body();
    } catch (java.io.IOException e) {
      return "";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "";
    }
  }

  private static void print(LoadDriver.Report report, Samples baseline, List<String> samples, String metrics, int users,
      int registered, int minutes, boolean btrfs) {
    double seconds = report.elapsed().toMillis() / 1000.0;
    System.out.printf("load: %d learners (%d registered), %d min each, store %s, %d processors, %.0f s in all%n", users,
        registered, minutes, btrfs ? "btrfs loop image" : "of the data directory", Runtime.getRuntime().availableProcessors(),
        seconds);
    System.out.printf("  %d requests, %.1f per second; %d unexpected errors; %d intended SQL errors came back as errors%n",
        report.requests(), report.requests() / seconds, report.unexpectedErrors(), report.intendedErrors());
    System.out.println(baseline.line(null));
    for (LoadDriver.Kind kind : LoadDriver.Kind.values()) {
      int count = report.latencies().getOrDefault(kind, List.of()).size();
      if (count > 0) {
        System.out.printf("  %-16s n=%-6d p50 %8.1f ms   p95 %8.1f ms   p99 %8.1f ms   failed %d%n", kind, count,
            report.percentile(kind, 50), report.percentile(kind, 95), report.percentile(kind, 99),
            report.failures().getOrDefault(kind, 0));
      }
    }
    double executed = PrometheusText.sum(metrics, "taidon_runner_steps_total", "mode=\"executed\"");
    double replayed = PrometheusText.sum(metrics, "taidon_runner_steps_total", "mode=\"replayed\"");
    double restores = PrometheusText.sum(metrics, "taidon_runner_restore_duration_seconds_count", "");
    System.out.printf("  steps executed %.0f, replayed %.0f (%.1f%% of all steps); restores from the cache %.0f%n",
        executed, replayed, executed + replayed == 0 ? 0 : 100 * replayed / (executed + replayed), restores);
    java.util.function.ToDoubleFunction<String> tailsFound = found -> PrometheusText.sum(metrics,
        "taidon_runner_tails_total", found.isEmpty() ? "" : "found=\"" + found + "\"");
    double tails = tailsFound.applyAsDouble("");
    double inSandbox = tailsFound.applyAsDouble("sandbox_at_tail");
    double restoredWhole = tailsFound.applyAsDouble("cache_tail");
    System.out.printf("  run tails found whole (cache hit ratio) %.1f%%: in the sandbox %.0f, restored whole %.0f, "
        + "in part %.0f, replayed from the base %.0f%n", tails == 0 ? 0 : 100 * (inSandbox + restoredWhole) / tails,
        inSandbox, restoredWhole, tailsFound.applyAsDouble("sandbox_prefix") + tailsFound.applyAsDouble("cache_prefix"),
        tailsFound.applyAsDouble("base_only"));
    for (LoadDriver.Kind kind : LoadDriver.Kind.values()) {
      int count = report.latencies().getOrDefault(kind, List.of()).size();
      int failed = report.failures().getOrDefault(kind, 0);
      if (failed > 0) {
        System.out.printf("  error rate %-16s %.2f%% (%d of %d)%n", kind, 100.0 * failed / Math.max(1, count), failed, count);
      }
    }
    System.out.printf("  goals: p99 of a trivial query %.1f ms (at most 250), p99 of a new learner's first result %.1f ms "
        + "(at most 500)%n", report.percentile(LoadDriver.Kind.RUN_TRIVIAL, 99),
        report.percentile(LoadDriver.Kind.FIRST_RESULT, 99));
    System.out.println("  over time:");
    samples.forEach(System.out::println);
    report.unexpected().stream().limit(10).forEach(problem -> System.out.println("  unexpected: " + problem));
  }
}
