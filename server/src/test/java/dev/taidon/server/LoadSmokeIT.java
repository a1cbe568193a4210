package dev.taidon.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.testkit.PlatformPerClass;
import dev.taidon.testkit.load.LoadDriver;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A small load in the suite: forty learners, anonymous and registered, working on dataset
 * worksheets at once for about a minute. It asserts correctness only (every answer as expected,
 * every intended error back as intended), never timing; `./taidon bench load` is the measured run.
 */
class LoadSmokeIT {
  // All learners come from one address here; a classroom behind one NAT would need the same.
  @RegisterExtension
  static final PlatformPerClass platform = new PlatformPerClass("load", "--taidon.gateway.address-rate=2000",
      "--taidon.gateway.address-burst=4000");

  @Test
  void fortyLearnersAtOnceGetEveryAnswerRight() throws Exception {
    LoadDriver.Report report = LoadDriver.run(platform.server().baseUrl(), new LoadDriver.Config(35, 5,
        Duration.ofSeconds(10),
        Duration.ofSeconds(45), Duration.ofMillis(800), 7));
    assertThat(report.unexpected()).as("what went wrong").isEmpty();
    assertThat(report.unexpectedErrors()).isZero();
    assertThat(report.latencies().get(LoadDriver.Kind.FIRST_RESULT)).as("every learner got a first result").hasSize(40);
    assertThat(report.latencies().get(LoadDriver.Kind.RUN_AFTER_EDIT)).as("edits were replayed").isNotEmpty();
    assertThat(report.intendedErrors()).as("intended SQL errors came back as errors").isPositive();
    assertThat(report.requests()).isGreaterThan(400);
    assertThat(platform.server().get("/actuator/health/readiness").statusCode())
        .as("still ready after the load").isEqualTo(200);
  }
}
