package dev.taidon.server;

import static dev.taidon.server.Learner.json;
import static dev.taidon.server.Learner.lastStatements;
import static dev.taidon.server.Learner.modes;
import static dev.taidon.server.PlatformScenario.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.testkit.Await;
import dev.taidon.testkit.PrometheusText;
import dev.taidon.testkit.PlatformPerClass;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Worksheets and runs through the public API of a whole platform: replay after an edit, state
 * reuse, transactions across cells, cancellation, limits, exact values, error positions.
 */
class RunnerIT {
  // These tests say which steps come from the cache, so every replayed step must be in it;
  // ReplayPublishingIT covers the default, which publishes replayed steps by their cost.
  @RegisterExtension
  static final PlatformPerClass platform = new PlatformPerClass("runner", "--taidon.sandbox.pool-size=0",
      "--taidon.runner.anonymous-statement-timeout=1500ms", "--taidon.runner.anonymous-max-rows=100",
      "--taidon.runner.replayed-step-publishing=every-step");

  @Test
  void editingAnEarlierCellReplaysFromItAndOnlyFromIt() {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = learner.worksheet(null);
    String[] cells = new String[12];
    cells[0] = "c0";
    cells[1] = "CREATE TABLE numbers (n int)";
    for (int i = 1; i <= 5; i++) {
      cells[2 * i] = "c" + i;
      cells[2 * i + 1] = "INSERT INTO numbers VALUES (" + i + ")";
    }
    learner.cells(worksheet, cells);
    JsonNode first = learner.run(worksheet, "c5");
    assertThat(first.path("outcome").asString()).isEqualTo("succeeded");
    assertThat(modes(first)).containsExactly("replayed", "replayed", "replayed", "replayed", "replayed", "executed");

    cells[7] = "INSERT INTO numbers VALUES (30)";
    cells[11] = "SELECT sum(n) FROM numbers";
    learner.cells(worksheet, cells);
    double replayedBefore = counter("taidon_runner_steps_total", "replayed");
    double partHitsBefore = tails("cache_prefix");
    JsonNode edited = learner.run(worksheet, "c5");
    assertThat(modes(edited)).as("cells before the edit come from the cache")
        .containsExactly("restored", "restored", "restored", "replayed", "replayed", "executed");
    assertThat(counter("taidon_runner_steps_total", "replayed") - replayedBefore)
        .as("only cells 3 and 4 were replayed").isEqualTo(2.0);
    assertThat(tails("cache_prefix") - partHitsBefore).as("the tail was found in the cache in part").isEqualTo(1.0);
    assertThat(lastStatements(edited).get(0).path("rows").get(0).get(0).asString())
        .as("1 + 2 + 30 + 4: the result reflects the edit").isEqualTo("37");

    double atTailBefore = tails("sandbox_at_tail");
    JsonNode again = learner.run(worksheet, "c5");
    assertThat(modes(again)).as("the sandbox already holds the tail")
        .containsExactly("reused", "reused", "reused", "reused", "reused", "executed");
    assertThat(tails("sandbox_at_tail") - atTailBefore).as("a hit in the sandbox itself").isEqualTo(1.0);
  }

  @Test
  void savingAnEditOfAnEarlierCellRestoresTheSandboxBeforeTheRunAsksForIt() {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "c0", "CREATE TABLE t (n int)", "c1", "INSERT INTO t VALUES (1)",
        "c2", "INSERT INTO t VALUES (2)", "c3", "SELECT sum(n) FROM t");
    learner.run(worksheet, "c3");
    double preparedBefore = preparations();

    learner.cells(worksheet, "c0", "CREATE TABLE t (n int)", "c1", "INSERT INTO t VALUES (1)",
        "c2", "INSERT INTO t VALUES (20)", "c3", "SELECT sum(n) FROM t");
    Await.until("the saved edit to prepare the sandbox", Duration.ofSeconds(10),
        () -> preparations() > preparedBefore, RunnerIT::preparations);
    JsonNode edited = learner.run(worksheet, "c3");

    assertThat(modes(edited)).as("cells before the edit came from the cache, restored when the edit was saved")
        .containsExactly("restored", "restored", "replayed", "executed");
    assertThat(edited.at("/timings/restoreMs").asDouble()).as("restore time the run itself waited for").isZero();
    assertThat(lastStatements(edited).get(0).path("rows").get(0).get(0).asString()).isEqualTo("21");
    JsonNode again = learner.run(worksheet, "c3");
    assertThat(modes(again)).as("the next run finds the sandbox at the tail").containsExactly("reused", "reused",
        "reused", "executed");
  }

  @Test
  void aLearnerWhoSkipsAheadOverQuickCellsIsServedFromTheirSandboxRatherThanARestore() {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "c0", "CREATE TABLE steps (n int)", "c1", "INSERT INTO steps VALUES (1)",
        "c2", "INSERT INTO steps VALUES (2)", "c3", "SELECT sum(n) FROM steps");
    learner.run(worksheet, "c3");
    JsonNode back = learner.run(worksheet, "c1");
    assertThat(modes(back)).as("going back restores").containsExactly("restored", "executed");
    double prefixBefore = tails("sandbox_prefix");
    double restoresBefore = tails("cache_tail");

    JsonNode ahead = learner.run(worksheet, "c3");

    assertThat(modes(ahead)).as("cell 2 took milliseconds: it runs again in the sandbox at cell 1")
        .containsExactly("reused", "reused", "replayed", "executed");
    assertThat(lastStatements(ahead).get(0).path("rows").get(0).get(0).asString()).isEqualTo("3");
    assertThat(tails("sandbox_prefix") - prefixBefore).isEqualTo(1.0);
    assertThat(tails("cache_tail") - restoresBefore).as("restores of the whole tail")
        .isZero();
  }

  @Test
  void publishingCheckpointsOverTheLearnersSessionAndFallsBackWhenTheSessionMayNot() {
    // Other roles' backends show their user and database to the learner, not their backend type.
    String superuserConnections = "SELECT count(*) FROM pg_stat_activity WHERE usename = 'postgres' AND datname IS NOT NULL";
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "c0", "CREATE TABLE t AS SELECT 1 AS n", "c1", superuserConnections,
        "c2", "CREATE ROLE helper; GRANT helper TO learner; GRANT CREATE ON SCHEMA public TO helper;"
            + " SET ROLE helper; CREATE TABLE by_helper (n int)", "c3", "RESET ROLE; " + superuserConnections);
    JsonNode created = learner.run(worksheet, "c0");
    assertThat(created.path("steps").get(0).path("published").asBoolean()).isTrue();
    assertThat(lastStatements(learner.run(worksheet, "c1")).get(0).path("rows").get(0).get(0).asString())
        .as("the runner checkpointed over its own session: the sandbox serves no superuser connection").isEqualTo("0");

    JsonNode asHelper = learner.run(worksheet, "c2");
    assertThat(asHelper.path("steps").get(2).path("published").asBoolean())
        .as("a session whose role may not checkpoint still publishes, checkpointed by the env-manager").isTrue();
    JsonNode c3 = learner.run(worksheet, "c3");
    assertThat(lastStatements(c3).get(1).path("rows").get(0).get(0).asString())
        .as("the env-manager's own connection for that checkpoint").isEqualTo("1");
  }

  @Test
  void aTransactionMaySpanCellsAndPublishesNothingWhileOpen() {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "open", "CREATE TABLE t (x int); BEGIN; INSERT INTO t VALUES (1);",
        "inside", "INSERT INTO t VALUES (2); SELECT count(*) FROM t;", "close", "COMMIT;", "after",
        "SELECT count(*) FROM t");
    JsonNode opened = learner.run(worksheet, "open");
    JsonNode openStep = opened.path("steps").get(0);
    assertThat(openStep.path("transaction").asString()).isEqualTo("open");
    assertThat(openStep.path("published").asBoolean()).as("a step inside a transaction is not published").isFalse();
    JsonNode inside = learner.run(worksheet, "inside");
    assertThat(modes(inside)).containsExactly("reused", "executed");
    assertThat(lastStatements(inside).get(1).path("rows").get(0).get(0).asString()).isEqualTo("2");
    learner.run(worksheet, "close");
    JsonNode after = learner.run(worksheet, "after");
    assertThat(lastStatements(after).get(0).path("rows").get(0).get(0).asString()).isEqualTo("2");

    // Editing the first cell replays the whole transaction, since no state inside it was cached.
    learner.cells(worksheet, "open", "CREATE TABLE t (x int); BEGIN; INSERT INTO t VALUES (1), (10);",
        "inside", "INSERT INTO t VALUES (2); SELECT count(*) FROM t;", "close", "COMMIT;", "after",
        "SELECT count(*) FROM t");
    JsonNode replayed = learner.run(worksheet, "after");
    assertThat(modes(replayed)).containsExactly("replayed", "replayed", "replayed", "executed");
    assertThat(lastStatements(replayed).get(0).path("rows").get(0).get(0).asString()).isEqualTo("3");
  }

  @Test
  void sessionSettingsACellSetsHoldForLaterCellsAlsoAfterARestore() {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "setup", "CREATE SCHEMA lab; CREATE TABLE lab.t (x int); SET search_path = lab, public;",
        "fill", "INSERT INTO t VALUES (1)", "count", "SELECT count(*), current_setting('search_path') FROM t");
    JsonNode first = learner.run(worksheet, "count");
    assertThat(lastStatements(first).get(0).path("rows").get(0).get(1).asString()).isEqualTo("lab, public");
    learner.cells(worksheet, "setup", "CREATE SCHEMA lab; CREATE TABLE lab.t (x int); SET search_path = lab, public;",
        "fill", "INSERT INTO t VALUES (1), (2)", "count", "SELECT count(*), current_setting('search_path') FROM t");
    JsonNode edited = learner.run(worksheet, "count");
    assertThat(modes(edited)).containsExactly("restored", "replayed", "executed");
    assertThat(edited.path("outcome").asString()).as("run: %s", edited).isEqualTo("succeeded");
    assertThat(lastStatements(edited).get(0).path("rows").get(0).get(0).asString()).isEqualTo("2");
  }

  @Test
  void valuesTypesTagsNoticesAndPlansAreFaithful() {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "types", """
        SELECT 9223372036854775807::bigint AS big, 12345678901234567890.000000001::numeric AS exact,
               NULL AS nothing, 'NULL' AS word, '\\xdeadbeef'::bytea AS bytes, ARRAY[[1,2],[3,4]] AS matrix,
               '{"k": [1, 2]}'::jsonb AS doc, interval '1 month -2 days' AS span,
               timestamptz '2026-01-01 00:00:00+05' AS moment, 1.5::numeric(6,2) AS money;
        DO $$ BEGIN RAISE NOTICE 'hello from plpgsql'; END $$;
        EXPLAIN (FORMAT JSON) SELECT * FROM pg_class WHERE relname = 'x';
        SELECT now() AS volatile_value;""");
    JsonNode run = learner.run(worksheet, "types");
    JsonNode statements = lastStatements(run);
    JsonNode types = statements.get(0);
    assertThat(types.path("commandTag").asString()).isEqualTo("SELECT 1");
    assertThat(types.path("rowCount").asLong()).isEqualTo(1);
    assertThat(types.path("columns").valueStream().map(column -> column.path("type").asString()).toList())
        .containsExactly("bigint", "numeric", "text", "text", "bytea", "integer[]", "jsonb", "interval",
            "timestamp with time zone", "numeric(6,2)");
    JsonNode row = types.path("rows").get(0);
    assertThat(row.get(0).asString()).isEqualTo("9223372036854775807");
    assertThat(row.get(1).asString()).isEqualTo("12345678901234567890.000000001");
    assertThat(row.get(2).isNull()).as("SQL NULL is JSON null").isTrue();
    assertThat(row.get(3).asString()).as("the string 'NULL' stays a string").isEqualTo("NULL");
    assertThat(row.get(4).asString()).isEqualTo("\\xdeadbeef");
    assertThat(row.get(5).asString()).isEqualTo("{{1,2},{3,4}}");
    assertThat(row.get(6).asString()).isEqualTo("{\"k\": [1, 2]}");
    assertThat(row.get(7).asString()).isEqualTo("1 mon -2 days");
    assertThat(row.get(8).asString()).as("sessions are pinned to UTC").isEqualTo("2025-12-31 19:00:00+00");
    assertThat(row.get(9).asString()).isEqualTo("1.50");
    assertThat(statements.get(1).path("notices").get(0).path("message").asString()).isEqualTo("hello from plpgsql");
    assertThat(statements.get(1).path("commandTag").asString()).isEqualTo("DO");
    assertThat(statements.get(2).at("/plan/0/Plan/Node Type").asString()).as("EXPLAIN JSON comes as a plan tree")
        .isNotBlank();
    assertThat(run.path("steps").get(0).path("volatileFunctions").asBoolean()).isTrue();
  }

  @Test
  void errorsPointAtTheirLineAndColumnInTheCellAndStopTheCell() {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "bad", "SELECT 1;\n\n-- a comment\nSELECT 2,\n\n     nosuch + 1;\nSELECT 3;");
    JsonNode run = learner.run(worksheet, "bad");
    JsonNode statements = lastStatements(run);
    assertThat(statements).as("the statement after the error does not run").hasSize(2);
    JsonNode error = statements.get(1).path("error");
    assertThat(error.path("sqlstate").asString()).isEqualTo("42703");
    assertThat(error.path("message").asString()).isEqualTo("column \"nosuch\" does not exist");
    assertThat(error.path("position").path("line").asInt()).isEqualTo(6);
    assertThat(error.path("position").path("column").asInt()).isEqualTo(6);
    assertThat(statements.get(1).path("position").path("line").asInt()).isEqualTo(4);
    assertThat(run.path("outcome").asString()).isEqualTo("failed");

    learner.cells(worksheet, "unterminated", "SELECT 'oops", "meta", "SELECT 1;\n\\gexec");
    JsonNode unterminated = learner.run(worksheet, "unterminated");
    assertThat(lastStatements(unterminated).get(0).at("/error/message").asString())
        .contains("unterminated string starting at line 1, column 8");
    JsonNode meta = learner.run(worksheet, "meta");
    assertThat(lastStatements(meta).get(1).at("/error/message").asString())
        .contains("\\gexec is not supported").contains("line 2");
  }

  @Test
  void rowsBeyondTheCapAreCountedButNotReturned() {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "many", "SELECT i FROM generate_series(1, 100000) i");
    JsonNode statement = lastStatements(learner.run(worksheet, "many")).get(0);
    assertThat(statement.path("commandTag").asString()).isEqualTo("SELECT 100000");
    assertThat(statement.path("rows")).hasSize(100);
    assertThat(statement.path("truncated").asBoolean()).isTrue();
  }

  @Test
  void aStatementPastItsTimeoutIsCancelledEvenIfTheLearnerRaisedTheSetting() {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "slow", "SET statement_timeout = 0; SELECT pg_sleep(30);", "next", "SELECT 'alive'");
    JsonNode run = learner.run(worksheet, "slow");
    JsonNode error = lastStatements(run).get(1).path("error");
    assertThat(error.path("sqlstate").asString()).isEqualTo("57014");
    assertThat(error.path("message").asString()).contains("ran longer than 1500 ms");

    JsonNode next = learner.run(worksheet, "next");
    assertThat(next.path("outcome").asString()).isEqualTo("failed");
    assertThat(next.path("steps").get(0).path("mode").asString()).isEqualTo("replayed");
    assertThat(next.path("steps").get(0).at("/statements/0/error/sqlstate").asString())
        .as("replaying the slow cell is held to the same limit and says so").isEqualTo("57014");
    assertThat(next.path("steps").get(1).path("statements")).as("the cell after it does not run").isEmpty();

    learner.cells(worksheet, "slow", "SELECT 'fixed'", "next", "SELECT 'alive'");
    JsonNode fixed = learner.run(worksheet, "next");
    assertThat(lastStatements(fixed).get(0).path("rows").get(0).get(0).asString()).isEqualTo("alive");
  }

  @Test
  void aRunCanBeCancelledWhileItStreamsAndTheSandboxStaysUsable() throws Exception {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "sleepy", "SELECT 1; SELECT pg_sleep(1.2); SELECT pg_sleep(1.2); SELECT 2;", "next",
        "SELECT 'after cancel'");
    List<JsonNode> rest;
    String runId;
    try (Learner.LiveRun run = learner.runLive(worksheet, "sleepy")) {
      runId = run.await("run").path("runId").asString();
      run.await("statement");
      assertThat(learner.post("/api/v1/runs/" + runId + "/cancel", "").statusCode()).isEqualTo(202);
      rest = run.rest();
    }
    JsonNode end = rest.getLast();
    assertThat(end.path("event").asString()).isEqualTo("end");
    assertThat(end.path("outcome").asString()).isEqualTo("cancelled");
    assertThat(rest).as("SELECT 2 never ran").noneMatch(event -> event.path("sql").asString().equals("SELECT 2;"));
    assertProblem(learner.post("/api/v1/runs/" + runId + "/cancel", ""), 404, "not-found");
    JsonNode next = learner.run(worksheet, "next");
    assertThat(lastStatements(next).get(0).path("rows").get(0).get(0).asString()).isEqualTo("after cancel");
  }

  @Test
  void aSecondRunOfTheSameWorksheetWaitsItsTurn() throws Exception {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "slow", "SELECT pg_sleep(1)");
    try (Learner.LiveRun first = learner.runLive(worksheet, "slow")) {
      first.await("statement");
      assertProblem(learner.post("/api/v1/worksheets/" + worksheet + "/run", Map.of("through", "slow")), 409,
          "conflict");
      assertThat(first.await("end").path("outcome").asString()).isEqualTo("succeeded");
    }
  }

  @Test
  void aDatasetComesVacuumedAndAnalyzedSoReadsDirtyNothingAndPlansHaveStatistics() {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = learner.worksheet("chinook");
    learner.cells(worksheet, "settled", """
        SELECT c.relname, c.relallvisible = c.relpages AS all_visible,
               EXISTS (SELECT FROM pg_stats s WHERE s.schemaname = n.nspname AND s.tablename = c.relname) AS analyzed
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind = 'r' AND n.nspname = 'public' AND c.relname IN ('artist', 'track', 'invoice_line')
         ORDER BY 1""");
    JsonNode run = learner.run(worksheet, "settled");
    assertThat(run.path("outcome").asString()).as("run: %s", run).isEqualTo("succeeded");
    assertThat(lastStatements(run).get(0).path("rows").valueStream()
        .map(row -> row.get(0).asString() + " visible=" + row.get(1).asString() + " analyzed=" + row.get(2).asString()))
        .as("chinook's tables, each all-visible and with planner statistics")
        .containsExactly("artist visible=t analyzed=t", "invoice_line visible=t analyzed=t", "track visible=t analyzed=t");
  }

  @Test
  void aDatasetWorksheetOpensInTheDatasetsDatabaseAndSchemaStatesAndResetWork() {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = learner.worksheet("clubdata");
    learner.cells(worksheet, "members", "SELECT count(*) FROM cd.members", "copy",
        "CREATE TABLE cd.notes (id int, body text);\nCOPY cd.notes FROM stdin;\n1\tfirst\n2\tsecond\n\\.\n",
        "where", "SELECT current_database(), count(*) FROM cd.notes");
    JsonNode run = learner.run(worksheet, "where");
    assertThat(run.path("outcome").asString()).isEqualTo("succeeded");
    JsonNode copy = run.path("steps").get(1);
    assertThat(copy.path("outcome").asString()).isEqualTo("succeeded");
    assertThat(lastStatements(run).get(0).path("rows").get(0).get(0).asString()).isEqualTo("exercises");
    assertThat(lastStatements(run).get(0).path("rows").get(0).get(1).asString()).isEqualTo("2");

    JsonNode schema = json(learner.get("/api/v1/worksheets/" + worksheet + "/schema?through=copy"), 200);
    assertThat(schema.path("database").asString()).isEqualTo("exercises");
    JsonNode cd = schema.path("schemas").valueStream().filter(s -> s.path("name").asString().equals("cd")).findFirst()
        .orElseThrow();
    List<String> tables = cd.path("tables").valueStream().map(t -> t.path("name").asString()).toList();
    assertThat(tables).contains("members", "bookings", "facilities", "notes");
    JsonNode bookings = cd.path("tables").valueStream().filter(t -> t.path("name").asString().equals("bookings"))
        .findFirst().orElseThrow();
    assertThat(bookings.path("primaryKey").valueStream().map(JsonNode::asString).toList()).containsExactly("bookid");
    assertThat(bookings.path("foreignKeys").valueStream().map(fk -> fk.path("referencedTable").asString()).toList())
        .contains("facilities", "members");

    JsonNode atBase = json(learner.get("/api/v1/worksheets/" + worksheet + "/schema"), 200);
    assertThat(atBase.toString()).as("the base has no notes table").doesNotContain("\"notes\"");

    JsonNode states = json(learner.get("/api/v1/worksheets/" + worksheet + "/states"), 200);
    assertThat(states).hasSize(3);
    assertThat(states.get(1).path("cached").asBoolean()).as("the COPY step was published").isTrue();
    assertThat(states.get(1).path("stateId").asString()).isEqualTo(copy.path("stateId").asString());

    assertThat(learner.post("/api/v1/worksheets/" + worksheet + "/reset", "").statusCode()).isEqualTo(204);
    JsonNode afterReset = learner.run(worksheet, "members");
    assertThat(modes(afterReset)).containsExactly("executed");
    assertThat(lastStatements(afterReset).get(0).path("rows").get(0).get(0).asString()).isEqualTo("31");
  }

  @Test
  void theStreamCarriesTheSameContentAsTheDocument() {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "one", "SELECT x, x * 2 AS twice FROM generate_series(1, 3) x; SELECT 'done'");
    List<JsonNode> events = learner.runStreaming(worksheet, "one");
    assertThat(events.stream().map(event -> event.path("event").asString()).toList()).containsExactly("run", "step",
        "statement", "columns", "rows", "statementEnd", "statement", "columns", "rows", "statementEnd", "stepEnd", "end");
    assertThat(events.get(4).path("rows").toString()).isEqualTo("[[\"1\",\"2\"],[\"2\",\"4\"],[\"3\",\"6\"]]");
    assertThat(events.getLast().path("timings").path("totalMs").asDouble()).isPositive();
  }

  @Test
  void brokenRequestsGetClearErrorsAndLoseNothing() {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "keep", "SELECT 1");
    assertProblem(learner.put("/api/v1/worksheets/" + worksheet,
        "{\"cells\":[{\"id\":\"a\",\"sql\":\"\"},{\"id\":\"a\",\"sql\":\"\"}]}"), 400, "invalid-argument");
    assertProblem(learner.put("/api/v1/worksheets/" + worksheet, "{\"cells\":[{\"id\":\"bad id!\",\"sql\":\"\"}]}"),
        400, "invalid-argument");
    assertProblem(learner.put("/api/v1/worksheets/" + worksheet, "{\"cells\": [{\"id\": "), 400, "malformed-request");
    assertProblem(learner.put("/api/v1/worksheets/" + worksheet, "{\"title\":\"no cells\"}"), 400, "invalid-argument");
    assertProblem(learner.put("/api/v1/worksheets/" + worksheet,
        Map.of("cells", List.of(Map.of("id", "big", "sql", "x".repeat(300_000))))), 413, "payload-too-large");
    assertProblem(learner.put("/api/v1/worksheets/" + worksheet,
        Map.of("cells", List.of(Map.of("id", "nul", "sql", "SELECT '\u0000'")))), 400, "invalid-argument");
    assertProblem(learner.put("/api/v1/worksheets/" + worksheet,
        Map.of("cells", List.of(), "version", 999)), 409, "conflict");
    assertProblem(learner.post("/api/v1/worksheets", Map.of("base", Map.of("dataset", "nope"))), 404, "not-found");
    assertProblem(learner.post("/api/v1/worksheets", Map.of("base", Map.of("dataset", "chinook", "stateId", "ab"))),
        400, "invalid-argument");
    assertProblem(learner.post("/api/v1/worksheets", Map.of("base", Map.of("stateId", "not-a-state"))), 400,
        "invalid-argument");
    assertProblem(learner.post("/api/v1/worksheets/" + worksheet + "/run", Map.of("through", "nosuchcell")), 404,
        "not-found");
    assertProblem(learner.post("/api/v1/worksheets/" + worksheet + "/run", Map.of()), 400, "invalid-argument");
    assertProblem(learner.get("/api/v1/worksheets/ws-../../etc"), 404, "not-found");
    JsonNode kept = json(learner.get("/api/v1/worksheets/" + worksheet), 200);
    assertThat(kept.path("cells").get(0).path("sql").asString()).as("nothing was lost").isEqualTo("SELECT 1");
  }

  @Test
  void everyWorksheetCallIsScopedToItsOwner() {
    Learner owner = Learner.anonymous(platform.server());
    Learner stranger = Learner.anonymous(platform.server());
    String worksheet = owner.worksheet(null);
    owner.cells(worksheet, "mine", "CREATE TABLE secret (x int)");
    JsonNode run = owner.run(worksheet, "mine");
    String privateState = run.path("steps").get(0).path("stateId").asString();
    String path = "/api/v1/worksheets/" + worksheet;
    assertProblem(stranger.get(path), 404, "not-found");
    assertProblem(stranger.put(path, Map.of("cells", List.of())), 404, "not-found");
    assertProblem(stranger.delete(path), 404, "not-found");
    assertProblem(stranger.post(path + "/run", Map.of("through", "mine")), 404, "not-found");
    assertProblem(stranger.post(path + "/reset", ""), 404, "not-found");
    assertProblem(stranger.get(path + "/states"), 404, "not-found");
    assertProblem(stranger.get(path + "/schema"), 404, "not-found");
    assertProblem(stranger.post("/api/v1/worksheets", Map.of("base", Map.of("stateId", privateState))), 404,
        "not-found");
    assertThat(json(stranger.get("/api/v1/worksheets"), 200)).as("the stranger sees none of it").isEmpty();
    for (String unauthenticated : List.of(path, path + "/states", path + "/schema", "/api/v1/worksheets")) {
      assertProblem(platform.server().get(unauthenticated), 401, "unauthenticated");
    }
    assertProblem(platform.server().send(HttpRequest.newBuilder(platform.server().baseUrl().resolve(path + "/run"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"through\":\"mine\"}"))
        .build()), 401, "unauthenticated");
    assertThat(owner.post("/api/v1/worksheets", Map.of("base", Map.of("stateId", privateState))).statusCode())
        .as("the owner may start from their own state").isEqualTo(201);
    assertThat(owner.delete(path).statusCode()).isEqualTo(204);
    assertProblem(owner.get(path), 404, "not-found");
  }

  private static double preparations() {
    return PrometheusText.sum(platform.server().get("/actuator/prometheus").body(),
        "taidon_runner_preparations_total", "");
  }

  private static double tails(String found) {
    return PrometheusText.sum(platform.server().get("/actuator/prometheus").body(), "taidon_runner_tails_total",
        "found=\"" + found + "\"");
  }

  private static double counter(String name, String mode) {
    return PrometheusText.sum(platform.server().get("/actuator/prometheus").body(), name, "mode=\"" + mode + "\"");
  }

}
