package dev.taidon.sqlrunner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.sqlrunner.script.ScriptItem;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class RunResultTest {

  @Test
  void eventsBecomeOneDocumentWithRowsUnderTheirStatement() {
    Stream<RunEvent> events = Stream.of(
        new RunEvent.Started("run-1", "ws-1", List.of(new RunEvent.PlannedStep("a", "s1", RunEvent.Mode.reused),
            new RunEvent.PlannedStep("b", "s2", RunEvent.Mode.executed))),
        new RunEvent.StepStarted("b", RunEvent.Mode.executed),
        new RunEvent.StatementStarted(0, "SELECT x FROM t", new ScriptItem.Position(1, 1)),
        new RunEvent.Columns(List.of(new RunEvent.Column("x", "integer"))),
        new RunEvent.Rows(List.of(List.of("1"))),
        new RunEvent.Notice("NOTICE", "hi", Optional.empty(), Optional.empty()),
        new RunEvent.Rows(List.of(List.of("2"))),
        new RunEvent.StatementEnded(Optional.of("SELECT 2"), Optional.of(2L), false, Optional.empty(), Optional.empty(),
            1.5),
        new RunEvent.StepEnded("b", "s2", "succeeded", "idle", true, false, 2.0),
        new RunEvent.Ended("succeeded", new RunEvent.Timings(0.1, 0, 0, 2, 2.5), Optional.empty()));
    RunResult result = RunResult.collect(events);
    assertThat(result.runId()).isEqualTo("run-1");
    assertThat(result.steps()).extracting(RunResult.Step::mode).containsExactly(RunEvent.Mode.reused,
        RunEvent.Mode.executed);
    assertThat(result.steps().get(0).statements()).as("a reused step has no statements").isEmpty();
    RunResult.Statement statement = result.steps().get(1).statements().getFirst();
    assertThat(statement.rows()).contains(List.of(List.of("1"), List.of("2")));
    assertThat(statement.notices()).extracting(RunEvent.Notice::message).containsExactly("hi");
    assertThat(statement.commandTag()).contains("SELECT 2");
    assertThat(result.steps().get(1).published()).contains(true);
    assertThat(result.outcome()).isEqualTo("succeeded");
  }

  @Test
  void aStreamThatEndsWithoutItsEndEventIsAFailedRun() {
    RunResult result = RunResult.collect(Stream.of(new RunEvent.Started("run-2", "ws-1", List.of())));
    assertThat(result.outcome()).isEqualTo("failed");
    assertThat(result.failure()).isPresent();
  }
}
