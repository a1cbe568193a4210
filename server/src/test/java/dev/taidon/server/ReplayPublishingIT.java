package dev.taidon.server;

import static dev.taidon.server.Learner.json;
import static dev.taidon.server.Learner.lastStatements;
import static dev.taidon.server.Learner.modes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.testkit.Await;
import dev.taidon.testkit.PlatformPerClass;
import dev.taidon.testkit.PrometheusText;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Publishing under the default policies: replayed steps are published when replaying them since
 * the last snapshot cost a snapshot's cost over {@code replay-snapshot-share}, so a slow cell is
 * kept and quick cells are run again instead; the state a run ends at is published after the
 * answer, and whatever the learner does next waits for it.
 */
class ReplayPublishingIT {
  @RegisterExtension
  static final PlatformPerClass platform = new PlatformPerClass("replay-publishing", "--taidon.sandbox.pool-size=0");

  @Test
  void aSlowReplayedCellIsKeptAndQuickOnesAreRunAgainAfterAnEdit() {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "slow", "CREATE TABLE numbers AS SELECT 1 AS n FROM pg_sleep(0.5)",
        "two", "INSERT INTO numbers VALUES (2)", "three", "INSERT INTO numbers VALUES (3)",
        "sum", "SELECT sum(n) FROM numbers");

    JsonNode first = learner.run(worksheet, "sum");

    assertThat(first.path("outcome").asString()).as("first run: %s", first).isEqualTo("succeeded");
    assertThat(published(first)).as("which replayed steps were published: the half-second cell costs more than"
            + " a snapshot; the two quick inserts after it, a few milliseconds together, do not")
        .containsExactly(true, false, false, false);
    assertThat(lastStatements(first).get(0).path("rows").get(0).get(0).asString()).isEqualTo("6");

    learner.cells(worksheet, "slow", "CREATE TABLE numbers AS SELECT 1 AS n FROM pg_sleep(0.5)",
        "two", "INSERT INTO numbers VALUES (2)", "three", "INSERT INTO numbers VALUES (30)",
        "sum", "SELECT sum(n) FROM numbers");
    JsonNode edited = learner.run(worksheet, "sum");

    assertThat(modes(edited)).as("after editing the third cell: the slow cell's state is restored, the quick cell"
            + " before the edit runs again")
        .containsExactly("restored", "replayed", "replayed", "executed");
    assertThat(lastStatements(edited).get(0).path("rows").get(0).get(0).asString())
        .as("1 + 2 + 30: the result reflects the edit").isEqualTo("33");
  }

  @Test
  void theStateARunEndsAtIsKeptRightAfterTheAnswerAndWhatFollowsWaitsForIt() {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "fill", "CREATE TABLE numbers AS SELECT g AS n FROM generate_series(1, 20000) g",
        "sum", "SELECT sum(n) FROM numbers");

    JsonNode filled = learner.run(worksheet, "fill");
    JsonNode summed = learner.run(worksheet, "sum");

    assertThat(published(filled)).as("the run says the state it ended at is kept").containsExactly(true);
    assertThat(summed.path("outcome").asString()).as("a run sent the moment the previous one answered waits for its"
        + " publish rather than being refused: %s", summed).isEqualTo("succeeded");
    assertThat(modes(summed)).containsExactly("reused", "executed");
    assertThat(lastStatements(summed).get(0).path("rows").get(0).get(0).asString()).isEqualTo("200010000");

    learner.cells(worksheet, "fill", "CREATE TABLE numbers AS SELECT g AS n FROM generate_series(1, 30000) g",
        "sum", "SELECT sum(n) FROM numbers");
    JsonNode refilled = learner.run(worksheet, "fill");
    JsonNode states = json(learner.get("/api/v1/worksheets/" + worksheet + "/states"), 200);

    assertThat(states.get(0).path("stateId").asString()).isEqualTo(refilled.path("steps").get(0).path("stateId").asString());
    assertThat(states.get(0).path("cached").asBoolean())
        .as("the states listed the moment the run answered show its state as cached, as the run said").isTrue();

    // Large enough that its publish (writing out some 30 MB) is still going on when the save arrives.
    double beforeLargeEdit = preparations();
    learner.cells(worksheet, "fill", "CREATE TABLE numbers AS SELECT g AS n, md5(g::text) AS h"
        + " FROM generate_series(1, 400000) g", "sum", "SELECT sum(n) FROM numbers");
    Await.until("the save to prepare the sandbox", Duration.ofSeconds(10), () -> preparations() > beforeLargeEdit,
        ReplayPublishingIT::preparations);
    double preparedBefore = preparations();
    learner.run(worksheet, "fill");
    learner.cells(worksheet, "fill", "CREATE TABLE numbers AS SELECT g AS n FROM generate_series(1, 40000) g",
        "sum", "SELECT sum(n) FROM numbers");
    Await.until("an edit saved while the last run's state was being kept to prepare the sandbox all the same",
        Duration.ofSeconds(10), () -> preparations() > preparedBefore, ReplayPublishingIT::preparations);
    JsonNode afterEdit = learner.run(worksheet, "sum");
    assertThat(modes(afterEdit)).containsExactly("replayed", "executed");
    assertThat(lastStatements(afterEdit).get(0).path("rows").get(0).get(0).asString()).isEqualTo("800020000");
  }

  private static double preparations() {
    return PrometheusText.sum(platform.server().get("/actuator/prometheus").body(),
        "taidon_runner_preparations_total", "");
  }

  private static List<Boolean> published(JsonNode run) {
    return run.path("steps").valueStream().map(step -> step.path("published").asBoolean()).toList();
  }
}
