package dev.taidon.server;

import static dev.taidon.server.Learner.lastStatements;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.pg.UnixSocketJdbc;
import dev.taidon.testkit.Await;
import dev.taidon.testkit.PostgresProcesses;
import dev.taidon.testkit.ServerProcess;
import dev.taidon.testkit.TestDirectories;
import dev.taidon.testkit.load.LoadDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Learners keep working while the platform suffers, one after another: sandbox servers killed at
 * random, a sandbox over its disk limit, the control database killed, the state store's file
 * system filled to its last megabytes, a client cut off mid-stream and the whole platform killed
 * and started again. Afterwards every worksheet holds what its
 * learner was told it saved, every answered run is recorded with the outcome the learner was
 * told, every learner runs again and gets the state their cells describe, no PostgreSQL is left
 * running, no half-published snapshot is left in the store, and the audit chain verifies.
 */
class FaultsUnderLoadIT {
  private Path base;
  private int port;
  private ServerProcess server;

  @BeforeEach
  void start() {
    base = TestDirectories.create("faults-under-load");
    port = ServerProcess.freePort();
    server = launch("first");
  }

  private ServerProcess launch(String name) {
    return ServerProcess.start(base.resolve(name + ".log"), port, List.of("--data-dir=" + base.resolve("data"),
        "--taidon.gateway.address-rate=2000", "--taidon.gateway.address-burst=4000",
        "--taidon.sandbox.disk-limit=160MB", "--taidon.sandbox.maintenance-interval=2s"));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.close();
    }
    TestDirectories.delete(base);
  }

  @Test
  void learnersLoseNothingWhileTheirPlatformSuffers() throws Exception {
    CompletableFuture<LoadDriver.Report> load = CompletableFuture.supplyAsync(() -> {
      try {
        return LoadDriver.run(server.baseUrl(), new LoadDriver.Config(10, 2, Duration.ofSeconds(5),
            Duration.ofSeconds(70), Duration.ofMillis(500), 11));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    });
    Random random = new Random(5);

    Thread.sleep(12_000);
    List<Long> sandboxes = new ArrayList<>(PostgresProcesses.servingBelow(base.resolve("data/store/workspaces")));
    assertThat(sandboxes).as("precondition: learners' sandboxes run").isNotEmpty();
    for (int i = 0; i < 2 && !sandboxes.isEmpty(); i++) {
      ProcessHandle.of(sandboxes.remove(random.nextInt(sandboxes.size()))).ifPresent(ProcessHandle::destroyForcibly);
    }

    Thread.sleep(4_000);
    overTheDiskLimitAndBack();

    List<Long> controlDatabase = PostgresProcesses.servingBelow(base.resolve("data/control-db"));
    assertThat(controlDatabase).as("precondition: the embedded control database runs").hasSize(1);
    ProcessHandle.of(controlDatabase.getFirst()).ifPresent(ProcessHandle::destroyForcibly);
    Await.until("the control database started again and the platform ready", Duration.ofSeconds(90),
        () -> server.get("/actuator/health/readiness").statusCode() == 200,
        () -> server.get("/actuator/health/readiness").body());

    fillTheStoreForAWhile();
    clientCutOffMidStream();

    Thread.sleep(4_000);
    server.kill();
    server = launch("second");

    LoadDriver.Report report = load.get();
    assertThat(report.visits()).as("learners who got a worksheet").hasSizeGreaterThanOrEqualTo(10);
    assertThat(report.runs()).as("runs answered in full").hasSizeGreaterThan(50);

    assertThat(LoadDriver.verifyWorksheets(server.baseUrl(), report))
        .as("worksheets that lost or changed what was saved, or cannot be run again").isEmpty();
    assertThat(runRecordsDisagreeingWith(report.runs()))
        .as("answered runs whose record is missing or says another outcome than the learner was told").isEmpty();

    // A clean stop and start settles the store; then nothing may be left over.
    server.close();
    server = launch("third");
    assertThat(halfPublishedSnapshots()).as("half-published snapshots in the store").isEmpty();
    server.close();
    server = null;
    assertThat(PostgresProcesses.workingBelow(base)).as("PostgreSQL processes after the platform stopped").isEmpty();
    ServerProcess verify = ServerProcess.launch(base.resolve("verify.log"),
        List.of("--data-dir=" + base.resolve("data"), "--verify-audit"));
    assertThat(verify.awaitExit(Duration.ofSeconds(120))).as("the audit chain verifies: %s", verify.output()).isZero();
  }

  /** A learner fills their sandbox past its disk limit, is told so, and can go on afterwards. */
  private void overTheDiskLimitAndBack() {
    Learner learner = Learner.anonymous(server);
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "small", "CREATE TABLE kept AS SELECT 1 AS x", "hog",
        // Gigabytes: far more than the limit, so the watchdog stops it long before it could finish.
        "CREATE TABLE hog AS SELECT g, repeat(md5(g::text), 40) AS pad FROM generate_series(1, 5000000) g");
    learner.run(worksheet, "small");
    JsonNode hog = learner.run(worksheet, "hog");
    assertThat(hog.path("outcome").asString()).as("the run that filled the sandbox: %s", hog).isEqualTo("failed");
    assertThat(hog.path("failure").asString()).as("the learner is told why")
        .contains("over the disk limit of 160 MB (taidon.sandbox.disk-limit)");

    learner.cells(worksheet, "small", "CREATE TABLE kept AS SELECT 1 AS x", "hog", "SELECT count(*) FROM kept");
    JsonNode again = learner.run(worksheet, "hog");
    assertThat(again.path("outcome").asString()).as("the run after: %s", again).isEqualTo("succeeded");
    assertThat(lastStatements(again).get(0).path("rows").get(0).get(0).asString()).isEqualTo("1");
  }

  /**
   * Something else fills the state store's file system to the last few megabytes for a while:
   * publishing fails and eviction works against it, and learners carry on.
   */
  private void fillTheStoreForAWhile() throws Exception {
    Path store = base.resolve("data/store");
    Path filler = store.resolve("filler");
    long fill = Files.getFileStore(store).getUsableSpace() - (32L << 20);
    Process allocate = new ProcessBuilder("fallocate", "-l", Long.toString(Math.max(fill, 1)), filler.toString())
        .redirectErrorStream(true).start();
    assertThat(allocate.waitFor()).as("fallocate: %s", new String(allocate.getInputStream().readAllBytes())).isZero();
    Thread.sleep(8_000);
    Files.delete(filler);
  }

  /** A learner's browser goes away while a statement runs. */
  private void clientCutOffMidStream() throws Exception {
    Learner learner = Learner.anonymous(server);
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "long", "SELECT pg_sleep(6)");
    try (Learner.LiveRun run = learner.runLive(worksheet, "long")) {
      run.await("statement");
    }
  }

  private List<String> runRecordsDisagreeingWith(List<LoadDriver.AcknowledgedRun> runs) throws SQLException {
    Map<String, String> recorded = new HashMap<>();
    try (Connection control = DriverManager.getConnection(
            UnixSocketJdbc.url(base.resolve("data/run/control-db"), "taidon"), "postgres", "");
        Statement statement = control.createStatement();
        ResultSet rows = statement.executeQuery("SELECT id, outcome FROM sql_runner.run")) {
      while (rows.next()) {
        recorded.put(rows.getString(1), rows.getString(2));
      }
    }
    List<String> wrong = new ArrayList<>();
    for (LoadDriver.AcknowledgedRun run : runs) {
      String outcome = recorded.get(run.runId());
      if (!run.outcome().equals(outcome)) {
        wrong.add(run.runId() + ": told " + run.outcome() + ", recorded " + outcome);
      }
    }
    return wrong;
  }

  private Set<String> halfPublishedSnapshots() throws IOException {
    Set<String> debris = new TreeSet<>();
    try (Stream<Path> entries = Files.list(base.resolve("data/store/states"))) {
      entries.map(path -> path.getFileName().toString()).filter(name -> name.startsWith(".publishing-"))
          .forEach(debris::add);
    }
    return debris;
  }
}
