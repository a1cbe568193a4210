package dev.taidon.bench;

import dev.taidon.envmanager.EnvManager;
import dev.taidon.envmanager.OwnerKind;
import dev.taidon.envmanager.SandboxEndpoint;
import dev.taidon.envmanager.SandboxInfo;
import dev.taidon.snapshotcache.StateId;
import dev.taidon.testkit.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The SQL runner through the public HTTP API of a platform in this process, against raw JDBC on the
 * same sandboxes: a trivial query, re-running the end of a 20-cell worksheet after an edit in its
 * middle, and a new learner's first run on a dataset.
 */
final class RunnerBenchmark implements Bench.Benchmark {
  private static final int RUNS = 30;
  /**
   * Untimed runs before the trivial query is measured, on both paths: a server answers warm, with
   * its hot paths compiled, and these runs get it there (as JMH's warm-up iterations do).
   */
  private static final int WARM_UP_RUNS = 3000;
  private static final int TRIVIAL_RUNS = 300;
  /** Between saving an edit and pressing Run: the least a learner takes. */
  private static final Duration THINK_TIME = Duration.ofSeconds(1);
  private static final JsonMapper JSON = JsonMapper.builder().build();
  /** Each cell of the long worksheet does real work: 20,000 rows hashed into a table of its own. */
  private static final String CELL = "CREATE TABLE t%d_%s AS SELECT g, md5(g::text || '%s') AS h FROM generate_series(1, 20000) g";

  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  private URI baseUrl;

  @Override
  public String description() {
    return "API overhead of a trivial query, replay after an edit in a 20-cell worksheet, a new learner's first run";
  }

  @Override
  public void run(String[] args) throws Exception {
    List<String> report = new ArrayList<>();
    try (BenchPlatform platform = BenchPlatform.start("bench-runner", 4096,
        BenchPlatform.concat(BenchPlatform.UNLIMITED_RATES, "--taidon.sandbox.anonymous-max-sandboxes=3"))) {
      baseUrl = platform.baseUrl();
      EnvManager envManager = platform.context().getBean(EnvManager.class);
      awaitDatasets();
      trivialQuery(envManager, report);
      longWorksheet(envManager, report);
      newLearner(report, platform.scratch().resolve("baseline"));
      report.add(0, "runner: store " + platform.storeDescription() + ", "
          + Runtime.getRuntime().availableProcessors() + " processors, HTTP/1.1 on loopback");
    }
    report.forEach(System.out::println);
  }

  /**
   * Waits until the built-in datasets, which the platform loads in the background at start, are
   * cached: a run on each waits for its load. Otherwise the load, seconds of work for both cores,
   * would run under the first measurements.
   */
  private void awaitDatasets() throws Exception {
    for (JsonNode dataset : send("GET", "/api/v1/datasets", signIn(), null, 200)) {
      Account learner = signIn();
      String worksheet = createWorksheet(learner, dataset.path("id").asString());
      saveCells(learner, worksheet, List.of("SELECT 1"));
      JsonNode result = run(learner, worksheet, "c0");
      require(result.path("outcome").asString().equals("succeeded"), "dataset " + dataset.path("id").asString()
          + " loaded: " + result.path("failure"));
    }
  }

  /** A cell {@code SELECT 1} run again and again through the API, against the same query over raw JDBC. */
  private void trivialQuery(EnvManager envManager, List<String> report) throws Exception {
    Account learner = signIn();
    String worksheet = createWorksheet(learner, null);
    saveCells(learner, worksheet, List.of("SELECT 1"));
    for (int i = 0; i < WARM_UP_RUNS; i++) {
      run(learner, worksheet, "c0");
    }
    Samples api = new Samples("API: run a cell SELECT 1 (sandbox at the tail)");
    for (int i = 0; i < TRIVIAL_RUNS; i++) {
      long began = System.nanoTime();
      JsonNode result = run(learner, worksheet, "c0");
      api.add(System.nanoTime() - began);
      require(result.at("/steps/0/mode").asString().equals("executed"), "the trivial run executed its cell");
    }
    SandboxInfo sandbox = envManager.sandboxesOf(learner.id()).getFirst();
    SandboxEndpoint endpoint = envManager.openSandbox(sandbox.id());
    Samples jdbc = new Samples("raw JDBC: SELECT 1 on the same sandbox");
    try (Connection connection = DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.user(), "");
        Statement statement = connection.createStatement()) {
      for (int i = 0; i < WARM_UP_RUNS; i++) {
        try (ResultSet rows = statement.executeQuery("SELECT 1")) {
          rows.next();
        }
      }
      for (int i = 0; i < TRIVIAL_RUNS; i++) {
        long began = System.nanoTime();
        try (ResultSet rows = statement.executeQuery("SELECT 1")) {
          rows.next();
        }
        jdbc.add(System.nanoTime() - began);
      }
    }
    report.add(jdbc.line(null));
    report.add(api.line(jdbc));
    report.add(String.format("  %-44s %.1f ms (goal: at most 3 ms), after %d untimed runs on each path",
        "API overhead over raw JDBC, median", api.median() - jdbc.median(), WARM_UP_RUNS));
  }

  /**
   * Edit cell 10 of 20 and run cell 20: only cells 10 to 20 may run. Against executing the same 11
   * statements over raw JDBC on a sandbox at the same state.
   */
  private void longWorksheet(EnvManager envManager, List<String> report) throws Exception {
    Account learner = signIn();
    String worksheet = createWorksheet(learner, null);
    List<String> cells = new ArrayList<>();
    for (int i = 1; i <= 20; i++) {
      cells.add(CELL.formatted(i, "w", "v0"));
    }
    saveCells(learner, worksheet, cells);
    // As a learner writes a worksheet: each cell run as it is written, so each is published as the
    // cell a run executed (replayed cells are published only by cost).
    for (int i = 0; i < cells.size(); i++) {
      run(learner, worksheet, "c" + i);
    }
    Samples api = new Samples("API: edit cell 10 of 20, run cell 20");
    Samples paused = new Samples("API: the same, Run pressed 1 s after the save");
    RunParts apiParts = new RunParts();
    RunParts pausedParts = new RunParts();
    int version = 0;
    for (int round = 1; round <= RUNS / 3; round++) {
      editAndRun(learner, worksheet, cells, ++version, Duration.ZERO, api, apiParts);
    }
    for (int round = 1; round <= RUNS / 3; round++) {
      editAndRun(learner, worksheet, cells, ++version, THINK_TIME, paused, pausedParts);
    }
    SandboxInfo baseline = envManager.createSandbox("bench-direct", OwnerKind.REGISTERED, envManager.rootState());
    SandboxEndpoint endpoint = envManager.openSandbox(baseline.id());
    Samples jdbc = new Samples("raw JDBC: the same 11 statements");
    try (Connection connection = DriverManager.getConnection(endpoint.jdbcUrl(), endpoint.user(), "");
        Statement statement = connection.createStatement()) {
      for (int round = 1; round <= RUNS / 3; round++) {
        long began = System.nanoTime();
        for (int i = 10; i <= 20; i++) {
          statement.execute(CELL.formatted(i, "d" + round, "v" + round));
        }
        jdbc.add(System.nanoTime() - began);
      }
    }
    // The same statements on a fresh server on a fresh clone of the state before cell 10, as the
    // replay has them after its restore: tells the runner's own cost from the first writes' cost.
    StateId beforeEdit = new StateId(send("GET", "/api/v1/worksheets/" + worksheet + "/states", learner, null, 200)
        .get(8).path("stateId").asString());
    Samples restoredJdbc = new Samples("raw JDBC: the same, on a fresh restore");
    for (int round = 1; round <= RUNS / 3; round++) {
      envManager.resetSandbox(baseline.id(), beforeEdit);
      SandboxEndpoint restored = envManager.openSandbox(baseline.id());
      try (Connection connection = DriverManager.getConnection(restored.jdbcUrl(), restored.user(), "");
          Statement statement = connection.createStatement()) {
        long began = System.nanoTime();
        for (int i = 10; i <= 20; i++) {
          statement.execute(CELL.formatted(i, "r" + round, "v" + round));
        }
        restoredJdbc.add(System.nanoTime() - began);
      }
    }
    envManager.deleteSandbox(baseline.id());
    report.add(jdbc.line(null));
    report.add(restoredJdbc.line(jdbc) + "   (a new server on a clone of the state before cell 10, connected before timing)");
    report.add(api.line(jdbc) + "   (goal: at most 1.2x)");
    report.add(apiParts.line());
    report.add(paused.line(jdbc) + "   (the sandbox is prepared while the learner reaches for Run)");
    report.add(pausedParts.line());
  }

  /**
   * Saves cell 10 edited, waits {@code pause} (a learner's way from the editor to Run; the SPA saves
   * as typing stops), then times the run of cell 20 alone; the step counters must show that only
   * cells 10 to 20 ran.
   */
  private void editAndRun(Account learner, String worksheet, List<String> cells, int version, Duration pause,
      Samples samples, RunParts parts) throws Exception {
    cells.set(9, CELL.formatted(10, "w", "v" + version));
    saveCells(learner, worksheet, cells);
    double replayed = counter("replayed");
    double executed = counter("executed");
    Thread.sleep(pause);
    long began = System.nanoTime();
    JsonNode result = run(learner, worksheet, "c19");
    samples.add(System.nanoTime() - began);
    require(result.path("outcome").asString().equals("succeeded"), "the replay succeeded: " + result.path("failure"));
    parts.add(result);
    require(counter("replayed") - replayed == 10 && counter("executed") - executed == 1,
        "only cells 10 to 20 ran (replayed " + (counter("replayed") - replayed) + ", executed "
            + (counter("executed") - executed) + ")");
  }

  /** The runner's own account of where a run's time went ({@code timings}), and how many steps it published. */
  private static final class RunParts {
    private final Samples restore = new Samples("restore");
    private final Samples replay = new Samples("replay");
    private final Samples execute = new Samples("execute");
    private final List<Integer> published = new ArrayList<>();

    void add(JsonNode run) {
      JsonNode timings = run.path("timings");
      restore.add(Math.round(timings.path("restoreMs").asDouble() * 1_000_000));
      replay.add(Math.round(timings.path("replayMs").asDouble() * 1_000_000));
      execute.add(Math.round(timings.path("executeMs").asDouble() * 1_000_000));
      int count = 0;
      for (JsonNode step : run.path("steps")) {
        count += step.path("published").asBoolean() ? 1 : 0;
      }
      published.add(count);
    }

    String line() {
      List<Integer> sorted = published.stream().sorted().toList();
      return String.format("    of which, medians: restore %.1f ms, replay %.1f ms, execute %.1f ms; steps published %d",
          restore.median(), replay.median(), execute.median(), sorted.get(sorted.size() / 2));
    }
  }

  /**
   * A new anonymous learner: sign in, create a chinook worksheet, save a cell, run it; against
   * starting a bare PostgreSQL until it answers, which is what a sandbox costs without the pool.
   */
  private void newLearner(List<String> report, Path baselineDirectory) throws Exception {
    Account warmUp = signIn();
    createWorksheet(warmUp, "chinook");
    Samples firstRun = new Samples("API: new learner's first run on chinook");
    Samples whole = new Samples("API: sign in + worksheet + save + first run");
    for (int i = 0; i < RUNS; i++) {
      long began = System.nanoTime();
      Account learner = signIn();
      String worksheet = createWorksheet(learner, "chinook");
      saveCells(learner, worksheet, List.of("SELECT name FROM artist ORDER BY artist_id LIMIT 10"));
      long running = System.nanoTime();
      JsonNode result = run(learner, worksheet, "c0");
      long ended = System.nanoTime();
      firstRun.add(ended - running);
      whole.add(ended - began);
      require(result.at("/steps/0/statements/0/rows").size() == 10, "the first run returned ten artists");
      Thread.sleep(150);
    }
    Samples postgres = RawPostgresBaseline.measure(baselineDirectory, Map.of("shared_buffers", "16MB",
        "max_connections", "12", "io_method", "sync", "fsync", "off"), List.of("--no-sync"), RUNS);
    report.add(postgres.line(null));
    report.add(firstRun.line(postgres) + "   (goal: median at most 80 ms)");
    report.add(whole.line(null));
  }

  private record Account(String id, String token) {}

  private Account signIn() throws Exception {
    JsonNode body = send("POST", "/api/v1/auth/anonymous", null, null, 201);
    return new Account(body.at("/user/id").asString(), body.path("accessToken").asString());
  }

  private String createWorksheet(Account learner, String dataset) throws Exception {
    Object body = dataset == null ? Map.of("title", "bench") : Map.of("title", "bench", "base", Map.of("dataset", dataset));
    return send("POST", "/api/v1/worksheets", learner, body, 201).path("id").asString();
  }

  private void saveCells(Account learner, String worksheet, List<String> sql) throws Exception {
    List<Map<String, String>> cells = new ArrayList<>();
    for (int i = 0; i < sql.size(); i++) {
      cells.add(Map.of("id", "c" + i, "sql", sql.get(i)));
    }
    send("PUT", "/api/v1/worksheets/" + worksheet, learner, Map.of("cells", cells), 200);
  }

  private JsonNode run(Account learner, String worksheet, String through) throws Exception {
    return send("POST", "/api/v1/worksheets/" + worksheet + "/run", learner, Map.of("through", through), 200);
  }

  private JsonNode send(String method, String path, Account learner, Object body, int status) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve(path)).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
    if (learner != null) {
      request.header("Authorization", "Bearer " + learner.token());
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    require(response.statusCode() == status, method + " " + path + " answered " + response.statusCode() + ": "
        + response.body());
    return JSON.readTree(response.body());
  }

  private double counter(String mode) throws Exception {
    String metrics = http.send(HttpRequest.newBuilder(baseUrl.resolve("/actuator/prometheus")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    return PrometheusText.sum(metrics, "taidon_runner_steps_total", "mode=\"" + mode + "\"");
  }

  private static void require(boolean condition, String what) {
    if (!condition) {
      throw new IllegalStateException("benchmark precondition failed: " + what);
    }
  }
}
