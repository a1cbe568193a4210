package dev.taidon.server;

import static dev.taidon.server.PlatformScenario.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.pg.UnixSocketJdbc;
import dev.taidon.testkit.ServerProcess;
import dev.taidon.testkit.TestDirectories;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A control database that stalls (here: a session holding a lock the platform needs) fails the
 * requests that need it with 503 once {@code taidon.control-db.statement-timeout} passes, instead
 * of holding them; it changes nothing, and once the lock is gone the same requests succeed.
 */
class ControlDatabaseStallIT {
  private Path base;
  private Path data;
  private ServerProcess server;

  @BeforeEach
  void start() {
    base = TestDirectories.create("control-stall");
    data = base.resolve("data");
    server = ServerProcess.start(base.resolve("server.log"), List.of("--data-dir=" + data,
        "--taidon.sandbox.pool-size=0", "--taidon.control-db.statement-timeout=1s"));
  }

  @AfterEach
  void stop() {
    server.close();
    TestDirectories.delete(base);
  }

  @Test
  void aLockHeldOnTheWorksheetsFailsTheirChangesWith503AndLosesNothing() throws Exception {
    Learner learner = Learner.anonymous(server);
    String worksheet = Learner.JSON.readTree(learner.post("/api/v1/worksheets", Map.of("title", "kept")).body())
        .path("id").asString();
    List<Map<String, String>> before = List.of(Map.of("id", "a", "sql", "SELECT 1"));
    assertThat(learner.put("/api/v1/worksheets/" + worksheet, Map.of("cells", before)).statusCode()).isEqualTo(200);

    try (Connection stuck = DriverManager.getConnection(UnixSocketJdbc.url(data.resolve("run/control-db"), "taidon"),
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

    JsonNode kept = Learner.JSON.readTree(learner.get("/api/v1/worksheets/" + worksheet).body());
    assertThat(kept.at("/cells/0/sql").asString()).as("the refused change left the cells as they were")
        .isEqualTo("SELECT 1");
    assertThat(learner.put("/api/v1/worksheets/" + worksheet,
        Map.of("cells", List.of(Map.of("id", "a", "sql", "SELECT 2")))).statusCode())
        .as("the same change once the lock is gone").isEqualTo(200);
    assertThat(Learner.JSON.readTree(learner.get("/api/v1/worksheets/" + worksheet).body()).at("/cells/0/sql").asString())
        .isEqualTo("SELECT 2");
  }
}
