package dev.taidon.sqlrunner;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;
import dev.taidon.sqlrunner.script.ScriptItem;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * What happens during a run, in order: {@code run} (the plan), then per step {@code step},
 * per statement {@code statement}, {@code columns}, {@code rows} (in batches), {@code notice}s,
 * {@code statementEnd}; then {@code stepEnd}; finally {@code end}. Each is one line of the NDJSON
 * stream, its kind in the {@code event} member.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "event")
@JsonSubTypes({
    @JsonSubTypes.Type(RunEvent.Started.class),
    @JsonSubTypes.Type(RunEvent.StepStarted.class),
    @JsonSubTypes.Type(RunEvent.StatementStarted.class),
    @JsonSubTypes.Type(RunEvent.Columns.class),
    @JsonSubTypes.Type(RunEvent.Rows.class),
    @JsonSubTypes.Type(RunEvent.Notice.class),
    @JsonSubTypes.Type(RunEvent.StatementEnded.class),
    @JsonSubTypes.Type(RunEvent.StepEnded.class),
    @JsonSubTypes.Type(RunEvent.Ended.class),
    @JsonSubTypes.Type(RunEvent.Heartbeat.class)})
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public sealed interface RunEvent {

  /** How a step came to be applied in a run. */
  enum Mode {
    /** The sandbox already held the step's effects. */
    reused,
    /** The step's state was restored from the cache. */
    restored,
    /** The step was executed again without showing results (it is part of the tail). */
    replayed,
    /** The step is part of the head: executed, with results. */
    executed
  }

  /**
   * The run's plan.
   *
   * @param runId the run, for {@code POST /api/v1/runs/{runId}/cancel}
   * @param worksheetId the worksheet
   * @param steps every cell through the last one asked for, with its state id and how it will be applied
   */
  @JsonTypeName("run")
  record Started(String runId, String worksheetId, List<PlannedStep> steps) implements RunEvent {}

  record PlannedStep(String cellId, String stateId, Mode mode) {}

  @JsonTypeName("step")
  record StepStarted(String cellId, Mode mode) implements RunEvent {}

  /**
   * @param index the statement's place in its cell, from 0
   * @param sql its text
   * @param position where it starts in the cell
   */
  @JsonTypeName("statement")
  record StatementStarted(int index, String sql, ScriptItem.Position position) implements RunEvent {}

  /** The result's columns with their PostgreSQL type names. */
  @JsonTypeName("columns")
  record Columns(List<Column> columns) implements RunEvent {}

  record Column(String name, String type) {}

  /** Rows in PostgreSQL's text format, {@code null} for SQL NULL. */
  @JsonTypeName("rows")
  record Rows(List<List<String>> rows) implements RunEvent {}

  @JsonInclude(JsonInclude.Include.NON_ABSENT)
  @JsonTypeName("notice")
  record Notice(String severity, String message, Optional<String> detail, Optional<String> hint) implements RunEvent {}

  /**
   * @param commandTag the server's tag ({@code SELECT 3}, {@code CREATE TABLE}), absent after an error
   * @param rowCount the number in the tag, for commands that count rows
   * @param truncated whether rows or values were left out because of the limits
   * @param error the error, if the statement failed (later statements of the cell do not run)
   * @param plan for {@code EXPLAIN (FORMAT JSON)}, the plan as a tree
   * @param durationMs how long the statement took
   */
  @JsonInclude(JsonInclude.Include.NON_ABSENT)
  @JsonTypeName("statementEnd")
  record StatementEnded(
      Optional<String> commandTag, Optional<Long> rowCount, boolean truncated, Optional<SqlError> error,
      Optional<JsonNode> plan, double durationMs) implements RunEvent {}

  /**
   * @param sqlstate the five-character SQLSTATE
   * @param message the primary message
   * @param detail optional detail
   * @param hint optional hint
   * @param position where in the cell the error is, when the server said
   * @param context where in called functions it arose, when the server said
   */
  @JsonInclude(JsonInclude.Include.NON_ABSENT)
  record SqlError(
      String sqlstate, String message, Optional<String> detail, Optional<String> hint,
      Optional<ScriptItem.Position> position, Optional<String> context) {}

  /**
   * @param cellId the cell
   * @param stateId the state the step reached
   * @param outcome {@code succeeded}, {@code failed} (a statement failed) or {@code cancelled}
   * @param transaction {@code idle}, {@code open} (a transaction stays open: no state is published)
   *     or {@code failed} (an open transaction failed: only ROLLBACK helps)
   * @param published whether the state is now cached as a snapshot
   * @param volatileFunctions whether the cell calls functions whose results change between runs
   *     ({@code now()}, {@code random()}, …): replaying it gives new values
   * @param durationMs how long the step took, publishing included
   */
  @JsonTypeName("stepEnd")
  record StepEnded(
      String cellId, String stateId, String outcome, String transaction, boolean published, boolean volatileFunctions,
      double durationMs) implements RunEvent {}

  /**
   * @param outcome {@code succeeded} (every executed step succeeded), {@code failed} or {@code cancelled}
   * @param timings where the time went
   * @param failure why the run stopped, when the platform (not the SQL) failed: the sandbox died,
   *     the store is full, …
   */
  @JsonTypeName("end")
  record Ended(String outcome, Timings timings, Optional<String> failure) implements RunEvent {}

  /**
   * Nothing happened for a while (a long statement runs): sent so that a reader that went away is
   * noticed, and so that proxies keep the stream open. Carries nothing.
   */
  @JsonTypeName("heartbeat")
  record Heartbeat() implements RunEvent {}

  /** Milliseconds spent planning, restoring a cached state, replaying the tail, executing the head, in all. */
  record Timings(double planMs, double restoreMs, double replayMs, double executeMs, double totalMs) {}
}
