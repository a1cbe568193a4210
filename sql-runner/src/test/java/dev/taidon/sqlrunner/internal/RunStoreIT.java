package dev.taidon.sqlrunner.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.taidon.core.role.RoleSchemas;
import dev.taidon.snapshotcache.StateId;
import dev.taidon.sqlrunner.SqlRunnerRole;
import dev.taidon.testkit.TestPostgres;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/** Run records in a real PostgreSQL with the sql-runner's schema. */
class RunStoreIT {
  private static TestPostgres postgres;
  private static HikariDataSource dataSource;
  private static JdbcClient jdbc;
  private static RunStore store;

  @BeforeAll
  static void migrate() {
    postgres = TestPostgres.start();
    try (HikariDataSource migrating = postgres.pool(2)) {
      RoleSchemas.migrate(migrating, SqlRunnerRole.MODULE);
    }
    // One connection, so every statement below sees what the store's statements left on it.
    dataSource = postgres.pool(1);
    jdbc = JdbcClient.create(dataSource);
    store = new RunStore(jdbc, JsonMapper.builder().build());
  }

  @AfterAll
  static void stop() {
    dataSource.close();
    postgres.close();
  }

  @Test
  void aRunIsRecordedWhenItStartsAndCompletedWhenItEnds() {
    RunStore.RunIdentity run = identity();

    store.started(run);
    assertThat(outcome(run)).as("the record of a run in progress").isEqualTo("running");
    store.finished(run, "succeeded", Optional.of(state('b')), 2, 1, 12.5);

    Map<String, Object> row = jdbc.sql("""
            SELECT outcome, restored_from, replayed_steps, executed_steps, duration_ms, finished_at >= started_at AS ordered
              FROM sql_runner.run WHERE id = ?""").param(run.runId()).query().singleRow();
    assertThat(row).as("the finished run's record")
        .containsEntry("outcome", "succeeded")
        .containsEntry("restored_from", state('b').hex())
        .containsEntry("replayed_steps", 2)
        .containsEntry("executed_steps", 1)
        .containsEntry("duration_ms", 12.5)
        .containsEntry("ordered", true);
  }

  @Test
  void theLazyCommitOfAStartDoesNotStayOnThePooledConnection() {
    store.started(identity());

    assertThat(jdbc.sql("SHOW synchronous_commit").query(String.class).single())
        .as("synchronous_commit on the connection after a run's start was recorded: only that one commit may be lazy,"
            + " every later one (a saved worksheet, an account) must wait for the disk")
        .isEqualTo("on");
  }

  @Test
  void aStatesContextIsSavedOnceAndReadBack() {
    StateId state = new StateId("c".repeat(60) + UUID.randomUUID().toString().substring(0, 4).replace("-", "0"));
    RunStore.StateContext context = new RunStore.StateContext("chinook", Map.of("search_path", "lab, public"));

    store.saveContext(state, context);
    store.saveContext(state, new RunStore.StateContext("other", Map.of()));

    assertThat(store.context(state)).as("the context of a state: the first saved stays").contains(context);
    assertThat(jdbc.sql("SHOW synchronous_commit").query(String.class).single())
        .as("synchronous_commit after a lazily committed context").isEqualTo("on");
  }

  @Test
  void anEndWhoseStartWasLostIsRecordedWhole() {
    RunStore.RunIdentity run = identity();

    // As after a crash of the control database that lost the start's lazy commit.
    store.finished(run, "failed", Optional.empty(), 0, 1, 2_000);

    Map<String, Object> row = jdbc.sql("""
            SELECT kind, owner, worksheet_id, through_cell, head_state, outcome,
                   round(extract(epoch FROM finished_at - started_at)) AS seconds
              FROM sql_runner.run WHERE id = ?""").param(run.runId()).query().singleRow();
    assertThat(row).as("a run's record written by its end alone")
        .containsEntry("kind", "run")
        .containsEntry("owner", "acc-1")
        .containsEntry("worksheet_id", "ws-1")
        .containsEntry("through_cell", "c3")
        .containsEntry("head_state", state('a').hex())
        .containsEntry("outcome", "failed");
    assertThat(((Number) row.get("seconds")).intValue()).as("seconds between its start and end, from its duration")
        .isEqualTo(2);
  }

  @Test
  void runsLeftRunningAreMarkedInterrupted() {
    RunStore.RunIdentity run = identity();
    store.started(run);

    assertThat(store.interruptUnfinished()).as("unfinished runs marked").isPositive();

    assertThat(outcome(run)).isEqualTo("interrupted");
  }

  private static RunStore.RunIdentity identity() {
    return new RunStore.RunIdentity("run-" + UUID.randomUUID(), "run", "acc-1", "ws-1", "c3", state('a'));
  }

  private static StateId state(char digit) {
    return new StateId(String.valueOf(digit).repeat(64));
  }

  private static String outcome(RunStore.RunIdentity run) {
    return jdbc.sql("SELECT outcome FROM sql_runner.run WHERE id = ?").param(run.runId()).query(String.class).single();
  }
}
