package dev.taidon.server;

import static dev.taidon.server.PlatformScenario.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import dev.taidon.testkit.PlatformPerClass;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

/**
 * Past {@code taidon.gateway.max-in-flight}, requests wait their turn and are refused with 503
 * {@code overloaded} when it does not come in time; cancelling a run never waits, and a learner's
 * long statement stops keeping others out after {@code taidon.gateway.admission-hold}. With a bound
 * of one, a single running statement fills the platform.
 */
class AdmissionIT {
  @RegisterExtension
  static final PlatformPerClass platform = new PlatformPerClass("admission", "--taidon.sandbox.pool-size=0",
      "--taidon.runner.prebuild-datasets=false", "--taidon.runner.anonymous-statement-timeout=60s",
      "--taidon.gateway.max-in-flight=1", "--taidon.gateway.admission-wait=2s", "--taidon.gateway.admission-hold=8s");

  @Test
  void aFullPlatformRefusesAfterTheWaitWhileCancellingAndLongStatementsGetThrough() throws Exception {
    Learner sleeper = Learner.anonymous(platform.server());
    Learner other = Learner.anonymous(platform.server());
    String worksheet = sleeper.worksheet(null);
    sleeper.cells(worksheet, "warm", "SELECT 1", "slow", "SELECT pg_sleep(50)");
    // The sandbox starts now, so that a long run below holds its turn for its statement only.
    sleeper.run(worksheet, "warm");

    try (Learner.LiveRun run = sleeper.runLive(worksheet, "slow")) {
      String runId = run.await("run").path("runId").asString();

      HttpResponse<String> refused = other.get("/api/v1/me");
      assertProblem(refused, 503, "overloaded");
      assertThat(refused.headers().firstValue("Retry-After")).as("Retry-After of the refusal").hasValue("5");
      assertThat(refused.body()).contains("taidon.gateway.admission-wait");

      assertThat(sleeper.post("/api/v1/runs/" + runId + "/cancel", "").statusCode())
          .as("cancelling the run that fills the platform").isEqualTo(202);
      List<JsonNode> rest = run.rest();
      assertThat(rest.getLast().path("outcome").asString()).isEqualTo("cancelled");
    }
    assertThat(other.get("/api/v1/me").statusCode()).as("a request once the run has ended").isEqualTo(200);

    try (Learner.LiveRun run = sleeper.runLive(worksheet, "slow")) {
      String runId = run.await("run").path("runId").asString();
      HttpResponse<String> answered = other.get("/api/v1/me");
      // Each refusal takes the 2 s wait; the 8 s hold is past after at most five of them.
      for (int refusals = 1; answered.statusCode() == 503 && refusals < 8; refusals++) {
        answered = other.get("/api/v1/me");
      }
      assertThat(answered.statusCode()).as("a request while a statement has held its turn past the 8 s hold: %s",
          answered.body()).isEqualTo(200);
      assertThat(sleeper.get("/api/v1/worksheets/" + worksheet).statusCode())
          .as("the sleeper's own next request, while its statement still runs").isEqualTo(200);
      String metrics = platform.server().get("/actuator/prometheus").body();
      assertThat(metrics).containsPattern("taidon_gateway_admission_outlasted_total(\\{[^}]*})? [1-9]")
          .containsPattern("taidon_gateway_admission_refused_total(\\{[^}]*})? [1-9]");
      assertThat(sleeper.post("/api/v1/runs/" + runId + "/cancel", "").statusCode())
          .as("the long run, still running when the others got through").isEqualTo(202);
    }
  }
}
