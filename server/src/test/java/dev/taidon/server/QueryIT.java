package dev.taidon.server;

import static dev.taidon.server.Learner.json;
import static dev.taidon.server.Learner.lastStatements;
import static dev.taidon.server.Learner.modes;
import static dev.taidon.server.PlatformScenario.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.pg.UnixSocketJdbc;
import dev.taidon.testkit.Await;
import dev.taidon.testkit.PlatformPerClass;
import java.net.http.HttpRequest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Read-only queries at a state of a worksheet (time travel): they see exactly the state after
 * their cell, change nothing, cannot escape their read-only transaction, and are limited,
 * cancellable and recorded like runs.
 */
class QueryIT {
  @RegisterExtension
  static final PlatformPerClass platform = new PlatformPerClass("query", "--taidon.sandbox.pool-size=0",
      "--taidon.runner.prebuild-datasets=false", "--taidon.runner.anonymous-statement-timeout=1500ms",
      "--taidon.runner.anonymous-max-rows=100", "--taidon.gateway.account-burst=1000",
      "--taidon.gateway.account-rate=1000");

  /** A worksheet whose cells build up and then change a table; returns its id. */
  private static String numbers(Learner learner) {
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "create", "CREATE TABLE t (x int); CREATE SEQUENCE s;", "fill",
        "INSERT INTO t VALUES (1), (2)", "more", "INSERT INTO t VALUES (3)", "drop", "DELETE FROM t WHERE x = 1",
        "count", "SELECT count(*), sum(x) FROM t");
    return worksheet;
  }

  private static String firstValue(JsonNode run) {
    return lastStatements(run).get(0).path("rows").get(0).get(0).asString();
  }

  @Test
  void aQuerySeesTheStateAfterItsCellAndNoLaterCell() {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = numbers(learner);
    assertThat(lastStatements(learner.run(worksheet, "count")).get(0).path("rows").get(0).toString())
        .isEqualTo("[\"2\",\"5\"]");

    JsonNode atFill = learner.query(worksheet, "fill", "SELECT count(*), sum(x) FROM t");
    assertThat(atFill.path("outcome").asString()).as("query: %s", atFill).isEqualTo("succeeded");
    assertThat(lastStatements(atFill).get(0).path("rows").get(0).toString()).as("cells after 'fill' are not seen")
        .isEqualTo("[\"2\",\"3\"]");
    JsonNode steps = atFill.path("steps");
    assertThat(steps.valueStream().map(step -> step.path("cellId").asString()).toList())
        .containsExactly("create", "fill", "@query");
    JsonNode queryStep = steps.get(2);
    assertThat(queryStep.path("mode").asString()).isEqualTo("executed");
    assertThat(queryStep.path("published").asBoolean()).isFalse();
    assertThat(queryStep.path("transaction").asString()).isEqualTo("idle");
    JsonNode states = json(learner.get("/api/v1/worksheets/" + worksheet + "/states"), 200);
    assertThat(queryStep.path("stateId").asString()).as("the state queried").isEqualTo(states.get(1).path("stateId").asString());
    assertThat(modes(atFill).subList(0, 2)).as("the cells before it come as in a run").doesNotContain("executed");

    JsonNode again = learner.query(worksheet, "fill", "SELECT x FROM t ORDER BY x");
    assertThat(modes(again)).as("the sandbox stayed at the state queried").containsExactly("reused", "reused", "executed");
    assertThat(lastStatements(again).get(0).path("rows").toString()).isEqualTo("[[\"1\"],[\"2\"]]");

    JsonNode atBase = learner.query(worksheet, null, "SELECT to_regclass('t') IS NULL");
    assertThat(modes(atBase)).containsExactly("executed");
    assertThat(firstValue(atBase)).as("the base has no table t").isEqualTo("t");

    JsonNode atEnd = learner.query(worksheet, "drop", "SELECT string_agg(x::text, ',' ORDER BY x) FROM t");
    assertThat(firstValue(atEnd)).isEqualTo("2,3");
  }

  @Test
  void theStreamCarriesTheRunsEventsWithTheQueryAsItsLastStep() {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = numbers(learner);
    List<JsonNode> events = learner.queryStreaming(worksheet, "more", "SELECT x FROM t ORDER BY x; \\echo done");
    assertThat(events.getFirst().path("event").asString()).isEqualTo("run");
    JsonNode planned = events.getFirst().path("steps");
    assertThat(planned.get(planned.size() - 1).path("cellId").asString()).isEqualTo("@query");
    List<JsonNode> ofQuery = events.subList(events.indexOf(events.stream()
        .filter(event -> event.path("event").asString().equals("step") && event.path("cellId").asString().equals("@query"))
        .findFirst().orElseThrow()), events.size());
    assertThat(ofQuery.stream().map(event -> event.path("event").asString()).toList()).containsExactly("step",
        "statement", "columns", "rows", "statementEnd", "statement", "notice", "statementEnd", "stepEnd", "end");
    assertThat(ofQuery.get(3).path("rows").toString()).isEqualTo("[[\"1\"],[\"2\"],[\"3\"]]");
    assertThat(ofQuery.get(8).path("published").asBoolean()).isFalse();
    assertThat(events.getLast().path("outcome").asString()).isEqualTo("succeeded");
  }

  @Test
  void writesFailWithSqlstate25006AndLeaveNoTrace() {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = numbers(learner);
    learner.run(worksheet, "count");
    Map<String, String> refusedByPostgres = new java.util.LinkedHashMap<>();
    refusedByPostgres.put("INSERT INTO t VALUES (42)", "25006");
    refusedByPostgres.put("UPDATE t SET x = x * 10", "25006");
    refusedByPostgres.put("DELETE FROM t", "25006");
    refusedByPostgres.put("CREATE TABLE u (y int)", "25006");
    refusedByPostgres.put("SELECT nextval('s')", "25006");
    refusedByPostgres.put("WITH gone AS (DELETE FROM t RETURNING x) SELECT count(*) FROM gone", "25006");
    refusedByPostgres.put("SET transaction_read_only = off; INSERT INTO t VALUES (42)", "25001");
    refusedByPostgres.put("SET TRANSACTION READ WRITE", "25001");
    refusedByPostgres.put("SAVEPOINT a; SET transaction_read_only = off", "25001");
    refusedByPostgres.put("DO $$ BEGIN INSERT INTO t VALUES (42); END $$", "25006");
    refusedByPostgres.put("DO $$ BEGIN COMMIT; END $$", "2D000");
    for (Map.Entry<String, String> attempt : refusedByPostgres.entrySet()) {
      JsonNode query = learner.query(worksheet, "fill", attempt.getKey());
      assertThat(query.path("outcome").asString()).as("%s: %s", attempt.getKey(), query).isEqualTo("failed");
      JsonNode statements = lastStatements(query);
      assertThat(statements.get(statements.size() - 1).at("/error/sqlstate").asString()).as(attempt.getKey())
          .isEqualTo(attempt.getValue());
    }
    JsonNode after = learner.query(worksheet, "fill", "SELECT count(*), max(x), to_regclass('u') FROM t");
    assertThat(modes(after)).as("the sandbox never left the state").containsExactly("reused", "reused", "executed");
    assertThat(lastStatements(after).get(0).path("rows").get(0).toString()).isEqualTo("[\"2\",\"2\",null]");

    JsonNode run = learner.run(worksheet, "count");
    assertThat(run.path("outcome").asString()).isEqualTo("succeeded");
    assertThat(lastStatements(run).get(0).path("rows").get(0).toString()).as("the worksheet's own state")
        .isEqualTo("[\"2\",\"5\"]");
    assertThat(learner.run(worksheet, "more").path("outcome").asString()).isEqualTo("succeeded");
  }

  @Test
  void whatOutlivesTheRollbackMakesTheNextRunRebuildTheState() {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = numbers(learner);
    learner.run(worksheet, "count");
    for (String trace : List.of("SELECT txid_current()", "SELECT pg_advisory_lock(7)", "PREPARE p AS SELECT 1")) {
      JsonNode query = learner.query(worksheet, "count", trace);
      assertThat(query.path("outcome").asString()).as("%s: %s", trace, query).isEqualTo("succeeded");
      JsonNode next = learner.run(worksheet, "count");
      assertThat(modes(next).getLast()).isEqualTo("executed");
      assertThat(modes(next).subList(0, 4)).as("after %s the sandbox is not trusted as it is", trace)
          .doesNotContain("reused");
      assertThat(lastStatements(next).get(0).path("rows").get(0).toString()).isEqualTo("[\"2\",\"5\"]");
    }
  }

  @Test
  void transactionControlAndSessionChangingMetaCommandsAreRefusedUpFront() {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = numbers(learner);
    learner.run(worksheet, "count");
    String path = "/api/v1/worksheets/" + worksheet + "/query";
    JsonNode commit = assertProblem(learner.post(path, Learner.queryBody("fill", "COMMIT; INSERT INTO t VALUES (9)")),
        400, "invalid-argument");
    assertThat(commit.path("detail").asString()).startsWith("line 1: COMMIT");
    assertThat(commit.path("line").asInt()).isEqualTo(1);
    JsonNode begin = assertProblem(learner.post(path, Learner.queryBody("fill", "SELECT 1;\n\nBEGIN READ WRITE;")), 400,
        "invalid-argument");
    assertThat(begin.path("detail").asString()).startsWith("line 3: BEGIN");
    for (String sql : List.of("start transaction read write", "END", "ROLLBACK", "ABORT", "COMMIT AND CHAIN",
        "PREPARE TRANSACTION 'x'", "COMMIT PREPARED 'x'", "ROLLBACK PREPARED 'x'", "/* c */ commit", "DISCARD ALL",
        "\\c postgres", "\\connect learner", "\\i /etc/passwd", "SELECT 1 \\gexec", "\\set v COMMIT\n:v")) {
      assertProblem(learner.post(path, Learner.queryBody("fill", sql)), 400, "invalid-argument");
    }
    JsonNode run = learner.run(worksheet, "count");
    assertThat(modes(run)).as("nothing ran").containsExactly("reused", "reused", "reused", "reused", "executed");
    assertThat(lastStatements(run).get(0).path("rows").get(0).toString()).isEqualTo("[\"2\",\"5\"]");
  }

  @Test
  void aStateInsideATransactionTheCellsLeftOpenCannotBeQueried() {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "open", "CREATE TABLE t (x int); BEGIN; INSERT INTO t VALUES (1);", "close", "COMMIT",
        "count", "SELECT count(*) FROM t");
    JsonNode inside = learner.query(worksheet, "open", "SELECT count(*) FROM t");
    assertThat(inside.path("outcome").asString()).isEqualTo("failed");
    assertThat(lastStatements(inside).get(0).at("/error/sqlstate").asString()).isEqualTo("25001");
    assertThat(lastStatements(inside).get(0).at("/error/message").asString()).contains("open");
    JsonNode afterwards = learner.query(worksheet, "close", "SELECT count(*) FROM t");
    assertThat(firstValue(afterwards)).isEqualTo("1");
    assertThat(firstValue(learner.run(worksheet, "count"))).isEqualTo("1");
  }

  @Test
  void aCellThatEndsItsSessionLeavesNoStateToQuery() {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "bye", "SELECT pg_terminate_backend(pg_backend_pid())");
    JsonNode query = learner.query(worksheet, "bye", "SELECT 1");
    assertThat(query.path("outcome").asString()).isEqualTo("failed");
    assertThat(lastStatements(query).get(0).at("/error/sqlstate").asString()).isEqualTo("08006");
    assertThat(firstValue(learner.query(worksheet, null, "SELECT 'still usable'"))).isEqualTo("still usable");
  }

  @Test
  void aQueryIsHeldToTheOwnersLimitsAndCanBeCancelled() throws Exception {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = numbers(learner);
    JsonNode many = learner.query(worksheet, "fill", "SELECT i FROM generate_series(1, 5000) i");
    JsonNode statement = lastStatements(many).get(0);
    assertThat(statement.path("rows")).hasSize(100);
    assertThat(statement.path("truncated").asBoolean()).isTrue();
    assertThat(statement.path("commandTag").asString()).isEqualTo("SELECT 5000");

    JsonNode slow = learner.query(worksheet, "fill", "SET statement_timeout = 0; SELECT pg_sleep(30)");
    assertThat(lastStatements(slow).get(1).at("/error/sqlstate").asString()).isEqualTo("57014");
    assertThat(lastStatements(slow).get(1).at("/error/message").asString()).contains("ran longer than 1500 ms");

    List<JsonNode> rest;
    String runId;
    try (Learner.LiveRun query = learner.queryLive(worksheet, "fill",
        "SELECT 1; SELECT pg_sleep(1.2); SELECT pg_sleep(1.2); SELECT 'never'")) {
      runId = query.await("run").path("runId").asString();
      query.await("statementEnd");
      assertThat(learner.post("/api/v1/runs/" + runId + "/cancel", "").statusCode()).isEqualTo(202);
      rest = query.rest();
    }
    assertThat(rest.getLast().path("outcome").asString()).isEqualTo("cancelled");
    assertThat(rest).noneMatch(event -> event.path("sql").asString().contains("never"));
    assertProblem(learner.post("/api/v1/runs/" + runId + "/cancel", ""), 404, "not-found");
    assertThat(firstValue(learner.query(worksheet, "fill", "SELECT count(*) FROM t"))).isEqualTo("2");
    assertThat(firstValue(learner.run(worksheet, "count"))).isEqualTo("2");
  }

  @Test
  void brokenAndForeignRequestsGetClearErrors() {
    Learner learner = Learner.anonymous(platform.server());
    Learner stranger = Learner.anonymous(platform.server());
    String worksheet = numbers(learner);
    String path = "/api/v1/worksheets/" + worksheet + "/query";
    assertProblem(learner.post(path, Map.of("at", "fill")), 400, "invalid-argument");
    assertProblem(learner.post(path, Learner.queryBody("fill", "  ")), 400, "invalid-argument");
    assertProblem(learner.post(path, Learner.queryBody("fill", "SELECT '" + "x".repeat(300_000) + "'")), 400,
        "invalid-argument");
    assertProblem(learner.post(path, Learner.queryBody("fill", "SELECT '\0'")), 400, "invalid-argument");
    assertProblem(learner.post(path, Learner.queryBody("fill", "SELECT 'unterminated")), 400, "invalid-argument");
    assertProblem(learner.post(path, "{\"sql\": "), 400, "malformed-request");
    assertProblem(learner.post(path, "{\"sql\": [\"SELECT 1\"]}"), 400, "malformed-request");
    assertProblem(learner.post(path, Learner.queryBody("nosuchcell", "SELECT 1")), 404, "not-found");
    assertProblem(learner.post(path, Learner.queryBody("x".repeat(5000), "SELECT 1")), 404, "not-found");
    assertProblem(learner.post(path, Learner.queryBody("@query", "SELECT 1")), 404, "not-found");
    assertProblem(learner.post("/api/v1/worksheets/ws-" + "0".repeat(32) + "/query", Learner.queryBody(null, "SELECT 1")),
        404, "not-found");
    assertProblem(stranger.post(path, Learner.queryBody("fill", "SELECT 1")), 404, "not-found");
    assertProblem(stranger.post(path, Learner.queryBody(null, "SELECT 1")), 404, "not-found");
    assertProblem(platform.server().send(HttpRequest.newBuilder(platform.server().baseUrl().resolve(path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"sql\":\"SELECT 1\"}"))
        .build()), 401, "unauthenticated");
  }

  @Test
  void aQueryIsRecordedAndAuditedLikeARun() throws Exception {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = numbers(learner);
    String runId = learner.query(worksheet, "fill", "SELECT 'recorded'").path("runId").asString();
    try (Connection control = DriverManager.getConnection(
        UnixSocketJdbc.url(platform.data().resolve("run/control-db"), "taidon"), "postgres", "")) {
      Await.until("the query's record", Duration.ofSeconds(30), () -> recorded(control, runId).startsWith("query"),
          () -> recorded(control, runId));
      assertThat(recorded(control, runId)).isEqualTo("query fill succeeded 1");
      try (PreparedStatement audit = control.prepareStatement("""
          SELECT attributes->>'at', attributes->>'outcome', attributes->>'sqlExcerpt' FROM audit_log.entry
          WHERE type = 'query.finished' AND attributes->>'run' = ?""")) {
        audit.setString(1, runId);
        try (ResultSet row = audit.executeQuery()) {
          assertThat(row.next()).as("an audit entry query.finished").isTrue();
          assertThat(List.of(row.getString(1), row.getString(2), row.getString(3)))
              .containsExactly("fill", "succeeded", "SELECT 'recorded'");
        }
      }
    }
  }

  private static String recorded(Connection control, String runId) {
    try (PreparedStatement statement = control.prepareStatement(
        "SELECT kind, through_cell, outcome, executed_steps FROM sql_runner.run WHERE id = ?")) {
      statement.setString(1, runId);
      try (ResultSet row = statement.executeQuery()) {
        return row.next() ? row.getString(1) + " " + row.getString(2) + " " + row.getString(3) + " " + row.getInt(4) : "";
      }
    } catch (java.sql.SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
