package dev.taidon.sqlrunner.internal;

import dev.taidon.core.LazyCommit;
import dev.taidon.snapshotcache.StateId;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/** Run records and state contexts in the control database ({@code sql_runner.*}). */
final class RunStore {
  private final JdbcClient jdbc;
  private final JsonMapper json;

  RunStore(JdbcClient jdbc, JsonMapper json) {
    this.jdbc = jdbc;
    this.json = json;
  }

  /** The database and SET settings a session had at a published state. */
  record StateContext(String database, Map<String, String> settings) {
    /** Where every chain starts: the learner database, nothing SET. */
    static final StateContext ROOT = new StateContext("learner", Map.of());
  }

  /**
   * What identifies a run in its record.
   *
   * @param kind {@code run}, or {@code query} for a read-only query, whose {@code throughCell} is
   *     the cell queried ({@code ""} for the base) and {@code headState} the state queried
   */
  record RunIdentity(String runId, String kind, String owner, String worksheetId, String throughCell,
      StateId headState) {}

  /**
   * Records that a run started, without waiting for the control database to flush it to disk (an
   * asynchronous commit, one flush fewer on every run's path). What the record is for survives
   * that: a crashed platform leaves its control database running, which writes the record out
   * within a fraction of a second, and {@link #finished} commits synchronously, which flushes the
   * start with it and, should the control database itself have crashed and lost the start, writes
   * the whole record again.
   */
  void started(RunIdentity run) {
    jdbc.sql("""
            INSERT INTO sql_runner.run (id, kind, owner, worksheet_id, through_cell, head_state)
            VALUES (?, ?, ?, ?, ?, ?)
            """ + LazyCommit.RETURNING)
        .params(run.runId(), run.kind(), run.owner(), run.worksheetId(), run.throughCell(), run.headState().hex())
        .query(String.class).single();
  }

  /** Records how a run ended, durably before the call returns. */
  void finished(RunIdentity run, String outcome, Optional<StateId> restoredFrom, int replayed, int executed,
      double durationMs) {
    jdbc.sql("""
            INSERT INTO sql_runner.run AS r (id, kind, owner, worksheet_id, through_cell, head_state, started_at,
                                             finished_at, outcome, restored_from, replayed_steps, executed_steps,
                                             duration_ms)
            VALUES (?, ?, ?, ?, ?, ?, now() - make_interval(secs => ? / 1000.0), now(), ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE
               SET finished_at = excluded.finished_at, outcome = excluded.outcome,
                   restored_from = excluded.restored_from, replayed_steps = excluded.replayed_steps,
                   executed_steps = excluded.executed_steps, duration_ms = excluded.duration_ms""")
        .params(run.runId(), run.kind(), run.owner(), run.worksheetId(), run.throughCell(), run.headState().hex(),
            durationMs, outcome, restoredFrom.map(StateId::hex).orElse(null), replayed, executed, durationMs)
        .update();
  }

  /** Marks runs a crashed platform left unfinished; returns how many there were. */
  int interruptUnfinished() {
    return jdbc.sql("UPDATE sql_runner.run SET outcome = 'interrupted', finished_at = now() WHERE outcome = 'running'")
        .update();
  }

  /**
   * Records what a session needs at a state before the state is published, committed lazily: the
   * state's own row is committed after it, and the WAL keeps that order, so a state row never
   * survives a crash without its context.
   */
  void saveContext(StateId state, StateContext context) {
    jdbc.sql("""
            INSERT INTO sql_runner.state_context (state_id, database, settings) VALUES (?, ?, ?::jsonb)
            ON CONFLICT (state_id) DO NOTHING
            """ + LazyCommit.RETURNING)
        .params(state.hex(), context.database(), json.writeValueAsString(context.settings()))
        .query(String.class).list();
  }

  Optional<StateContext> context(StateId state) {
    return jdbc.sql("SELECT database, settings FROM sql_runner.state_context WHERE state_id = ?").param(state.hex())
        .query((row, number) -> {
          Map<String, String> settings = new TreeMap<>();
          json.readTree(row.getString("settings")).properties()
              .forEach(entry -> settings.put(entry.getKey(), entry.getValue().asString()));
          return new StateContext(row.getString("database"), settings);
        }).optional();
  }
}
