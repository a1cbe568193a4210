package dev.taidon.server;

import static dev.taidon.server.Learner.lastStatements;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.testkit.PlatformPerClass;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/** Sessions nobody uses are closed; what they held is rebuilt by replay on the next run. */
class SessionIdleIT {
  @RegisterExtension
  static final PlatformPerClass platform = new PlatformPerClass("session-idle", "--taidon.sandbox.pool-size=0",
      "--taidon.runner.prebuild-datasets=false", "--taidon.runner.session-idle=1s");

  @Test
  void anIdleSessionIsClosedAndTheOpenTransactionItHeldIsReplayed() throws Exception {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "open", "CREATE TABLE t (x int); BEGIN; INSERT INTO t VALUES (1);", "count",
        "SELECT count(*) FROM t");
    learner.run(worksheet, "open");
    Thread.sleep(2_500);
    JsonNode after = learner.run(worksheet, "count");
    List<String> modes = StreamSupport.stream(after.path("steps").spliterator(), false)
        .map(step -> step.path("mode").asString()).toList();
    assertThat(modes).as("the session with the open transaction was closed, so the cell before was replayed")
        .containsExactly("replayed", "executed");
    assertThat(lastStatements(after).get(0).path("rows").get(0).get(0).asString()).isEqualTo("1");
  }
}
