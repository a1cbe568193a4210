package dev.taidon.server;

import static dev.taidon.server.Learner.json;
import static dev.taidon.server.Learner.lastStatements;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.pg.UnixSocketJdbc;
import dev.taidon.testkit.Await;
import dev.taidon.testkit.PostgresProcesses;
import dev.taidon.testkit.PrometheusText;
import dev.taidon.testkit.ServerProcess;
import dev.taidon.testkit.TestDirectories;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * Faults in the middle of runs: a sandbox's server killed, a client that goes away, the platform
 * killed. Each run ends with an honest outcome, nothing a learner saved is lost, and the next run
 * gets the state the worksheet describes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RunFaultsIT {
  private static Path base;
  private static ServerProcess server;

  @BeforeAll
  static void start() {
    base = TestDirectories.create("run-faults");
    server = launch("first");
  }

  private static ServerProcess launch(String name) {
    return ServerProcess.start(base.resolve(name + ".log"), List.of("--data-dir=" + base.resolve("data"),
        "--taidon.sandbox.pool-size=0", "--taidon.runner.prebuild-datasets=false"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    TestDirectories.delete(base);
  }

  private static void killSandboxes() {
    List<Long> postmasters = PostgresProcesses.servingBelow(base.resolve("data/store/workspaces"));
    assertThat(postmasters).as("precondition: a sandbox runs").isNotEmpty();
    postmasters.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
  }

  @Test
  @Order(1)
  void aSandboxKilledMidRunFailsTheRunClearlyAndTheNextRunRecovers() throws Exception {
    Learner learner = Learner.anonymous(server);
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "make", "CREATE TABLE t AS SELECT 1 AS x", "slow", "SELECT pg_sleep(20)");
    learner.run(worksheet, "make");
    List<JsonNode> rest;
    try (Learner.LiveRun run = learner.runLive(worksheet, "slow")) {
      run.await("statement");
      killSandboxes();
      rest = run.rest();
    }
    JsonNode end = rest.getLast();
    assertThat(end.path("event").asString()).isEqualTo("end");
    assertThat(end.path("outcome").asString()).isEqualTo("failed");
    assertThat(rest.toString()).as("the learner is told the connection was lost").contains("08006");

    learner.cells(worksheet, "make", "CREATE TABLE t AS SELECT 1 AS x", "slow", "SELECT count(*) FROM t");
    JsonNode again = learner.run(worksheet, "slow");
    assertThat(again.path("outcome").asString()).as("run: %s", again).isEqualTo("succeeded");
    assertThat(lastStatements(again).get(0).path("rows").get(0).get(0).asString()).isEqualTo("1");
  }

  @Test
  @Order(2)
  void aClientThatGoesAwayMidStreamHasItsRunCancelled() throws Exception {
    Learner learner = Learner.anonymous(server);
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "long", "SELECT pg_sleep(8); SELECT 'should not run'");
    double cancelledBefore = cancelledRuns();
    try (Learner.LiveRun run = learner.runLive(worksheet, "long")) {
      run.await("statement");
    }
    // The heartbeat written while pg_sleep runs finds the connection closed and cancels the run.
    Await.until("the run of the client that went away is cancelled", Duration.ofSeconds(6),
        () -> cancelledRuns() > cancelledBefore, RunFaultsIT::cancelledRuns);
    learner.cells(worksheet, "long", "SELECT 'back'");
    JsonNode again = learner.run(worksheet, "long");
    assertThat(lastStatements(again).get(0).path("rows").get(0).get(0).asString()).isEqualTo("back");
  }

  @Test
  @Order(3)
  void thePlatformKilledMidRunRecordsItAsInterruptedAndLosesNoCell() throws Exception {
    Learner learner = Learner.anonymous(server);
    String worksheet = learner.worksheet("clubdata");
    learner.cells(worksheet, "edit", "UPDATE cd.members SET firstname = upper(firstname)", "slow",
        "SELECT pg_sleep(30)");
    learner.run(worksheet, "edit");
    try (Learner.LiveRun run = learner.runLive(worksheet, "slow")) {
      run.await("statement");
      server.kill();
    }
    server = launch("second");
    try (Connection control = DriverManager.getConnection(
            UnixSocketJdbc.url(base.resolve("data/run/control-db"), "taidon"), "postgres", "");
        Statement statement = control.createStatement();
        ResultSet rows = statement.executeQuery(
            "SELECT outcome, count(*) FROM sql_runner.run WHERE worksheet_id = '" + worksheet + "' GROUP BY outcome")) {
      Map<String, Integer> outcomes = new java.util.TreeMap<>();
      while (rows.next()) {
        outcomes.put(rows.getString(1), rows.getInt(2));
      }
      assertThat(outcomes).as("the run the crash cut short is recorded as such")
          .containsEntry("succeeded", 1).containsEntry("interrupted", 1);
    }
    Learner again = Learner.withToken(server, learner.token(), learner.accountId);
    JsonNode saved = json(again.get("/api/v1/worksheets/" + worksheet), 200);
    assertThat(saved.path("cells")).as("every saved cell survived").hasSize(2);
    again.cells(worksheet, "edit", "UPDATE cd.members SET firstname = upper(firstname)", "slow",
        "SELECT count(*) FROM cd.members WHERE firstname = upper(firstname)");
    JsonNode run = again.run(worksheet, "slow");
    assertThat(run.path("outcome").asString()).as("run: %s", run).isEqualTo("succeeded");
    assertThat(lastStatements(run).get(0).path("rows").get(0).get(0).asString())
        .as("the state is what the worksheet describes: every member's first name upper-cased").isEqualTo("31");
    server.close();
    ServerProcess verify = ServerProcess.launch(base.resolve("verify.log"),
        List.of("--data-dir=" + base.resolve("data"), "--verify-audit"));
    assertThat(verify.awaitExit(Duration.ofSeconds(120))).as(verify.output()).isZero();
    server = launch("third");
  }

  private static double cancelledRuns() {
    return PrometheusText.sum(server.get("/actuator/prometheus").body(), "taidon_runner_runs_total",
        "outcome=\"cancelled\"");
  }
}
