package dev.taidon.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.testkit.ServerProcess;
import dev.taidon.testkit.TestDirectories;
import dev.taidon.testkit.load.LoadDriver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A small load in the suite: forty learners, anonymous and registered, working on dataset
 * worksheets at once for about a minute. It asserts correctness only (every answer as expected,
 * every intended error back as intended), never timing; `./taidon bench load` is the measured run.
 */
class LoadSmokeIT {
  private static Path base;
  private static ServerProcess server;

  @BeforeAll
  static void start() {
    base = TestDirectories.create("load");
    // All learners come from one address here; a classroom behind one NAT would need the same.
    server = ServerProcess.start(base.resolve("server.log"), List.of("--data-dir=" + base.resolve("data"),
        "--taidon.gateway.address-rate=2000", "--taidon.gateway.address-burst=4000"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    TestDirectories.delete(base);
  }

  @Test
  void fortyLearnersAtOnceGetEveryAnswerRight() throws Exception {
    LoadDriver.Report report = LoadDriver.run(server.baseUrl(), new LoadDriver.Config(35, 5, Duration.ofSeconds(10),
        Duration.ofSeconds(45), Duration.ofMillis(800), 7));
    assertThat(report.unexpected()).as("what went wrong").isEmpty();
    assertThat(report.unexpectedErrors()).isZero();
    assertThat(report.latencies().get(LoadDriver.Kind.FIRST_RESULT)).as("every learner got a first result").hasSize(40);
    assertThat(report.latencies().get(LoadDriver.Kind.RUN_AFTER_EDIT)).as("edits were replayed").isNotEmpty();
    assertThat(report.intendedErrors()).as("intended SQL errors came back as errors").isPositive();
    assertThat(report.requests()).isGreaterThan(400);
    assertThat(server.get("/actuator/health/readiness").statusCode()).as("still ready after the load").isEqualTo(200);
  }
}
