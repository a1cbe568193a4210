package dev.taidon.sqlrunner.internal;

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
   * @param kind {@code run}, or {@code query} for a read-only query, whose {@code throughCell} is
   *     the cell queried ({@code ""} for the base) and {@code headState} the state queried
   */
  void started(String runId, String kind, String owner, String worksheetId, String throughCell, StateId headState) {
    jdbc.sql("""
            INSERT INTO sql_runner.run (id, kind, owner, worksheet_id, through_cell, head_state)
            VALUES (?, ?, ?, ?, ?, ?)""")
        .params(runId, kind, owner, worksheetId, throughCell, headState.hex()).update();
  }

  void finished(String runId, String outcome, Optional<StateId> restoredFrom, int replayed, int executed,
      double durationMs) {
    jdbc.sql("""
            UPDATE sql_runner.run SET finished_at = now(), outcome = ?, restored_from = ?, replayed_steps = ?,
                   executed_steps = ?, duration_ms = ?
            WHERE id = ?""")
        .params(outcome, restoredFrom.map(StateId::hex).orElse(null), replayed, executed, durationMs, runId).update();
  }

  /** Marks runs a crashed platform left unfinished; returns how many there were. */
  int interruptUnfinished() {
    return jdbc.sql("UPDATE sql_runner.run SET outcome = 'interrupted', finished_at = now() WHERE outcome = 'running'")
        .update();
  }

  void saveContext(StateId state, StateContext context) {
    jdbc.sql("""
            INSERT INTO sql_runner.state_context (state_id, database, settings) VALUES (?, ?, ?::jsonb)
            ON CONFLICT (state_id) DO NOTHING""")
        .params(state.hex(), context.database(), json.writeValueAsString(context.settings())).update();
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
