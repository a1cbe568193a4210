package dev.taidon.server;

import static dev.taidon.server.Learner.lastStatements;
import static dev.taidon.server.Learner.modes;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.testkit.PlatformPerClass;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Replayed steps under the default policy: published when replaying them since the last snapshot
 * cost as much as a snapshot, so a slow cell is kept and quick cells are run again instead.
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

  private static List<Boolean> published(JsonNode run) {
    return run.path("steps").valueStream().map(step -> step.path("published").asBoolean()).toList();
  }
}
