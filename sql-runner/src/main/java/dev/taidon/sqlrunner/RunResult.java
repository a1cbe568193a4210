package dev.taidon.sqlrunner;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.taidon.sqlrunner.script.ScriptItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;

/**
 * A whole run as one document: what {@code Accept: application/json} returns. Built from the
 * events of {@link SqlRunner#run}; holds at most the limits' worth of rows per statement.
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record RunResult(
    String runId, String worksheetId, String outcome, List<Step> steps, RunEvent.Timings timings,
    Optional<String> failure) {

  @JsonInclude(JsonInclude.Include.NON_ABSENT)
  public record Step(
      String cellId, RunEvent.Mode mode, String stateId, Optional<String> outcome, Optional<String> transaction,
      Optional<Boolean> published, Optional<Boolean> volatileFunctions, Optional<Double> durationMs,
      List<Statement> statements) {}

  @JsonInclude(JsonInclude.Include.NON_ABSENT)
  public record Statement(
      String sql, ScriptItem.Position position, Optional<String> commandTag, Optional<Long> rowCount,
      Optional<List<RunEvent.Column>> columns, Optional<List<List<String>>> rows, boolean truncated,
      List<RunEvent.Notice> notices, Optional<RunEvent.SqlError> error, Optional<JsonNode> plan, double durationMs) {}

  /** Collects a run's events into one document, closing the stream. */
  public static RunResult collect(Stream<RunEvent> events) {
    try (events) {
      Collector collector = new Collector();
      events.forEachOrdered(collector::accept);
      return collector.result();
    }
  }

  private static final class Collector {
    private String runId = "";
    private String worksheetId = "";
    private final List<StepBuilder> steps = new ArrayList<>();
    private StepBuilder step;
    private StatementBuilder statement;
    private RunEvent.Ended end;

    void accept(RunEvent event) {
      switch (event) {
        case RunEvent.Started started -> {
          runId = started.runId();
          worksheetId = started.worksheetId();
          for (RunEvent.PlannedStep planned : started.steps()) {
            steps.add(new StepBuilder(planned));
          }
        }
        case RunEvent.StepStarted started -> step = steps.stream()
            .filter(candidate -> candidate.planned.cellId().equals(started.cellId())).findFirst()
            .orElseGet(() -> {
              StepBuilder added = new StepBuilder(new RunEvent.PlannedStep(started.cellId(), "", started.mode()));
              steps.add(added);
              return added;
            });
        case RunEvent.StatementStarted started -> {
          statement = new StatementBuilder(started);
          step.statements.add(statement);
        }
        case RunEvent.Columns columns -> {
          statement.columns = columns.columns();
          statement.rows = new ArrayList<>();
        }
        case RunEvent.Rows rows -> statement.rows.addAll(rows.rows());
        case RunEvent.Notice notice -> statement.notices.add(notice);
        case RunEvent.StatementEnded ended -> statement.end = ended;
        case RunEvent.StepEnded ended -> step.end = ended;
        case RunEvent.Ended ended -> end = ended;
        case RunEvent.Heartbeat heartbeat -> { }
      }
    }

    RunResult result() {
      RunEvent.Ended ended = end != null ? end
          : new RunEvent.Ended("failed", new RunEvent.Timings(0, 0, 0, 0, 0), Optional.of("the run ended unexpectedly"));
      return new RunResult(runId, worksheetId, ended.outcome(), steps.stream().map(StepBuilder::build).toList(),
          ended.timings(), ended.failure());
    }
  }

  private static final class StepBuilder {
    private final RunEvent.PlannedStep planned;
    private final List<StatementBuilder> statements = new ArrayList<>();
    private RunEvent.StepEnded end;

    StepBuilder(RunEvent.PlannedStep planned) {
      this.planned = planned;
    }

    Step build() {
      Optional<RunEvent.StepEnded> ended = Optional.ofNullable(end);
      return new Step(planned.cellId(), planned.mode(), ended.map(RunEvent.StepEnded::stateId).orElse(planned.stateId()),
          ended.map(RunEvent.StepEnded::outcome), ended.map(RunEvent.StepEnded::transaction),
          ended.map(RunEvent.StepEnded::published), ended.map(RunEvent.StepEnded::volatileFunctions),
          ended.map(RunEvent.StepEnded::durationMs), statements.stream().map(StatementBuilder::build).toList());
    }
  }

  private static final class StatementBuilder {
    private final RunEvent.StatementStarted start;
    private List<RunEvent.Column> columns;
    private List<List<String>> rows;
    private final List<RunEvent.Notice> notices = new ArrayList<>();
    private RunEvent.StatementEnded end;

    StatementBuilder(RunEvent.StatementStarted start) {
      this.start = start;
    }

    Statement build() {
      Optional<RunEvent.StatementEnded> ended = Optional.ofNullable(end);
      return new Statement(start.sql(), start.position(), ended.flatMap(RunEvent.StatementEnded::commandTag),
          ended.flatMap(RunEvent.StatementEnded::rowCount), Optional.ofNullable(columns), Optional.ofNullable(rows),
          ended.map(RunEvent.StatementEnded::truncated).orElse(false), List.copyOf(notices),
          ended.flatMap(RunEvent.StatementEnded::error), ended.flatMap(RunEvent.StatementEnded::plan),
          ended.map(RunEvent.StatementEnded::durationMs).orElse(0.0));
    }
  }
}
