package dev.taidon.server;

import static dev.taidon.server.PlatformScenario.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.pg.UnixSocketJdbc;
import dev.taidon.testkit.PlatformPerClass;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * A control database that stalls (here: a session holding a lock the platform needs) fails the
 * requests that need it with 503 once {@code taidon.control-db.statement-timeout} passes, instead
 * of holding them; it changes nothing, and once the lock is gone the same requests succeed.
 */
class ControlDatabaseStallIT {
  @RegisterExtension
  static final PlatformPerClass platform = new PlatformPerClass("control-stall", "--taidon.sandbox.pool-size=0",
      "--taidon.control-db.statement-timeout=1s");

  @Test
  void aLockHeldOnTheWorksheetsFailsTheirChangesWith503AndLosesNothing() throws Exception {
    Learner learner = Learner.anonymous(platform.server());
    String worksheet = learner.worksheet(null);
    learner.cells(worksheet, "a", "SELECT 1");

    try (Connection stuck = DriverManager.getConnection(UnixSocketJdbc.url(platform.data().resolve("run/control-db"), "taidon"),
        "postgres", ""); Statement statement = stuck.createStatement()) {
      stuck.setAutoCommit(false);
      statement.execute("LOCK TABLE user_profile.worksheet IN ACCESS EXCLUSIVE MODE");

      HttpResponse<String> refused = learner.put("/api/v1/worksheets/" + worksheet,
          Map.of("cells", List.of(Map.of("id", "a", "sql", "SELECT 2"))));
      assertProblem(refused, 503, "control-database-unavailable");
      assertThat(refused.headers().firstValue("Retry-After")).as("a stall passes: the learner is told to retry")
          .isPresent();
      assertProblem(learner.get("/api/v1/worksheets/" + worksheet), 503, "control-database-unavailable");
      stuck.rollback();
    }

    JsonNode kept = Learner.json(learner.get("/api/v1/worksheets/" + worksheet), 200);
    assertThat(kept.at("/cells/0/sql").asString()).as("the refused change left the cells as they were")
        .isEqualTo("SELECT 1");
    learner.cells(worksheet, "a", "SELECT 2");
    assertThat(Learner.json(learner.get("/api/v1/worksheets/" + worksheet), 200).at("/cells/0/sql").asString())
        .as("the same change once the lock is gone").isEqualTo("SELECT 2");
  }
}
